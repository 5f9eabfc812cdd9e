"""The documents' words in their own language: a letter from an action's model letter for one
target, and a declaration with its headings, laid out by :mod:`bot.domain.documents`.

A document's language is the letter's or the declaration text's, not necessarily the reader's:
its headings and dates are translated with that language made current for the moment.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date

from babel.dates import format_date

from bot.domain.actions import Action, Target
from bot.domain.declarations import Declaration
from bot.domain.documents import (
    DeclarationHeadings,
    DeclarationParts,
    Layout,
    LetterParts,
    Signer,
    declaration_layout,
    letter_layout,
)
from bot.domain.languages import LOCALES
from bot.domain.letters import Emphasis, Paragraph, check_letter
from bot.domain.members import Member
from bot.domain.signatory_block import PoliticalGroup
from bot.text.i18n import gettext as _
from bot.text.i18n import pgettext, use_locale

_DATE_LOCALES = {"en": "en_GB"}
"""Dates as letters in each language write them: "23 February 2018", as the seeds do."""


def document_date(day: date, language: str) -> str:
    """A date as a document in ``language`` writes it."""
    return format_date(day, format="long", locale=_DATE_LOCALES.get(language, language))


def addressee_lines(target: Target, language: str) -> list[str]:
    """The addressee block: title, name, postal address lines, email."""
    lines = [target.title[language], target.name[language], *target.address]
    return lines + ([target.email] if target.email else [])


def letter_paragraphs(
    action: Action, target: Target, language: str, signer: Signer, day: date
) -> list[Paragraph]:
    """The model letter for ``target`` in ``language`` with the signer's details put in;
    where the signer gave none, a bracketed reminder to write them stands in their place."""
    with use_locale(language):
        values = {
            "name": signer.name or _("[your name]"),
            "title": signer.title,
            "place": signer.place,
            "date": document_date(day, language),
            "salutation": target.salutation[language],
            "target_name": target.name[language],
            "target_title": target.title[language],
        }
    return check_letter(action.letter[language]).render(values)


def letter_document(
    action: Action,
    target: Target,
    language: str,
    signer: Signer,
    day: date,
    *,
    letterhead: str | None = None,
) -> Layout:
    """The letter as a document in the first seed's layout."""
    return letter_layout(
        LetterParts(
            language=language,
            date=document_date(day, language),
            addressee=addressee_lines(target, language),
            paragraphs=letter_paragraphs(action, target, language, signer, day),
            signer=signer,
            letterhead=letterhead,
            document_title=action.title.get(language, ""),
        )
    )


def letter_html(paragraphs: Sequence[Paragraph]) -> str:
    """The letter as Telegram HTML, for copying: its emphasis kept, every text escaped."""
    tags = {Emphasis.ITALIC: "i", Emphasis.BOLD: "b"}
    parts = []
    for paragraph in paragraphs:
        text = html.escape(paragraph.text, quote=False)
        tag = tags.get(paragraph.emphasis)
        parts.append(f"<{tag}>{text}</{tag}>" if tag else text)
    return "\n\n".join(parts)


def declaration_headings(number: int, language: str) -> DeclarationHeadings:
    """The fixed texts of a declaration document in ``language`` (else English)."""
    with use_locale(language if language in LOCALES else "en"):
        return DeclarationHeadings(
            number=_("Written declaration No. %(number)s", number=number),
            disclaimer=_(
                "This written declaration does not reflect the position of the Assembly; only "
                "of those members that have signed it. It will not be considered further by the "
                "Assembly."
            ),
            signed_overleaf=_("Signed (see overleaf)"),
            # TRANSLATORS: the heading of the list of signatories in a declaration's document,
            # followed by a footnote mark and a colon ("Signed¹:").
            signed=pgettext("heading of a declaration's signatories", "Signed"),
        )


def declaration_document(
    declaration: Declaration,
    language: str,
    signers: Sequence[Member],
    groups: Iterable[PoliticalGroup],
) -> Layout:
    """The declaration in ``language`` (its authoritative text where it has none in that
    language) as the assembly publishes it."""
    language = declaration.language_for(language)
    return declaration_layout(
        DeclarationParts(
            language=language,
            reference=declaration.reference,
            date=document_date(declaration.dated, language) if declaration.dated else None,
            title=declaration.title_in(language),
            text=declaration.text[language],
            headings=declaration_headings(declaration.number, language),
            signers=signers,
            tabler_id=declaration.tabler_id,
            groups=groups,
        )
    )
