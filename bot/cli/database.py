"""Running a subcommand's work on the bot's database, and saying clearly when it cannot."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from bot.config import Settings

if TYPE_CHECKING:
    from storage import Database

T = TypeVar("T")


class Unusable(Exception):
    """``BOT_DATABASE`` cannot be used; the message says which file and why, in one line."""


def unusable(settings: Settings, cause: object) -> Unusable:
    """The error a subcommand ends with when the database cannot be opened or written."""
    return Unusable(f"BOT_DATABASE {settings.database} cannot be used: {cause}")


def in_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Open ``BOT_DATABASE``, run ``work(db)`` and return its result."""
    from storage import Database
    from storage.database import DatabaseUnavailable

    async def run() -> T:
        async with await Database.open(settings.database) as db:
            return await work(db)

    try:
        return asyncio.run(run())
    except DatabaseUnavailable as error:
        raise unusable(settings, error) from None
