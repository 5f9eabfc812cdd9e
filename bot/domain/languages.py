"""The languages the bot speaks, and which one stands in where a text is missing."""

from __future__ import annotations

LOCALES: tuple[str, ...] = ("en", "ru", "kk")
"""Supported locales; the first is the source language of the catalogs."""


Texts = dict[str, str]
"""One text per locale."""


FALLBACK_ORDER = ("ru", "kk", "en")
"""Where a text is missing, the language to show instead: the most widely read first."""


def in_language(texts: Texts, locale: str) -> tuple[str, str | None]:
    """The text for ``locale``, or another language's where it has none, with that language."""
    if locale in texts:
        return texts[locale], None
    other = next(code for code in FALLBACK_ORDER if code in texts)
    return texts[other], other
