"""Reminders: one row per message still to send before a deadline, and each user's settings.

Rows are planned from the subscriptions, the deadlines and the users' lead times, only for
moments still ahead. The scheduler's job reads the due rows through the index on ``due_at``
and, in one transaction, deletes them and queues their messages in the outbox: a reminder is
sent once, even if the bot dies at any point.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.domain.broadcasts import Kind
from bot.domain.content import Deadline
from bot.domain.reminders import DEFAULT_LEADS, DueReminder, ReminderSettings
from storage.broadcasts import insert_personal
from storage.database import Connection, Database


def deadline_from_row(
    deadline_id: str, moment: float, zone: str, cancelled: int, data: str
) -> Deadline:
    """A stored deadline as the content files describe it."""
    return Deadline(
        id=deadline_id,
        moment=datetime.fromtimestamp(moment, UTC),
        zone=zone,
        cancelled=bool(cancelled),
        **json.loads(data),
    )


def _where(columns: dict[str, object]) -> tuple[str, dict[str, object]]:
    """``column = value`` joined by AND, for the values given (``None``: no condition)."""
    given = {column: value for column, value in columns.items() if value is not None}
    clause = " AND ".join(f"{column} = :{column.replace('.', '_')}" for column in given)
    return clause or "TRUE", {column.replace(".", "_"): value for column, value in given.items()}


async def plan(
    conn: Connection,
    now: datetime,
    *,
    user_id: int | None = None,
    case_id: str | None = None,
    deadline_key: int | None = None,
) -> int:
    """Create the reminders still ahead for the subscriptions and deadlines matching the
    filters; existing ones stay. Return how many were created."""
    where, params = _where({"s.user_id": user_id, "s.case_id": case_id, "d.key": deadline_key})
    cursor = await conn.execute(
        f"""
        INSERT INTO reminders (user_id, case_id, deadline_key, lead_seconds, due_at)
        SELECT s.user_id, s.case_id, d.key, lead.value, d.moment - lead.value
        FROM subscriptions s
        JOIN deadlines d ON d.case_id = s.case_id
        LEFT JOIN reminder_settings r ON r.user_id = s.user_id
        {conn.dialect.join_json_values("coalesce(r.leads, :defaults)", "lead")}
        WHERE {where} AND s.muted = 0 AND coalesce(r.muted, 0) = 0
            AND d.cancelled = 0 AND d.moment > :now AND d.moment - lead.value > :now
        ON CONFLICT DO NOTHING
        """,
        {**params, "defaults": json.dumps(DEFAULT_LEADS), "now": now.timestamp()},
    )
    count = cursor.rowcount
    await cursor.close()
    return count


async def remind_at_once_if_late(
    conn: Connection, now: datetime, *, user_id: int, case_id: str
) -> int:
    """One reminder due now for each deadline of a new subscription that no lead is still
    ahead of: who follows a case 100 minutes before its hearing hears of it at once, not never.
    Run after :func:`plan`; return how many were created."""
    cursor = await conn.execute(
        """
        INSERT INTO reminders (user_id, case_id, deadline_key, lead_seconds, due_at)
        SELECT s.user_id, s.case_id, d.key, CAST(d.moment - :now AS INTEGER), :now
        FROM subscriptions s
        JOIN deadlines d ON d.case_id = s.case_id
        LEFT JOIN reminder_settings r ON r.user_id = s.user_id
        WHERE s.user_id = :user_id AND s.case_id = :case_id
            AND s.muted = 0 AND coalesce(r.muted, 0) = 0
            AND d.cancelled = 0 AND d.moment - :now >= 1
            AND NOT EXISTS (
                SELECT 1 FROM reminders x WHERE x.user_id = s.user_id AND x.deadline_key = d.key
            )
        ON CONFLICT DO NOTHING
        """,
        {"now": now.timestamp(), "user_id": user_id, "case_id": case_id},
    )
    count = cursor.rowcount
    await cursor.close()
    return count


async def unplan(
    conn: Connection,
    *,
    user_id: int | None = None,
    case_id: str | None = None,
    deadline_key: int | None = None,
) -> int:
    """Delete the pending reminders matching the filters; return how many."""
    where, params = _where({"user_id": user_id, "case_id": case_id, "deadline_key": deadline_key})
    cursor = await conn.execute(f"DELETE FROM reminders WHERE {where}", params)
    count = cursor.rowcount
    await cursor.close()
    return count


async def replan(
    conn: Connection,
    now: datetime,
    *,
    user_id: int | None = None,
    case_id: str | None = None,
    deadline_key: int | None = None,
) -> None:
    """Plan the matching reminders afresh: after a deadline moved or a user's leads changed."""
    await unplan(conn, user_id=user_id, case_id=case_id, deadline_key=deadline_key)
    await plan(conn, now, user_id=user_id, case_id=case_id, deadline_key=deadline_key)


