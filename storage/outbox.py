"""The outbox: every message the bot initiates, from queued to delivered (or not).

A row is claimed (``sending``) before its send and leaves the table once its fate is known,
counted in its broadcast. Rows still ``sending`` when the bot starts were in flight at a crash:
they become ``unknown`` and wait for a coordinator's decision, never resent silently.
"""

from __future__ import annotations

import time
from collections import Counter

import aiosqlite

from bot.domain.broadcasts import Delivery, Fate, Progress, Settlement
from storage.database import Database
from storage.users import Users


class Outbox:
    """Queries and commands on the outbox and the broadcasts' counters."""

    def __init__(self, db: Database, users: Users) -> None:
        self._db = db
        self._users = users

    async def recover(self) -> int:
        """Mark rows left ``sending`` by a crash as ``unknown``; return how many."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET state = 'unknown' WHERE state = 'sending'"
            )
            count = cursor.rowcount
            await cursor.close()
        return count

    async def claim(self, limit: int, now: float) -> list[Delivery]:
        """Take up to ``limit`` due rows, oldest first, and mark them ``sending``."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                """
                UPDATE outbox SET state = 'sending'
                WHERE id IN (
                    SELECT id FROM outbox WHERE state = 'pending' AND not_before <= ?
                    ORDER BY not_before, id LIMIT ?
                )
                RETURNING id, broadcast_id, chat_id, content_id, attempts
                """,
                (now, limit),
            )
            rows = await cursor.fetchall()
            await cursor.close()
        return sorted((Delivery(*row) for row in rows), key=lambda delivery: delivery.id)

    async def next_due(self) -> float | None:
        """When the earliest pending row becomes due, or ``None`` when nothing is pending."""
        row = await self._db.fetchone("SELECT min(not_before) FROM outbox WHERE state = 'pending'")
        return None if row is None or row[0] is None else float(row[0])

    async def content(self, content_id: int) -> str:
        """The HTML of a message."""
        row = await self._db.fetchone("SELECT html FROM contents WHERE id = ?", (content_id,))
        if row is None:
            raise LookupError(f"no content {content_id}")
        return str(row["html"])

    async def settle(self, settlements: list[Settlement], at: float | None = None) -> None:
        """Record the fates of a batch of attempts in one transaction; those settled for good
        count in their broadcast's minute ``at`` (now by default), for its delivery chart."""
        minute = int((time.time() if at is None else at) // 60)
        counts: Counter[tuple[int, str]] = Counter()
        failures: Counter[tuple[int, str]] = Counter()
        gone: list[int] = []
        async with self._db.transaction() as conn:
            for settlement in settlements:
                delivery = settlement.delivery
                if settlement.fate in (Fate.RETRY, Fate.DEFERRED):
                    await conn.execute(
                        "UPDATE outbox SET state = 'pending', attempts = attempts + ?, "
                        "not_before = ? WHERE id = ?",
                        (settlement.fate is Fate.RETRY, settlement.not_before, delivery.id),
                    )
                    continue
                if settlement.fate is Fate.UNKNOWN:
                    await conn.execute(
                        "UPDATE outbox SET state = 'unknown' WHERE id = ?", (delivery.id,)
                    )
                    continue
                await conn.execute("DELETE FROM outbox WHERE id = ?", (delivery.id,))
                counts[delivery.broadcast_id, settlement.fate.value] += 1
                if settlement.fate is Fate.FAILED:
                    failures[delivery.broadcast_id, settlement.reason or "unknown error"] += 1
                elif settlement.fate is Fate.BLOCKED:
                    await self._stop_sending_to(conn, delivery.chat_id, counts)
                    gone.append(delivery.chat_id)
            for (broadcast_id, column), count in counts.items():
                await conn.execute(
                    f"UPDATE broadcasts SET {column} = {column} + ? WHERE id = ?",
                    (count, broadcast_id),
                )
                await conn.execute(
                    f"INSERT INTO broadcast_minutes (broadcast_id, minute, {column}) "
                    "VALUES (?, ?, ?) ON CONFLICT (broadcast_id, minute) "
                    f"DO UPDATE SET {column} = {column} + excluded.{column}",
                    (broadcast_id, minute, count),
                )
            await conn.executemany(
                "INSERT INTO broadcast_failures (broadcast_id, reason, count) VALUES (?, ?, ?) "
                "ON CONFLICT (broadcast_id, reason) DO UPDATE SET count = count + excluded.count",
                [
                    (broadcast_id, reason, count)
                    for (broadcast_id, reason), count in failures.items()
                ],
            )
        self._users.forget(gone)

    @staticmethod
    async def _stop_sending_to(
        conn: aiosqlite.Connection, chat_id: int, counts: Counter[tuple[int, str]]
    ) -> None:
        """The recipient is gone: mark them so, and count their queued messages as blocked."""
        await conn.execute("UPDATE users SET blocked = 1 WHERE user_id = ?", (chat_id,))
        cursor = await conn.execute(
            "DELETE FROM outbox WHERE chat_id = ? AND state = 'pending' RETURNING broadcast_id",
            (chat_id,),
        )
        for (broadcast_id,) in await cursor.fetchall():
            counts[broadcast_id, Fate.BLOCKED.value] += 1
        await cursor.close()

    async def progress(self, broadcast_id: int) -> Progress:
        """Counters and queue of one broadcast."""
        row = await self._db.fetchone(
            """
            SELECT total, sent, blocked, failed, cancelled, unknown,
                (SELECT count(*) FROM outbox o WHERE o.broadcast_id = b.id AND state = 'pending'),
                (SELECT count(*) FROM outbox o WHERE o.broadcast_id = b.id AND state = 'sending'),
                (SELECT count(*) FROM outbox o WHERE o.broadcast_id = b.id AND state = 'unknown')
            FROM broadcasts b WHERE id = ?
            """,
            (broadcast_id,),
        )
        if row is None:
            raise LookupError(f"no broadcast {broadcast_id}")
        return Progress(*row)

    async def minutes(self, broadcast_id: int) -> list[tuple[int, int, int, int]]:
        """A broadcast's messages settled per minute: (unix minute, sent, blocked, failed), in
        order of time, minutes without any left out."""
        rows = await self._db.fetchall(
            "SELECT minute, sent, blocked, failed FROM broadcast_minutes "
            "WHERE broadcast_id = ? ORDER BY minute",
            (broadcast_id,),
        )
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    async def failure_reasons(self, broadcast_id: int) -> dict[str, int]:
        """Why messages of a broadcast failed, with counts, most frequent first."""
        rows = await self._db.fetchall(
            "SELECT reason, count FROM broadcast_failures WHERE broadcast_id = ? "
            "ORDER BY count DESC, reason",
            (broadcast_id,),
        )
        return {row["reason"]: row["count"] for row in rows}
