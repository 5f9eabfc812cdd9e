"""Deadlines and reminders in SQLite: planning on follow and on import, moving and cancelling,
the due rows read through their index, handed to the outbox once, and erased with their user."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.clock import SettableClock
from bot.domain.content import Case, Content, Deadline
from bot.domain.reminders import DEFAULT_LEADS
from storage import Database
from storage.cases import Cases
from storage.erasure import erase_user
from storage.reminders import Reminders
from storage.subscriptions import Subscriptions
from storage.users import Users

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
TEXTS = {"en": "x", "ru": "х", "kk": "х"}


def _deadline(deadline_id: str, moment: datetime, **changes: object) -> Deadline:
    deadline = Deadline(
        id=deadline_id,
        title={"en": "Hearing", "ru": "Заседание", "kk": "Отырыс"},
        moment=moment,
        zone="Europe/Berlin",
        action={"en": "Write.", "ru": "Пишите.", "kk": "Жазыңыз."},
    )
    return dataclasses.replace(deadline, **changes)


def _content(*deadlines: Deadline, case_id: str = "jane-doe") -> Content:
    case = Case(
        id=case_id,
        name={"en": "Jane Doe", "ru": "Джейн Доу", "kk": "Джейн Доу"},
        status="detained",
        urgency=1,
        brief=TEXTS,
        account=TEXTS,
        updated=date(2026, 3, 1),
        deadlines=deadlines,
    )
    return Content(sources={}, cases={case.id: case})


@dataclasses.dataclass
class World:
    db: Database
    clock: SettableClock
    cases: Cases
    subscriptions: Subscriptions
    reminders: Reminders
    users: Users

    async def reader(self, user_id: int, locale: str = "en") -> int:
        await self.users.touch(user_id, locale, NOW.date())
        await self.subscriptions.follow(user_id, "jane-doe")
        return user_id

    async def due_times(self, user_id: int) -> list[datetime]:
        rows = await self.db.fetchall(
            "SELECT due_at FROM reminders WHERE user_id = ? ORDER BY due_at", (user_id,)
        )
        return [datetime.fromtimestamp(row[0], UTC) for row in rows]


@pytest.fixture
def world(db: Database) -> World:
    clock = SettableClock(NOW)
    return World(db, clock, Cases(db, clock), Subscriptions(db, clock), Reminders(db), Users(db))


async def test_following_nearer_than_every_lead_reminds_at_once(world: World) -> None:
    deadline = NOW + timedelta(minutes=100)
    await world.cases.upsert(_content(_deadline("hearing", deadline)))
    reader = await world.reader(1)  # leads 7 days, 1 day, 2 hours: all passed
    assert await world.due_times(reader) == [NOW]
    (due,) = await world.reminders.due(NOW, 10)
    assert due.lead == timedelta(minutes=100)
    await world.subscriptions.follow(reader, "jane-doe")  # again: nothing more
    assert await world.due_times(reader) == [NOW]


async def test_following_plans_only_the_reminders_still_ahead(world: World) -> None:
    deadline = NOW + timedelta(days=3)
    await world.cases.upsert(_content(_deadline("hearing", deadline)))
    reader = await world.reader(1)
    assert await world.due_times(reader) == [
        deadline - timedelta(days=1),
        deadline - timedelta(hours=2),
    ]
    await world.subscriptions.follow(reader, "jane-doe")  # again: nothing doubles
    assert len(await world.due_times(reader)) == 2
    await world.subscriptions.unfollow(reader, "jane-doe")
    assert await world.due_times(reader) == []


async def test_import_moves_cancels_and_removes_deadlines(world: World) -> None:
    first, second = NOW + timedelta(days=10), NOW + timedelta(days=20)
    await world.cases.upsert(_content(_deadline("a", first), _deadline("b", second)))
    reader = await world.reader(1)
    assert len(await world.due_times(reader)) == 6
    moved = first + timedelta(days=5)
    await world.cases.upsert(
        _content(_deadline("a", moved), _deadline("b", second, cancelled=True))
    )
    assert await world.due_times(reader) == [moved - timedelta(seconds=s) for s in DEFAULT_LEADS]
    await world.cases.upsert(_content(_deadline("b", second)))  # "a" left the file
    assert await world.due_times(reader) == [second - timedelta(seconds=s) for s in DEFAULT_LEADS]
    exported = (await world.cases.content()).cases["jane-doe"].deadlines
    assert [d.id for d in exported] == ["b"]


async def test_a_past_deadline_in_a_file_makes_no_reminders(world: World) -> None:
    await world.cases.upsert(_content(_deadline("old", NOW - timedelta(days=700))))
    await world.reader(1)
    assert await world.reminders.pending_count() == 0


async def test_due_reminders_go_to_the_outbox_once(world: World) -> None:
    deadline = NOW + timedelta(days=3)
    await world.cases.upsert(_content(_deadline("hearing", deadline)))
    readers = [await world.reader(user_id) for user_id in (1, 2, 3)]
    later = deadline - timedelta(days=1)
    due = await world.reminders.due(later, 100)
    assert sorted(r.user_id for r in due) == readers
    messages = [(r.id, r.user_id, f"text for {r.user_id % 2}") for r in due]
    assert await world.reminders.dispatch(messages, [], later) == 3
    assert await world.reminders.dispatch(messages, [], later) == 0  # already handed over
    assert await world.reminders.due(later, 100) == []
    rows = await world.db.fetchall(
        "SELECT b.kind, b.author_id, b.total, o.chat_id, c.html FROM outbox o "
        "JOIN broadcasts b ON b.id = o.broadcast_id JOIN contents c ON c.id = o.content_id "
        "ORDER BY o.chat_id"
    )
    assert [tuple(row) for row in rows] == [
        ("reminder", None, 3, 1, "text for 1"),
        ("reminder", None, 3, 2, "text for 0"),
        ("reminder", None, 3, 3, "text for 1"),
    ]
    contents = await world.db.fetchone("SELECT count(*) FROM contents")
    assert contents[0] == 2  # identical texts are stored once


@pytest.mark.sqlite_only
async def test_the_due_query_reads_the_index(world: World) -> None:
    plan = await world.db.fetchall(
        "EXPLAIN QUERY PLAN SELECT id FROM reminders WHERE due_at <= ? ORDER BY due_at LIMIT 10",
        (NOW.timestamp(),),
    )
    assert any("reminders_due" in row["detail"] for row in plan)


@pytest.mark.postgresql_only
async def test_the_due_query_reads_the_index_on_postgresql(world: World) -> None:
    async with world.db.transaction() as conn:
        await conn.execute("SET LOCAL enable_seqscan = off")  # whatever the table's size
        plan = await conn.execute_fetchall(
            "EXPLAIN SELECT id FROM reminders WHERE due_at <= ? ORDER BY due_at LIMIT 10",
            (NOW.timestamp(),),
        )
    assert any("reminders_due" in row[0] for row in plan)


async def test_settings_replan_and_mute(world: World) -> None:
    deadline = NOW + timedelta(days=30)
    await world.cases.upsert(_content(_deadline("hearing", deadline)))
    reader = await world.reader(1)
    await world.reminders.set_leads(reader, [3 * 3600, 14 * 86_400], NOW)
    assert await world.due_times(reader) == [
        deadline - timedelta(days=14),
        deadline - timedelta(hours=3),
    ]
    assert (await world.reminders.settings(reader)).leads == (14 * 86_400, 3 * 3600)
    await world.reminders.mute_case(reader, "jane-doe", True, NOW)
    assert await world.due_times(reader) == []
    assert await world.reminders.muted_cases(reader) == {"jane-doe"}
    await world.reminders.mute_case(reader, "jane-doe", False, NOW)
    await world.reminders.mute_all(reader, True, NOW)
    assert await world.due_times(reader) == []
    await world.reminders.mute_all(reader, False, NOW)
    assert len(await world.due_times(reader)) == 2
    assert not await world.reminders.mute_case(reader, "not-followed", True, NOW)


async def test_a_deleted_case_or_an_erased_user_leaves_no_reminder(world: World) -> None:
    await world.cases.upsert(_content(_deadline("hearing", NOW + timedelta(days=30))))
    first, second = await world.reader(1), await world.reader(2)
    await world.reminders.set_zone(second, "Europe/Berlin")
    await erase_user(world.db, second)
    assert await world.reminders.pending_count(second) == 0
    assert await world.db.fetchone("SELECT 1 FROM reminder_settings") is None
    assert await world.reminders.pending_count(first) == 3
    async with world.db.transaction() as conn:
        await conn.execute("DELETE FROM cases WHERE id = 'jane-doe'")
    assert await world.reminders.pending_count() == 0
    assert await world.db.fetchone("SELECT 1 FROM deadlines") is None


async def test_coordinators_add_move_and_cancel(world: World) -> None:
    await world.cases.upsert(_content())
    reader = await world.reader(1)
    deadlines = world.cases.deadlines
    moment = NOW + timedelta(days=2)
    key = await deadlines.add(
        "jane-doe", _deadline(await deadlines.free_id("jane-doe", "d"), moment)
    )
    assert await deadlines.free_id("jane-doe", "d") == "d-2"
    assert len(await world.due_times(reader)) == 2
    assert [item.key for item in await deadlines.upcoming(NOW, user_id=reader)] == [key]
    later = moment + timedelta(days=10)
    assert await deadlines.move(key, later, "Asia/Almaty")
    assert await world.due_times(reader) == [later - timedelta(seconds=s) for s in DEFAULT_LEADS]
    assert await deadlines.cancel(key)
    assert await world.due_times(reader) == []
    assert await deadlines.upcoming(NOW) == []
    assert not await deadlines.cancel(key + 1)
