"""The rules of reminders, free of Telegram: lead times as people write them, which due
reminders go out (on time, late, or not at all), and the text of a reminder.

A lead time is an exact duration before the deadline's UTC instant, so daylight-saving changes
move no reminder; only the local times shown follow each reader's zone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from babel.dates import format_timedelta

from bot.domain import moments
from bot.text.formatting import weekday_date_and_time
from bot.text.i18n import current_locale, ngettext, use_locale
from bot.text.render import render
from storage.reminders import DueReminder

MAX_LEAD = timedelta(days=90)
MAX_LEADS = 5
LATE_AFTER = timedelta(minutes=5)
"""A reminder sent later than this after its due time (the bot was down) says it is late."""

LEADS_EXAMPLE = "7d, 1d, 2h"

_UNITS = {
    # The first letter of the unit, in English, Russian or Kazakh.
    "w": 7 * 86_400,
    "н": 7 * 86_400,  # неделя
    "а": 7 * 86_400,  # апта
    "d": 86_400,
    "д": 86_400,  # день
    "к": 86_400,  # күн
    "h": 3_600,
    "ч": 3_600,  # час
    "с": 3_600,  # сағат
    "m": 60,
    "м": 60,  # минута
}
_MONTHS = ("mo", "мес", "ай")
_PART = re.compile(r"(\d+)\s*([^\W\d_]+)")


class LeadError(ValueError):
    """Lead times that cannot be used."""


class UnreadableLead(LeadError):
    """Not durations like "3d 12h 30m"."""


class NotPositiveLead(LeadError):
    """A negative or zero duration."""


class TooLongLead(LeadError):
    """More than :data:`MAX_LEAD` before the deadline."""


class TooManyLeads(LeadError):
    """More than :data:`MAX_LEADS` reminders per deadline."""


def _parse_lead(text: str) -> int:
    compact = text.strip().lower()
    if compact.startswith("-"):
        raise NotPositiveLead(text)
    parts = _PART.findall(compact)
    if not parts or _PART.sub("", compact).strip():
        raise UnreadableLead(text)
    seconds = 0
    for amount, unit in parts:
        if unit.startswith(_MONTHS) or unit[0] not in _UNITS:
            raise UnreadableLead(text)
        seconds += int(amount) * _UNITS[unit[0]]
    if seconds <= 0:
        raise NotPositiveLead(text)
    if seconds > MAX_LEAD.total_seconds():
        raise TooLongLead(text)
    return seconds


def parse_leads(text: str) -> tuple[int, ...]:
    """Lead times separated by commas ("7d, 1d 12h, 30m"), in seconds, longest first."""
    pieces = [piece for piece in re.split(r"[,;]", text) if piece.strip()]
    if not pieces:
        raise UnreadableLead(text)
    leads = sorted({_parse_lead(piece) for piece in pieces}, reverse=True)
    if len(leads) > MAX_LEADS:
        raise TooManyLeads(text)
    return tuple(leads)


def lead_text(seconds: int) -> str:
    """A lead time in words of the current locale, exactly: "1 день 12 часов"."""
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("{count} day", "{count} days", days).format(count=days))
    if hours:
        parts.append(ngettext("{count} hour", "{count} hours", hours).format(count=hours))
    if minutes:
        parts.append(ngettext("{count} minute", "{count} minutes", minutes).format(count=minutes))
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


def reminder_html(reminder: DueReminder, late: bool, now: datetime, default_zone: ZoneInfo) -> str:
    """The reminder's message in its reader's language and time zone."""
    where = moments.zone(reminder.zone) if reminder.zone else default_zone
    deadline = reminder.deadline
    with use_locale(reminder.locale):
        return render(
            "reminder.html",
            late=late,
            title=deadline.title[reminder.locale],
            case=reminder.case_name[reminder.locale],
            when=weekday_date_and_time(deadline.moment, where),
            zone=where.key,
            relative=relative(deadline.moment, now),
            action=deadline.action[reminder.locale],
            link=deadline.link,
        )
