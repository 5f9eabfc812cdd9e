"""Moments in a time zone: IANA zone names, local wall-clock times and their UTC instants.

A deadline is written as a local time in a zone ("2026-03-30 10:00", Europe/Berlin) and kept as
the UTC instant it names plus the zone. Daylight-saving time makes some local times ambiguous
(the hour repeated in autumn: the first is meant) and some impossible (the hour skipped in
spring: refused).
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

ZONE_EXAMPLE = "Europe/Berlin"

_LOCAL_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2})(:\d{2}(?::\d{2})?)")


class MomentError(ValueError):
    """A zone or a local time that names no moment."""


class UnknownZone(MomentError):
    """Not an IANA time zone name."""


class UnreadableTime(MomentError):
    """Not a local time of the form YYYY-MM-DD HH:MM."""


class SkippedTime(MomentError):
    """A local time the clocks jump over (the start of daylight-saving time)."""


def zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name`` in any letter case (e.g. "asia/almaty"), or
    :class:`UnknownZone`."""
    canonical = _zone_names().get(name.strip().casefold())
    if canonical is None:
        raise UnknownZone(name)
    try:
        return ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UnknownZone(name) from None


@functools.cache
def _zone_names() -> dict[str, str]:
    """Every IANA zone name, by its case-folded form."""
    return {name.casefold(): name for name in available_timezones()}


def local_to_utc(local: datetime, where: tzinfo) -> datetime:
    """The UTC instant of a wall-clock time in ``where``; the earlier one when it repeats."""
    if local.tzinfo is not None:
        raise ValueError("expected a wall-clock time without a zone")
    placed = local.replace(tzinfo=where, fold=0)
    instant = placed.astimezone(UTC)
    if instant.astimezone(where).replace(tzinfo=None) != local:
        raise SkippedTime(local.isoformat(sep=" ", timespec="minutes"))
    return instant


def parse_local_time(text: str) -> datetime:
    """Read "YYYY-MM-DD HH:MM" (or with a T) as a wall-clock time, or :class:`UnreadableTime`."""
    match = _LOCAL_TIME.fullmatch(text.strip())
    if match is None:
        raise UnreadableTime(text)
    try:
        return datetime.fromisoformat(f"{match[1]} {int(match[2]):02d}{match[3]}")
    except ValueError:
        raise UnreadableTime(text) from None


def format_local_time(moment: datetime, where: tzinfo) -> str:
    """The wall-clock time of ``moment`` in ``where`` as "YYYY-MM-DD HH:MM" (seconds if any)."""
    local = moment.astimezone(where)
    return local.replace(tzinfo=None).isoformat(
        sep=" ", timespec="minutes" if local.second == 0 else "seconds"
    )


def parse_moment(text: str, default: ZoneInfo) -> tuple[datetime, ZoneInfo]:
    """Read "YYYY-MM-DD HH:MM [Zone]" as a UTC instant and its zone (``default`` if none)."""
    words = text.split()
    named = len(words) > 1 and not words[-1][:1].isdigit()
    local = parse_local_time(" ".join(words[:-1] if named else words))
    where = zone(words[-1]) if named else default
    return local_to_utc(local, where), where
