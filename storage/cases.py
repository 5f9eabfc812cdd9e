"""The cases aggregate: content imported from YAML, stored as JSON documents."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import asdict, replace
from datetime import date
from typing import Any

from bot.domain.clock import SYSTEM_CLOCK, Clock
from bot.domain.content import Case, Content, Event, Source
from storage import audit_log, reminders
from storage.actions import Actions, actions_of_case, store_targets, sync_actions
from storage.database import Connection, Database
from storage.deadlines import Deadlines, sync_case
from storage.search_index import SearchIndex


def _case_from_json(text: str) -> Case:
    fields = json.loads(text)
    fields["updated"] = date.fromisoformat(fields["updated"])
    fields["timeline"] = tuple(Event(**event) for event in fields["timeline"])
    for name in ("aliases", "tags", "related"):
        fields[name] = tuple(fields[name])
    return Case(**fields)


def _case_json(case: Case) -> str:
    """A case as stored in ``cases.data``; its deadlines live in their own table."""
    fields = asdict(case)
    del fields["deadlines"]
    del fields["actions"]
    return _json(fields)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def case_version(case: Case) -> str:
    """A fingerprint of everything a case holds, its deadlines included: an editor sends back
    the one it read, and a save over another's change is refused."""
    return hashlib.sha256(_json(asdict(case)).encode()).hexdigest()[:32]


def changed_fields(before: Case | None, after: Case) -> list[str]:
    """The fields of the content format whose values differ (every given one for a new case)."""
    names = [field.name for field in dataclasses.fields(Case) if field.name != "id"]
    if before is None:
        return [name for name in names if getattr(after, name) not in (None, (), {}, "")]
    return [name for name in names if getattr(before, name) != getattr(after, name)]


class VersionConflict(Exception):
    """The case changed since the editor read it (or was created meanwhile, for a new one)."""

    def __init__(self, current: Case | None) -> None:
        super().__init__("the case changed since it was read")
        self.current = current


_DEADLINES_OF_CASE = (
    "SELECT id, moment, zone, cancelled, data FROM deadlines WHERE case_id = ? "
    "AND id NOT LIKE 'action:%' ORDER BY moment, id"
)
"""A case's own deadlines: not those standing for its actions' ``until``, which the actions
themselves hold (bot.domain.actions.deadline_id)."""


