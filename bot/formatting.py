"""Dates and numbers in the current locale, by CLDR rules (Babel)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.i18n import current_locale


def long_date(day: date) -> str:
    """A date as readers of the current locale write it, e.g. "22 ноября 2026 г."."""
    return format_date(day, format="long", locale=current_locale())
