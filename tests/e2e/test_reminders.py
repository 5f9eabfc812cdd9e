"""Deadlines and reminders through the local Bot API server, with a settable clock: a restart
with reminders due during the downtime, deadlines moved and cancelled by import and in the
bot, time zones across a DST change, blocked readers, a deleted case, settings, /deadlines and
its calendar file, in three languages."""

from __future__ import annotations

import asyncio
import dataclasses
import math
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from bot.application import serving
from bot.config import Settings
from bot.delivery.engine import CLAIM_AHEAD, SETTLE_EVERY
from bot.domain.clock import SettableClock
from bot.domain.content import Content, Deadline, load_content
from bot.domain.reminders import ReminderSettings
from bot.domain.roles import Role
from bot.shipped import SHIPPED_CONTENT
from handlers.context import QorgauApplication
from sandbox.local_api import LocalBotApi, SimMessage, SimUser
from storage import Database
from storage.cases import Cases
from storage.location import DatabaseLocation
from storage.reminders import Reminders
from storage.subscriptions import Subscriptions
from storage.users import Users
from tests.e2e.conftest import RunningBot
from tests.e2e.processes import bot_process, eventually
from tests.stored import scalar

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CASE = "mukhtar-dzhakishev"
HEADINGS = (
    "Reminder:",
    "Late reminder",
    "Напоминание:",
    "Запоздалое напоминание",
    "Еске салу.",
    "Кешіккен еске салу",
)
QUIET = 2.5
"""Seconds of more scheduler ticks (one a second) after which nothing more may arrive."""


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(START)


@pytest.fixture
async def bot(
    api: LocalBotApi, settings: Settings, clock: SettableClock
) -> AsyncIterator[RunningBot]:
    async with serving(settings, clock=clock) as application:
        yield RunningBot(api=api, application=application, settings=settings)


def _deadline(deadline_id: str, moment: datetime, **changes: object) -> Deadline:
    deadline = Deadline(
        id=deadline_id,
        title={"en": "Appeal hearing", "ru": "Апелляция", "kk": "Апелляция"},
        moment=moment,
        zone="Asia/Almaty",
        action={
            "en": "Write to the court.",
            "ru": "Напишите в суд.",
            "kk": "Сотқа жазыңыз.",
        },
    )
    return dataclasses.replace(deadline, **changes)


async def _import(application: QorgauApplication, *deadlines: Deadline) -> None:
    """Import the shipped case with these deadlines, as ``python -m bot import`` would."""
    shipped = load_content(SHIPPED_CONTENT)
    case = dataclasses.replace(shipped.cases[CASE], deadlines=deadlines)
    await application.services.cases.upsert(Content(shipped.sources, {CASE: case}))


async def _follower(bot: RunningBot, user_id: int, language_code: str) -> SimUser:
    reader = bot.user(user_id, language_code)
    card = await reader.ask("/case Dzhakishev")
    await (await reader.press(card, callback_data=f"case:{CASE}:follow")).wait_answer()
    return reader


def _reminders(reader: SimUser) -> list[SimMessage]:
    return [m for m in reader.chat.bot_messages if (m.text or "").startswith(HEADINGS)]


async def _received(api: LocalBotApi, readers: list[SimUser], count: int) -> None:
    """Wait until each reader has ``count`` reminders, then make sure no more come."""
    await api.wait_until(lambda: all(len(_reminders(r)) >= count for r in readers), timeout=10)
    await asyncio.sleep(QUIET)
    assert [len(_reminders(r)) for r in readers] == [count] * len(readers)


