"""Locale resolution, the per-update locale, CLDR plurals, dates, relative times and lists."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.reminders import DEFAULT_LEADS, LEADS_EXAMPLES, parse_leads
from bot.text import i18n
from bot.text.formatting import (
    ReaderZone,
    closing_line,
    last_day,
    leads_list,
    long_date,
    moment,
    reader_moment,
    relative,
)


@pytest.mark.parametrize(
    ("chosen", "language_code", "expected"),
    [
        ("kk", "ru", "kk"),  # a stored choice wins
        (None, "ru", "ru"),
        (None, "ru-RU", "ru"),
        (None, "kk", "kk"),
        (None, "en-GB", "en"),
        (None, "de", "en"),  # anything else falls back to the default
        (None, None, "en"),
        ("xx", "kk", "kk"),  # a corrupt stored value is ignored
    ],
)
def test_resolve_locale(chosen: str | None, language_code: str | None, expected: str) -> None:
    assert i18n.resolve_locale(chosen, language_code, "en") == expected


def test_default_locale_applies_to_unknown_languages() -> None:
    assert i18n.resolve_locale(None, "uz", "ru") == "ru"


async def test_concurrent_tasks_keep_their_own_locale() -> None:
    async def translate_in(locale: str) -> str:
        i18n.set_locale(locale)
        await asyncio.sleep(0)
        return i18n.gettext("Choose your language:")

    results = await asyncio.gather(*(translate_in(code) for code in ("ru", "kk", "en") * 3))
    assert len(set(results)) == 3
    assert results[2] == "Choose your language:"


def test_unsupported_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported locale"):
        i18n.set_locale("de")


@pytest.mark.parametrize(
    ("locale", "expected"),
    # CLDR puts a narrow no-break space (U+202F) before the Russian "г." and after the year.
    [
        ("en", "November 22, 2026"),
        ("ru", "22 ноября 2026\u202fг."),
        ("kk", "2026\u202fж. 22 қараша"),
    ],
)
def test_long_dates_follow_cldr(locale: str, expected: str) -> None:
    with i18n.use_locale(locale):
        assert long_date(date(2026, 11, 22)) == expected


NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("left", "locale", "expected"),
    [
        (timedelta(hours=36), "ru", "через 36 часов"),  # not "через 2 дня"
        (timedelta(minutes=59, seconds=59), "ru", "через 59 минут"),  # not "через 60 минут"
        (timedelta(days=1), "ru", "через 1 день"),  # a reminder a day ahead
        (timedelta(days=2, hours=23), "ru", "через 2 дня"),
        (timedelta(hours=21), "kk", "21 сағаттан кейін"),
        (timedelta(seconds=30), "ru", "в течение минуты"),
        (timedelta(seconds=30), "en", "within a minute"),
        (-timedelta(hours=3, minutes=59), "en", "3 hours ago"),
    ],
)
def test_relative_times_never_overstate_the_time_left(
    left: timedelta, locale: str, expected: str
) -> None:
    with i18n.use_locale(locale):
        assert relative(NOW + left, NOW) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "December 7, 2026, 6:12\u202fPM"),
        ("ru", "7 декабря 2026\u202fг., 18:12"),
        ("kk", "2026\u202fж. 7 желтоқсан, 18:12"),
    ],
)
def test_a_moment_is_a_long_date_and_a_short_time(locale: str, expected: str) -> None:
    almaty = ZoneInfo("Asia/Almaty")
    with i18n.use_locale(locale):
        assert moment(datetime(2026, 12, 7, 18, 12, 55, tzinfo=almaty), almaty) == expected


def test_a_time_names_its_zone_only_when_the_reader_did_not_choose_it() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    with i18n.use_locale("en"):
        assert (
            reader_moment(NOW, ReaderZone(berlin, chosen=True)) == "December 7, 2026, 1:00\u202fPM"
        )
        assert reader_moment(NOW, ReaderZone(berlin)).endswith("PM (Europe/Berlin)")


def test_a_period_that_ends_at_midnight_ends_on_its_last_day() -> None:
    almaty = ZoneInfo("Asia/Almaty")
    end = datetime(2027, 1, 1, tzinfo=almaty)  # /opendeclaration N 2026-12-31
    assert last_day(end, almaty) == date(2026, 12, 31)
    assert last_day(end, ZoneInfo("Europe/Berlin")) is None  # 20:00 there
    with i18n.use_locale("ru"):
        assert closing_line(end, ReaderZone(almaty, chosen=True)) == (
            "Последний день подписания: 31 декабря 2026\u202fг."
        )
        assert closing_line(end, ReaderZone(ZoneInfo("Europe/Berlin"), chosen=True)) == (
            "Подписание заканчивается: 31 декабря 2026\u202fг., 20:00"
        )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "7 days, 1 day, and 2 hours"),
        ("ru", "за 7 дней, за 1 день и за 2 часа"),
        ("kk", "7 күн бұрын, 1 күн бұрын, 2 сағат бұрын"),
    ],
)
def test_reminder_leads_are_listed_as_cldr_lists(locale: str, expected: str) -> None:
    with i18n.use_locale(locale):
        assert leads_list(DEFAULT_LEADS) == expected
        assert (
            leads_list([86_400 + 12 * 3_600])
            == {
                "en": "1 day 12 hours",
                "ru": "за 1 день 12 часов",
                "kk": "1 күн 12 сағат бұрын",
            }[locale]
        )


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_each_language_s_leads_example_reads_as_the_default_leads(locale: str) -> None:
    assert parse_leads(LEADS_EXAMPLES[locale], locale) == DEFAULT_LEADS
