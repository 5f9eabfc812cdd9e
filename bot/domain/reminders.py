"""The rules of reminders, free of Telegram and storage: lead times as people write them, and
which due reminders go out (on time, late, or not at all).

A lead time is an exact duration before the deadline's UTC instant, so daylight-saving changes
move no reminder; only the local times shown follow each reader's zone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.domain.content import Deadline
from bot.domain.languages import Texts

MAX_LEAD = timedelta(days=90)
MIN_LEAD = timedelta(minutes=1)
MAX_LEADS = 5
LATE_AFTER = timedelta(minutes=1)
"""A reminder sent later than this after its due time (the bot was down, or busy) says so."""

LEADS_EXAMPLES = {"en": "7d, 1d, 2h", "ru": "7д, 1д, 2ч", "kk": "7к, 1к, 2с"}
"""The default lead times as a reader of each language writes them (see :data:`UNITS`)."""

MINUTE, HOUR, DAY, WEEK = 60, 3_600, 86_400, 7 * 86_400

UNITS: dict[str, int] = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), MINUTE),
    **dict.fromkeys(("м", "мин", "минута", "минуты", "минут", "минуту"), MINUTE),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), HOUR),
    **dict.fromkeys(("ч", "час", "часа", "часов"), HOUR),
    **dict.fromkeys(("сағ", "сағат"), HOUR),
    **dict.fromkeys(("d", "day", "days"), DAY),
    **dict.fromkeys(("д", "дн", "день", "дня", "дней", "сут", "сутки", "суток"), DAY),
    **dict.fromkeys(("к", "күн"), DAY),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), WEEK),
    **dict.fromkeys(("н", "нед", "неделя", "недели", "недель", "неделю"), WEEK),
    **dict.fromkeys(("а", "апта"), WEEK),
}
"""Every unit word and abbreviation read, in English, Russian and Kazakh, in seconds."""

SECOND_UNITS = frozenset(
    ("s", "sec", "secs", "second", "seconds", "сек", "секунда", "секунды", "секунд", "секунду")
)
MONTH_UNITS = frozenset(
    ("mo", "mon", "mth", "mths", "month", "months", "мес", "месяц", "месяца", "месяцев", "ай")
)
YEAR_UNITS = frozenset(("y", "yr", "year", "years", "г", "год", "года", "лет", "жыл"))

AMBIGUOUS_S = "с"
"""Kazakh readers write "2с" for two hours (сағат); Russian readers mean seconds."""

FILLERS = frozenset(("за", "before", "бұрын"))
"""Words around a lead that say nothing more: "за сутки", "2h before", "1 күн бұрын"."""

_PART = re.compile(r"(\d+(?:\.\d+)?)?\s*([^\W\d_]+)\.?")


class LeadError(ValueError):
    """Lead times that cannot be used."""


class UnreadableLead(LeadError):
    """Not durations like "3d 12h 30m"."""


class RefusedUnit(UnreadableLead):
    """A unit the reminders do not use."""


class SecondsLead(RefusedUnit):
    """Seconds: too short to be a reminder before a deadline."""


class MonthsLead(RefusedUnit):
    """Months or years: they differ in length; days are exact (and 90 days is the most)."""


class NotPositiveLead(LeadError):
    """A negative or zero duration."""


class TooShortLead(LeadError):
    """Less than :data:`MIN_LEAD` before the deadline."""


class TooLongLead(LeadError):
    """More than :data:`MAX_LEAD` before the deadline."""


class TooManyLeads(LeadError):
    """More than :data:`MAX_LEADS` reminders per deadline."""


def _unit_seconds(unit: str, locale: str) -> int:
    if unit == AMBIGUOUS_S:
        if locale == "kk":
            return HOUR
        raise SecondsLead(unit)
    if unit in SECOND_UNITS:
        raise SecondsLead(unit)
    if unit in MONTH_UNITS or unit in YEAR_UNITS:
        raise MonthsLead(unit)
    if unit not in UNITS:
        raise UnreadableLead(unit)
    return UNITS[unit]


def _parse_lead(text: str, locale: str) -> int:
    compact = text.strip().lower()
    if compact.startswith("-") or re.fullmatch(r"0+(?:\.0*)?", compact):
        raise NotPositiveLead(text)  # "0" needs no unit to be nothing
    parts = [(amount, unit) for amount, unit in _PART.findall(compact) if unit not in FILLERS]
    if not parts or _PART.sub("", compact).strip():
        raise UnreadableLead(text)
    # A unit without a number is one of it: "за сутки", "1 day, hour".
    seconds = sum(float(amount or 1) * _unit_seconds(unit, locale) for amount, unit in parts)
    if seconds <= 0:
        raise NotPositiveLead(text)
    if seconds < MIN_LEAD.total_seconds():
        raise TooShortLead(text)
    if seconds > MAX_LEAD.total_seconds():
        raise TooLongLead(text)
    return round(seconds / MINUTE) * MINUTE


def parse_leads(text: str, locale: str = "en") -> tuple[int, ...]:
    """Lead times separated by commas or semicolons ("7d, 1d 12h, 30m", "за 1,5 ч"), in
    seconds to the minute, longest first. Unit words and abbreviations of every language are
    read; a bare "с" means hours for a reader of ``locale`` kk (сағат), seconds otherwise."""
    pieces = [piece for piece in re.split(r"[,;]", _decimal_commas(text)) if piece.strip()]
    if not pieces:
        raise UnreadableLead(text)
    leads = sorted({_parse_lead(piece, locale) for piece in pieces}, reverse=True)
    if len(leads) > MAX_LEADS:
        raise TooManyLeads(text)
    return tuple(leads)


def _decimal_commas(text: str) -> str:
    """ "1,5 ч" is one and a half hours, not two leads: a comma between digits is a point."""
    return re.sub(r"(?<=\d),(?=\d)", ".", text)


class Timing(Enum):
    """What becomes of a due reminder."""

    ON_TIME = "on time"
    LATE = "late"  # its due time passed while the bot was down; the deadline is still ahead
    DROPPED = "dropped"  # the deadline has passed (or was cancelled): too late to remind


def timing(due_at: datetime, deadline: datetime, now: datetime) -> Timing:
    """Whether a reminder due at ``due_at`` goes out at ``now``, and how."""
    if now >= deadline:
        return Timing.DROPPED
    return Timing.LATE if now - due_at > LATE_AFTER else Timing.ON_TIME


def triage(
    due: Sequence[DueReminder], now: datetime
) -> tuple[list[tuple[DueReminder, bool]], list[DueReminder]]:
    """Split due reminders into those to send (each with whether it is late) and those to drop:
    of several due for one user and deadline only the nearest to the deadline goes out;
    nothing goes to users who blocked the bot, nor for passed or cancelled deadlines."""
    chosen: dict[tuple[int, int], tuple[DueReminder, bool]] = {}
    dropped: list[DueReminder] = []
    for reminder in due:
        when = timing(reminder.due_at, reminder.deadline.moment, now)
        if reminder.blocked or reminder.deadline.cancelled or when is Timing.DROPPED:
            dropped.append(reminder)
            continue
        key = (reminder.user_id, reminder.deadline_key)
        previous = chosen.get(key)
        if previous is not None:
            nearer = reminder if reminder.lead < previous[0].lead else previous[0]
            dropped.append(previous[0] if nearer is reminder else reminder)
            if nearer is previous[0]:
                continue
        chosen[key] = (reminder, when is Timing.LATE)
    return list(chosen.values()), dropped


DEFAULT_LEADS: tuple[int, ...] = (7 * 86_400, 86_400, 2 * 3_600)
"""Seconds before a deadline that its reminders go out when a user chose nothing else."""


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """One user's choices about reminders."""

    zone: str | None = None  # None: BOT_TIMEZONE
    leads: tuple[int, ...] = DEFAULT_LEADS  # seconds before the deadline, longest first
    muted: bool = False


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder whose time has come, with what its message needs."""

    id: int
    user_id: int
    locale: str
    zone: str | None
    blocked: bool
    case_name: Texts
    deadline_key: int
    deadline: Deadline
    lead: timedelta
    due_at: datetime