async def test_reminders_due_during_a_downtime_go_out_once(
    api: LocalBotApi, settings: Settings, clock: SettableClock
) -> None:
    soon, later = START + timedelta(days=10), START + timedelta(days=20)
    async with serving(settings, clock=clock) as application:
        bot = RunningBot(api=api, application=application, settings=settings)
        await _import(application, _deadline("soon", soon), _deadline("later", later))
        readers = [await _follower(bot, 100 + i, code) for i, code in enumerate(("ru", "kk", "en"))]
        assert await application.services.reminders.pending_count() == 18
    # Down while the 7-day and 1-day reminders of "soon" came due: one late reminder each.
    clock.set(soon - timedelta(hours=21))
    async with serving(settings, clock=clock) as application:
        await _received(api, readers, 1)
        assert [_reminders(r)[0].text.splitlines()[0] for r in readers] == [
            "Запоздалое напоминание (бот был недоступен): срок наступает через 21 час.",
            "Кешіккен еске салу (бот қолжетімсіз болды). Мерзім: 21 сағаттан кейін.",
            "Late reminder (the bot was unavailable): the deadline is in 21 hours.",
        ]
        # Running: the 2-hour reminder comes on time.
        clock.set(soon - timedelta(hours=2))
        await _received(api, readers, 2)
        assert _reminders(readers[2])[1].text.startswith("Reminder: the deadline is in 2 hours.")
        assert await application.services.reminders.pending_count() == 9
    # Down past "later" itself: its reminders are dropped, not sent.
    clock.set(later + timedelta(minutes=1))
    async with serving(settings, clock=clock) as application:
        await asyncio.sleep(QUIET)
        assert [len(_reminders(r)) for r in readers] == [2, 2, 2]
        assert await application.services.reminders.pending_count() == 0
        rows = await application.services.db.fetchall(
            "SELECT total, sent FROM broadcasts WHERE kind = 'reminder' ORDER BY id"
        )
        assert sum(row["sent"] for row in rows) == sum(row["total"] for row in rows) == 6


async def test_a_deadline_moved_and_one_cancelled_by_import(
    bot: RunningBot, clock: SettableClock
) -> None:
    moved, cancelled = START + timedelta(days=3), START + timedelta(days=4)
    await _import(bot.application, _deadline("moved", moved), _deadline("cancelled", cancelled))
    reader = await _follower(bot, 200, "en")
    new_moment = moved + timedelta(days=2)
    await _import(
        bot.application,
        _deadline("moved", new_moment),
        _deadline("cancelled", cancelled, cancelled=True),
    )
    clock.set(moved - timedelta(days=1))  # when the old reminder was due
    await asyncio.sleep(QUIET)
    assert _reminders(reader) == []
    clock.set(new_moment - timedelta(days=1))
    await _received(bot.api, [reader], 1)
    assert _reminders(reader)[0].text.splitlines()[:5] == [
        "Reminder: the deadline is in 1 day.",
        "",
        "Appeal hearing",
        "Mukhtar Dzhakishev",
        "Friday, March 6, 2026, 2:00\u202fPM (Asia/Almaty)",
    ]


async def test_a_coordinator_adds_a_deadline_across_the_dst_change(
    bot: RunningBot, clock: SettableClock
) -> None:
    berlin = await _follower(bot, 300, "ru")
    assert (await berlin.ask("/timezone europe/berlin")).text.startswith(
        "Ваш часовой пояс теперь Europe/Berlin: там сейчас воскресенье, 1 марта 2026"
    )
    almaty = await _follower(bot, 301, "kk")
    coordinator = await bot.user_with_role(302, Role.COORDINATOR)
    choose = await coordinator.ask("/newdeadline")
    await coordinator.press(choose, callback_data=f"deadline:case:{CASE}")
    (prompt,) = await coordinator.wait_for_replies(1)
    assert prompt.text.startswith("Send the date and time of the deadline")
    refusals = {
        "2026-02-27 10:00": "This moment has passed (Friday, February 27, 2026",
        "2026-03-30 10:00 Mars/Olympus": "I do not know this time zone.",
        "2026-03-29 02:30 Europe/Berlin": "This local time does not exist",
        "next Monday": "I could not read this.",
    }
    for text, refusal in refusals.items():
        assert (await coordinator.ask(text)).text.startswith(refusal)
    # Germany moves to summer time on 29 March; the deadline is the Monday after.
    assert "Russian" in (await coordinator.ask("2026-03-30 10:00 Europe/Berlin")).text
    assert "Kazakh" in (await coordinator.ask("Апелляция\nНапишите в суд.")).text
    assert "English" in (await coordinator.ask("Отырыс\nСотқа жазыңыз.")).text
    assert (await coordinator.ask("Hearing\n")).text.startswith("Send at least two lines")
    preview = await coordinator.ask("Hearing\nWrite to the court.\nhttps://example.org/h")
    assert "Monday, March 30, 2026, 10:00\u202fAM (Europe/Berlin)" in preview.text
    await coordinator.press(preview, "Save")
    (saved,) = await coordinator.wait_for_replies(1)
    assert saved.text.startswith("Saved.")
    # 7 days before is an exact week before the UTC instant: 09:00 in Berlin, still winter.
    clock.set(datetime(2026, 3, 23, 8, 0, tzinfo=UTC))
    await _received(bot.api, [berlin, almaty], 1)
    assert _reminders(berlin)[0].text.splitlines()[:5] == [
        "Напоминание: срок наступает через 7 дней.",
        "",
        "Апелляция",
        "Мухтар Джакишев",
        "понедельник, 30 марта 2026\u202fг., 10:00",  # the zone this reader chose: unnamed
    ]
    assert "2026\u202fж. 30 наурыз, дүйсенбі, 13:00 (Asia/Almaty)" in _reminders(almaty)[0].text
    assert "https://example.org/h" in _reminders(almaty)[0].text