async def _current(conn: Connection, case_id: str) -> Case | None:
    """A case with its deadlines and actions, as its file would say it, read on ``conn``
    (inside the caller's write transaction, or a snapshot)."""
    async with conn.execute("SELECT data FROM cases WHERE id = ?", (case_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    async with conn.execute(_DEADLINES_OF_CASE, (case_id,)) as cursor:
        deadlines = tuple(
            reminders.deadline_from_row(*deadline) for deadline in await cursor.fetchall()
        )
    actions = await actions_of_case(conn, case_id)
    return replace(_case_from_json(row[0]), deadlines=deadlines, actions=actions)


def _actions_changed(before: Case | None, after: Case) -> dict[str, list[str]]:
    """The ids of the actions added, changed and removed by an edit (for the audit)."""
    old = {action.id: action for action in before.actions} if before else {}
    new = {action.id: action for action in after.actions}
    return {
        "added": [key for key in new if key not in old],
        "changed": [key for key in new if key in old and old[key] != new[key]],
        "removed": [key for key in old if key not in new],
    }


class Cases:
    """Importing, listing, finding and reading cases and their sources."""

    def __init__(self, db: Database, clock: Clock = SYSTEM_CLOCK) -> None:
        self._db = db
        self._clock = clock
        self.index = SearchIndex(db)
        self.deadlines = Deadlines(db, clock)
        self.actions = Actions(db, clock)

    async def count(self) -> int:
        """How many cases are stored."""
        row = await self._db.fetchone("SELECT count(*) FROM cases")
        return int(row[0]) if row else 0

    async def upsert(self, content: Content) -> tuple[int, int]:
        """Store every source and case of ``content``, with each case's deadlines (re-planning
        their reminders), and rebuild the search index, in one transaction, replacing the stored
        versions of the same ids; return how many cases were added and updated."""
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO sources (id, data) VALUES (?, ?) "
                "ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                [(source.id, _json(asdict(source))) for source in content.sources.values()],
            )
            known = {row[0] for row in await conn.execute_fetchall("SELECT id FROM cases")}
            await conn.executemany(
                "INSERT INTO cases (id, status, urgency, updated, data) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET status = excluded.status, "
                "urgency = excluded.urgency, updated = excluded.updated, data = excluded.data",
                [
                    (
                        case.id,
                        case.status,
                        case.urgency,
                        case.updated.isoformat(),
                        _case_json(case),
                    )
                    for case in content.cases.values()
                ],
            )
            await store_targets(conn, content.targets)
            now = self._clock.now()
            for case in content.cases.values():
                await sync_actions(conn, case)
                await sync_case(conn, case, now)
            stored = await conn.execute_fetchall("SELECT data FROM cases")
            await self.index.rebuild(_case_from_json(row[0]) for row in stored)
        added = len(set(content.cases) - known)
        return added, len(content.cases) - added

    async def add_event(self, case_id: str, event: Event, day: date) -> Case | None:
        """Add ``event`` to a case's timeline and mark the case updated on ``day``; return the
        case as it now is, or ``None`` if there is no such case."""
        async with self._db.transaction() as conn:
            async with conn.execute("SELECT data FROM cases WHERE id = ?", (case_id,)) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            case = _case_from_json(row[0])
            case = replace(
                case,
                timeline=tuple(sorted((*case.timeline, event), key=lambda e: e.date)),
                updated=max(case.updated, day),
            )
            await conn.execute(
                "UPDATE cases SET updated = ?, data = ? WHERE id = ?",
                (case.updated.isoformat(), _case_json(case), case.id),
            )
            await self.index.update(case)
        return case

    async def save(
        self, case: Case, *, expected: str | None, actor_user_id: int
    ) -> tuple[Case, list[str]]:
        """Store one edited case with its deadlines and actions (re-planning the reminders of
        both), update its search entries and append an audit entry naming the actor's number,
        the fields changed and the actions added, changed and removed, in one transaction;
        return the case as stored (actions keep the order in which they were first stored),
        read in that transaction, whose :func:`case_version` the editor sends back next, and
        those fields. ``expected`` is the version the editor read (``None`` for a new case):
        if the stored case is not that one, nothing is written and :class:`VersionConflict`
        tells what is stored now."""
        async with self._db.transaction() as conn:
            current = await _current(conn, case.id)
            if (None if current is None else case_version(current)) != expected:
                raise VersionConflict(current)
            fields = changed_fields(current, case)
            if not fields:
                return current or case, []
            await conn.execute(
                "INSERT INTO cases (id, status, urgency, updated, data) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET status = excluded.status, "
                "urgency = excluded.urgency, updated = excluded.updated, data = excluded.data",
                (case.id, case.status, case.urgency, case.updated.isoformat(), _case_json(case)),
            )
            await sync_actions(conn, case)
            await sync_case(conn, case, self._clock.now())
            await self.index.update(case)
            stored = await _current(conn, case.id)
            assert stored is not None
            version = case_version(stored)
            entry: dict[str, Any] = {
                "case": case.id,
                "fields": fields,
                "actor": await audit_log.actor(conn, actor_user_id),
                "version": version,
            }
            if "actions" in fields:
                entry["actions"] = _actions_changed(current, case)
            await audit_log.record(
                conn, "case_created" if current is None else "case_edited", entry
            )
        return stored, fields

    async def existing(self, case_ids: list[str]) -> set[str]:
        """Which of ``case_ids`` are stored."""
        rows = await self._db.fetchall(
            f"SELECT id FROM cases WHERE id IN ({self._db.dialect.json_values(sql_type='text')})",
            (json.dumps(case_ids),),
        )
        return {row[0] for row in rows}

    async def whole(self, case_id: str) -> Case | None:
        """One case with its deadlines and actions, as its file would say it (what the
        console edits, and what :func:`case_version` fingerprints)."""
        async with self._db.snapshot() as conn:
            return await _current(conn, case_id)

    async def reindex(self) -> None:
        """Rebuild the search index from the stored cases."""
        await self.index.rebuild((await self.content()).cases.values())

    async def get(self, case_id: str) -> Case | None:
        """One case, or ``None``."""
        row = await self._db.fetchone("SELECT data FROM cases WHERE id = ?", (case_id,))
        return _case_from_json(row["data"]) if row else None

    async def get_many(self, case_ids: list[str]) -> list[Case]:
        """The cases of ``case_ids`` that exist, in the order given."""
        rows = await self._db.fetchall(
            f"SELECT data FROM cases WHERE id IN ({self._db.dialect.json_values(sql_type='text')})",
            (json.dumps(case_ids),),
        )
        by_id = {case.id: case for case in (_case_from_json(row["data"]) for row in rows)}
        return [by_id[case_id] for case_id in case_ids if case_id in by_id]

    async def most_urgent(self, offset: int, limit: int) -> list[Case]:
        """A page of cases, most urgent first, then the most recently updated."""
        rows = await self._db.fetchall(
            # The page's ids are chosen first, so that only their documents are read.
            "SELECT data FROM cases WHERE id IN (SELECT id FROM cases "
            "ORDER BY urgency, updated DESC, id LIMIT ? OFFSET ?) "
            "ORDER BY urgency, updated DESC, id",
            (limit, offset),
        )
        return [_case_from_json(row["data"]) for row in rows]

    async def sources(self) -> dict[str, Source]:
        """Every source, by id."""
        sources = {}
        for row in await self._db.fetchall("SELECT data FROM sources ORDER BY id"):
            data = json.loads(row["data"])
            sources[data["id"]] = Source(
                data["id"], date.fromisoformat(data["date"]), data["title"]
            )
        return sources

    async def content(self) -> Content:
        """Everything stored, as the files would say it."""
        sources = await self.sources()
        deadlines = await self.deadlines.of_cases()
        actions = await self.actions.of_cases()
        cases = {}
        for row in await self._db.fetchall("SELECT data FROM cases ORDER BY id"):
            case = _case_from_json(row["data"])
            cases[case.id] = dataclasses.replace(
                case, deadlines=deadlines.get(case.id, ()), actions=actions.get(case.id, ())
            )
        return Content(sources, cases, await self.actions.targets())
