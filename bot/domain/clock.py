"""The time the bot believes it is: the system's, or one a test sets.

Everything that decides by the time of day (reminders, deadlines in the past) asks a
:class:`Clock` from the services instead of the system, so tests can jump over hours.
"""

from __future__ import annotations

from collections.abc import Callable
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


class CorrectedClock:
    """The machine's clock moved by the offset last measured against the database's, so that
    every instance on one database keeps the same time whatever its machine's clock says
    (reminders, signing windows and deadlines all ask this clock)."""

    def __init__(self, wall: Callable[[], datetime] = SYSTEM_CLOCK.now) -> None:
        self.wall = wall
        """The machine's own clock."""
        self.offset = timedelta()
        """The database's time minus the machine's, as last measured."""

    def now(self) -> datetime:
        return self.wall() + self.offset

    def correct(self, offset: timedelta) -> None:
        """Keep the database's time from now on: it is ``offset`` ahead of the machine's."""
        self.offset = offset


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