async def test_a_coordinator_moves_then_cancels_a_deadline(
    bot: RunningBot, clock: SettableClock
) -> None:
    await _import(bot.application, _deadline("hearing", START + timedelta(days=3)))
    reader = await _follower(bot, 400, "en")
    coordinator = await bot.user_with_role(401, Role.COORDINATOR, "ru")
    reminders = bot.application.services.reminders
    listing = await coordinator.ask("/editdeadlines")
    assert listing.text.startswith("Какой срок вы хотите изменить? Время по поясу ")
    await coordinator.press(listing, callback_data=listing.buttons[0][0]["callback_data"])
    (choice,) = await coordinator.wait_for_replies(1)
    await coordinator.press(choice, "Перенести")
    await coordinator.wait_for_replies(1)
    moved = await coordinator.ask("2026-03-20 12:00")
    assert moved.text.startswith(
        "Срок перенесён. Новое время: пятница, 20 марта 2026\u202fг., 12:00"
    )
    assert await reminders.pending_count(reader.id) == 3  # the 7-day one is ahead again
    clock.set(START + timedelta(days=2))  # the old 1-day reminder's time
    await asyncio.sleep(QUIET)
    assert _reminders(reader) == []
    listing = await coordinator.ask("/editdeadlines")
    await coordinator.press(listing, callback_data=listing.buttons[0][0]["callback_data"])
    (choice,) = await coordinator.wait_for_replies(1)
    await coordinator.press(choice, "Отменить срок")
    (done,) = await coordinator.wait_for_replies(1)
    assert done.text == "Срок отменён; напоминания о нём не будут отправлены."
    assert await reminders.pending_count() == 0
    assert (await coordinator.ask("/editdeadlines")).text.startswith("Предстоящих сроков нет.")
    # A reader cannot edit deadlines.
    assert (await reader.ask("/newdeadline")).text == "Sorry, this is not available to you."


