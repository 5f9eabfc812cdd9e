"""The glossary (locales/glossary.tbx): no catalog or content translation uses a variant it
forbids ("член парламента", "Бақыламау", "бауыры" for a sister).

A forbidden term's words match whole, case aside; a word ending in * matches every ending of
it. A forbidden term is excused where the English source also holds a term of the glossary that
the language rightly translates so: "бақылау" where the source says "monitor", "бауыры" where it
says "brother". A failure names the catalog entry or the content field, the variant found and
the term to use instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from babel.messages.pofile import read_po

from bot.text import i18n

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "locales" / "glossary.tbx"
CONTENT = ROOT / "content"
TARGETS = ("ru", "kk")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class Concept:
    """One entry of the glossary: its English terms, and per language the terms to use and
    those forbidden."""

    id: str
    english: list[str]
    terms: dict[str, list[str]] = field(default_factory=dict)
    forbidden: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Violation:
    """A forbidden variant found in a translation."""

    where: str
    language: str
    found: str
    term: str
    concept: Concept

    def __str__(self) -> str:
        use = " or ".join(f"“{t}”" for t in self.concept.terms[self.language])
        return (
            f"{self.where}: the {self.language} translation says “{self.found}”, which "
            f"locales/glossary.tbx forbids (“{self.term}”, for “{self.concept.english[0]}”): "
            f"use {use}"
        )


@functools.cache
def concepts() -> tuple[Concept, ...]:
    """The glossary's entries."""
    found = []
    for entry in ElementTree.parse(GLOSSARY).getroot().iter("termEntry"):
        concept = Concept(id=entry.get("id", ""), english=[])
        for lang_set in entry.iter("langSet"):
            language = lang_set.get(XML_LANG, "")
            for tig in lang_set.iter("tig"):
                term = (tig.findtext("term") or "").strip()
                status = tig.findtext("termNote[@type='administrativeStatus']")
                if language == "en":
                    concept.english.append(term)
                elif status == "forbidden":
                    concept.forbidden.setdefault(language, []).append(term)
                else:
                    concept.terms.setdefault(language, []).append(term)
        found.append(concept)
    return tuple(found)


@functools.cache
def pattern(term: str) -> re.Pattern[str]:
    """A forbidden term as a pattern: whole words, a trailing * for any ending."""
    words = [
        re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word)
        for word in term.split()
    ]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


@functools.cache
def english_pattern(term: str) -> re.Pattern[str]:
    """An English term in a source text, each word with any ending ("monitor": monitoring)."""
    words = [re.escape(word) + r"\w*" for word in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words), re.IGNORECASE)


def excused(source: str, term: str, language: str) -> bool:
    """Whether the source holds an English term that ``language`` rightly translates so."""
    return any(
        any(english_pattern(english).search(source) for english in concept.english)
        and any(pattern(term).search(allowed) for allowed in concept.terms.get(language, []))
        for concept in concepts()
    )


def violations(source: str, translation: str, language: str, where: str) -> Iterator[Violation]:
    """The forbidden variants ``translation`` uses, the source not excusing them."""
    for concept in concepts():
        for term in concept.forbidden.get(language, []):
            match = pattern(term).search(translation)
            if match and not excused(source, term, language):
                yield Violation(where, language, match.group(0), term, concept)


def _texts(value: Any) -> str:
    return "\n".join(value) if isinstance(value, (list, tuple)) else str(value or "")


def catalog_translations(language: str) -> Iterator[tuple[str, str, str]]:
    """(source, translation, where) for every message of ``language``'s catalog."""
    path = i18n.catalog_path(language)
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    for message in catalog:
        if not message.id:
            continue
        source = _texts(message.id)
        context = f" (msgctxt {message.context!r})" if message.context else ""
        where = f"{path.relative_to(ROOT)}: msgid {source.splitlines()[0]!r}{context}"
        yield source, _texts(message.string), where


def content_translations(language: str) -> Iterator[tuple[str, str, str]]:
    """(English, translation, where) for every translated field of the content files."""
    for path in sorted(CONTENT.rglob("*.yaml")):
        with path.open(encoding="utf-8") as file:
            document = yaml.safe_load(file)
        yield from _walk(document, language, str(path.relative_to(ROOT)), "")


def _walk(node: Any, language: str, file: str, at: str) -> Iterator[tuple[str, str, str]]:
    if isinstance(node, dict):
        if "en" in node and language in node:
            yield _texts(node["en"]), _texts(node[language]), f"{file}: {at}{language}"
            return
        for key, value in node.items():
            yield from _walk(value, language, file, f"{at}{key}.")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, language, file, f"{at}{index}.")


def test_the_glossary_has_every_term_in_the_three_languages() -> None:
    ids = [concept.id for concept in concepts()]
    assert len(ids) == len(set(ids)), "a termEntry id is used twice"
    for concept in concepts():
        assert concept.english, f"{concept.id}: no English term"
        for language in TARGETS:
            assert concept.terms.get(language), f"{concept.id}: no {language} term"
            for term in concept.forbidden.get(language, []):
                allowed = concept.terms[language]
                assert not any(pattern(term).search(t) for t in allowed), (
                    f"{concept.id}: “{term}” forbids a term the glossary gives for it"
                )


@pytest.mark.parametrize(
    ("source", "translation", "language", "found"),
    [
        ("Members of parliament", "Члены парламента", "ru", "Члены парламента"),
        ("Follow", "Бақылау", "kk", "Бақылау"),
        ("Unfollow", "Бақыламау", "kk", "Бақыламау"),
        ("to force his sister", "оның бауыры Бота", "kk", "бауыры"),
        ("Cancel the deadline", "Мерзімнен бас тарту", "kk", "бас тарту"),
        ("its second periodic report", "мерзімдік баяндама", "kk", "мерзімдік баяндама"),
    ],
)
def test_a_forbidden_variant_is_found(
    source: str, translation: str, language: str, found: str
) -> None:
    found_here = list(violations(source, translation, language, "here"))
    assert found_here, f"{translation!r} passes"
    for violation in found_here:
        assert violation.found == found
        assert str(violation).startswith(f"here: the {language} translation says “{found}”")


@pytest.mark.parametrize(
    ("source", "translation", "language"),
    [
        ("Her brother, Iskander Yerimbetov", "Оның бауыры Іскандер Ерімбетов", "kk"),
        ("a visit to monitor the conditions", "жағдайын бақылау үшін", "kk"),
        ("members of the Parliamentary Assembly", "членами Парламентской ассамблеи", "ru"),
        ("24 members of the Parliamentary Assembly", "Ассамблеясының 24 мүшесі", "kk"),
    ],
)
def test_a_right_use_is_not_a_violation(source: str, translation: str, language: str) -> None:
    assert not list(violations(source, translation, language, "here"))


@pytest.mark.parametrize("translations", [catalog_translations, content_translations])
@pytest.mark.parametrize("language", TARGETS)
def test_no_translation_uses_a_forbidden_variant(
    language: str, translations: Callable[[str], Iterable[tuple[str, str, str]]]
) -> None:
    """Neither the catalogs nor the content files."""
    found = [
        str(violation)
        for source, translation, where in translations(language)
        for violation in violations(source, translation, language, where)
    ]
    assert not found, "\n".join(found)
