"""Declarations as content files (YAML), checked with errors that name the file, the line and
the field.

A declaration file holds its number, assembly, reference, status, the authoritative language,
the title and text per language, optionally the rule settings and the signing window, the
political groups it mentions and its signatories in the order they signed (the first is the
tabler). README.md, "Written declarations", documents every field.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainValidator, TypeAdapter, model_validator

from bot.domain.declarations import (
    Declaration,
    DeclarationTooLong,
    RuleSettings,
    Status,
    check_length,
)
from bot.domain.files import (
    Document,
    FileError,
    FileModel,
    check,
    parse_yaml,
    problem,
    read_text,
)
from bot.domain.files.fields import (
    ASSEMBLY,
    DECLARATION_TEXT,
    DECLARATION_TITLE,
    REFERENCE,
    Day,
    Line,
    PositiveWhole,
    RequiredLine,
    Text,
    at_most,
)
from bot.domain.members import Member
from bot.domain.roster import WrittenMember
from bot.domain.signatory_block import PoliticalGroup


@dataclass(frozen=True, slots=True)
class DeclarationFile:
    """A declaration with its tabler, its signatories in signing order and its groups.

    ``declaration.tabler_id`` is 0 here: members get their ids when stored."""

    declaration: Declaration
    tabler: Member
    signatories: tuple[Member, ...]
    groups: tuple[PoliticalGroup, ...]
    source: Document | None = None
    """The file it was read from, to name the line of a problem found later (on import)."""

    def error(self, field: str, problem: str) -> FileError:
        """A :class:`FileError` about ``field`` (``text.en``, ``tabler``) at its line."""
        if self.source is None:
            return FileError(Path("declaration"), None, field, problem)
        where: tuple[str | int, ...] = tuple(field.split("."))
        if field == "tabler" and "tabler" not in self.source.data:
            where = ("signatories", 0)  # the first signatory tabled it
        return self.source.error(where, problem)


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise problem("{field}: expected a date or a time such as 2026-12-01T18:00:00+05:00")


def _per_language(value: Any) -> Any:
    if not isinstance(value, dict) or not value:
        raise problem("{field}: expected a text per language, e.g. en: ...")
    return value


def _text(text: str) -> str:
    if not text.strip():
        raise problem("{field}: expected a text")
    return text.strip()


Moment = Annotated[datetime, PlainValidator(_moment)]
"""A time with its offset, a time in UTC, or a date (its midnight in UTC)."""


def _texts(limit: int) -> Any:
    """A text per language, in any language, each of at most ``limit`` characters."""
    text = Annotated[Text, AfterValidator(_text), at_most(limit)]
    return Annotated[dict[str, text], BeforeValidator(_per_language)]  # type: ignore[valid-type]


Titles = _texts(DECLARATION_TITLE)
Bodies = _texts(DECLARATION_TEXT)


def _in_assembly(member: Any, assembly: Any) -> Any:
    return {"assembly": assembly, **member} if isinstance(member, dict) else member


class _DeclarationFile(FileModel):
    """A declaration file as written."""

    number: PositiveWhole
    assembly: Annotated[RequiredLine, at_most(ASSEMBLY)]
    reference: Annotated[Line, at_most(REFERENCE)] = ""
    date: Day | None = None
    status: Status = Status.DRAFT
    authoritative: Text
    title: Titles
    text: Bodies
    rules: RuleSettings = RuleSettings()
    opens: Moment | None = None
    closes: Moment | None = None
    political_groups: tuple[PoliticalGroup, ...] = ()
    tabler: WrittenMember | None = None
    signatories: tuple[WrittenMember, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _members_sit_in_its_assembly(cls, data: Any) -> Any:
        """The tabler and the signatories sit in the declaration's assembly unless they say."""
        if not isinstance(data, dict):
            return data
        placed = dict(data)
        if "tabler" in data:
            placed["tabler"] = _in_assembly(data["tabler"], data.get("assembly"))
        if isinstance(data.get("signatories"), list):
            placed["signatories"] = [
                _in_assembly(member, data.get("assembly")) for member in data["signatories"]
            ]
        return placed

    @model_validator(mode="after")
    def _complete(self) -> _DeclarationFile:
        """The authoritative text is given and within the rules; someone tabled it. These
        checks weigh fields against each other, so their problems belong to no one line."""
        language = self.authoritative
        if language not in self.text or language not in self.title:
            raise problem("authoritative: the language of a given title and text, e.g. en")
        try:
            check_length(self.text[language], self.rules)
        except DeclarationTooLong as error:
            raise problem(f"text.{language}: {error}") from None
        if self.tabler is None and not self.signatories:
            raise problem("tabler is missing (or give the signatories, the tabler first)")
        return self

    def declaration_file(self) -> DeclarationFile:
        """What the file declares; the tabler is the first signatory unless named."""
        declaration = Declaration(
            number=self.number,
            assembly=self.assembly,
            title=self.title,
            text=self.text,
            authoritative=self.authoritative,
            tabler_id=0,
            status=self.status,
            opens_at=self.opens,
            closes_at=self.closes,
            rules=self.rules,
            reference=self.reference,
            dated=self.date,
        )
        tabler = self.tabler or self.signatories[0]
        return DeclarationFile(declaration, tabler, self.signatories, self.political_groups)


_DECLARATION = TypeAdapter(_DeclarationFile)


def parse_declaration(data: Any) -> DeclarationFile:
    """Check a declaration's fields given as data, not read from a file; raise
    :class:`FileError` (naming the file "declaration", without lines)."""
    return check(Document(Path("declaration"), data), _DECLARATION).declaration_file()


def _read(path: Path) -> tuple[Document, DeclarationFile]:
    document = parse_yaml(path, read_text(path))
    return document, replace(check(document, _DECLARATION).declaration_file(), source=document)


def load_declaration(path: Path) -> DeclarationFile:
    """Read and check one declaration file."""
    return _read(path)[1]


def load_declarations(path: Path) -> list[DeclarationFile]:
    """One declaration file, or every ``*.yaml`` file of a folder, by name; no two with the
    same number."""
    paths = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not paths:
        raise FileError(path, None, None, "no declaration files (*.yaml)")
    numbered: dict[int, Path] = {}
    items = []
    for file in paths:
        document, item = _read(file)
        number = item.declaration.number
        if number in numbered:
            other = numbered[number].name
            raise document.error(("number",), f"{{field}}: {number} is the number of {other} too")
        numbered[number] = file
        items.append(item)
    return items
