"""Field types that files of every kind use, with the problems their checks report, and the
longest each text may be.

The limits keep every message the bot builds from a file within Telegram's 4,096 characters:
a case's card (its name, detention, charges, sentence and brief) adds up to about 2,800 at
most; a deadline or a timeline entry fits a message of its own; lists of many entries (a
timeline, the deadlines, the roster) are sent in as many messages as they need, each entry
whole. The texts coordinators type in the bot keep the same limits.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Strict

from bot.domain.files.schemas import problem

CASE_NAME = 120
ALIAS = 120
CASE_DETAIL = 500
"""Where a person is held, the charges, the sentence: each."""
BRIEF = 1_000
ACCOUNT = 30_000
"""The full account: sent in as many messages as it needs, a paragraph at most 4,096."""
PARAGRAPH = 4_000
"""A paragraph of the full account (a message of its own, with room to spare)."""
EVENT = 2_000
"""A timeline entry, from a file or news posted in the bot."""
SOURCE_TITLE = 300
DEADLINE_TITLE = 200
DEADLINE_ACTION = 1_500
LINK = 500
MEMBER_NAME = 60
"""A member's surname or given name."""
PARTICLE = 30
COUNTRY = 60
ASSEMBLY = 40
GROUP_ABBREVIATION = 20
GROUP_NAME = 200
REFERENCE = 60
"""An assembly's document number, e.g. "Doc. 14493"."""
DECLARATION_TITLE = 300
DECLARATION_TEXT = 20_000
TARGET_NAME = 200
"""An authority's name, or its title (a line of the addressee block)."""
SALUTATION = 200
ACTION_TITLE = 200
ACTION_WHY = 1_500


def too_long(text: str, limit: int) -> str | None:
    """The problem with ``text`` if it is longer than ``limit`` characters (``{field}`` where
    the field's name goes), else ``None``."""
    if len(text) <= limit:
        return None
    return f"{{field}}: at most {limit:,} characters, not {len(text):,}"


def at_most(limit: int) -> AfterValidator:
    """A check that a text has at most ``limit`` characters."""

    def check(text: str) -> str:
        if (found := too_long(text, limit)) is not None:
            raise problem(found, code="too_long", limit=limit, count=len(text))
        return text

    return AfterValidator(check)


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
