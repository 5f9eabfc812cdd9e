"""Updates of different chats at once, the updates of one chat (and one user) in order.

python-telegram-bot handles updates one at a time by default, so one slow or throttled chat
holds up every other; with plain concurrency, two messages of one user could overtake each
other and a conversation would see them out of order. :class:`PerChatOrder` takes the middle
way: an update waits only for the earlier updates of its own chat and its own user.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 4096
"""Updates in hand at once (most of them waiting for their chat); far above what polling
delivers, so that the order is kept by the chats, not by python-telegram-bot's semaphore."""


def order_keys(update: object) -> tuple[str, ...]:
    """The queues an update joins: its chat's and its user's (an inline query has only a
    user; an update with neither runs at once)."""
    if not isinstance(update, Update):
        return ()
    keys = []
    if update.effective_chat is not None:
        keys.append(f"chat:{update.effective_chat.id}")
    if update.effective_user is not None:
        keys.append(f"user:{update.effective_user.id}")
    return tuple(keys)


class PerChatOrder(BaseUpdateProcessor):
    """Runs each update once the earlier updates of its chat and of its user are done."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._last: dict[str, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Join the queues of the update's chat and user, wait for its turn, handle it."""
        keys = order_keys(update)
        earlier = {self._last[key] for key in keys if key in self._last}
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        for key in keys:
            self._last[key] = done
        try:
            try:
                for previous in earlier:
                    await asyncio.shield(previous)
            except BaseException:
                if inspect.iscoroutine(coroutine):
                    coroutine.close()  # cancelled before its turn: it never runs
                raise
            await coroutine
        finally:
            done.set_result(None)
            for key in keys:
                if self._last.get(key) is done:
                    del self._last[key]

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close: python-telegram-bot waits for the updates in hand."""
