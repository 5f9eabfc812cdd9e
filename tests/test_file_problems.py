"""A file's problem reaches its author in their language: each way a roster can be wrong has a
wording of its own in en, ru and kk, and the checks' English is never what they read."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.files import FileError
from bot.domain.roster import parse_roster
from bot.text.i18n import use_locale
from bot.text.problems import describe, file_problem

HEADER = "surname,given_name,particle,country,political_group,assembly,seat\n"
GOOD = "Aeg,Raivo,,Estonia,EPP/CD,PACE,representative\n"

BAD_ROSTERS = {
    "missing": ("r.csv", HEADER + "Aeg,,,Estonia,EPP/CD,PACE,\n"),
    "too_long": ("r.csv", HEADER + f"{'A' * 500},Raivo,,Estonia,EPP/CD,PACE,\n"),
    "seat": ("r.csv", HEADER + "Aeg,Raivo,,Estonia,EPP/CD,PACE,senator\n"),
    "unknown_group": ("r.csv", HEADER + "Aeg,Raivo,,Estonia,XYZ,PACE,\n"),
    "same_member": ("r.csv", HEADER + GOOD + GOOD),
    "csv_missing_column": ("r.csv", "surname,country\nAeg,Estonia\n"),
    "csv_unknown_column": ("r.csv", HEADER.strip() + ",age\n"),
    "csv_values": ("r.csv", HEADER + GOOD.strip() + ",extra\n"),
    "encoding": ("r.csv", b"\xff\xfe"),
    "empty_file": ("r.yaml", " \n"),
    "yaml": ("r.yaml", "members: [\n"),
    "roster_kind": ("r.txt", GOOD),
    "roster_empty": ("r.yaml", "members: []\n"),
    "extra_forbidden": ("r.yaml", "members:\n  - {id: 3, surname: A, given_name: B}\n"),
}


def _refusal(name: str, text: str | bytes) -> FileError:
    data = text if isinstance(text, bytes) else text.encode()
    with pytest.raises(FileError) as refused:
        parse_roster(Path(name), data, {"EPP/CD"})
    return refused.value


@pytest.mark.parametrize("code", sorted(BAD_ROSTERS))
def test_every_way_a_roster_is_wrong_has_words_of_its_own(code: str) -> None:
    error = _refusal(*BAD_ROSTERS[code])
    assert error.code == code
    assert describe(error.code, error.params) is not None
    for locale in ("ru", "kk"):
        with use_locale(locale):
            worded = file_problem(error)
        assert error.problem.split(": ")[-1] not in worded
        assert any("а" <= letter <= "я" for letter in worded.lower()), worded


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "given_name: Required."),
        ("ru", "given_name: Обязательное поле."),
        ("kk", "given_name: Міндетті өріс."),
    ],
)
def test_the_field_keeps_the_files_own_name(locale: str, expected: str) -> None:
    error = _refusal(*BAD_ROSTERS["missing"])
    with use_locale(locale):
        assert file_problem(error) == expected


def test_a_problem_without_words_of_its_own_keeps_the_checks_text() -> None:
    error = FileError(Path("r.csv"), 2, "surname", "surname: something odd")
    with use_locale("kk"):
        assert file_problem(error) == "surname: something odd"
