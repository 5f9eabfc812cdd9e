"""The file-validation kit on its own: reading a file's text, YAML and CSV documents that find
the line of a value, and pydantic's problems in the words of the project."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import TypeAdapter

from bot.domain.files import (
    FileError,
    FileModel,
    check,
    decode,
    parse_csv,
    parse_yaml,
    read_text,
)
from bot.domain.files.documents import MAX_FILE_BYTES, field_label
from bot.domain.files.fields import Line, PositiveWhole, RequiredLine
from bot.domain.telegram_html import split_message


class Entry(FileModel):
    name: RequiredLine
    note: Line = ""
    count: PositiveWhole = 1


class Folder(FileModel):
    entries: tuple[Entry, ...]


FOLDER = TypeAdapter(Folder)
PATH = Path("folder.yaml")


def test_reading_names_what_is_wrong_with_the_file(tmp_path: Path) -> None:
    with pytest.raises(FileError, match=r"missing.yaml: no such file$"):
        read_text(tmp_path / "missing.yaml")
    with pytest.raises(FileError, match=r"x.csv:2: not UTF-8 text$"):
        decode(Path("x.csv"), b"a,b\n\xff\n")
    with pytest.raises(FileError, match=r"x.csv: the file is empty$"):
        decode(Path("x.csv"), b" \n")
    with pytest.raises(FileError, match=r"x.yaml: the file is empty$"):
        parse_yaml(Path("x.yaml"), "# a comment only\n")
    assert decode(Path("x.csv"), "\ufeffa,b\n".encode()) == "a,b\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n", "folder.yaml: the file: expected a mapping of fields, not a list"),
        ("entries:\n  - name: A\n  - note: x\n", "folder.yaml:3: name is missing"),
        ("entries:\n  - name: A\n    count: 2\n    colour: red\n", "folder.yaml:4: unknown field"),
        ("entries:\n  - {name: A, count: '2'}\n", "folder.yaml:2: count: expected int, not '2'"),
        ("entries:\n  - name: '  '\n", "folder.yaml:2: name is missing"),
        ("entries: [a, {name: B}]\n", "folder.yaml:1: entries: expected a mapping of fields"),
        ("entries:\n  - name: A\n    name: B\n", "folder.yaml:3: not valid YAML: the key 'name'"),
        ("entries: [\n", "folder.yaml:2: not valid YAML: "),
    ],
)
def test_a_yaml_problem_names_the_line_and_the_field(text: str, message: str) -> None:
    with pytest.raises(FileError) as raised:
        check(parse_yaml(PATH, text), FOLDER)
    assert str(raised.value).startswith(message)


def test_an_empty_value_is_a_value_not_given() -> None:
    folder = check(parse_yaml(PATH, "entries:\n  - name: A  B\n    note:\n"), FOLDER)
    assert folder.entries == (Entry(name="A B"),)


def test_csv_rows_name_their_lines() -> None:
    rows = TypeAdapter(tuple[Entry, ...])
    text = "name,note\nA,\n,x\n"
    document = parse_csv(Path("x.csv"), text, columns=("name", "note"), required=("name",))
    assert document.data == [{"name": "A"}, {"note": "x"}]
    with pytest.raises(FileError, match=r"x.csv:3: name is missing$"):
        check(document, rows)
    with pytest.raises(FileError, match=r"x.csv:1: the header has an unknown column 'size'$"):
        parse_csv(Path("x.csv"), "name,size\n", columns=("name",), required=("name",))
    with pytest.raises(FileError, match=r"x.csv:1: the header lacks the column 'name'$"):
        parse_csv(Path("x.csv"), "note\n", columns=("name", "note"), required=("name",))


@pytest.mark.parametrize(
    ("where", "label"),
    [
        ((), None),
        (("urgency",), "urgency"),
        (("timeline", 0, "date"), "date"),
        (("tags", 1), "tags"),
        (("text", "en"), "text.en"),
        ((3,), None),
        ((3, "seat"), "seat"),
    ],
)
def test_a_field_is_named_by_its_keys_inside_its_list_item(
    where: tuple[str | int, ...], label: str | None
) -> None:
    assert field_label(where) == label


def _laughs(levels: int) -> str:
    """A "billion laughs": each level names the one below nine times."""
    text = 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for level in range(1, levels + 1):
        text += f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]\n"
    return text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_laughs(9), "x.yaml: not read as YAML: more than 200,000 values once its aliases are"),
        ("a: &a [1, *a]\n", "x.yaml: not read as YAML: a value contains itself through an alias"),
        ("[" * 10_000 + "]" * 10_000, "x.yaml:1: not valid YAML: "),
    ],
)
def test_yaml_that_would_expand_beyond_reason_is_refused(text: str, message: str) -> None:
    with pytest.raises(FileError) as raised:
        parse_yaml(Path("x.yaml"), text)
    assert str(raised.value).startswith(message)


def test_aliases_within_bounds_are_read() -> None:
    document = parse_yaml(Path("x.yaml"), _laughs(3) + "group: &g {a: 1}\nsame: *g\n")
    assert len(document.data["l3"]) == 9 and document.data["same"] == {"a": 1}


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(
        FileError, match=r"huge.yaml: the file has 5,000,003 bytes; at most 5,000,000"
    ):
        read_text(path)
    with pytest.raises(FileError, match=r"roster.csv: the file has 5,000,001 bytes"):
        decode(Path("roster.csv"), b"x" * (MAX_FILE_BYTES + 1))


def test_a_message_too_long_for_one_is_split_between_whole_entries() -> None:
    """Paragraphs whole where they fit, a long list line by line, a long line at its spaces."""
    header = "<b>Members</b> (number, name):"
    rows = [f"{n}. {'X' * 30}" for n in range(10)]  # 33-34 characters a row
    parts = split_message(header + "\n\n" + "\n".join(rows) + "\n\nFooter.", limit=120)
    assert all(len(part) <= 120 for part in parts)
    assert parts[0].startswith(header + "\n\n0. ")  # the header is not a message of its own
    assert "\n".join(parts).count("X" * 30) == 10  # no row cut
    assert parts[-1].endswith("\n\nFooter.")
    assert split_message("short") == ["short"]
    assert split_message("word " * 50, limit=100)[0] == ("word " * 20).strip()
