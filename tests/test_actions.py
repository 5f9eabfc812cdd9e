"""Actions and targets in content files, checked with file, line and field; model letters
sandboxed; the order of /act; the one-time tokens of action cards; coverage's order and CSV."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.actions import (
    Action,
    StoredAction,
    card_expiry,
    issue_token,
    most_urgent_first,
    token_digest,
    urgency_key,
)
from bot.domain.content import load_content, write_content
from bot.domain.coverage import (
    CaseCoverage,
    coverage_csv,
    least_attention_first,
    neutralised,
    week_starts,
    weekly,
)
from bot.domain.files import FileError
from bot.domain.letters import MAX_LETTER_LENGTH, LetterProblem, check_letter
from storage import Database
from storage.cases import Cases
from storage.location import DatabaseLocation

SOURCES = """\
letter:
  date: 2018-02-23
  title: {en: The letter, ru: Письмо, kk: Хат}
"""

TARGETS = """\
president:
  name: {en: The President, ru: Президент, kk: Президент}
  title: {en: President, ru: Президент, kk: Президент}
  salutation: {en: "Dear Mr. President,", ru: Уважаемый Президент!, kk: Құрметті Президент!}
  languages: [kk, ru, en]
  address: [Astana, Government House]
  email: office@example.org
"""

CASE = """\
id: jane-doe
name: {en: Jane Doe, ru: Джейн Доу, kk: Джейн Доу}
status: detained
urgency: 2
brief: {en: Held., ru: Задержана., kk: Ұсталды.}
account: {en: Text., ru: Текст., kk: Мәтін.}
actions:
  - id: write
    kind: letter
    title: {en: Write, ru: Напишите, kk: Жазыңыз}
    why: {en: Because., ru: Потому что., kk: Себебі.}
    points:
      en: [Release her.]
      ru: [Освободите её.]
      kk: [Оны босатыңыз.]
    targets: [president]
    letter:
      en: |
        *{{ salutation }}*

        Please release Jane Doe.

        Yours sincerely,
      ru: |
        *{{ salutation }}*

        Освободите Джейн Доу.

        С уважением,
