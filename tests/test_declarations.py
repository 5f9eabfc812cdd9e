"""Written declarations without Telegram: the rules, the signatory block in the assembly's
format (No. 652 reproduced exactly), the audit chain, roster and declaration files."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.audit import GENESIS, AuditEntry, chain_hash, first_broken
from bot.domain.declaration_content import (
    load_declaration,
    load_declarations,
    parse_declaration,
)
from bot.domain.declaration_reminders import due_reminder_days
from bot.domain.declarations import Declaration, RuleSettings, Status, evaluate_quorum, word_count
from bot.domain.files import FileError
from bot.domain.members import Member
from bot.domain.roster import load_roster
from bot.domain.signatory_block import (
    FORMULA_STARTS,
    PoliticalGroup,
    block,
    block_csv,
    collation_key,
    listed_name,
    ordered,
)
from bot.shipped import SHIPPED_DECLARATIONS

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "001_a4f2ce3bcb53d0dd.txt"


def seed_block() -> str:
    """The seed's list, total and footnote, exactly as the document has them."""
    return SEED.read_text(encoding="utf-8").split("*Signed*¹:\n\n", 1)[1]


def member(index: int, surname: str, country: str = "Belgium", group: str = "SOC") -> Member:
    return Member(surname, "Given", "", country, group, "PACE", id=index)


def test_the_rule_56_defaults() -> None:
    assert RuleSettings() == RuleSettings(
        max_words=200, min_signatures=20, min_delegations=4, min_groups=2
    )


def test_quorum_says_what_is_missing() -> None:
    rules = RuleSettings(min_signatures=3, min_delegations=2, min_groups=2)
    signers = [member(1, "A", "Belgium", "SOC"), member(2, "B", "Belgium", "NR")]
    quorum = evaluate_quorum(signers, rules, non_attached={"NR"})
    assert (quorum.signatures, quorum.delegations, quorum.groups) == (2, 1, 1)
    assert (quorum.missing_signatures, quorum.missing_delegations, quorum.missing_groups) == (
        1,
        1,
        1,
    )
    assert not quorum.reached
    signers.append(member(3, "C", "Spain", "EPP/CD"))
    assert evaluate_quorum(signers, rules, non_attached={"NR"}).reached


def test_the_window() -> None:
    now = datetime(2026, 11, 22, 9, tzinfo=UTC)
    declaration = Declaration(
        1,
        "PACE",
        {"en": "T"},
        {"en": "Text"},
        "en",
        1,
        Status.OPEN,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(hours=1),
    )
    assert declaration.accepts_signatures(now)
    assert not declaration.accepts_signatures(now + timedelta(hours=1))
    assert not declaration.accepts_signatures(now - timedelta(days=2))
    assert not Declaration(1, "PACE", {}, {}, "en", 1, Status.CLOSED).accepts_signatures(now)
    assert not Declaration(1, "PACE", {}, {}, "en", 1, Status.DRAFT).accepts_signatures(now)


def test_a_declaration_over_the_word_limit_is_refused() -> None:
    data = {
        "number": 9,
        "assembly": "PACE",
        "authoritative": "en",
        "title": {"en": "T"},
        "text": {"en": "word " * 201},
        "tabler": {"surname": "A", "given_name": "B", "country": "C", "political_group": "SOC"},
    }
    with pytest.raises(ValueError, match="201 words; the rules allow 200"):
        parse_declaration(data)
    assert parse_declaration({**data, "rules": {"max_words": 250}}).declaration.number == 9
    assert word_count("  two\nwords ") == 2


def test_ordering_ignores_particles_accents_and_apostrophes() -> None:
    names = ["Ohlsson", "O'Reilly", "Thiéry", "Thiel", "Ven", "Aeg", "Zeta"]
    signers = [member(index, name) for index, name in enumerate(names)]
    assert [m.surname for m in ordered(signers, tabler_id=6)] == [
        "Zeta",
        "Aeg",
        "O'Reilly",
        "Ohlsson",
        "Thiel",
        "Thiéry",
        "Ven",
    ]
    assert collation_key("Thiéry") == collation_key("THIERY")


