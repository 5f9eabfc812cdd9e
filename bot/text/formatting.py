"""Dates, numbers and durations in the current locale, by CLDR rules (Babel).

Every time a person reads is in their own time zone (:class:`ReaderZone`), to the minute
(never seconds), with the long date ("7 декабря 2026 г., 18:12", "2026 ж. 7 желтоқсан, 18:12");
a time in a zone they did not choose names it. Messages put these values after a label
("Соңғы мерзімі: …") so that no case ending has to follow them: Babel cannot inflect a
formatted date or number.
"""

from __future__ import annotations

import asyncio
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    format_timedelta,
    get_datetime_format,
)
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from bot.text.i18n import current_locale, gettext, ngettext, pgettext


def cldr_locale() -> Locale:
    """The current locale's CLDR data, read once per locale (Babel parses a locale's name anew
    at every call that is given the name)."""
    return _parsed(current_locale())


@functools.cache
def _parsed(locale: str) -> Locale:
    return Locale.parse(locale)


async def load_cldr_data(locales: Iterable[str]) -> None:
    """Read the CLDR data of ``locales``, one at a time between other work: Babel reads a
    locale's data at its first use, some 10 ms each, which would otherwise fall on a reader's
    first date."""
    for locale in locales:
        _parsed(locale).datetime_formats  # noqa: B018 -- reading it loads the locale's data
        await asyncio.sleep(0)


@dataclass(frozen=True, slots=True)
class ReaderZone:
    """The time zone a reader sees times in: the one they chose with /timezone, or the bot's
    (``chosen`` false), which every time shown to them then names."""

    zone: ZoneInfo
    chosen: bool = False


def long_date(day: date) -> str:
    """A date as readers of the current locale write it, e.g. "22 ноября 2026 г."."""
    return format_date(day, format="long", locale=cldr_locale())


def day_and_month(day: date) -> str:
    """A day of the month, short: "Nov 3", "3 нояб.", "3 қар."."""
    return format_skeleton("MMMd", day, locale=cldr_locale())


def partial_date(text: str) -> str:
    """A date as precise as its source: "2017", "ноябрь 2017 г.", "23 February 2018"."""
    parts = [int(part) for part in text.split("-")]
    year, month, day = (*parts, 1, 1)[:3]
    if len(parts) == 3:
        return long_date(date(year, month, day))
    skeleton = "yMMMM" if len(parts) == 2 else "y"
    return format_skeleton(skeleton, date(year, month, 1), locale=cldr_locale())


def capitalized(text: str) -> str:
    """``text`` with its first letter upper-case, for the start of a line: CLDR writes months
    in lower case in Russian ("ноябрь 2017 г.")."""
    return text[:1].upper() + text[1:]


def moment(when: datetime, zone: tzinfo, *, weekday: bool = False) -> str:
    """A moment in ``zone`` to the minute, with the long date (or the full one, which names the
    weekday): "7 декабря 2026 г., 18:12", "понедельник, 7 декабря 2026 г., 18:12",
    "2026 ж. 7 желтоқсан, дүйсенбі, 18:12"."""
    locale = cldr_locale()
    local = when.astimezone(zone)
    length = "full" if weekday else "long"
    glue = str(get_datetime_format(length, locale=locale)).replace("'", "")
    return glue.format(
        format_time(local, format="short", locale=locale), format_date(local, length, locale=locale)
    )


def in_zone(text: str, zone: ZoneInfo) -> str:
    """A time followed by the name of its zone, as /timezone takes it: "… (Europe/Berlin)"."""
    return f"{text} ({zone.key})"


def reader_moment(when: datetime, reader: ReaderZone, *, weekday: bool = False) -> str:
    """A moment as a reader sees it: in their zone, named unless they chose it."""
    text = moment(when, reader.zone, weekday=weekday)
    return text if reader.chosen else in_zone(text, reader.zone)


def last_day(end: datetime, zone: tzinfo) -> date | None:
    """The day a period ends with, when it ends at a midnight of ``zone`` (as an end typed as a
    day does): the day before that midnight. ``None`` when it ends at another time of day."""
    local = end.astimezone(zone)
    if local.timetz().replace(tzinfo=None) != time():
        return None
    return local.date() - timedelta(days=1)


def reader_last_day(end: datetime, reader: ReaderZone) -> str | None:
    """:func:`last_day` as a reader sees it ("31 декабря 2026 г."), the zone named unless they
    chose it; ``None`` when the period does not end at one of their midnights."""
    day = last_day(end, reader.zone)
    if day is None:
        return None
    return long_date(day) if reader.chosen else in_zone(long_date(day), reader.zone)


