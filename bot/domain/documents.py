"""The layout of the documents the bot writes, independent of any file format: a letter in the
layout of the first seed (the OSCE PA chair's letter to the President of Kazakhstan) and a
written declaration as the assembly publishes it (the second seed, PACE Doc. 14493).

A :class:`Layout` is a list of blocks of runs of text; ``bot.documents`` renders it as PDF, DOCX
or plain text. Texts arrive formatted and translated: this module decides what goes where.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.letters import Emphasis, Paragraph
from bot.domain.members import Member
from bot.domain.signatory_block import PoliticalGroup, groups_used, listed_name, ordered


class Size(StrEnum):
    """The size of a block's type."""

    NORMAL = "normal"
    LARGE = "large"
    SMALL = "small"


@dataclass(frozen=True, slots=True)
class Run:
    """Text set in one style. A line break inside it is kept."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph: runs of text, set apart from the next by a blank line."""

    runs: tuple[Run, ...]
    size: Size = Size.NORMAL
    keep_with_next: bool = False
    """A heading: never the last thing on a page."""
    page_break_before: bool = False
    justified: bool = False

    @property
    def text(self) -> str:
        """The block's text without styles."""
        return "".join(run.text for run in self.runs)


def block(
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: Size = Size.NORMAL,
    keep_with_next: bool = False,
    page_break_before: bool = False,
    justified: bool = False,
) -> Block:
    """A block of one run."""
    return Block(
        (Run(text, bold, italic),),
        size=size,
        keep_with_next=keep_with_next,
        page_break_before=page_break_before,
        justified=justified,
    )


@dataclass(frozen=True, slots=True)
class Layout:
    """A whole document."""

    title: str
    """The document's title in its metadata."""
    language: str
    blocks: tuple[Block, ...]
    running_header: str | None = None
    """A line at the top of every page (a letterhead), in italics."""


PAGE_BREAK = "\n\n\n\n"
"""How plain text marks a page break: three blank lines, as the seed documents do."""


def plain_text(layout: Layout) -> str:
    """The document as plain text: blocks apart by a blank line, pages by three; the running
    header once, at the top; a final newline."""
    parts = [layout.running_header] if layout.running_header else []
    text = ""
    for item in [*(block(part) for part in parts), *layout.blocks]:
        if text:
            text += PAGE_BREAK if item.page_break_before else "\n\n"
        text += item.text
    return text + "\n"


# The letter.


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signs a letter; every part may be empty. Used for one document, never stored."""

    name: str = ""
    title: str = ""
    place: str = ""


@dataclass(frozen=True, slots=True)
class LetterParts:
    """What a letter holds, in its language, formatted."""

    language: str
    date: str
    """The date as the letter's language writes it: "23 February 2018"."""
    addressee: Sequence[str]
    """The target's title, name, then the address lines and the email."""
    paragraphs: Sequence[Paragraph]
    """From the salutation to the closing (bot.domain.letters)."""
    signer: Signer = field(default_factory=Signer)
    letterhead: str | None = None
    document_title: str = ""


def letter_layout(parts: LetterParts) -> Layout:
    """The first seed's layout: place and date; the addressee block, its first line in bold;
    the letter's paragraphs (italic, bold or plain as the model letter marks them); the
    signer's name, followed by a comma when a title follows, and the title, in italics."""
    signer = parts.signer
    dated = f"{signer.place}, {parts.date}" if signer.place else parts.date
    blocks = [block(dated)]
    for index, line in enumerate(parts.addressee):
        blocks.append(block(line, bold=index == 0))
    for paragraph in parts.paragraphs:
        blocks.append(
            block(
                paragraph.text,
                bold=paragraph.emphasis is Emphasis.BOLD,
                italic=paragraph.emphasis is Emphasis.ITALIC,
                keep_with_next=paragraph.emphasis is not Emphasis.NONE,
                justified=paragraph.emphasis is Emphasis.NONE,
            )
        )
    signature = [signer.name + ("," if signer.name and signer.title else "")]
    signature += [signer.title] if signer.title else []
    if any(signature):
        blocks.append(block("\n".join(line for line in signature if line), italic=True))
    return Layout(
        title=parts.document_title,
        language=parts.language,
        blocks=tuple(blocks),
        running_header=parts.letterhead,
    )


# The written declaration.


@dataclass(frozen=True, slots=True)
class DeclarationHeadings:
    """The declaration's fixed texts in the document's language."""

    number: str
    """"Written declaration No. 652"."""
    disclaimer: str
    signed_overleaf: str
    """"Signed (see overleaf)"."""
    signed: str
    """"Signed", the heading of the list, followed by the footnote mark."""


@dataclass(frozen=True, slots=True)
class DeclarationParts:
    """What a declaration document holds, in its language."""

    language: str
    reference: str
    date: str | None
    title: str
    text: str
    """Paragraphs separated by a blank line."""
    headings: DeclarationHeadings
    signers: Sequence[Member]
    tabler_id: int
    groups: Iterable[PoliticalGroup]


def declaration_layout(parts: DeclarationParts) -> Layout:
    """The second seed's layout: reference, date, title, number, the disclaimer, the text,
    "Signed (see overleaf)"; overleaf, the signatories (the tabler first), ``Total = N`` and
    the footnote of the political groups."""
    headings = parts.headings
    blocks = [block(parts.reference)] if parts.reference else []
    if parts.date:
        blocks.append(block(parts.date))
    blocks += [
        block(parts.title, bold=True, size=Size.LARGE, keep_with_next=True),
        block(headings.number, bold=True, keep_with_next=True),
        block(headings.disclaimer, italic=True, size=Size.SMALL),
    ]
    blocks += [
        block(" ".join(paragraph.split()), justified=True)
        for paragraph in parts.text.split("\n\n")
        if paragraph.strip()
    ]
    blocks.append(block(headings.signed_overleaf))
    groups = groups_used(parts.signers, parts.groups)
    signers = ordered(parts.signers, parts.tabler_id)
    mark = "¹" if groups else ""
    blocks.append(
        Block(
            (Run(headings.signed, italic=True), Run(f"{mark}:")),
            page_break_before=True,
            keep_with_next=True,
        )
    )
    if signers:
        blocks.append(block("\n".join(listed_name(member) for member in signers)))
    blocks.append(block(f"Total = {len(signers)}"))
    if groups:
        lines = [f"{group.abbreviation}: {group.name}" for group in groups]
        lines[0] = "1. " + lines[0]
        blocks.append(block("\n".join(lines), size=Size.SMALL))
    return Layout(title=parts.title, language=parts.language, blocks=tuple(blocks))