def test_a_line_of_the_block() -> None:
    with_particle = Member("Sutter", "Petra", "De", "Belgium", "SOC", "PACE", id=1)
    assert listed_name(with_particle) == "SUTTER Petra, De, Belgium, SOC"
    without = Member("Jones", "Susan Elan", "", "United Kingdom", "SOC", "PACE", id=2)
    assert listed_name(without) == "JONES Susan Elan, United Kingdom, SOC"


def test_the_shipped_declaration_reproduces_the_seed_exactly() -> None:
    item = load_declaration(SHIPPED_DECLARATIONS / "652.yaml")
    signers = [
        Member(e.surname, e.given_name, e.particle, e.country, e.political_group, e.assembly, id=i)
        for i, e in enumerate(item.signatories)
    ]
    # The order of the file is not the block's order: shuffle it to be sure.
    signers = signers[:1] + signers[:0:-1]
    assert block(signers, 0, item.groups) == seed_block()
    assert item.declaration.status is Status.CLOSED
    assert word_count(item.declaration.text["en"]) <= 200
    assert set(item.declaration.text) == {"en", "ru", "kk"}
    assert block_csv(signers, 0).splitlines()[1] == "1,SUTTER,Petra,De,Belgium,SOC"


def test_the_footnote_lists_only_the_groups_used_non_attached_last() -> None:
    groups = [
        PoliticalGroup("NR", "Not in a group", non_attached=True),
        PoliticalGroup("SOC", "Socialists"),
        PoliticalGroup("ALDE", "Liberals"),
        PoliticalGroup("UEL", "Left"),
    ]
    signers = [member(1, "A", group="SOC"), member(2, "B", group="NR"), member(3, "C", "ALDE")]
    signers[2] = Member("C", "Given", "", "Spain", "ALDE", "PACE", id=3)
    assert block(signers, 1, groups).split("\n\n")[-1] == (
        "1. ALDE: Liberals\nSOC: Socialists\nNR: Not in a group"
    )


def _chain(count: int) -> list[AuditEntry]:
    entries, previous = [], GENESIS
    for seq in range(1, count + 1):
        body = {"seq": seq, "at": "2026-11-22T09:00:00Z", "action": "signature", "data": {"n": seq}}
        entry = AuditEntry(seq, body["at"], "signature", {"n": seq}, chain_hash(previous, body))
        entries.append(entry)
        previous = entry.hash
    return entries


def test_the_audit_chain_detects_tampering() -> None:
    entries = _chain(5)
    assert first_broken(entries) is None
    changed = list(entries)
    changed[2] = AuditEntry(3, changed[2].at, "signature", {"n": 99}, changed[2].hash)
    assert first_broken(changed) == 3
    assert first_broken(entries[:2] + entries[3:]) == 4  # an entry removed
    rehashed = list(entries)  # a forger rehashing one entry breaks the next
    body = {**entries[1].body(), "data": {"n": 7}}
    rehashed[1] = AuditEntry(
        2, entries[1].at, "signature", {"n": 7}, chain_hash(entries[0].hash, body)
    )
    assert first_broken(rehashed) == 3


ROSTER_CSV = """\
surname,given_name,particle,country,political_group,assembly,seat
Sutter,Petra,De,Belgium,SOC,PACE,representative
Ven,Mart,van de,Netherlands,ALDE,PACE,substitute
"""


