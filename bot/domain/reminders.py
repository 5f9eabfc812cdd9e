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
