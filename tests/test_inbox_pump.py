"""The webhook's pump: what this instance's server stored is handed on at once, in the order of
its ids; what other instances stored is read from the inbox; each update once per term."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update

from bot import polling
from bot.polling import InboxPump
from storage import Database
from storage.inbox import Inbox


class Application:
    """What the pump uses of the application: its update queue and its bot."""

    def __init__(self) -> None:
        self.update_queue: asyncio.Queue[Update] = asyncio.Queue()
        self.bot = None


async def store(inbox: Inbox, update_id: int) -> None:
    assert await inbox.accept(update_id, f'{{"update_id": {update_id}}}')


async def handed(application: Application, count: int) -> list[int]:
    """The ids of the next ``count`` updates queued."""
    return [
        (await asyncio.wait_for(application.update_queue.get(), 5)).update_id for _ in range(count)
    ]


class WatchedInbox(Inbox):
    """An inbox that can be awaited until it has been read a number of times."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.reads = 0
        self._read = asyncio.Condition()

    async def pending(self) -> list[tuple[int, str]]:
        waiting = await super().pending()
        async with self._read:
            self.reads += 1
            self._read.notify_all()
        return waiting

    async def read(self, times: int) -> None:
        """Return once the inbox has been read ``times`` times in all."""
        async with self._read:
            await asyncio.wait_for(self._read.wait_for(lambda: self.reads >= times), 5)


async def test_what_this_instance_stored_is_handed_at_once_in_id_order(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polling, "PUMP_INTERVAL", 3600.0)  # no second look at the inbox
    inbox, application = WatchedInbox(db), Application()
    await store(inbox, 5)  # left by the previous term
    pump = InboxPump(application, inbox)  # type: ignore[arg-type]
    running = asyncio.create_task(pump.run())
    try:
        assert await handed(application, 1) == [5]
        for update_id in (12, 11):  # two requests at once, the later id stored first
            await store(inbox, update_id)
        pump.take(Update(12))
        pump.take(Update(11))
        assert await handed(application, 2) == [11, 12]
        assert inbox.reads == 1  # once, when the term began
    finally:
        running.cancel()


@pytest.mark.parametrize("seen_by_the_read", [True, False])
async def test_an_update_taken_while_the_inbox_is_read_is_handed_once(
    db: Database, monkeypatch: pytest.MonkeyPatch, seen_by_the_read: bool
) -> None:
    """Stored and taken while the pump reads the inbox: whether the read saw it or not, it is
    queued once, and not again at later reads while it waits to be handled."""
    monkeypatch.setattr(polling, "PUMP_INTERVAL", 0.01)
    application = Application()
    pump: InboxPump

    class Racing(WatchedInbox):
        async def pending(self) -> list[tuple[int, str]]:
            if self.reads != 1:
                return await super().pending()
            if seen_by_the_read:
                await store(self, 21)
                pump.take(Update(21))
                return await super().pending()
            waiting = await super().pending()
            await store(self, 21)
            pump.take(Update(21))
            return waiting

    inbox = Racing(db)
    pump = InboxPump(application, inbox)  # type: ignore[arg-type]
    running = asyncio.create_task(pump.run())
    try:
        assert await handed(application, 1) == [21]
        await inbox.read(5)  # later reads find it in the inbox, still
        assert application.update_queue.empty()
    finally:
        running.cancel()


async def test_what_another_instance_stored_is_read_from_the_inbox(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polling, "PUMP_INTERVAL", 0.01)
    inbox, application = WatchedInbox(db), Application()
    pump = InboxPump(application, inbox)  # type: ignore[arg-type]
    running = asyncio.create_task(pump.run())
    try:
        await inbox.read(1)
        await store(inbox, 30)  # by a standing-by instance's server: nobody takes it here
        assert await handed(application, 1) == [30]
        assert await inbox.done(30)  # handled, and none left: the next reads forget it
        await store(inbox, 31)
        assert await handed(application, 1) == [31]
    finally:
        running.cancel()