def test_a_csv_roster(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER_CSV, encoding="utf-8")
    roster = load_roster(path, known_groups={"SOC", "ALDE"})
    assert [(m.surname, m.particle, m.seat) for m in roster.members] == [
        ("Sutter", "De", "representative"),
        ("Ven", "van de", "substitute"),
    ]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("Aeg,,,Estonia,EPP/CD,PACE,representative", ":4: given_name is missing"),
        ("Aeg,Raivo,,Estonia,XYZ,PACE,representative", ":4: unknown political group 'XYZ'"),
        ("Aeg,Raivo,,Estonia,SOC,PACE,senator", ":4: seat must be representative or substitute"),
        ("Aeg,Raivo,,Estonia,SOC,PACE,representative,extra", ":4: more values than columns"),
        ("Sutter,Petra,De,Belgium,SOC,PACE,", ":4: the same member as on line 2"),
    ],
)
def test_a_bad_csv_row_names_its_line(tmp_path: Path, row: str, problem: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER_CSV + row + "\n", encoding="utf-8")
    with pytest.raises(FileError) as error:
        load_roster(path, known_groups={"SOC", "ALDE", "EPP/CD"})
    assert problem in str(error.value)


def test_a_yaml_roster_with_its_groups_and_a_bad_member(tmp_path: Path) -> None:
    path = tmp_path / "roster.yaml"
    path.write_text(
        "political_groups:\n"
        "  - {abbreviation: SOC, name: Socialists}\n"
        "members:\n"
        "  - {surname: Sutter, given_name: Petra, country: Belgium, political_group: SOC,\n"
        "     assembly: PACE, particle: De}\n"
        "  - {surname: Aeg, given_name: Raivo, country: Estonia, political_group: SOC}\n",
        encoding="utf-8",
    )
    with pytest.raises(FileError, match=r"roster.yaml:6: assembly is missing"):
        load_roster(path)
    path.write_text(path.read_text().replace("SOC}\n", "SOC, assembly: PACE}\n"))
    roster = load_roster(path)
    assert roster.groups == (PoliticalGroup("SOC", "Socialists"),)
    assert len(roster.members) == 2


def test_a_declaration_file_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "7.yaml"
    path.write_text("number: 7\nassembly: PACE\nauthoritative: fr\ntitle: {en: T}\ntext: {en: X}\n")
    with pytest.raises(FileError, match=r"7.yaml: authoritative"):
        load_declaration(path)


def test_declaration_reminders_are_due_once_each_before_the_window_closes() -> None:
    closes = datetime(2026, 12, 10, 18, tzinfo=UTC)
    assert due_reminder_days(closes, closes - timedelta(days=4), sent=()) == []
    assert due_reminder_days(closes, closes - timedelta(days=3), sent=()) == [3]
    assert due_reminder_days(closes, closes - timedelta(days=2), sent={3}) == []
    assert due_reminder_days(closes, closes - timedelta(hours=20), sent={3}) == [1]
    # Both due at once make one reminder.
    assert due_reminder_days(closes, closes - timedelta(hours=20), sent=()) == [1, 3]
    assert due_reminder_days(closes, closes, sent=()) == []


DECLARATION = """\
number: 8
assembly: PACE
status: open
authoritative: en
title: {en: T}
text: {en: Free them.}
rules: {max_words: 100}
opens: 2026-12-01
signatories:
  - {surname: Sutter, given_name: Petra, particle: De, country: Belgium, political_group: SOC}
  - surname: Aeg
    given_name: Raivo
    country: Estonia
    political_group: EPP/CD
    seat: representative
"""


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "problem"),
    [
        ("number: 8", "number: -8", 1, "number", "number: expected a positive whole number"),
        ("status: open", "status: opened", 3, "status", "status: unknown 'opened'"),
        ("title: {en: T}", "title: {en: ' '}", 5, "title.en", "title.en: expected a text"),
        ("max_words: 100", "max_words: 0", 7, "rules.max_words", "rules.max_words: expected"),
        ("rules: {", "rules: {quorum: 3, ", 7, "rules.quorum", "unknown field 'rules.quorum'"),
        ("opens: 2026-12-01", "opens: soon", 8, "opens", "opens: expected a date or a time"),
        ("seat: representative", "seat: senator", 15, "seat", "seat must be representative"),
        ("given_name: Raivo", "given_name: [Raivo]", 12, "given_name", "given_name: expected"),
        ("    given_name: Raivo\n", "", 11, "given_name", "given_name is missing"),
        ("Petra, particle", "Petra, id: 3, particle", 10, "id", "unknown field 'id'"),
        ("status: open", "status: open\nsigners: []", 4, "signers", "unknown field 'signers'"),
    ],
)
def test_a_bad_field_in_a_declaration_file_names_its_line(
    tmp_path: Path, old: str, new: str, line: int, field: str, problem: str
) -> None:
    path = tmp_path / "8.yaml"
    assert old in DECLARATION
    path.write_text(DECLARATION.replace(old, new), encoding="utf-8")
    with pytest.raises(FileError) as raised:
        load_declaration(path)
    error = raised.value
    assert (error.path, error.line, error.field_name) == (path, line, field), str(error)
    assert str(error).startswith(f"{path}:{line}: {problem}")