def reader_end(end: datetime, reader: ReaderZone) -> str:
    """The end of a period as a reader sees it: its last day when it ends at one of their
    midnights ("31 декабря 2026 г."), else the moment; the zone named unless they chose it."""
    day = reader_last_day(end, reader)
    return day if day is not None else reader_moment(end, reader, weekday=True)


def closing_line(end: datetime, reader: ReaderZone) -> str:
    """When a declaration stops taking signatures, as a reader sees it: its last day when it
    ends at one of their midnights (as the coordinator typed it), else the moment."""
    day = reader_last_day(end, reader)
    if day is not None:
        # TRANSLATORS: a declaration's last day of signing: %(day)s is a long date ("31 December
        # 2026"), perhaps followed by a time zone in parentheses. Write it after a label: a
        # formatted date takes no case ending.
        return gettext("Last day to sign: %(day)s", day=day)
    # TRANSLATORS: %(moment)s is a long date and a time ("31 December 2026, 20:00"), perhaps
    # followed by a time zone in parentheses. Write it after a label: it takes no case ending.
    return gettext("Signing closes: %(moment)s", moment=reader_moment(end, reader))


def number(value: float, decimals: int = 0) -> str:
    """A number with the locale's grouping and decimal signs."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=cldr_locale())


def percent(fraction: float) -> str:
    """A whole percentage: "60 %" in Russian, "60%" in English."""
    return format_percent(fraction, locale=cldr_locale())


def duration(seconds: float) -> str:
    """A rounded span of time in the nominative: "31 секунда", "2 minutes"; an estimate."""
    return format_timedelta(
        timedelta(seconds=max(1, round(seconds))), threshold=1.1, locale=cldr_locale()
    )


def lead_text(seconds: int) -> str:
    """A lead time in words of the current locale, exactly: "1 день 12 часов"."""
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = []
    if days:
        # TRANSLATORS: a part of a reminder's lead time ("1 day 12 hours"); in Russian it follows
        # "за": use the accusative ("за 1 минуту").
        parts.append(ngettext("%(count)s day", "%(count)s days", days, count=number(days)))
    if hours:
        # TRANSLATORS: a part of a reminder's lead time ("1 day 12 hours"); in Russian it follows
        # "за": use the accusative ("за 1 минуту").
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours, count=number(hours)))
    if minutes:
        parts.append(
            # TRANSLATORS: a part of a reminder's lead time ("1 day 12 hours"); in Russian it
            # follows "за": use the accusative ("за 1 минуту").
            ngettext("%(count)s minute", "%(count)s minutes", minutes, count=number(minutes))
        )
    return " ".join(parts)


def leads_list(leads: Sequence[int]) -> str:
    """Lead times as one list, each with its own preposition or postposition, joined as CLDR
    joins a list: "7 days, 1 day, and 2 hours", "за 7 дней, за 1 день и за 2 часа",
    "7 күн бұрын, 1 күн бұрын, 2 сағат бұрын"."""
    items = [
        # TRANSLATORS: one reminder's lead time in a list of them, before "before each
        # deadline": Russian "за %(duration)s", Kazakh "%(duration)s бұрын". The duration
        # is "1 day 12 hours" in your words.
        pgettext("a lead time in a list", "%(duration)s", duration=lead_text(lead))
        for lead in leads
    ]
    return listed(items)


def listed(items: Sequence[str]) -> str:
    """Items joined as the current locale joins a list: "a, b и c", "a, b, and c"."""
    return format_list(list(items), locale=cldr_locale())


HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
HOURS_BELOW = timedelta(days=2)
"""Hours are counted up to two days ("через 36 часов"), days beyond (and a whole day, as a
reminder a day ahead sees it: "через 1 день")."""


def relative(when: datetime, now: datetime) -> str:
    """How far ``when`` is from ``now`` in the current locale, in whole minutes below an hour,
    hours below two days (but for whole days), days beyond, never weeks: "через 36 часов",
    "3 күннен кейін". Whole units are counted down, so the time left is never overstated: 59
    minutes 59 seconds is "in 59 minutes"; less than a minute is "within a minute"."""
    delta = when - now
    span = abs(delta)
    if span < timedelta(minutes=1):
        # TRANSLATORS: how far a deadline is when less than a minute is left ("the deadline is
        # within a minute"); "just now" when it passed less than a minute ago.
        return gettext("within a minute") if delta >= timedelta(0) else gettext("just now")
    unit, size = (
        ("minute", timedelta(minutes=1))
        if span < HOUR
        else ("hour", HOUR)
        if span < HOURS_BELOW and span % DAY
        else ("day", DAY)
    )
    whole = (span // size) * size
    return format_timedelta(
        whole if delta >= timedelta(0) else -whole,
        granularity=unit,
        threshold=math.inf,  # no larger unit qualifies: the granularity is the unit
        add_direction=True,
        locale=cldr_locale(),
    )
