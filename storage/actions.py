"""Actions of cases, the authorities they address, and the acts reported, as counts.

What is stored of an act is a count per action, outcome, origin and UTC day: never who acted,
nor when within the day. A card's one-time token is kept as a digest until the card expires,
so that a second press on the same card counts nothing (bot/domain/actions.py).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.actions import (
    SOON,
    ActCount,
    Action,
    StoredAction,
    Target,
    day_number,
    most_urgent_first,
)
from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.content import Case
from bot.domain.coverage import CaseCoverage
from storage.database import Connection, Database


def _action_data(action: Action) -> str:
    fields = {
        "title": action.title,
        "why": action.why,
        "points": action.points,
        "targets": action.targets,
        "letter": action.letter,
        "zone": action.zone,
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


def _stored(row: Any) -> StoredAction:
    data = json.loads(row["data"])
    until = None if row["until"] is None else datetime.fromtimestamp(row["until"], UTC)
    action = Action(
        id=row["id"],
        kind=row["kind"],
        title=data["title"],
        why=data["why"],
        points={locale: tuple(points) for locale, points in data["points"].items()},
        targets=tuple(data["targets"]),
        letter=data["letter"],
        until=until,
        zone=data["zone"],
    )
    return StoredAction(row["key"], row["case_id"], row["urgency"], action)


def _target_from_json(target_id: str, text: str) -> Target:
    data = json.loads(text)
    data["languages"] = tuple(data["languages"])
    data["address"] = tuple(data["address"])
    return Target(id=target_id, **data)


def _target_json(target: Target) -> str:
    fields = {
        "name": target.name,
        "title": target.title,
        "salutation": target.salutation,
        "languages": target.languages,
        "address": target.address,
        "email": target.email,
        "fax": target.fax,
        "phone": target.phone,
        "web_form": target.web_form,
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


_COLUMNS = "key, case_id, id, kind, urgency, until, data"
_OPEN = "(until IS NULL OR until > ?)"
"""An action still open at the moment given."""


async def store_targets(conn: Connection, targets: dict[str, Target]) -> None:
    """Insert or replace ``targets``, inside the caller's transaction (targets no longer in a
    file stay: another content folder's actions may name them)."""
    await conn.executemany(
        "INSERT INTO targets (id, data) VALUES (?, ?) "
        "ON CONFLICT (id) DO UPDATE SET data = excluded.data",
        [(target.id, _target_json(target)) for target in targets.values()],
    )


async def sync_actions(conn: Connection, case: Case) -> None:
    """Make a case's stored actions those of its file, inside the caller's transaction; an
    action keeps its key (and so the buttons already sent) while its id stays."""
    await conn.executemany(
        f"INSERT INTO actions ({_COLUMNS.removeprefix('key, ')}) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (case_id, id) DO UPDATE SET kind = excluded.kind, "
        "urgency = excluded.urgency, until = excluded.until, data = excluded.data",
        [
            (
                case.id,
                action.id,
                action.kind,
                case.urgency,
                action.until.timestamp() if action.until else None,
                _action_data(action),
            )
            for action in case.actions
        ],
    )
    await conn.execute(
        "DELETE FROM actions WHERE case_id = ? "
        f"AND id NOT IN ({conn.dialect.json_values(sql_type='text')})",
        (case.id, json.dumps([action.id for action in case.actions])),
    )


async def actions_of_case(conn: Connection, case_id: str) -> tuple[Action, ...]:
    """Every action of a case, open or not, in the order they were first stored, read on
    ``conn``."""
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM actions WHERE case_id = ? ORDER BY key", (case_id,)
    ) as cursor:
        return tuple(_stored(row).action for row in await cursor.fetchall())


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).date().isoformat()


