"""Dates, numbers and durations in the current locale, by CLDR rules (Babel)."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, tzinfo

from babel.dates import (
    format_date,
    format_datetime,
    format_skeleton,
    format_time,
    format_timedelta,
    get_datetime_format,
)
from babel.numbers import format_decimal, format_percent

from bot.text.i18n import current_locale, ngettext


def long_date(day: date) -> str:
    """A date as readers of the current locale write it, e.g. "22 ноября 2026 г."."""
    return format_date(day, format="long", locale=current_locale())


def partial_date(text: str) -> str:
    """A date as precise as its source: "2017", "ноябрь 2017 г.", "23 February 2018"."""
    parts = [int(part) for part in text.split("-")]
    year, month, day = (*parts, 1, 1)[:3]
    if len(parts) == 3:
        return long_date(date(year, month, day))
    skeleton = "yMMMM" if len(parts) == 2 else "y"
    return format_skeleton(skeleton, date(year, month, 1), locale=current_locale())


def date_and_time(moment: datetime, zone: tzinfo) -> str:
    """A moment in ``zone``, medium length: "22 нояб. 2026 г., 09:15"."""
    return format_datetime(moment, format="medium", tzinfo=zone, locale=current_locale())


def weekday_date_and_time(moment: datetime, zone: tzinfo) -> str:
    """A moment in ``zone`` with its weekday, to the minute: "воскресенье, 22 марта 2026 г.,
    13:00", "2026 ж. 22 наурыз, жексенбі, 13:00"."""
    locale = current_locale()
    local = moment.astimezone(zone)
    glue = str(get_datetime_format("full", locale=locale)).replace("'", "")
    return glue.format(
        format_time(local, format="short", locale=locale), format_date(local, "full", locale=locale)
    )


def number(value: float, decimals: int = 0) -> str:
    """A number with the locale's grouping and decimal signs."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=current_locale())


def percent(fraction: float) -> str:
    """A whole percentage: "60 %" in Russian, "60%" in English."""
    return format_percent(fraction, locale=current_locale())


def duration(seconds: float) -> str:
    """A rounded span of time: "31 секунда", "2 minutes"."""
    return format_timedelta(
        timedelta(seconds=max(1, round(seconds))), threshold=1.1, locale=current_locale()
    )


def lead_text(seconds: int) -> str:
    """A lead time in words of the current locale, exactly: "1 день 12 часов"."""
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(count)s day", "%(count)s days", days, count=days))
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours, count=hours))
    if minutes:
        parts.append(ngettext("%(count)s minute", "%(count)s minutes", minutes, count=minutes))
    return " ".join(parts)


def relative(moment: datetime, now: datetime) -> str:
    """How far ``moment`` is from ``now`` in the current locale, in minutes below an hour, hours
    below a day, days beyond (never "1 week"): "через 21 час", "3 күннен кейін"."""
    delta = moment - now
    span = abs(delta)
    unit = "minute" if span < timedelta(hours=1) else "hour" if span < timedelta(days=1) else "day"
    return format_timedelta(
        delta,
        granularity=unit,
        threshold=math.inf,  # no larger unit qualifies: the granularity is the unit
        add_direction=True,
        locale=current_locale(),
    )
