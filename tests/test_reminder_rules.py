"""The rules of reminders without Telegram: lead times, time zones and DST, which due
reminders go out on time, late or not at all, and their texts in three languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import moments
from bot.domain.content import Deadline
from bot.domain.reminders import (
    LATE_AFTER,
    UNITS,
    DueReminder,
    MonthsLead,
    NotPositiveLead,
    SecondsLead,
    Timing,
    TooLongLead,
    TooManyLeads,
    TooShortLead,
    UnreadableLead,
    parse_leads,
    timing,
    triage,
)
from bot.reminders import reminder_html
from bot.text.formatting import lead_text
from bot.text.i18n import use_locale

BERLIN = moments.zone("Europe/Berlin")
ALMATY = moments.zone("Asia/Almaty")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
HOUR, DAY = 3_600, 86_400


@pytest.mark.parametrize(
    ("text", "leads"),
    [
        ("7d, 1d, 2h", (7 * DAY, DAY, 2 * HOUR)),
        ("3d 12h 30m", (3 * DAY + 12 * HOUR + 30 * 60,)),
        ("2h;1d;2h", (DAY, 2 * HOUR)),  # any order, duplicates once
        ("1w", (7 * DAY,)),
        ("3 дня, 12 часов", (3 * DAY, 12 * HOUR)),
        ("2 күн, 3 сағат, 15 минут", (2 * DAY, 3 * HOUR, 15 * 60)),
        ("90d", (90 * DAY,)),
    ],
)
def test_lead_times_as_people_write_them(text: str, leads: tuple[int, ...]) -> None:
    assert parse_leads(text) == leads


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("-2h", NotPositiveLead),
        ("0h", NotPositiveLead),
        ("0d 0m", NotPositiveLead),
        ("91d", TooLongLead),
        ("13w", TooLongLead),
        ("1d, 2d, 3d, 4d, 5d, 6d", TooManyLeads),
        ("tomorrow", UnreadableLead),
        ("2 months", UnreadableLead),
        ("5", UnreadableLead),
        ("1d and 2h", UnreadableLead),
        (" , ", UnreadableLead),
    ],
)
def test_bad_lead_times_are_refused(text: str, problem: type[Exception]) -> None:
    with pytest.raises(problem):
        parse_leads(text)


@pytest.mark.parametrize(("unit", "seconds"), sorted(UNITS.items()))
def test_every_unit_word_and_abbreviation_is_read(unit: str, seconds: int) -> None:
    assert parse_leads(f"2 {unit}") == (2 * seconds,)
    assert parse_leads(f"2{unit}.") == (2 * seconds,)  # "2 мин.", "2ч."
    assert parse_leads(unit.upper()) == (seconds,)  # "за сутки": a unit alone is one of it


@pytest.mark.parametrize(
    ("text", "locale", "leads"),
    [
        ("1 сутки", "ru", (DAY,)),
        ("2 суток", "ru", (2 * DAY,)),
        ("за сутки", "ru", (DAY,)),
        ("за 2 часа, за сутки", "ru", (DAY, 2 * HOUR)),
        ("1,5 ч", "ru", (90 * 60,)),
        ("1.5h", "en", (90 * 60,)),
        ("1,5 ч, 2 д", "ru", (2 * DAY, 90 * 60)),
        ("2 мин.", "ru", (120,)),
        ("7к, 1к, 2с", "kk", (7 * DAY, DAY, 2 * HOUR)),
        ("1 күн бұрын", "kk", (DAY,)),
        ("2h before", "en", (2 * HOUR,)),
    ],
)
def test_leads_in_everyday_words(text: str, locale: str, leads: tuple[int, ...]) -> None:
    assert parse_leads(text, locale) == leads


@pytest.mark.parametrize(
    ("text", "locale", "problem"),
    [
        ("30 сек", "ru", SecondsLead),
        ("2с", "ru", SecondsLead),  # a Russian reader's "с" is seconds
        ("45 seconds", "en", SecondsLead),
        ("1 mth", "en", MonthsLead),
        ("2 месяца", "ru", MonthsLead),
        ("1 ай", "kk", MonthsLead),
        ("1 year", "en", MonthsLead),
        ("0,5 мин", "ru", TooShortLead),
        ("0", "en", NotPositiveLead),  # a bare 0 needs no unit to be nothing: "above zero"
        ("0m", "en", NotPositiveLead),
    ],
)
def test_units_that_are_refused_say_why(text: str, locale: str, problem: type[Exception]) -> None:
    with pytest.raises(problem):
        parse_leads(text, locale)


@pytest.mark.parametrize(
    ("locale", "seconds", "text"),
    [
        ("en", DAY + 2 * HOUR, "1 day 2 hours"),
        ("ru", 21 * DAY, "21 день"),
        ("ru", 3 * DAY + 5 * HOUR + 60, "3 дня 5 часов 1 минуту"),
        ("kk", 2 * HOUR + 30 * 60, "2 сағат 30 минут"),
    ],
)
def test_lead_times_in_words(locale: str, seconds: int, text: str) -> None:
    with use_locale(locale):
        assert lead_text(seconds) == text


def test_a_deadline_just_after_the_spring_change_keeps_exact_leads() -> None:
    # Germany moves its clocks from 02:00 to 03:00 on 29 March 2026.
    moment = moments.local_to_utc(datetime(2026, 3, 30, 10, 0), BERLIN)
    assert moment == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # summer time: UTC+2
    week_before = moment - timedelta(days=7)
    assert week_before == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    assert week_before.astimezone(BERLIN).hour == 9  # winter time then: 09:00 on the wall
    assert moment.astimezone(ALMATY).hour == 13  # Almaty has no DST: UTC+5


def test_a_deadline_just_after_the_autumn_change() -> None:
    # Germany moves its clocks back from 03:00 to 02:00 on 25 October 2026.
    moment = moments.local_to_utc(datetime(2026, 10, 26, 10, 0), BERLIN)
    assert moment == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # winter time: UTC+1
    day_before = (moment - timedelta(days=1)).astimezone(BERLIN)
    assert (day_before.day, day_before.hour) == (25, 10)  # the change lies after 02:00
    week_before = (moment - timedelta(days=7)).astimezone(BERLIN)
    assert (week_before.day, week_before.hour) == (19, 11)  # summer time then


def test_local_times_the_clocks_skip_or_repeat() -> None:
    with pytest.raises(moments.SkippedTime):
        moments.local_to_utc(datetime(2026, 3, 29, 2, 30), BERLIN)
    repeated = moments.local_to_utc(datetime(2026, 10, 25, 2, 30), BERLIN)
    assert repeated == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30 (summer)


@pytest.mark.parametrize(
    ("text", "expected", "zone"),
    [
        ("2026-12-01 10:00", datetime(2026, 12, 1, 5, 0, tzinfo=UTC), "Asia/Almaty"),  # UTC+5
        (
            "2026-12-01 10:00 Europe/Berlin",
            datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            "Europe/Berlin",
        ),
        (
            "2026-12-01T9:30 europe/berlin",
            datetime(2026, 12, 1, 8, 30, tzinfo=UTC),
            "Europe/Berlin",
        ),
    ],
)
def test_moments_as_coordinators_write_them(text: str, expected: datetime, zone: str) -> None:
    moment, where = moments.parse_moment(text, ALMATY)
    assert (moment, where.key) == (expected, zone)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2026-12-01 10:00 Mars/Olympus", moments.UnknownZone),
        ("1 December", moments.UnreadableTime),
        ("2026-02-30 10:00", moments.UnreadableTime),
        ("2026-03-29 02:30 Europe/Berlin", moments.SkippedTime),
    ],
)
def test_bad_moments_are_refused(text: str, problem: type[Exception]) -> None:
    with pytest.raises(problem):
        moments.parse_moment(text, ALMATY)


DEADLINE = NOW + timedelta(days=2)


@pytest.mark.parametrize(
    ("due", "now", "expected"),
    [
        (NOW, NOW, Timing.ON_TIME),
        (NOW - LATE_AFTER, NOW, Timing.ON_TIME),
        (NOW - LATE_AFTER - timedelta(seconds=1), NOW, Timing.LATE),
        (NOW - timedelta(days=5), NOW, Timing.LATE),  # the deadline is still ahead
        (NOW, DEADLINE, Timing.DROPPED),  # the deadline has come
        (NOW, DEADLINE + timedelta(hours=1), Timing.DROPPED),
    ],
)
def test_on_time_late_or_dropped(due: datetime, now: datetime, expected: Timing) -> None:
    assert timing(due, DEADLINE, now) is expected


def _due(
    reminder_id: int,
    lead: timedelta,
    *,
    user_id: int = 1,
    key: int = 1,
    moment: datetime = DEADLINE,
    blocked: bool = False,
    locale: str = "en",
    zone: str | None = None,
) -> DueReminder:
    deadline = Deadline(
        id="hearing",
        title={"en": "Appeal hearing", "ru": "Апелляция", "kk": "Апелляция"},
        moment=moment,
        zone="Europe/Berlin",
        action={"en": "Write to the court.", "ru": "Напишите в суд.", "kk": "Сотқа жазыңыз."},
        link="https://example.org/hearing",
    )
    return DueReminder(
        id=reminder_id,
        user_id=user_id,
        locale=locale,
        zone=zone,
        blocked=blocked,
        case_name={"en": "Jane Doe", "ru": "Джейн Доу", "kk": "Джейн Доу"},
        deadline_key=key,
        deadline=deadline,
        lead=lead,
        due_at=moment - lead,
    )


def test_triage_sends_one_per_deadline_and_drops_the_rest() -> None:
    now = DEADLINE - timedelta(hours=1)  # the bot was down for days
    week, day, two_hours = timedelta(days=7), timedelta(days=1), timedelta(hours=2)
    due = [
        _due(1, week),
        _due(2, day),
        _due(3, two_hours),
        _due(4, day, user_id=2, blocked=True),
        _due(5, day, user_id=3, key=2, moment=now - timedelta(minutes=1)),  # passed
        _due(6, two_hours, user_id=4, key=3, moment=now + timedelta(hours=2)),  # due now
    ]
    chosen, dropped = triage(due, now)
    assert sorted((r.id, late) for r, late in chosen) == [(3, True), (6, False)]
    assert sorted(r.id for r in dropped) == [1, 2, 4, 5]


@pytest.mark.parametrize(
    ("locale", "zone", "late", "expected"),
    [
        # The bot's default zone, New York, is on summer time since 8 March: UTC-4.
        ("en", None, False, ["<b>Reminder</b>: the deadline is in 2 days.", "Sunday, March 22"]),
        ("en", None, False, ["8:00\u202fAM (America/New_York)"]),
        ("ru", "Europe/Berlin", True, ["<b>Запоздалое напоминание</b>", "через 2 дня"]),
        # A zone the reader chose is theirs: the time is not followed by its name.
        ("ru", "Europe/Berlin", True, ["воскресенье, 22 марта 2026\u202fг., 13:00\n"]),
        # A label, so that the relative time needs no case ending.
        ("kk", "Asia/Almaty", False, ["<b>Еске салу</b>. Мерзім: 2 күннен кейін."]),
        ("kk", "Asia/Almaty", False, ["2026\u202fж. 22 наурыз, жексенбі, 17:00\n"]),
    ],
)
def test_the_reminder_text(locale: str, zone: str | None, late: bool, expected: list[str]) -> None:
    reminder = _due(1, timedelta(days=2), locale=locale, zone=zone)
    text = reminder_html(reminder, late, NOW, moments.zone("America/New_York"))
    for part in expected:
        assert part in text
    assert "https://example.org/hearing" in text
    assert (zone is None) == ("(America/New_York)" in text)
