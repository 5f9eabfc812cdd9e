"""Running a subcommand's work on the bot's database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from bot.config import Settings

if TYPE_CHECKING:
    from storage import Database

T = TypeVar("T")


def in_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Open ``BOT_DATABASE``, run ``work(db)`` and return its result."""

    from storage import Database

    async def run() -> T:
        async with await Database.open(settings.database) as db:
            return await work(db)

    return asyncio.run(run())
