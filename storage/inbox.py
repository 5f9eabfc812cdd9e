"""The inbox of updates: every update is stored before Telegram learns that it arrived.

In long polling, ``getUpdates`` with an offset past an update tells Telegram to forget it; the
poller stores each batch, with the next offset, in one transaction before it asks again, so a
crash at any moment loses no update (bot/polling.py). An update leaves the inbox once it is
handled; those still here when an instance becomes active are handled first, in order. An
update is stored once whatever the number of deliveries (``update_id`` is the key): two
instances, or a webhook retried by Telegram, cannot queue it twice.

What Telegram sent is kept only until it is handled: a message's text stays in the database
for the milliseconds its handling takes (or until the next start, after a crash), and on
SQLite the WAL is wiped once the inbox is empty, as after an erasure.
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.database import Database


class Inbox:
    """Storing, listing and dropping the updates not handled yet."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def next_offset(self) -> int:
        """The offset of the next ``getUpdates``: past every update stored (0: none yet)."""
        row = await self._db.fetchone("SELECT next FROM inbox_offset WHERE id = 1")
        return int(row[0]) if row else 0

    async def store(self, updates: Sequence[tuple[int, str]]) -> list[int]:
        """Keep ``(update_id, json)`` pairs not seen before and move the offset past all of
        them, in one transaction; return the ids that are new (to be handled now)."""
        if not updates:
            return []
        async with self._db.transaction() as conn:
            async with conn.execute("SELECT next FROM inbox_offset WHERE id = 1") as cursor:
                row = await cursor.fetchone()
            offset = int(row[0]) if row else 0
            fresh = [(update_id, data) for update_id, data in updates if update_id >= offset]
            await conn.executemany(
                "INSERT INTO inbox (update_id, data) VALUES (?, ?) ON CONFLICT DO NOTHING", fresh
            )
            last = max(update_id for update_id, _ in updates)
            await conn.execute(
                "UPDATE inbox_offset SET next = ? WHERE id = 1 AND next <= ?", (last + 1, last)
            )
        return [update_id for update_id, _ in fresh]

    async def accept(self, update_id: int, data: str) -> bool:
        """Keep one update that came by webhook; ``False`` if it was stored before."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO inbox (update_id, data) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (update_id, data),
            )
            fresh = cursor.rowcount == 1
            await cursor.close()
        return fresh

    async def pending(self) -> list[tuple[int, str]]:
        """The updates not handled yet, oldest first."""
        rows = await self._db.fetchall("SELECT update_id, data FROM inbox ORDER BY update_id")
        return [(int(row[0]), str(row[1])) for row in rows]

    async def done(self, *update_ids: int) -> bool:
        """Updates were handled: forget them (in the caller's transaction, if any, e.g. the one
        that stores the conversation states they changed); return whether none is left. The
        caller then calls :meth:`wipe`."""
        async with self._db.transaction() as conn:
            await conn.executemany(
                "DELETE FROM inbox WHERE update_id = ?", [(update_id,) for update_id in update_ids]
            )
            async with conn.execute("SELECT EXISTS (SELECT 1 FROM inbox)") as cursor:
                row = await cursor.fetchone()
        return row is None or not row[0]

    async def wipe(self, empty: bool) -> None:
        """Once no update is left (``empty``), wipe: on SQLite, what people sent leaves no
        copy in the WAL (see :meth:`Database.wipe`); until then, the wipe is pending."""
        if empty:
            await self._db.wipe()
        else:
            self._db.wipe_pending = True

    async def size(self) -> int:
        """How many updates wait to be handled."""
        row = await self._db.fetchone("SELECT count(*) FROM inbox")
        return int(row[0]) if row else 0
