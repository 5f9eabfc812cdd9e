"""The .ics file of deadlines: RFC 5545 line endings, folding and escaping, read back by an
independent parser (icalendar)."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar

from bot.domain.ics import MAX_OCTETS, CalendarEvent, calendar, escape, fold

STAMP = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
EVENT = CalendarEvent(
    uid="mukhtar-dzhakishev.hearing",
    start=datetime(2026, 3, 30, 8, 0, tzinfo=UTC),
    summary="Заседание Комиссии по амнистии; апелляция, срок",
    description="Мухтар Джакишев\n\nНапишите в Комиссию: C:\\docs " + "очень длинный текст " * 10,
    url="https://example.org/case?id=1,2",
)


def test_escaping_and_folding() -> None:
    assert escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    folded = fold("Ж" * 100)
    lines = folded.split("\r\n ")
    assert all(len(line.encode()) <= MAX_OCTETS - (index > 0) for index, line in enumerate(lines))
    assert "".join(lines) == "Ж" * 100  # no character split between two lines


def test_the_file_is_well_formed_and_parses_back() -> None:
    data = calendar([EVENT], STAMP)
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= MAX_OCTETS for line in data.split(b"\r\n"))
    parsed = icalendar.Calendar.from_ical(data)
    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == "mukhtar-dzhakishev.hearing@qorgau.bot"
    assert event["DTSTART"].dt == EVENT.start
    assert event["DTSTAMP"].dt == STAMP
    assert str(event["SUMMARY"]) == EVENT.summary
    assert str(event["DESCRIPTION"]) == EVENT.description
    assert str(event["URL"]) == EVENT.url
    assert str(parsed["VERSION"]) == "2.0" and "PRODID" in parsed


def test_an_empty_calendar() -> None:
    parsed = icalendar.Calendar.from_ical(calendar([], STAMP))
    assert parsed.walk("VEVENT") == []
