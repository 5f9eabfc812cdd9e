"""iCalendar (RFC 5545) files of deadlines, written by hand: a few properties need little code.

Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character; texts are
escaped; times are in UTC ("Z"), so every calendar shows them in its own zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

PRODUCT = "-//Qorgau//Deadlines//EN"
UID_DOMAIN = "qorgau.bot"
MAX_OCTETS = 75


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One deadline as a calendar shows it."""

    uid: str
    start: datetime
    summary: str
    description: str
    url: str | None = None


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newline escaped (RFC 5545, 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded into chunks of at most 75 octets, continuations starting with a
    space (RFC 5545, 3.1)."""
    chunks: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1
        current += character
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: Iterable[CalendarEvent], stamp: datetime) -> bytes:
    """A VCALENDAR of ``events``, stamped with the moment it was made."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN"]
    lines.append("METHOD:PUBLISH")
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}@{UID_DOMAIN}",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART:{_utc(event.start)}",
            f"SUMMARY:{escape(event.summary)}",
            f"DESCRIPTION:{escape(event.description)}",
        ]
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")
