"""Case content files: the shipped cases, the checks with file, line and field, the round trip
through storage, and the import and export commands."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.domain.content import load_content, write_content
from bot.domain.files import FileError
from bot.domain.languages import LOCALES, in_language
from bot.shipped import SHIPPED_CONTENT
from storage import Database
from storage.cases import Cases
from storage.location import DatabaseLocation
from tests.commands import run_bot_command

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_IDS = {
    "iskander-yerimbetov",
    "mukhtar-dzhakishev",
    "botagoz-jardemalie",
    "talgat-ayan",
    "max-bokayev",
    "aron-atabek",
}

SOURCES = """\
letter:
  date: 2018-02-23
  title: {en: The letter, ru: Письмо, kk: Хат}
"""

CASE = """\
id: jane-doe
name: {en: Jane Doe, ru: Джейн Доу, kk: Джейн Доу}
aliases: [J. Doe]
status: detained
urgency: 2
brief: {en: Held., ru: Задержана., kk: Ұсталды.}
account:
  en: |
    First paragraph.

    Second paragraph.
  ru: Текст.
  kk: Мәтін.
tags: [torture]
related: []
timeline:
  - date: 2017-11
    event: {en: Arrested., ru: Арестована., kk: Қамалды.}
    source: letter
updated: 2018-02-23
"""


def _folder(tmp_path: Path, case: str = CASE, sources: str = SOURCES) -> Path:
    folder = tmp_path / "content"
    (folder / "cases").mkdir(parents=True)
    (folder / "sources.yaml").write_text(sources, encoding="utf-8")
    (folder / "cases" / "jane-doe.yaml").write_text(case, encoding="utf-8")
    return folder


def test_the_shipped_cases_are_complete() -> None:
    content = load_content(SHIPPED_CONTENT)
    assert set(content.cases) == SHIPPED_IDS
    assert set(content.sources) == {"osce-pa-letter-2018-02-23", "pace-doc-14493"}
    for case in content.cases.values():
        assert set(case.name) == set(LOCALES) and case.timeline, case.id
        assert all(event.source in content.sources for event in case.timeline)


def test_a_valid_folder_loads(tmp_path: Path) -> None:
    case = load_content(_folder(tmp_path)).cases["jane-doe"]
    assert case.name["ru"] == "Джейн Доу"
    assert case.account["en"] == "First paragraph.\n\nSecond paragraph."
    assert case.timeline[0].date == "2017-11"


def test_news_may_lack_a_source_and_some_languages(tmp_path: Path) -> None:
    entry = "  - date: 2018-03-01\n    event: {ru: Новость.}\n"
    news = CASE.replace("    source: letter\n", "    source: letter\n" + entry)
    folder = _folder(tmp_path, news)
    content = load_content(folder)
    event = content.cases["jane-doe"].timeline[-1]
    assert (event.event, event.source) == ({"ru": "Новость."}, None)
    assert in_language(event.event, "kk") == ("Новость.", "ru")
    assert in_language(event.event, "ru") == ("Новость.", None)
    write_content(content, tmp_path / "again")
    assert load_content(tmp_path / "again") == content


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "problem"),
    [
        ("kk: Ұсталды.}", "}", 6, "brief", "missing the kk translation"),
        ("status: detained", "status: lost", 4, "status", "unknown 'lost'"),
        ("urgency: 2", "urgency: 9", 5, "urgency", "must be from 1"),
        ("urgency: 2", "urgency: two", 5, "urgency", "expected int"),
        ("source: letter", "source: rumour", 19, "source", "unknown source 'rumour'"),
        ("date: 2017-11", "date: November 2017", 17, "date", "expected YYYY"),
        ("tags: [torture]", "tags: [gossip]", 14, "tags", "unknown gossip"),
        ("related: []", "related: [john-doe]", None, "related", "unknown case 'john-doe'"),
        ("id: jane-doe", "id: Jane", 1, "id", "equal the file name"),
        ("updated: 2018-02-23", "updated: soon", 20, "updated", "expected a date"),
        ("aliases: [J. Doe]", "aliases: [J. Doe", 3, "YAML", ""),
        ("{en: Arrested., ru: Арестована., kk: Қамалды.}", "{}", 18, "event", "missing the"),
        ("kk: Қамалды.}", "de: Verhaftet.}", 18, "event", "unknown language de"),
        ("en: Jane Doe,", f"en: {'J' * 4500},", 2, "name.en", "at most 120 characters, not 4,500"),
        ("aliases: [J. Doe]", f"aliases: [J. Doe, {'J' * 121}]", 3, "aliases", "at most 120"),
        ("brief: {en: Held.", f"brief: {{en: {'h' * 1001}", 6, "brief.en", "at most 1,000"),
        (
            "    First paragraph.",
            "    " + "w" * 4001,
            8,
            "account.en",
            "a paragraph of at most 4,000 characters",
        ),
    ],
)
def test_errors_name_the_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int | None, field: str, problem: str
) -> None:
    folder = _folder(tmp_path, CASE.replace(old, new))
    with pytest.raises(FileError) as raised:
        load_content(folder)
    error = raised.value
    assert error.path.name == "jane-doe.yaml"
    assert (error.field_name, problem in error.problem) == (field, True)
    if line is not None:
        assert abs(error.line - line) <= 1, str(error)


async def test_import_is_idempotent_and_export_round_trips(tmp_path: Path, db: Database) -> None:
    content = load_content(SHIPPED_CONTENT)
    cases = Cases(db)
    assert await cases.upsert(content) == (6, 0)
    assert await cases.upsert(content) == (0, 6)
    stored = await cases.content()
    assert stored == content
    write_content(stored, tmp_path / "exported")
    assert load_content(tmp_path / "exported") == content


def test_the_import_and_export_commands(
    tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    database = new_database("bot.sqlite3")
    shipped = tmp_path / "shipped"
    shutil.copytree(SHIPPED_CONTENT, shipped)
    first = run_bot_command("import", str(shipped), database=database)
    assert (first.returncode, first.stdout.strip()) == (0, "imported 6 cases (6 new, 0 updated)")
    broken = shipped / "cases" / "max-bokayev.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("status:", "status: x\nx:"))
    failed = run_bot_command("import", str(shipped), database=database)
    assert failed.returncode == 2 and "nothing imported" in failed.stderr
    assert "max-bokayev.yaml:" in failed.stderr and "Traceback" not in failed.stderr
    exported = run_bot_command("export", str(tmp_path / "out"), database=database)
    assert exported.returncode == 0
    assert load_content(tmp_path / "out") == load_content(SHIPPED_CONTENT)


def test_a_malformed_file_leaves_the_database_as_it_was(
    tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    database = new_database("bot.sqlite3")
    folder = _folder(tmp_path, CASE.replace("urgency: 2", "urgency: 0"))
    result = run_bot_command("import", str(folder), database=database)
    assert result.returncode == 2

    async def count() -> int:
        async with await Database.open(database) as db:
            return await Cases(db).count()

    assert asyncio.run(count()) == 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("urgency: 2", "urgency: 2\ncolour: red", "6: unknown field 'colour'"),
        ("urgency: 2", "urgency: two", "5: urgency: expected int, not 'two'"),
        ("    source: letter", "    source: letter\n    sauce: x", "20: unknown field 'sauce'"),
        ("brief: {en: Held.", "brief:\nbrief2: {en: Held.", "6: brief is missing"),
        ("urgency: 2", "urgency: 2\nurgency: 3", "6: not valid YAML: the key 'urgency' is given"),
    ],
)
def test_a_bad_case_field_names_its_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    folder = _folder(tmp_path, CASE.replace(old, new))
    with pytest.raises(FileError) as raised:
        load_content(folder)
    assert str(raised.value).startswith(f"{folder / 'cases' / 'jane-doe.yaml'}:{message}")


def test_a_date_in_quotes_is_a_date(tmp_path: Path) -> None:
    folder = _folder(tmp_path, CASE.replace("updated: 2018-02-23", "updated: '2018-02-23'"))
    assert load_content(folder).cases["jane-doe"].updated.isoformat() == "2018-02-23"


def test_a_billion_laughs_is_refused_at_once(
    tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    """Its aliases would expand to 10⁹ values: the import stops at the first look, naming the
    file, and stores nothing."""
    laughs = 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for level in range(1, 10):
        laughs += f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]\n"
    brief = "brief: {en: Held., ru: Задержана., kk: Ұсталды.}"
    assert brief in CASE
    folder = _folder(tmp_path, laughs + CASE.replace(brief, "brief: {en: *l9, ru: x, kk: y}"))
    database = new_database("bot.sqlite3")
    result = run_bot_command("import", str(folder), database=database)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"nothing imported: {folder / 'cases' / 'jane-doe.yaml'}: not read as YAML: more than "
        "200,000 values once its aliases are expanded"
    )