def test_a_good_declaration_file_loads_its_members_in_its_assembly(tmp_path: Path) -> None:
    path = tmp_path / "8.yaml"
    path.write_text(DECLARATION, encoding="utf-8")
    item = load_declaration(path)
    assert item.tabler == Member("Sutter", "Petra", "De", "Belgium", "SOC", "PACE")
    assert item.signatories[1].seat == "representative"
    assert item.declaration.opens_at == datetime(2026, 12, 1, tzinfo=UTC)
    assert item.declaration.rules == RuleSettings(max_words=100)


def test_two_declaration_files_with_one_number_name_the_second(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(DECLARATION, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(DECLARATION, encoding="utf-8")
    with pytest.raises(FileError) as raised:
        load_declarations(tmp_path)
    assert str(raised.value) == f"{tmp_path / 'b.yaml'}:1: number: 8 is the number of a.yaml too"


def test_a_bad_member_of_a_yaml_roster_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "roster.yaml"
    member = "  - surname: Aeg\n    given_name: Raivo\n    country: Estonia\n"
    path.write_text(
        "members:\n" + member + "    political_group: SOC\n    assembly: PACE\n    seat: x\n",
        encoding="utf-8",
    )
    with pytest.raises(FileError) as raised:
        load_roster(path, known_groups={"SOC"})
    assert (raised.value.line, raised.value.field_name) == (7, "seat")
    path.write_text("members:\n" + member + "    political_group: XYZ\n    assembly: PACE\n")
    with pytest.raises(FileError, match=r"roster.yaml:5: unknown political group 'XYZ'"):
        load_roster(path, known_groups={"SOC"})
    path.write_text(
        "members:\n" + member + "    political_group: SOC\n    assembly: PACE\n    x: 1\n"
    )
    with pytest.raises(FileError, match=r"roster.yaml:7: unknown field 'x'"):
        load_roster(path, known_groups={"SOC"})


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_never_start_a_formula(start: str) -> None:
    """A name from a roster file reaches a coordinator's spreadsheet: it must stay text."""
    attacker = Member(
        f"{start}HYPERLINK(x)", f"{start}1+1", f"{start}p", f"{start}c", "SOC", "PACE"
    )
    signers = [Member("Sutter", "Petra", "De", "Belgium", "SOC", "PACE", id=1), attacker]
    rows = list(csv.reader(io.StringIO(block_csv(signers, 1), newline="")))
    assert len(rows) == 3
    cells = [cell for row in rows[1:] for cell in row[1:]]
    assert not [cell for cell in cells if cell.lstrip(" ").startswith(FORMULA_STARTS)]
    assert not [cell for cell in cells if "\r" in cell or "\n" in cell]
    if start != "\r":
        assert f"'{start}HYPERLINK(X)" in cells  # kept, marked as text
    assert rows[1] == ["1", "SUTTER", "Petra", "De", "Belgium", "SOC"]