class Actions:
    """Reading actions and targets; counting acts."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self._db = db
        self._clock = clock

    async def targets(self) -> dict[str, Target]:
        """Every target, by id."""
        rows = await self._db.fetchall("SELECT id, data FROM targets ORDER BY id")
        return {row["id"]: _target_from_json(row["id"], row["data"]) for row in rows}

    async def get(self, key: int) -> StoredAction | None:
        """One action by its key, open or not, or ``None``."""
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM actions WHERE key = ?", (key,))
        return _stored(row) if row else None

    async def of_cases(self) -> dict[str, tuple[Action, ...]]:
        """Every action, by case, in the order of entry (for export)."""
        by_case: dict[str, list[Action]] = {}
        for row in await self._db.fetchall(f"SELECT {_COLUMNS} FROM actions ORDER BY key"):
            by_case.setdefault(row["case_id"], []).append(_stored(row).action)
        return {case_id: tuple(actions) for case_id, actions in by_case.items()}

    async def of_case(self, case_id: str, now: datetime) -> list[StoredAction]:
        """The open actions of a case, most urgent first."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM actions WHERE case_id = ? AND {_OPEN} "
            "ORDER BY until IS NULL, until, key",
            (case_id, now.timestamp()),
        )
        return [_stored(row) for row in rows]

    async def open_count(self, case_id: str, now: datetime) -> int:
        """How many actions of a case are open."""
        row = await self._db.fetchone(
            f"SELECT count(*) FROM actions WHERE case_id = ? AND {_OPEN}",
            (case_id, now.timestamp()),
        )
        return int(row[0]) if row else 0

    async def most_urgent(
        self, now: datetime, *, user_id: int | None = None, limit: int = 10
    ) -> list[StoredAction]:
        """The open actions to do first (bot.domain.actions.most_urgent_first): of the cases
        ``user_id`` follows, or of every case. Two reads by index: those ending within a week,
        nearest first, and the most urgent cases' actions."""
        # A reader's cases come first in the join (CROSS JOIN keeps that order in SQLite): a
        # few dozen actions to sort, where the urgency index would walk every action.
        source = (
            "subscriptions s CROSS JOIN actions a "
            "WHERE a.case_id = s.case_id AND s.user_id = :user_id AND"
            if user_id is not None
            else "actions a WHERE"
        )
        columns = ", ".join(f"a.{column}" for column in _COLUMNS.split(", "))
        params = {
            "now": now.timestamp(),
            "soon": (now + SOON).timestamp(),
            "user_id": user_id,
            "limit": limit,
        }
        soon = await self._db.fetchall(
            f"SELECT {columns} FROM {source} a.until > :now AND a.until <= :soon "
            "ORDER BY a.until, a.key LIMIT :limit",
            params,
        )
        urgent = await self._db.fetchall(
            f"SELECT {columns} FROM {source} (a.until IS NULL OR a.until > :now) "
            "ORDER BY a.urgency, a.key LIMIT :limit",
            params,
        )
        return most_urgent_first(map(_stored, soon), map(_stored, urgent), limit)

    async def secret(self) -> bytes:
        """The key that signs the cards' one-time tokens."""
        row = await self._db.fetchone("SELECT value FROM secrets WHERE name = 'act-cards'")
        assert row is not None, "migration 17 creates the key"
        return bytes(row[0])

    async def report(
        self,
        item: StoredAction,
        *,
        outcome: str,
        origin: int,
        digest: bytes,
        expires: int,
    ) -> bool:
        """Count one act unless the card's token was used before; ``False`` if it was. Used
        tokens whose cards expired are forgotten in the same transaction."""
        now = self._clock.now()
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM act_tokens WHERE expires < ?", (day_number(now.date()),)
            )
            cursor = await conn.execute(
                "INSERT INTO act_tokens (digest, expires) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (digest, expires),
            )
            counted = cursor.rowcount == 1
            await cursor.close()
            if counted:
                await conn.execute(
                    "INSERT INTO act_counts (case_id, action_id, kind, outcome, origin, day, "
                    "count) VALUES (?, ?, ?, ?, ?, ?, 1) "
                    "ON CONFLICT (case_id, action_id, outcome, origin, day) DO UPDATE SET "
                    "count = act_counts.count + 1",
                    (
                        item.case_id,
                        item.action.id,
                        item.action.kind,
                        outcome,
                        origin,
                        _day(now),
                    ),
                )
        return counted

    async def acts_of_case(self, case_id: str, since: date) -> int:
        """Acts reported on a case from ``since`` (a UTC day) on."""
        row = await self._db.fetchone(
            "SELECT coalesce(sum(count), 0) FROM act_counts WHERE case_id = ? AND day >= ?",
            (case_id, since.isoformat()),
        )
        return int(row[0]) if row else 0

    async def acts_through(self, origin: int) -> list[ActCount]:
        """Acts reported through an appeal's "Take action" button, by kind and outcome."""
        rows = await self._db.fetchall(
            "SELECT kind, outcome, sum(count) AS count FROM act_counts WHERE origin = ? "
            "GROUP BY kind, outcome ORDER BY kind, outcome",
            (origin,),
        )
        return [ActCount(row["kind"], row["outcome"], int(row["count"])) for row in rows]

    async def acts_by_case(self, since: date) -> dict[str, Counter[str]]:
        """Acts reported from ``since`` on, per case and kind."""
        rows = await self._db.fetchall(
            "SELECT case_id, kind, sum(count) AS count FROM act_counts WHERE day >= ? "
            "GROUP BY case_id, kind",
            (since.isoformat(),),
        )
        counts: dict[str, Counter[str]] = {}
        for row in rows:
            counts.setdefault(row["case_id"], Counter())[row["kind"]] += int(row["count"])
        return counts

    async def acts_by_day(
        self, since: date, case_ids: list[str] | None = None
    ) -> list[tuple[str, date, int]]:
        """Acts reported from ``since`` on, per case and UTC day: of ``case_ids``, or of every
        case summed under the case id ``""``."""
        if case_ids is None:
            rows = await self._db.fetchall(
                "SELECT '' AS case_id, day, sum(count) AS count FROM act_counts "
                "WHERE day >= ? GROUP BY day",
                (since.isoformat(),),
            )
        else:
            rows = await self._db.fetchall(
                "SELECT case_id, day, sum(count) AS count FROM act_counts WHERE day >= ? "
                f"AND case_id IN ({self._db.dialect.json_values(sql_type='text')}) "
                "GROUP BY case_id, day",
                (since.isoformat(), json.dumps(case_ids)),
            )
        return [(row["case_id"], date.fromisoformat(row["day"]), int(row["count"])) for row in rows]

    async def open_counts(self, now: datetime) -> Counter[str]:
        """Open actions per case."""
        rows = await self._db.fetchall(
            f"SELECT case_id, count(*) AS count FROM actions WHERE {_OPEN} GROUP BY case_id",
            (now.timestamp(),),
        )
        return Counter({row["case_id"]: int(row["count"]) for row in rows})


