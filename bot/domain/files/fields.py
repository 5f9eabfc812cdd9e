"""Field types that files of every kind use, with the problems their checks report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Strict

from bot.domain.files.schemas import problem


def _as_text(value: Any) -> Any:
    """A number or a date written where text is meant (an id ``2024``, a date) is its text."""
    if isinstance(value, int | float | date) and not isinstance(value, bool):
        return str(value)
    return value


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _filled(text: str) -> str:
    if not text:
        raise problem("{field} is missing", code="missing")
    return text


def _iso_day(value: Any) -> Any:
    """A date written in quotes is still a date."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _positive(number: int) -> int:
    if number <= 0:
        raise problem("{field}: expected a positive whole number", code="positive")
    return number


Text = Annotated[str, BeforeValidator(_as_text)]
"""Text as written; a number or a date counts as its text."""

Line = Annotated[Text, AfterValidator(_one_line)]
"""One line of text: runs of white space, line breaks included, become one space."""

RequiredLine = Annotated[Line, AfterValidator(_filled)]
"""One line of text that is not empty."""

Day = Annotated[date, BeforeValidator(_iso_day), Strict()]
"""A date, YYYY-MM-DD (a number is not read as a timestamp, nor a date and time as a date)."""

PositiveWhole = Annotated[int, Strict(), AfterValidator(_positive)]
"""A whole number above zero, written as a number (``true`` is not one)."""