async def test_the_case_of_a_new_deadline_is_found_by_name(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(450, Role.COORDINATOR, language_code="kk")
    named = await coordinator.ask("/newdeadline Bokayev")
    assert named.text == "Мерзім қай іске қатысты?"
    assert named.button_texts[0] == ["Макс Боқаев"]  # then the cases that mention him
    listing = await coordinator.ask("/newdeadline")
    assert listing.text == "Мерзім қай іске қатысты? Таңдаңыз немесе есімін жіберіңіз."
    assert len(listing.button_texts) == 6  # the shipped cases, most urgent first
    nothing = await coordinator.ask("Zzyzx")
    assert nothing.text == "«Zzyzx» бойынша іс табылмады. Басқа есім жіберіңіз."
    typed = await coordinator.ask("Джакишев")
    await coordinator.press(typed, callback_data=f"deadline:case:{CASE}")
    (prompt,) = await coordinator.wait_for_replies(1)
    assert prompt.text.startswith("Мерзімнің күні мен уақытын")


async def test_readers_who_blocked_the_bot_get_nothing(
    bot: RunningBot, clock: SettableClock
) -> None:
    moment = START + timedelta(days=3)
    await _import(bot.application, _deadline("hearing", moment))
    stays, leaves = await _follower(bot, 500, "en"), await _follower(bot, 501, "en")
    await leaves.block()
    clock.set(moment - timedelta(days=1))
    await _received(bot.api, [stays], 1)
    users = bot.application.services.users
    assert (await users.get(leaves.id)).blocked  # the send was refused
    clock.set(moment - timedelta(hours=2))
    await _received(bot.api, [stays], 2)
    assert _reminders(leaves) == []
    db = bot.application.services.db
    rows = await db.fetchall("SELECT total, sent, blocked FROM broadcasts WHERE kind = 'reminder'")
    assert [tuple(row) for row in rows] == [(2, 1, 1), (1, 1, 0)]  # no second try for them


async def test_a_case_deleted_while_reminders_are_pending(
    bot: RunningBot, clock: SettableClock
) -> None:
    moment = START + timedelta(days=3)
    await _import(bot.application, _deadline("hearing", moment))
    reader = await _follower(bot, 600, "kk")
    services = bot.application.services
    async with services.db.transaction() as conn:
        await conn.execute("DELETE FROM cases WHERE id = ?", (CASE,))
    assert await services.reminders.pending_count() == 0
    clock.set(moment - timedelta(hours=2))
    await asyncio.sleep(QUIET)
    assert _reminders(reader) == []
    assert (await reader.ask("/deadlines")).text.startswith("Сіз әлі ешбір іске жазылмағансыз.")
    assert bot.api.internal_errors == []


async def test_settings_deadlines_and_the_calendar_file(
    bot: RunningBot, clock: SettableClock
) -> None:
    await _import(bot.application, _deadline("hearing", START + timedelta(days=9)))
    kk = await _follower(bot, 700, "kk")
    refusals = {
        "/remindbefore -2h": "Еске салу мерзімнен бұрын келуі керек",
        "/remindbefore 0h": "Еске салу мерзімнен бұрын келуі керек",
        "/remindbefore 100d": "Еске салу мерзімнен ең көбі 90 күн бұрын",
        "/remindbefore 1d, 2d, 3d, 4d, 5d, 6d": "Бір мерзімге ең көбі 5 еске салу болады.",
        "/remindbefore soon": "Бұл аралықтарды оқи алмадым.",
        "/timezone Mars/Olympus": "«Mars/Olympus» — маған белгісіз уақыт белдеуі.",
    }
    for command, refusal in refusals.items():
        assert (await kk.ask(command)).text.startswith(refusal)
    assert (await kk.ask("/remindbefore 3d 12h, 30m")).text == (
        # Two leads, each with its "бұрын", joined as CLDR joins a list: not one lead.
        "Дайын: еске салулар әр мерзімнен 3 күн 12 сағат бұрын және 30 минут бұрын келеді."
    )
    reminders = bot.application.services.reminders
    assert await reminders.pending_count(kk.id) == 2
    settings = await kk.ask("/reminders")
    assert "Уақыт белдеуі: Asia/Almaty (әдепкі белдеу)." in settings.text
    await kk.press(settings, "🔔 Мұхтар Жәкішев")
    assert (await kk.wait_for_edit(settings)).button_texts[1] == ["🔕 Мұхтар Жәкішев"]
    assert await reminders.pending_count(kk.id) == 0
    await kk.press(settings, "🔕 Мұхтар Жәкішев")
    await kk.wait_for_edit(settings)
    assert await reminders.pending_count(kk.id) == 2

    en = await _follower(bot, 701, "en")
    listing = await en.ask("/deadlines")
    assert listing.text.splitlines()[:5] == [
        "Upcoming deadlines (times in Asia/Almaty)",
        "",
        "Appeal hearing",
        "Mukhtar Dzhakishev",
        "Tuesday, March 10, 2026, 2:00\u202fPM, in 9 days",
    ]
    await en.press(listing, "Calendar file (.ics)")
    (document,) = await en.wait_for_replies(1)
    stored = bot.api.world.files[document.document["file_id"]]
    assert stored.file_name == "deadlines.ics"
    (event,) = icalendar.Calendar.from_ical(stored.data).walk("VEVENT")
    assert event["DTSTART"].dt == START + timedelta(days=9)
    assert str(event["SUMMARY"]) == "Appeal hearing"
    ru = await _follower(bot, 702, "ru")
    assert "через 9 дней" in (await ru.ask("/deadlines")).text

    # /forget takes the reminders and the settings with it.
    confirm = await kk.ask("/forget")
    await kk.press(confirm, callback_data="forget:yes")
    await kk.wait_for_edit(confirm)
    assert await reminders.pending_count(kk.id) == 0
    assert await reminders.settings(kk.id) == ReminderSettings()


async def test_reminders_survive_kill_9(
    api: LocalBotApi, new_database: Callable[..., DatabaseLocation]
) -> None:
    """The bot, a real process on the system clock, is killed while sending reminders: after
    the restart nobody has one twice, and whoever has none is counted as of unknown fate."""
    database = new_database("bot.sqlite3")
    readers = [api.user(40_000 + i, language_code="en") for i in range(40)]
    now = datetime.now(UTC)
    shipped = load_content(SHIPPED_CONTENT)
    soon = _deadline("soon", now + timedelta(hours=2, seconds=3))  # the 2-hour one is due in 3 s
    content = Content(
        shipped.sources,
        shipped.cases | {CASE: dataclasses.replace(shipped.cases[CASE], deadlines=(soon,))},
    )
    async with await Database.open(database) as db:
        await Cases(db).upsert(content)
        users, subscriptions = Users(db), Subscriptions(db)
        for reader in readers:
            await users.touch(reader.id, "en", now.date())
            await subscriptions.follow(reader.id, CASE)
        assert await Reminders(db).pending_count() == len(readers)
    async with bot_process(api, database, broadcast_rate=10) as process:
        await api.wait_until(lambda: sum(bool(_reminders(r)) for r in readers) >= 10, timeout=20)
        process.kill()
        await process.wait()
    async with bot_process(api, database, broadcast_rate=10):
        await eventually(lambda: scalar(database, "SELECT count(*) FROM outbox") == 0, 20)
    counts = Counter(len(_reminders(reader)) for reader in readers)
    assert set(counts) <= {0, 1}, "nobody gets a reminder twice"
    sent = scalar(database, "SELECT sum(sent) FROM broadcasts WHERE kind = 'reminder'")
    unknown = scalar(database, "SELECT sum(unknown) FROM broadcasts WHERE kind = 'reminder'")
    assert sent + unknown == len(readers)
    # At most what was claimed ahead, sent but not yet recorded, or on the wire.
    assert counts[0] <= unknown <= math.ceil(10 * (CLAIM_AHEAD + SETTLE_EVERY)) + 2
    assert scalar(database, "SELECT count(*) FROM reminders") == 0


@pytest.mark.parametrize(
    ("language", "refusals"),
    [
        (
            "en",
            {
                "30 sec": "Seconds are too short for a reminder: write minutes, hours, days",
                "1 month": "Months and years differ in length: write days or weeks instead",
                "2 years": "Months and years differ in length",
                "0.5 min": "A reminder must come at least one minute before the deadline.",
                "0": "A reminder must come before the deadline: use durations above zero.",
                "91d": "A reminder can come at most 90 days before the deadline.",
                "1h, 2h, 3h, 4h, 5h, 6h": "At most 5 reminders per deadline, please.",
            },
        ),
        (
            "ru",
            {
                "30 сек": "Секунды — слишком мало для напоминания: пишите минуты, часы,",
                "1 месяц": "Месяцы и годы бывают разной длины: пишите вместо них дни или недели",
                "0,5 мин": "Напоминание должно приходить не меньше чем за минуту до срока.",
                "0": "Напоминание должно приходить до срока",
            },
        ),
        (
            "kk",
            {
                "30 сек": "Секунд еске салу үшін тым қысқа",
                "1 ай": "Айлар мен жылдардың ұзақтығы әртүрлі",
                "0,5 мин": "Еске салу мерзімнен кемінде бір минут бұрын келуі керек.",
            },
        ),
    ],
)
async def test_each_refusal_of_remindbefore_says_why(
    bot: RunningBot, language: str, refusals: dict[str, str]
) -> None:
    reader = bot.user(720, language)
    for leads, reason in refusals.items():
        assert (await reader.ask(f"/remindbefore {leads}")).text.startswith(reason), leads


async def test_the_follow_confirmation_says_when_reminders_come(
    bot: RunningBot, clock: SettableClock
) -> None:
    await _import(bot.application, _deadline("hearing", START + timedelta(minutes=100)))
    near = bot.user(721, "en")
    card = await near.ask("/case Dzhakishev")
    answer = await (await near.press(card, callback_data=f"case:{CASE}:follow")).wait_answer()
    assert answer.text == (
        "You now follow this case: its news will reach you here. Reminders come 7 days, 1 day, "
        "and 2 hours before each deadline. One deadline is nearer than that: its reminder "
        "comes right away."
    )
    kazakh = bot.user(722, "kk")
    assert (await kazakh.ask("/remindbefore 3д, 1ч")).text.startswith("Дайын")
    card = await kazakh.ask("/case Dzhakishev")
    answer = await (await kazakh.press(card, callback_data=f"case:{CASE}:follow")).wait_answer()
    assert answer.text is not None
    assert "Еске салулар әр мерзімнен 3 күн бұрын және 1 сағат бұрын келеді." in answer.text