_DUE_COLUMNS = """
    r.id, r.user_id, u.locale, u.blocked, s.zone AS user_zone, {case_data} -> 'name' AS case_name,
    d.key, d.id AS deadline_id, d.moment, d.zone, d.cancelled, d.data, r.lead_seconds, r.due_at
"""


class Reminders:
    """Users' reminder settings, the due reminders, and their hand-over to the outbox."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def settings(self, user_id: int) -> ReminderSettings:
        """The user's settings, defaults where they chose nothing."""
        row = await self._db.fetchone(
            "SELECT zone, leads, muted FROM reminder_settings WHERE user_id = ?", (user_id,)
        )
        if row is None:
            return ReminderSettings()
        return ReminderSettings(
            zone=row["zone"],
            leads=tuple(json.loads(row["leads"])) if row["leads"] else DEFAULT_LEADS,
            muted=bool(row["muted"]),
        )

    async def set_zone(self, user_id: int, zone: str) -> None:
        """Show this user's dates in ``zone`` (a valid IANA name); due times do not change."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO reminder_settings (user_id, zone) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET zone = excluded.zone",
                (user_id, zone),
            )

    async def set_leads(self, user_id: int, leads: Sequence[int], now: datetime) -> None:
        """Remind this user ``leads`` seconds before each deadline from now on."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO reminder_settings (user_id, leads) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET leads = excluded.leads",
                (user_id, json.dumps(sorted(leads, reverse=True))),
            )
            await replan(conn, now, user_id=user_id)

    async def mute_all(self, user_id: int, muted: bool, now: datetime) -> None:
        """Stop or resume every reminder of this user."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO reminder_settings (user_id, muted) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET muted = excluded.muted",
                (user_id, int(muted)),
            )
            await replan(conn, now, user_id=user_id)

    async def mute_case(self, user_id: int, case_id: str, muted: bool, now: datetime) -> bool:
        """Stop or resume the reminders of one followed case; ``False`` if not followed."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE subscriptions SET muted = ? WHERE user_id = ? AND case_id = ?",
                (int(muted), user_id, case_id),
            )
            followed = cursor.rowcount == 1
            await cursor.close()
            await replan(conn, now, user_id=user_id, case_id=case_id)
        return followed

    async def muted_cases(self, user_id: int) -> set[str]:
        """The followed cases whose reminders this user muted."""
        rows = await self._db.fetchall(
            "SELECT case_id FROM subscriptions WHERE user_id = ? AND muted = 1", (user_id,)
        )
        return {row["case_id"] for row in rows}

    async def pending_count(self, user_id: int | None = None) -> int:
        """How many reminders wait to be sent (to one user, or to all)."""
        where, params = _where({"user_id": user_id})
        row = await self._db.fetchone(f"SELECT count(*) FROM reminders WHERE {where}", params)
        return int(row[0]) if row else 0

    async def due(self, now: datetime, limit: int) -> list[DueReminder]:
        """Up to ``limit`` reminders due at ``now``, earliest first (read through the index)."""
        rows = await self._db.fetchall(
            f"""
            SELECT {_DUE_COLUMNS.format(case_data=self._db.dialect.json("c.data"))}
            FROM reminders r
            JOIN deadlines d ON d.key = r.deadline_key
            JOIN cases c ON c.id = r.case_id
            JOIN users u ON u.user_id = r.user_id
            LEFT JOIN reminder_settings s ON s.user_id = r.user_id
            WHERE r.due_at <= ? ORDER BY r.due_at, r.id LIMIT ?
            """,
            (now.timestamp(), limit),
        )
        return [
            DueReminder(
                id=row["id"],
                user_id=row["user_id"],
                locale=row["locale"],
                zone=row["user_zone"],
                blocked=bool(row["blocked"]),
                case_name=json.loads(row["case_name"]),
                deadline_key=row["key"],
                deadline=deadline_from_row(
                    row["deadline_id"], row["moment"], row["zone"], row["cancelled"], row["data"]
                ),
                lead=timedelta(seconds=row["lead_seconds"]),
                due_at=datetime.fromtimestamp(row["due_at"], UTC),
            )
            for row in rows
        ]

    async def dispatch(
        self, messages: Sequence[tuple[int, int, str]], dropped: Sequence[int], now: datetime
    ) -> int:
        """In one transaction, remove the handled reminders and queue the messages of those
        still pending as one broadcast of kind ``reminder``. ``messages`` holds (reminder id,
        chat id, HTML); ``dropped`` the ids of reminders that go unsent. Return how many
        messages were queued: a reminder removed meanwhile (its deadline moved) sends none."""
        ids = [reminder_id for reminder_id, _, _ in messages] + list(dropped)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"DELETE FROM reminders WHERE id IN ({conn.dialect.json_values()}) RETURNING id",
                (json.dumps(ids),),
            )
            removed = {row[0] for row in await cursor.fetchall()}
            await cursor.close()
            outgoing = [(chat_id, html) for rid, chat_id, html in messages if rid in removed]
            if outgoing:
                await insert_personal(conn, Kind.REMINDER, outgoing, now.timestamp())
        return len(outgoing)
