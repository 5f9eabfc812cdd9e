"""Deadlines of cases: kept in step with the content files, and set by coordinators in the bot.

Every change re-plans the pending reminders of the deadline in the same transaction: a moved
deadline moves them, a cancelled or removed one takes them away.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.domain.actions import is_action_deadline
from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.content import Case, Deadline, StoredDeadline, deadlines_of
from storage import reminders
from storage.database import Connection, Database


def _data(deadline: Deadline) -> str:
    fields = {
        "title": deadline.title,
        "action": deadline.action,
        "link": deadline.link,
        "source": deadline.source,
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


_COLUMNS = "key, case_id, id, moment, zone, cancelled, data"


def _stored(row: Any) -> StoredDeadline:
    return StoredDeadline(
        key=row["key"],
        case_id=row["case_id"],
        deadline=reminders.deadline_from_row(
            row["id"], row["moment"], row["zone"], row["cancelled"], row["data"]
        ),
    )


async def sync_case(conn: Connection, case: Case, now: datetime) -> None:
    """Make a case's stored deadlines those of its file, inside the caller's transaction: new
    ones get reminders, moved or (un)cancelled ones are re-planned, missing ones are removed."""
    cursor = await conn.execute(
        "SELECT key, id, moment, cancelled FROM deadlines WHERE case_id = ?", (case.id,)
    )
    stored = {row["id"]: row for row in await cursor.fetchall()}
    await cursor.close()
    deadlines = deadlines_of(case)
    for deadline in deadlines:
        cursor = await conn.execute(
            "INSERT INTO deadlines (case_id, id, moment, zone, cancelled, data) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, id) DO UPDATE SET "
            "moment = excluded.moment, zone = excluded.zone, cancelled = excluded.cancelled, "
            "data = excluded.data RETURNING key",
            (
                case.id,
                deadline.id,
                deadline.moment.timestamp(),
                deadline.zone,
                int(deadline.cancelled),
                _data(deadline),
            ),
        )
        (key,) = await cursor.fetchone()
        await cursor.close()
        before = stored.get(deadline.id)
        if before is None:
            await reminders.plan(conn, now, deadline_key=key)
        elif (before["moment"], bool(before["cancelled"])) != (
            deadline.moment.timestamp(),
            deadline.cancelled,
        ):
            await reminders.replan(conn, now, deadline_key=key)
    in_file = {deadline.id for deadline in deadlines}
    await conn.executemany(
        "DELETE FROM deadlines WHERE key = ?",
        [(row["key"],) for deadline_id, row in stored.items() if deadline_id not in in_file],
    )


class Deadlines:
    """Reading deadlines, and the changes coordinators make in the bot."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self._db = db
        self._clock = clock

    async def get(self, key: int) -> StoredDeadline | None:
        """One deadline by its key, or ``None``."""
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM deadlines WHERE key = ?", (key,))
        return _stored(row) if row else None

    async def of_cases(self) -> dict[str, tuple[Deadline, ...]]:
        """Every deadline, by case, earliest first (for export); not those standing for an
        action's ``until``, which the action's own entry writes."""
        by_case: dict[str, list[Deadline]] = {}
        for row in await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM deadlines ORDER BY case_id, moment, id"
        ):
            if is_action_deadline(row["id"]):
                continue
            by_case.setdefault(row["case_id"], []).append(_stored(row).deadline)
        return {case_id: tuple(deadlines) for case_id, deadlines in by_case.items()}

    async def upcoming(
        self,
        now: datetime,
        *,
        user_id: int | None = None,
        limit: int = 20,
        editable: bool = False,
    ) -> list[StoredDeadline]:
        """Deadlines not cancelled and still ahead, earliest first: of the cases a user
        follows, or of every case; ``editable``: only those coordinators may move, not those
        standing for an action's ``until`` (its content file sets them)."""
        followed = (
            "AND case_id IN (SELECT case_id FROM subscriptions WHERE user_id = :user_id)"
            if user_id is not None
            else ""
        )
        if editable:
            followed += " AND id NOT LIKE 'action:%'"
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM deadlines WHERE cancelled = 0 AND moment > :now {followed} "
            "ORDER BY moment, key LIMIT :limit",
            {"now": now.timestamp(), "user_id": user_id, "limit": limit},
        )
        return [_stored(row) for row in rows]

    async def add(self, case_id: str, deadline: Deadline) -> int:
        """Store a new deadline of a case and plan its reminders; return its key."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO deadlines (case_id, id, moment, zone, data) VALUES (?, ?, ?, ?, ?) "
                "RETURNING key",
                (case_id, deadline.id, deadline.moment.timestamp(), deadline.zone, _data(deadline)),
            )
            (key,) = await cursor.fetchone()
            await cursor.close()
            await reminders.plan(conn, self._clock.now(), deadline_key=key)
        return int(key)

    async def free_id(self, case_id: str, wanted: str) -> str:
        """``wanted``, or ``wanted-2``, ``wanted-3``…: an id no deadline of the case uses yet."""
        rows = await self._db.fetchall("SELECT id FROM deadlines WHERE case_id = ?", (case_id,))
        taken = {row["id"] for row in rows}
        candidate, number = wanted, 1
        while candidate in taken:
            number += 1
            candidate = f"{wanted}-{number}"
        return candidate

    async def move(self, key: int, moment: datetime, zone: str) -> bool:
        """Move a deadline and its pending reminders; ``False`` if it no longer exists."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE deadlines SET moment = ?, zone = ?, cancelled = 0 WHERE key = ?",
                (moment.timestamp(), zone, key),
            )
            found = cursor.rowcount == 1
            await cursor.close()
            await reminders.replan(conn, self._clock.now(), deadline_key=key)
        return found

    async def cancel(self, key: int) -> bool:
        """Cancel a deadline and drop its pending reminders; ``False`` if it no longer exists."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute("UPDATE deadlines SET cancelled = 1 WHERE key = ?", (key,))
            found = cursor.rowcount == 1
            await cursor.close()
            await reminders.unplan(conn, deadline_key=key)
        return found
