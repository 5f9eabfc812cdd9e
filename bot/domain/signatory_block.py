"""The signatory block in the assembly's format, as under PACE's written declarations:

    SUTTER Petra, De, Belgium, SOC
    AEG Raivo, Estonia, EPP/CD
    ...

    Total = 24

    1. ALDE: Alliance of Liberals and Democrats for Europe
    ...

The tabler comes first, then the others by surname as a reader looks them up: the particle is
written after the given name and plays no part in the order, accents are ignored and an
apostrophe sorts like a space ("O'REILLY" before "OHLSSON").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import StrictBool

from bot.domain.files.fields import GROUP_ABBREVIATION, GROUP_NAME, RequiredLine, at_most
from bot.domain.members import Member

_SEPARATORS = re.compile(r"[\s'’ʼ‘`\-]+")


@dataclass(frozen=True, slots=True)
class PoliticalGroup:
    """A political group of an assembly; ``non_attached`` is the list of members in none."""

    abbreviation: Annotated[RequiredLine, at_most(GROUP_ABBREVIATION)]
    name: Annotated[RequiredLine, at_most(GROUP_NAME)]
    non_attached: StrictBool = False


def collation_key(text: str) -> str:
    """A sort key that ignores accents and case and treats apostrophes and hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", bare).casefold().strip()


def _member_key(member: Member) -> tuple[str, str, str, str]:
    return (
        collation_key(member.surname),
        collation_key(member.given_name),
        member.surname,
        member.given_name,
    )


def ordered(signers: Iterable[Member], tabler_id: int) -> list[Member]:
    """The tabler first, then everyone else by surname and given name."""
    signers = list(signers)
    tabler = [member for member in signers if member.id == tabler_id]
    others = sorted((m for m in signers if m.id != tabler_id), key=_member_key)
    return tabler + others


def listed_name(member: Member) -> str:
    """``SURNAME Given, particle, Country, GROUP``; no particle, no field."""
    parts = [f"{member.surname.upper()} {member.given_name}"]
    if member.particle:
        parts.append(member.particle)
    parts += [member.country, member.political_group]
    return ", ".join(parts)


def groups_used(
    signers: Iterable[Member], groups: Iterable[PoliticalGroup]
) -> list[PoliticalGroup]:
    """The groups of the signers, by abbreviation, the non-attached last."""
    used = {member.political_group for member in signers}
    return sorted(
        (group for group in groups if group.abbreviation in used),
        key=lambda group: (group.non_attached, collation_key(group.abbreviation)),
    )


def block(signers: Sequence[Member], tabler_id: int, groups: Iterable[PoliticalGroup]) -> str:
    """The whole block: the list, ``Total = N`` and the footnote, without a final newline."""
    lines = [listed_name(member) for member in ordered(signers, tabler_id)]
    footnote = [f"{g.abbreviation}: {g.name}" for g in groups_used(signers, groups)]
    parts = ["\n".join(lines), f"Total = {len(signers)}"]
    if footnote:
        footnote[0] = "1. " + footnote[0]
        parts.append("\n".join(footnote))
    return "\n\n".join(parts)


CSV_COLUMNS = ("position", "surname", "given_name", "particle", "country", "political_group")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (CSV injection)."""


def inert(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text: line breaks become spaces (a name has none, and
    a bare CR would end the row), and a cell that would start a formula gets a leading
    apostrophe, which spreadsheets take as "text follows" and do not show."""
    if "\r" in cell or "\n" in cell:
        cell = " ".join(cell.splitlines())
    return "'" + cell if cell.lstrip(" ").startswith(FORMULA_STARTS) else cell


def block_csv(signers: Sequence[Member], tabler_id: int) -> str:
    """The list as CSV, one row per signatory in the block's order, with a header; no cell
    can start a formula in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for position, member in enumerate(ordered(signers, tabler_id), start=1):
        cells = (
            member.surname.upper(),
            member.given_name,
            member.particle,
            member.country,
            member.political_group,
        )
        writer.writerow((position, *(inert(cell) for cell in cells)))
    return buffer.getvalue()
