"""Declarations as content files (YAML), checked with errors that name the file and the line.

A declaration file holds its number, assembly, reference, status, the authoritative language,
the title and text per language, optionally the rule settings and the signing window, the
political groups it mentions and its signatories in the order they signed (the first is the
tabler). README.md, "Written declarations", documents every field.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.domain.declarations import (
    Declaration,
    DeclarationTooLong,
    RuleSettings,
    Status,
    check_length,
)
from bot.domain.roster import RosterEntry, entry_from_fields, group_from_fields
from bot.domain.signatory_block import PoliticalGroup

KEYS = {
    "number",
    "assembly",
    "reference",
    "status",
    "authoritative",
    "title",
    "text",
    "rules",
    "opens",
    "closes",
    "political_groups",
    "tabler",
    "signatories",
}


class DeclarationFileError(ValueError):
    """A declaration file is invalid; the message names the file, the line and the problem."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True, slots=True)
class DeclarationFile:
    """A declaration with its tabler, its signatories in signing order and its groups.

    ``declaration.tabler_id`` is 0 here: members get their ids when stored."""

    declaration: Declaration
    tabler: RosterEntry
    signatories: tuple[RosterEntry, ...]
    groups: tuple[PoliticalGroup, ...]


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise ValueError("expected a date or a time such as 2026-12-01T18:00:00+05:00")


def _texts(value: Any, name: str) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{name}: expected a text per language, e.g. en: ...")
    texts = {}
    for language, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{name}.{language}: expected a text")
        texts[str(language)] = text.strip()
    return texts


def _rules(value: Any) -> RuleSettings:
    if value is None:
        return RuleSettings()
    names = {field.name for field in fields(RuleSettings)}
    if not isinstance(value, dict) or set(value) - names:
        raise ValueError(f"rules: expected some of {', '.join(sorted(names))}")
    if not all(isinstance(number, int) and number > 0 for number in value.values()):
        raise ValueError("rules: every setting is a positive whole number")
    return RuleSettings(**value)


def _member(value: Any, assembly: str, name: str) -> RosterEntry:
    if not isinstance(value, dict):
        raise ValueError(f"{name}: expected surname, given_name, country, political_group")
    return entry_from_fields({"assembly": assembly, **value}, f" in {name}")


def parse_declaration(data: Any) -> DeclarationFile:
    """Check a declaration's fields; raise ``ValueError`` naming the field at fault."""
    if not isinstance(data, dict):
        raise ValueError("expected a mapping of fields")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}")
    number = data.get("number")
    if not isinstance(number, int) or number <= 0:
        raise ValueError("number: expected a positive whole number")
    assembly = str(data.get("assembly") or "").strip()
    if not assembly:
        raise ValueError("assembly: missing")
    title, text = _texts(data.get("title"), "title"), _texts(data.get("text"), "text")
    authoritative = data.get("authoritative")
    if authoritative not in text or authoritative not in title:
        raise ValueError("authoritative: the language of a given title and text, e.g. en")
    try:
        status = Status(data.get("status", "draft"))
    except ValueError:
        raise ValueError("status: draft, open or closed") from None
    rules = _rules(data.get("rules"))
    signatories = data.get("signatories") or []
    if not isinstance(signatories, list):
        raise ValueError("signatories: expected a list")
    entries = tuple(
        _member(item, assembly, f"signatories[{index}]") for index, item in enumerate(signatories)
    )
    if data.get("tabler") is not None:
        tabler = _member(data["tabler"], assembly, "tabler")
    elif entries:
        tabler = entries[0]
    else:
        raise ValueError("tabler: missing (or give the signatories, the tabler first)")
    groups = tuple(group_from_fields(item) for item in data.get("political_groups") or [])
    declaration = Declaration(
        number=number,
        assembly=assembly,
        title=title,
        text=text,
        authoritative=authoritative,
        tabler_id=0,
        status=status,
        opens_at=_moment(data.get("opens")),
        closes_at=_moment(data.get("closes")),
        rules=rules,
        reference=str(data.get("reference") or ""),
    )
    try:
        check_length(text[authoritative], rules)
    except DeclarationTooLong as error:
        raise ValueError(f"text.{authoritative}: {error}") from None
    return DeclarationFile(declaration, tabler, entries, groups)


def load_declaration(path: Path) -> DeclarationFile:
    """Read and check one declaration file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise DeclarationFileError(path, None, "cannot be read") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise DeclarationFileError(
            path, mark.line + 1 if mark else None, "not valid YAML"
        ) from None
    try:
        return parse_declaration(data)
    except (ValueError, KeyError, TypeError) as error:
        raise DeclarationFileError(path, None, str(error)) from None


def load_declarations(path: Path) -> list[DeclarationFile]:
    """One declaration file, or every ``*.yaml`` file of a folder, by name."""
    paths = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not paths:
        raise DeclarationFileError(path, None, "no declaration files (*.yaml)")
    loaded = [load_declaration(file) for file in paths]
    numbers = [item.declaration.number for item in loaded]
    if len(set(numbers)) != len(numbers):
        raise DeclarationFileError(path, None, "two files have the same number")
    return loaded
