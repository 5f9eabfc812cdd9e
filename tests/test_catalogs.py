"""The gettext catalogs: complete, current and well-formed in every locale.

Fails when a user-facing string lacks a translation, when the template or a catalog is stale
against the code (run the commands in README.md, "Translating"), or when a translation breaks
a placeholder or the Telegram HTML of its source.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from bot.domain.telegram_html import parse_html
from bot.text import i18n

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "locales" / "messages.pot"
# The same extraction as README.md gives ("Translating"), written to a temporary file.
EXTRACT = [
    "pybabel",
    "-q",
    "extract",
    "-F",
    "pyproject.toml",
    "-k",
    "lazy_gettext",
    "-k",
    "lazy_pgettext:1c,2",
    "--add-comments",
    "TRANSLATORS:",
    "--sort-output",
]
SOURCES = ["bot", "handlers"]

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")
"""The one placeholder style, in Python and in the templates' ``{% trans %}`` alike."""
BRACE_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
TAG = re.compile(r"</?[a-z][a-z-]*")
EXPECTED_PLURAL_FORMS = {"en": 2, "ru": 3, "kk": 2}


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def _ids(catalog: Catalog) -> set[tuple[object, str | None]]:
    return {(message.id, message.context) for message in catalog if message.id}


def _texts(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def _translations(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    output = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run([*EXTRACT, "-o", str(output), *(str(ROOT / s) for s in SOURCES)])
    return _read(output)


def test_template_is_current(extracted: Catalog) -> None:
    template = _read(TEMPLATE)
    missing = _ids(extracted) - _ids(template)
    obsolete = _ids(template) - _ids(extracted)
    assert not missing, f"locales/messages.pot lacks {sorted(map(str, missing))}: re-extract"
    assert not obsolete, f"locales/messages.pot has unused {sorted(map(str, obsolete))}"


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_catalog_matches_template_and_is_fully_translated(locale: str, extracted: Catalog) -> None:
    catalog = _read(i18n.catalog_path(locale), locale)
    assert _ids(catalog) == _ids(extracted), f"{locale} catalog is stale: run pybabel update"
    assert catalog.num_plurals == EXPECTED_PLURAL_FORMS[locale]
    for message in catalog:
        if not message.id:
            continue
        translations = _translations(message)
        where = f"{locale}: {message.id!r}"
        assert all(text.strip() for text in translations), f"untranslated {where}"
        assert not message.fuzzy, f"fuzzy {where}"
        assert len(translations) == (catalog.num_plurals if message.pluralizable else 1), where
        source = _texts(message)[-1]
        expected = set(PLACEHOLDER.findall(source))
        for text in translations:
            found = set(PLACEHOLDER.findall(text))
            # A plural form may spell the number out ("один день") instead of using it.
            assert found == expected or (message.pluralizable and found < expected), where
            assert sorted(TAG.findall(text)) == sorted(TAG.findall(source)), f"tags of {where}"
            parse_html(PLACEHOLDER.sub("x", text))
        assert not list(catalog.check()), f"{locale}: {list(catalog.check())}"


def test_one_placeholder_style(extracted: Catalog) -> None:
    """``%(name)s`` everywhere: what ``{% trans %}`` writes, so Python writes it too."""
    for message in extracted:
        for text in _texts(message) if message.id else []:
            assert not BRACE_PLACEHOLDER.search(text), f"brace placeholder in {text!r}"
            if PLACEHOLDER.search(text):
                assert message.python_format, f"{text!r} is not flagged python-format"


def test_one_word_messages_say_where_they_appear(extracted: Catalog) -> None:
    """A word alone ("Cancel", "Sent", "Signed") may need different words in Russian or
    Kazakh in different places: each carries a ``msgctxt`` naming its place."""
    bare = [
        message.id
        for message in extracted
        if isinstance(message.id, str)
        and message.id
        and " " not in message.id.strip()
        and not message.context
    ]
    assert not bare, f"one-word messages without msgctxt (pgettext): {bare}"


def test_template_keeps_locations_and_a_real_header() -> None:
    template = _read(TEMPLATE)
    assert (template.project, template.version) == ("Qorgau", "0.1.0")
    assert template.msgid_bugs_address != "EMAIL@ADDRESS"
    for placeholder in ("PROJECT", "ORGANIZATION", "FIRST AUTHOR"):
        assert placeholder not in template.header_comment, f"the .pot header says {placeholder}"
    unplaced = [message.id for message in template if message.id and not message.locations]
    assert not unplaced, f"messages without their source location: {unplaced}"


def test_english_says_what_the_source_says() -> None:
    """English is the source language: a translation that differs is a stale fuzzy match."""
    catalog = _read(i18n.catalog_path("en"), "en")
    stale = [m.id for m in catalog if m.id and _translations(m) != _texts(m)]
    assert not stale, f"en msgstr differs from msgid: {stale}"


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_every_locale_loads_with_translations(locale: str) -> None:
    translations = i18n.compile_catalog(locale)
    with i18n.use_locale(locale):
        assert i18n.gettext("Choose your language:") == translations.gettext(
            "Choose your language:"
        )
    assert translations._catalog, f"{locale} compiled to an empty catalog"


def test_missing_catalog_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(i18n.CatalogError):
        i18n.compile_catalog("ru", directory=tmp_path)
