"""Deadlines in case files: local time and zone, checks naming file, line and field, the
shipped amnesty sitting, and the round trip through export."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.content import load_content, write_content
from bot.domain.files import FileError
from bot.shipped import SHIPPED_CONTENT
from tests.test_content import CASE, _folder

DEADLINES = """\
deadlines:
  - id: hearing
    title: {en: Hearing, ru: Заседание, kk: Отырыс}
    moment: 2026-03-30 10:00
    zone: Europe/Berlin
    action: {en: Write., ru: Пишите., kk: Жазыңыз.}
    link: https://example.org/hearing
    source: letter
  - id: vote
    title: {en: Vote, ru: Голосование, kk: Дауыс беру}
    moment: 2026-10-25 02:30:00
    zone: Europe/Berlin
    action: {en: Call., ru: Звоните., kk: Қоңырау шалыңыз.}
    cancelled: true
"""


def _case(deadlines: str = DEADLINES) -> str:
    return CASE.replace("updated: 2018-02-23\n", deadlines + "updated: 2018-02-23\n")


def test_deadlines_load_as_utc_instants_with_their_zone(tmp_path: Path) -> None:
    case = load_content(_folder(tmp_path, _case())).cases["jane-doe"]
    hearing, vote = case.deadlines
    assert hearing.moment == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # summer time: UTC+2
    assert (hearing.zone, hearing.link, hearing.source) == (
        "Europe/Berlin",
        "https://example.org/hearing",
        "letter",
    )
    assert vote.moment == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30
    assert vote.cancelled


def test_deadlines_round_trip_through_export(tmp_path: Path) -> None:
    content = load_content(_folder(tmp_path, _case()))
    write_content(content, tmp_path / "out")
    assert load_content(tmp_path / "out") == content
    assert "moment: 2026-03-30 10:00" in (tmp_path / "out" / "cases" / "jane-doe.yaml").read_text()


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        (
            "zone: Europe/Berlin\n    action: {en: Write.",
            "zone: Mars/Olympus\n    action: {en: Write.",
            "zone",
            "not an IANA time zone",
        ),
        ("moment: 2026-03-30 10:00", "moment: next Monday", "moment", "expected a local time"),
        ("moment: 2026-03-30 10:00", "moment: 2026-03-29 02:30", "moment", "does not exist"),
        (
            "moment: 2026-03-30 10:00",
            "moment: 2026-03-30T10:00:00+02:00",
            "moment",
            "without an offset",
        ),
        ("source: letter", "source: rumour", "source", "unknown source"),
        ("link: https://example.org/hearing", "link: example.org", "link", "http(s)://"),
        ("id: vote", "id: hearing", "id", "used twice"),
        ("id: vote", "id: Vote!", "id", "lowercase-with-dashes"),
        ("cancelled: true", "cancelled: maybe", "cancelled", "true or false"),
        (
            "title: {en: Vote, ru: Голосование, kk: Дауыс беру}",
            "title: {en: Vote}",
            "title",
            "missing",
        ),
    ],
)
def test_bad_deadlines_name_the_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in DEADLINES
    with pytest.raises(FileError) as raised:
        load_content(_folder(tmp_path, _case(DEADLINES.replace(old, new, 1))))
    error = raised.value
    assert (error.path.name, error.field_name) == ("jane-doe.yaml", field)
    assert problem in error.problem and error.line is not None and error.line > 20


def test_the_shipped_amnesty_sitting() -> None:
    case = load_content(SHIPPED_CONTENT).cases["mukhtar-dzhakishev"]
    (sitting,) = case.deadlines
    assert sitting.moment == datetime(2018, 3, 1, 3, 0, tzinfo=UTC)
    assert sitting.source == "osce-pa-letter-2018-02-23"
    assert "Commission on Amnesty" in sitting.title["en"] and "амнистии" in sitting.title["ru"]
    assert "Рақымшылық" in sitting.title["kk"]
