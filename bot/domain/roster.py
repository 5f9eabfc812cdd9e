"""The roster of members of parliament as a file: CSV or YAML, checked row by row.

A roster names each member's surname, given name, surname particle ("De", "van de"),
country, political group (its abbreviation), assembly and seat (``representative`` or
``substitute``). A YAML roster may also define political groups. Any bad row fails the whole
file with its line number, so a roster is imported completely or not at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.domain.signatory_block import PoliticalGroup

SEATS = ("representative", "substitute")
REQUIRED = ("surname", "given_name", "country", "political_group", "assembly")
OPTIONAL = ("particle", "seat")
COLUMNS = REQUIRED + OPTIONAL


class RosterError(ValueError):
    """A roster file is invalid; the message names the file, the line and the problem."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.problem = path, line, problem


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One member as the roster names them (the database gives the id)."""

    surname: str
    given_name: str
    particle: str
    country: str
    political_group: str
    assembly: str
    seat: str | None = None

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """What tells two members apart: assembly, surname, given name, country."""
        return (self.assembly, self.surname, self.given_name, self.country)


@dataclass(frozen=True, slots=True)
class Roster:
    """Members and the political groups a file defines."""

    members: tuple[RosterEntry, ...]
    groups: tuple[PoliticalGroup, ...] = ()


def entry_from_fields(fields: Mapping[str, Any], where: str = "") -> RosterEntry:
    """Check one member's fields; raise ``ValueError`` naming the field at fault."""
    unknown = sorted(set(fields) - set(COLUMNS))
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}{where}")
    values: dict[str, str] = {}
    for name in COLUMNS:
        value = fields.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError(f"{name} must be text{where}")
        values[name] = " ".join(value.split())
        if name in REQUIRED and not values[name]:
            raise ValueError(f"{name} is missing{where}")
    seat = values["seat"] or None
    if seat is not None and seat not in SEATS:
        raise ValueError(f"seat must be representative or substitute, not {seat!r}{where}")
    return RosterEntry(
        surname=values["surname"],
        given_name=values["given_name"],
        particle=values["particle"],
        country=values["country"],
        political_group=values["political_group"],
        assembly=values["assembly"],
        seat=seat,
    )


def group_from_fields(fields: Any) -> PoliticalGroup:
    """Check a political group: an abbreviation, a name, and whether it is the non-attached."""
    if not isinstance(fields, dict) or set(fields) - {"abbreviation", "name", "non_attached"}:
        raise ValueError("a political group has an abbreviation, a name and non_attached")
    abbreviation, name = fields.get("abbreviation"), fields.get("name")
    if not isinstance(abbreviation, str) or not isinstance(name, str) or not abbreviation:
        raise ValueError("a political group needs an abbreviation and a name")
    return PoliticalGroup(abbreviation, name, bool(fields.get("non_attached")))


def check_roster(path: Path, entries: Iterable[tuple[int, RosterEntry]], known: set[str]) -> None:
    """Refuse a duplicate member or a political group neither defined nor ``known``."""
    seen: dict[tuple[str, str, str, str], int] = {}
    for line, entry in entries:
        if entry.political_group not in known:
            raise RosterError(path, line, f"unknown political group {entry.political_group!r}")
        if entry.identity in seen:
            raise RosterError(path, line, f"the same member as on line {seen[entry.identity]}")
        seen[entry.identity] = line


def _read_csv(path: Path, text: str) -> list[tuple[int, RosterEntry]]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = reader.fieldnames or []
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise RosterError(path, 1, f"the header lacks the column {missing[0]!r}")
    rows = []
    for row in reader:
        if None in row:
            raise RosterError(path, reader.line_num, "more values than columns")
        try:
            rows.append((reader.line_num, entry_from_fields(row)))
        except ValueError as error:
            raise RosterError(path, reader.line_num, str(error)) from None
    return rows


def _line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _read_yaml(path: Path, text: str) -> tuple[list[tuple[int, RosterEntry]], list[PoliticalGroup]]:
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise RosterError(path, mark.line + 1 if mark else None, "not valid YAML") from None
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise RosterError(path, 1, "expected the keys political_groups and members")
    nodes = {key.value: value for key, value in root.value}
    groups = []
    for index, item in enumerate(data.get("political_groups") or []):
        line = _line_of(nodes["political_groups"].value[index])
        try:
            groups.append(group_from_fields(item))
        except ValueError as error:
            raise RosterError(path, line, str(error)) from None
    entries = []
    members = data.get("members")
    if not isinstance(members, list) or not members:
        raise RosterError(path, None, "members: expected a list of members")
    for index, item in enumerate(members):
        line = _line_of(nodes["members"].value[index])
        if not isinstance(item, dict):
            raise RosterError(path, line, "a member must be a mapping of fields")
        try:
            entries.append((line, entry_from_fields(item)))
        except ValueError as error:
            raise RosterError(path, line, str(error)) from None
    return entries, groups


def load_roster(path: Path, known_groups: Iterable[str] = ()) -> Roster:
    """Read and check a ``.csv`` or ``.yaml`` roster file (see :func:`parse_roster`)."""
    if not path.is_file():
        raise RosterError(path, None, "no such file")
    return parse_roster(path, path.read_bytes(), known_groups)


def parse_roster(path: Path, data: bytes, known_groups: Iterable[str] = ()) -> Roster:
    """Check a roster, CSV or YAML by the suffix of ``path`` (named in errors); groups may be
    defined by the file or already ``known_groups``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RosterError(path, None, "not UTF-8 text") from None
    groups: list[PoliticalGroup] = []
    if path.suffix.lower() == ".csv":
        entries = _read_csv(path, text)
    elif path.suffix.lower() in (".yaml", ".yml"):
        entries, groups = _read_yaml(path, text)
    else:
        raise RosterError(path, None, "a roster is a .csv or .yaml file")
    if not entries:
        raise RosterError(path, None, "the roster names no member")
    check_roster(path, entries, {*known_groups, *(group.abbreviation for group in groups)})
    return Roster(members=tuple(entry for _, entry in entries), groups=tuple(groups))
