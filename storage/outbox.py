"""The outbox: every message the bot initiates, from queued to delivered (or not).

A row is claimed (``sending``) before its send and leaves the table once it is delivered or its
recipient is gone, counted in its broadcast. A row that failed stays (``failed``, with the
reason, counted as failed) for the author to resend or leave unsent. Rows still ``sending`` when
the bot starts were in flight at a crash: they become ``unknown`` and wait for a coordinator's
decision, never resent silently.
"""

from __future__ import annotations

import json
import time
from collections import Counter

from bot.domain.broadcasts import Delivery, Fate, Keyboard, Message, Progress, Settlement
from bot.domain.failures import Failure, stored
from storage.database import Connection, Database
from storage.users import Users


class Outbox:
    """Queries and commands on the outbox and the broadcasts' counters."""

    def __init__(self, db: Database, users: Users) -> None:
        self._db = db
        self._users = users
        self._turn = 0
        """Which broadcast's fresh rows the next claim starts with (they take turns)."""

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
        """Take up to ``limit`` due rows and mark them ``sending``: first the rows put back
        (a 429's retry_after, a retry, a chat's spacing) whose moment has come, earliest
        first, then fresh rows, the broadcasts taking turns and each in the order it was
        queued. A message held by Telegram thus goes out as soon as it may, not after the rest
        of a long broadcast; and an urgent appeal does not wait for 100,000 reminders."""
        async with self._db.transaction() as conn:
            claimed = await _ids(
                conn,
                "SELECT id FROM outbox WHERE state = 'pending' AND not_before > 0 "
                f"AND not_before <= ? ORDER BY not_before, id LIMIT ?{conn.dialect.skip_locked}",
                (now, limit),
            )
            sources = await _ids(
                conn,
                "SELECT id FROM broadcasts WHERE status = 'sending' AND EXISTS ("
                "SELECT 1 FROM outbox WHERE broadcast_id = broadcasts.id AND state = 'pending' "
                "AND not_before = 0) ORDER BY id",
                (),
            )
            for source, share in shares(sources, self._turn, limit - len(claimed)):
                claimed += await _ids(
                    conn,
                    "SELECT id FROM outbox WHERE broadcast_id = ? AND state = 'pending' "
                    f"AND not_before = 0 ORDER BY id LIMIT ?{conn.dialect.skip_locked}",
                    (source, share),
                )
            self._turn += 1
            cursor = await conn.execute(
                "UPDATE outbox SET state = 'sending' "
                f"WHERE id IN ({conn.dialect.json_values()}) "
                "RETURNING id, broadcast_id, chat_id, content_id, attempts, failing_since",
                (json.dumps(claimed),),
            )
            rows = await cursor.fetchall()
            await cursor.close()
        return sorted((Delivery(*row) for row in rows), key=lambda delivery: delivery.id)

    async def next_due(self) -> float | None:
        """When the earliest pending row becomes due, or ``None`` when nothing is pending."""
        row = await self._db.fetchone("SELECT min(not_before) FROM outbox WHERE state = 'pending'")
        return None if row is None or row[0] is None else float(row[0])

    async def content(self, content_id: int) -> Message:
        """The HTML of a message and the buttons under it."""
        row = await self._db.fetchone(
            "SELECT html, buttons FROM contents WHERE id = ?", (content_id,)
        )
        if row is None:
            raise LookupError(f"no content {content_id}")
        buttons: Keyboard = ()
        if row["buttons"] is not None:
            buttons = tuple(
                tuple((str(label), str(data)) for label, data in line)
                for line in json.loads(row["buttons"])
            )
        return Message(str(row["html"]), buttons)

    async def settle(self, settlements: list[Settlement], at: float | None = None) -> None:
        """Record the fates of a batch of attempts in one transaction; those settled for good
        count in their broadcast's minute ``at`` (now by default), for its delivery chart."""
        minute = int((time.time() if at is None else at) // 60)
        counts: Counter[tuple[int, str]] = Counter()
        failures: Counter[tuple[int, Failure]] = Counter()
        gone: list[int] = []
        async with self._db.transaction() as conn:
            for settlement in settlements:
                if await self._record(conn, settlement, counts, failures):
                    gone.append(settlement.delivery.chat_id)
            for (broadcast_id, column), count in counts.items():
                await conn.execute(
                    f"UPDATE broadcasts SET {column} = {column} + ? WHERE id = ?",
                    (count, broadcast_id),
                )
                await conn.execute(
                    f"INSERT INTO broadcast_minutes (broadcast_id, minute, {column}) "
                    "VALUES (?, ?, ?) ON CONFLICT (broadcast_id, minute) "
                    f"DO UPDATE SET {column} = broadcast_minutes.{column} + excluded.{column}",
                    (broadcast_id, minute, count),
                )
            await conn.executemany(
                "INSERT INTO broadcast_failures (broadcast_id, reason, count) VALUES (?, ?, ?) "
                "ON CONFLICT (broadcast_id, reason) DO UPDATE "
                "SET count = broadcast_failures.count + excluded.count",
                [
                    (broadcast_id, reason, count)
                    for (broadcast_id, reason), count in failures.items()
                ],
            )
        self._users.forget(gone)

    async def _record(
        self,
        conn: Connection,
        settlement: Settlement,
        counts: Counter[tuple[int, str]],
        failures: Counter[tuple[int, Failure]],
    ) -> bool:
        """Record one fate, counting what settles; ``True`` if the recipient is gone."""
        delivery, fate = settlement.delivery, settlement.fate
        if fate is Fate.DEFERRED:
            await conn.execute(
                "UPDATE outbox SET state = 'pending', not_before = ? WHERE id = ?",
                (settlement.not_before, delivery.id),
            )
        elif fate is Fate.RETRY:
            await conn.execute(
                "UPDATE outbox SET state = 'pending', attempts = attempts + 1, not_before = ?, "
                "failing_since = ?, reason = ? WHERE id = ?",
                (settlement.not_before, settlement.failing_since, settlement.reason, delivery.id),
            )
        elif fate is Fate.UNKNOWN:
            await conn.execute(
                "UPDATE outbox SET state = 'unknown', reason = ? WHERE id = ?",
                (settlement.reason, delivery.id),
            )
        elif fate is Fate.FAILED:  # kept, with its reason, for the author to resend
            reason = settlement.reason or Failure.TELEGRAM_ERROR
            await conn.execute(
                "UPDATE outbox SET state = 'failed', reason = ? WHERE id = ?", (reason, delivery.id)
            )
            counts[delivery.broadcast_id, fate.value] += 1
            failures[delivery.broadcast_id, reason] += 1
        else:
            await conn.execute("DELETE FROM outbox WHERE id = ?", (delivery.id,))
            counts[delivery.broadcast_id, fate.value] += 1
            if fate is Fate.BLOCKED:
                await self._stop_sending_to(conn, delivery.chat_id, counts)
                return True
        return False

    @staticmethod
    async def _stop_sending_to(
        conn: Connection, chat_id: int, counts: Counter[tuple[int, str]]
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
                (SELECT count(*) FROM outbox o WHERE o.broadcast_id = b.id AND state = 'unknown'),
                (SELECT count(*) FROM outbox o WHERE o.broadcast_id = b.id AND state = 'failed')
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

    async def failure_reasons(self, broadcast_id: int) -> dict[Failure, int]:
        """Why messages of a broadcast failed, with counts, most frequent first."""
        rows = await self._db.fetchall(
            "SELECT reason, count FROM broadcast_failures WHERE broadcast_id = ? "
            "ORDER BY count DESC, reason",
            (broadcast_id,),
        )
        reasons: Counter[Failure] = Counter()
        for row in rows:
            reasons[stored(row["reason"])] += row["count"]
        return dict(reasons.most_common())


def shares(sources: list[int], turn: int, slots: int) -> list[tuple[int, int]]:
    """The ``slots`` of a claim split as evenly as may be among the broadcasts with fresh
    rows, the odd ones going to those whose turn it is (``turn`` moves on at every claim)."""
    if not sources or slots <= 0:
        return []
    base, odd = divmod(slots, len(sources))
    start = turn % len(sources)
    ordered = sources[start:] + sources[:start]
    return [
        (source, base + (index < odd))
        for index, source in enumerate(ordered)
        if base or index < odd
    ]


async def _ids(conn: Connection, sql: str, params: tuple[object, ...]) -> list[int]:
    cursor = await conn.execute(sql, params)
    ids = [row[0] for row in await cursor.fetchall()]
    await cursor.close()
    return ids