updated: 2018-02-23
"""


def _folder(tmp_path: Path, case: str = CASE, targets: str | None = TARGETS) -> Path:
    folder = tmp_path / "content"
    (folder / "cases").mkdir(parents=True)
    (folder / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    if targets is not None:
        (folder / "targets.yaml").write_text(targets, encoding="utf-8")
    (folder / "cases" / "jane-doe.yaml").write_text(case, encoding="utf-8")
    return folder


def test_a_valid_action_loads_and_round_trips(tmp_path: Path) -> None:
    content = load_content(_folder(tmp_path))
    (action,) = content.cases["jane-doe"].actions
    assert (action.kind, action.targets, sorted(action.letter)) == (
        "letter",
        ("president",),
        ["en", "ru"],
    )
    assert action.letter_languages(content.targets["president"]) == ["ru", "en"]
    write_content(content, tmp_path / "again")
    assert load_content(tmp_path / "again") == content


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "problem"),
    [
        ("targets: [president]", "targets: [king]", 16, "targets", "unknown target 'king'"),
        ("targets: [president]", "targets: []", None, "targets", "at least one target"),
        ("kind: letter", "kind: petition", 9, "kind", "unknown 'petition'"),
        (
            "Please release Jane Doe.",
            "Please release {{ prisoner }}.",
            21,
            "letter.en",
            "unknown placeholder 'prisoner'",
        ),
        (
            "Please release Jane Doe.",
            "{% for x in name %}x{% endfor %}",
            21,
            "letter.en",
            "a statement",
        ),
        (
            "Please release Jane Doe.",
            "{{ name.__class__.__mro__ }}",
            21,
            "letter.en",
            "only plain placeholders",
        ),
        (
            "Please release Jane Doe.",
            "{{ name|attr('x') }}",
            21,
            "letter.en",
            "only plain placeholders",
        ),
        ("Please release Jane Doe.", "{{ name", 21, "letter.en", "not a valid template"),
        (
            "Please release Jane Doe.",
            "x" * (MAX_LETTER_LENGTH + 1),
            19,
            "letter.en",
            "at most 8000",
        ),
        ("      kk: [Оны босатыңыз.]\n", "", 13, "points.kk", "missing the kk points"),
        (
            "    targets: [president]\n",
            "    targets: [president]\n    until: 2026-01-01\n",
            None,
            "until",
            "give the zone",
        ),
        (
            "    targets: [president]\n",
            "    targets: [president]\n    zone: Mars/Olympus\n    until: 2026-01-01\n",
            None,
            "zone",
            "not an IANA time zone",
        ),
        ("  - id: write", "  - id: Write It", 8, "id", "lowercase-with-dashes"),
    ],
)
def test_errors_name_the_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int | None, field: str, problem: str
) -> None:
    assert old in CASE
    with pytest.raises(FileError) as raised:
        load_content(_folder(tmp_path, CASE.replace(old, new)))
    error = raised.value
    assert error.path.name == "jane-doe.yaml"
    assert (error.field_name, problem in error.problem) == (field, True), str(error)
    if line is not None:
        assert error.line is not None and abs(error.line - line) <= 1, str(error)


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ("languages: [kk, ru, en]", "languages: []", "president.languages", "at least one"),
        ("languages: [kk, ru, en]", "languages: [kk, kazakh]", "languages", "not a"),
        ("email: office@example.org", "email: office", "president.email", "expected an email"),
        (
            'salutation: {en: "Dear Mr. President,", ',
            "salutation: {",
            "president.salutation",
            "missing the en translation",
        ),
    ],
)
def test_target_errors_name_their_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in TARGETS
    with pytest.raises(FileError) as raised:
        load_content(_folder(tmp_path, targets=TARGETS.replace(old, new)))
    assert raised.value.path.name == "targets.yaml"
    assert (raised.value.field_name, problem in raised.value.problem) == (field, True)


def test_a_target_must_read_a_language_of_the_letter(tmp_path: Path) -> None:
    with pytest.raises(FileError) as raised:
        load_content(_folder(tmp_path, targets=TARGETS.replace("[kk, ru, en]", "[de]")))
    assert "reads none of the letter's languages" in raised.value.problem


def test_without_targets_yaml_an_action_names_an_unknown_target(tmp_path: Path) -> None:
    with pytest.raises(FileError) as raised:
        load_content(_folder(tmp_path, targets=None))
    assert "unknown target 'president'" in raised.value.problem


def test_the_model_letters_line_is_named() -> None:
    with pytest.raises(LetterProblem) as raised:
        check_letter("*{{ salutation }}*\n\nFirst.\nSecond {{ age }}.\n\nYours,")
    assert raised.value.line == 4


async def test_an_until_in_the_past_is_kept_as_history_and_not_offered(
    tmp_path: Path, new_database: Callable[..., DatabaseLocation]
) -> None:
    past = CASE.replace(
        "    targets: [president]\n",
        "    targets: [president]\n    zone: Asia/Almaty\n    until: 2018-03-01\n",
    )
    content = load_content(_folder(tmp_path, past))
    async with await Database.open(new_database("db.sqlite3")) as db:
        cases = Cases(db)
        await cases.upsert(content)
        now = datetime(2026, 1, 1, tzinfo=UTC)
        assert await cases.actions.most_urgent(now) == []
        assert await cases.actions.open_count("jane-doe", now) == 0
        assert await cases.deadlines.upcoming(now) == []
        stored = await cases.content()
        assert stored.cases["jane-doe"].actions == content.cases["jane-doe"].actions
        assert stored.cases["jane-doe"].deadlines == ()  # the action's deadline is its own


def _item(key: int, urgency: int, until: datetime | None) -> StoredAction:
    action = Action(id=f"a{key}", kind="call", title={}, why={}, points={}, targets=(), until=until)
    return StoredAction(key, f"case-{key}", urgency, action)


def test_actions_ending_this_week_come_first_then_by_urgency() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    items = [
        _item(1, 1, None),
        _item(2, 3, now + timedelta(days=2)),
        _item(3, 2, now + timedelta(days=30)),
        _item(4, 5, now + timedelta(days=1)),
        _item(5, 1, now + timedelta(days=60)),
    ]
    ordered = sorted(items, key=lambda item: urgency_key(item, now))
    assert [item.key for item in ordered] == [4, 2, 5, 1, 3]
    soon = [i for i in ordered if i.action.until and i.action.until - now < timedelta(days=7)]
    by_urgency = sorted(items, key=lambda item: (item.urgency, item.key))
    assert [i.key for i in most_urgent_first(soon, by_urgency, 10)] == [4, 2, 1, 5, 3]
    assert [i.key for i in most_urgent_first(soon, by_urgency, 3)] == [4, 2, 1]


def test_tokens_count_once_and_refuse_forgery() -> None:
    secret = b"k" * 32
    token = issue_token(secret, 5, 0, 20_000)
    digest = token_digest(secret, 5, 0, 20_000, token)
    assert digest is not None and len(digest) == 32
    assert token_digest(secret, 5, 0, 20_000, token) == digest  # the same card, the same digest
    assert issue_token(secret, 5, 0, 20_000) != token  # each card its own
    for forged in (
        (b"x" * 32, 5, 0, 20_000, token),
        (secret, 6, 0, 20_000, token),
        (secret, 5, 1, 20_000, token),
        (secret, 5, 0, 20_001, token),
        (secret, 5, 0, 20_000, "A" * 22),
        (secret, 5, 0, 20_000, "!" * 22),
    ):
        assert token_digest(*forged) is None


def test_a_card_expires_with_its_action_or_after_two_weeks() -> None:
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    open_ended = _item(1, 1, None).action
    ending = _item(2, 1, now + timedelta(days=3)).action
    assert card_expiry(open_ended, now) - card_expiry(ending, now) == 11


def _coverage(case_id: str, urgency: int, **fields: object) -> CaseCoverage:
    base: dict[str, object] = {
        "name": case_id,
        "followers": 0,
        "updated": date(2026, 5, 30),
        "open_actions": 1,
    }
    return CaseCoverage(case_id=case_id, urgency=urgency, **{**base, **fields})  # type: ignore[arg-type]


def test_coverage_puts_the_least_attention_for_the_urgency_first() -> None:
    cases = [
        _coverage(
            "watched-urgent", 1, followers=10, acts_7=Counter(letter=5), acts_30=Counter(letter=9)
        ),
        _coverage("quiet-minor", 5),
        _coverage("quiet-urgent", 1),
        _coverage("some-minor", 5, followers=2),
        _coverage("some-urgent", 1, followers=2),
    ]
    order = [case.case_id for case in least_attention_first(cases)]
    assert order == ["quiet-urgent", "quiet-minor", "some-urgent", "some-minor", "watched-urgent"]
    stale = _coverage("stale", 3, updated=date(2026, 1, 1), open_actions=0)
    assert stale.flagged(date(2026, 6, 1)) and not cases[0].flagged(date(2026, 6, 1))


def test_acts_are_counted_per_week_ending_today() -> None:
    today = date(2026, 6, 14)
    starts = week_starts(today, weeks=3)
    assert starts == [date(2026, 5, 25), date(2026, 6, 1), date(2026, 6, 8)]
    counts = [
        ("a", date(2026, 6, 14), 2),  # today: the last week
        ("a", date(2026, 6, 8), 1),  # the last week's first day
        ("a", date(2026, 6, 7), 4),  # the week before
        ("a", date(2026, 5, 25), 8),  # the first week's first day
        ("a", date(2026, 5, 24), 16),  # before the first week: left out
        ("a", date(2026, 6, 15), 32),  # tomorrow: left out
        ("b", date(2026, 6, 1), 3),
    ]
    assert weekly(counts, today, weeks=3) == {"a": [8, 4, 3], "b": [0, 3, 0]}


def test_the_coverage_csv_neutralises_formulas() -> None:
    cases = [_coverage("x", 1, name='=HYPERLINK("http://evil")'), _coverage("y", 2, name="+1")]
    text = coverage_csv(cases, date(2026, 6, 1))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil")' and rows[1]["name"] == "'+1"
    assert [neutralised(v) for v in ("-2", "@x", "\tx", "ok", 3)] == [
        "'-2",
        "'@x",
        "'\tx",
        "ok",
        "3",
    ]