async def coverage(db: Database, now: datetime, locale: str) -> list[CaseCoverage]:
    """Every case as coordinators see it (bot.domain.coverage), unordered, named in
    ``locale``."""
    today = now.astimezone(UTC).date()
    rows = await db.fetchall(
        f"""
        SELECT c.id, c.urgency, c.updated, {db.dialect.json("c.data")} -> 'name' ->> :locale
                AS name,
            (SELECT count(*) FROM subscriptions s WHERE s.case_id = c.id) AS followers,
            (SELECT min(moment) FROM deadlines d
             WHERE d.case_id = c.id AND d.cancelled = 0 AND d.moment > :now) AS next_deadline,
            (SELECT count(*) FROM actions a
             WHERE a.case_id = c.id AND (a.until IS NULL OR a.until > :now)) AS open_actions
        FROM cases c
        """,
        {"now": now.timestamp(), "locale": locale},
    )
    actions = Actions(db)
    week = await actions.acts_by_case(today - timedelta(days=6))
    month = await actions.acts_by_case(today - timedelta(days=29))
    return [
        CaseCoverage(
            case_id=row["id"],
            name=row["name"] or row["id"],
            urgency=row["urgency"],
            followers=row["followers"],
            updated=date.fromisoformat(row["updated"]),
            open_actions=row["open_actions"],
            next_deadline=(
                datetime.fromtimestamp(row["next_deadline"], UTC) if row["next_deadline"] else None
            ),
            acts_7=week.get(row["id"], Counter()),
            acts_30=month.get(row["id"], Counter()),
        )
        for row in rows
    ]


def week_start(now: datetime) -> date:
    """The first day of the last seven (UTC), today included: "this week" of the counts."""
    return now.astimezone(UTC).date() - timedelta(days=6)
