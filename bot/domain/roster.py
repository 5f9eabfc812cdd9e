"""The roster of members of parliament as a file: CSV or YAML, checked row by row.

A roster names each member's surname, given name, surname particle ("De", "van de"),
country, political group (its abbreviation), assembly and seat (``representative`` or
``substitute``). A YAML roster may also define political groups. Any bad row fails the whole
file with its line number, so a roster is imported completely or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, TypeAdapter

from bot.domain.files import (
    Document,
    FileError,
    FileModel,
    Location,
    check,
    decode,
    parse_csv,
    parse_yaml,
    problem,
    read_text,
)
from bot.domain.members import Member
from bot.domain.signatory_block import PoliticalGroup

REQUIRED = ("surname", "given_name", "country", "political_group", "assembly")
OPTIONAL = ("particle", "seat")
COLUMNS = REQUIRED + OPTIONAL


def _as_written(fields: Any) -> Any:
    """A member as a file writes them: the particle may be left out, and the id is the
    database's, not the file's."""
    if not isinstance(fields, Mapping):
        return fields
    if "id" in fields:
        raise problem("unknown field '{field}'", at="id", code="extra_forbidden")
    return {"particle": "", **fields}


WrittenMember = Annotated[Member, BeforeValidator(_as_written)]
"""A :class:`Member` as a roster or a declaration file gives one."""


@dataclass(frozen=True, slots=True)
class Roster:
    """Members and the political groups a file defines."""

    members: tuple[Member, ...]
    groups: tuple[PoliticalGroup, ...] = ()


class _RosterFile(FileModel):
    """A YAML roster."""

    political_groups: tuple[PoliticalGroup, ...] = ()
    members: tuple[WrittenMember, ...]


_YAML_ROSTER = TypeAdapter(_RosterFile)
_CSV_ROWS = TypeAdapter(tuple[WrittenMember, ...])
_MEMBER = TypeAdapter(WrittenMember)


def member_from_fields(fields: Mapping[str, Any]) -> Member:
    """Check one member's fields; raise ``ValueError`` naming the field at fault."""
    return _MEMBER.validate_python(fields)


def _check_members(
    document: Document, where: Location, members: tuple[Member, ...], known: set[str]
) -> None:
    """Refuse a duplicate member or a political group neither defined nor ``known``; the
    members are at ``where`` in the document."""
    seen: dict[tuple[str, str, str, str], int] = {}
    for index, member in enumerate(members):
        if member.political_group not in known:
            group = member.political_group
            at = (*where, index, "political_group")
            raise document.error(
                at,
                f"unknown political group {group!r}",
                code="unknown_group",
                params={"group": group},
            )
        if member.identity in seen:
            first = document.lines((*where, seen[member.identity]))
            raise document.error(
                (*where, index),
                f"the same member as on line {first}",
                code="same_member",
                params={"line": first},
            )
        seen[member.identity] = index


def load_roster(path: Path, known_groups: Iterable[str] = ()) -> Roster:
    """Read and check a ``.csv`` or ``.yaml`` roster file (see :func:`parse_roster`)."""
    return _parse(path, read_text(path), known_groups)


def parse_roster(path: Path, data: bytes, known_groups: Iterable[str] = ()) -> Roster:
    """Check a roster, CSV or YAML by the suffix of ``path`` (named in errors); groups may be
    defined by the file or already ``known_groups``."""
    return _parse(path, decode(path, data), known_groups)


def _parse(path: Path, text: str, known_groups: Iterable[str]) -> Roster:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        document = parse_csv(path, text, COLUMNS, REQUIRED)
        roster, where = Roster(check(document, _CSV_ROWS)), ()
    elif suffix in (".yaml", ".yml"):
        document = parse_yaml(path, text)
        written = check(document, _YAML_ROSTER)
        roster, where = Roster(written.members, written.political_groups), ("members",)
    else:
        raise FileError(path, None, None, "a roster is a .csv or .yaml file", code="roster_kind")
    if not roster.members:
        raise FileError(path, None, None, "the roster names no member", code="roster_empty")
    known = {*known_groups, *(group.abbreviation for group in roster.groups)}
    _check_members(document, where, roster.members, known)
    return roster
