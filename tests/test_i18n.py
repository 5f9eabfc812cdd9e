"""Locale resolution, the per-update locale, CLDR plurals and dates."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot.text import i18n
from bot.text.formatting import long_date


@pytest.mark.parametrize(
    ("chosen", "language_code", "expected"),
    [
        ("kk", "ru", "kk"),  # a stored choice wins
        (None, "ru", "ru"),
        (None, "ru-RU", "ru"),
        (None, "kk", "kk"),
        (None, "en-GB", "en"),
        (None, "de", "en"),  # anything else falls back to the default
        (None, None, "en"),
        ("xx", "kk", "kk"),  # a corrupt stored value is ignored
    ],
)
def test_resolve_locale(chosen: str | None, language_code: str | None, expected: str) -> None:
    assert i18n.resolve_locale(chosen, language_code, "en") == expected


def test_default_locale_applies_to_unknown_languages() -> None:
    assert i18n.resolve_locale(None, "uz", "ru") == "ru"


async def test_concurrent_tasks_keep_their_own_locale() -> None:
    async def translate_in(locale: str) -> str:
        i18n.set_locale(locale)
        await asyncio.sleep(0)
        return i18n.gettext("Choose your language:")

    results = await asyncio.gather(*(translate_in(code) for code in ("ru", "kk", "en") * 3))
    assert len(set(results)) == 3
    assert results[2] == "Choose your language:"


def test_unsupported_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported locale"):
        i18n.set_locale("de")


@pytest.mark.parametrize(
    ("locale", "expected"),
    # CLDR puts a narrow no-break space (U+202F) before the Russian "г." and after the year.
    [
        ("en", "November 22, 2026"),
        ("ru", "22 ноября 2026\u202fг."),
        ("kk", "2026\u202fж. 22 қараша"),
    ],
)
def test_long_dates_follow_cldr(locale: str, expected: str) -> None:
    with i18n.use_locale(locale):
        assert long_date(date(2026, 11, 22)) == expected
