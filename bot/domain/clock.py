"""The time the bot believes it is: the system's, or one a test sets.

Everything that decides by the time of day (reminders, deadlines in the past) asks a
:class:`Clock` from the services instead of the system, so tests can jump over hours.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the current moment, timezone-aware in UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK = SystemClock()


class SettableClock:
    """A clock that stands still until it is set or advanced (for tests and benchmarks)."""

    def __init__(self, start: datetime) -> None:
        self._now = _utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment``."""
        self._now = _utc(moment)

    def advance(self, delta: timedelta) -> None:
        """Move forward by ``delta``."""
        self._now += delta


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a clock needs a timezone-aware moment")
    return moment.astimezone(UTC)
