"""Inline buttons: each kind builds the data its handler matches, reads it back, and refuses
anything else (a trailing newline included)."""

from __future__ import annotations

import pytest

from handlers import (
    appeals,
    broadcasts,
    cases,
    deadlines,
    language,
    news,
    privacy,
    reminders,
    signing,
)
from handlers.buttons import CASE_ID, Buttons, choice, digits, optional


@pytest.mark.parametrize(
    ("buttons", "values", "data"),
    [
        (language.LANGUAGE, ("en",), "lang:en"),
        (cases.CASE, ("mukhtar-dzhakishev",), "case:mukhtar-dzhakishev"),
        (cases.CASE, ("abai", "follow"), "case:abai:follow"),
        (cases.PAGE, (2,), "cases:page:2"),
        (privacy.FORGET, ("yes",), "forget:yes"),
        (deadlines.CALENDAR, (), "deadlines:ics"),
        (reminders.MUTE, ("mute",), "reminders:mute"),
        (reminders.MUTE, ("unmute", "abai"), "reminders:unmute:abai"),
        (broadcasts.ACTION, ("stop", 12), "appeal:stop:12"),
        (appeals.AUDIENCE, ("all",), "appeal:to:all"),
        (appeals.AUDIENCE, ("case:abai",), "appeal:to:case:abai"),
        (appeals.FALLBACK, ("kk",), "appeal:fallback:kk"),
        (news.CASE, ("abai",), "appeal:case:abai"),
        (broadcasts.SEND, (), "appeal:send"),
        (deadlines.SAVE, (), "deadline:save"),
        (deadlines.CASE, ("abai",), "deadline:case:abai"),
        (signing.PICK, (700,), "sign:pick:700"),
        (signing.CONFIRM, (700, "0123456789abcdef"), "sign:confirm:700:0123456789abcdef"),
    ],
)
def test_data_matches_its_handler_and_reads_back(
    buttons: Buttons, values: tuple[object, ...], data: str
) -> None:
    assert buttons.data(*values) == data
    assert buttons.pattern.match(data)
    padding = (None,) * (len(buttons.fields) - len(values))
    assert buttons.parse(data) == (*values, *padding)


@pytest.mark.parametrize(
    "data", ["lang:en\n", "lang:de", "lang:en:x", "lang:", "lang", "xlang:en", " lang:en", ""]
)
def test_other_data_is_refused(data: str) -> None:
    assert language.LANGUAGE.pattern.match(data) is None
    with pytest.raises(ValueError, match="not a lang button"):
        language.LANGUAGE.parse(data)


def test_patterns_follow_the_locales() -> None:
    assert language.LANGUAGE.pattern.match("lang:kk")
    assert appeals.FALLBACK.pattern.match("appeal:fallback:ru")
    assert not appeals.AUDIENCE.pattern.match("appeal:to:de")


@pytest.mark.parametrize(
    ("buttons", "values"),
    [
        (language.LANGUAGE, ("de",)),
        (language.LANGUAGE, ()),
        (language.LANGUAGE, ("en", "ru")),
        (cases.CASE, ("abai:follow",)),  # a value cannot smuggle in another field
        (cases.CASE, ("Abai",)),
        (cases.PAGE, (12345,)),
        (signing.CONFIRM, (700, "0123")),
        (Buttons("x", CASE_ID, CASE_ID), ("a" * 40, "b" * 40)),  # over 64 bytes
    ],
)
def test_a_button_its_handler_would_refuse_cannot_be_built(
    buttons: Buttons, values: tuple[object, ...]
) -> None:
    with pytest.raises(ValueError, match=buttons.prefix):
        buttons.data(*values)


def test_numbers_are_ascii_digits() -> None:
    twelve = Buttons("n", digits(2))
    assert twelve.parse("n:12") == (12,)
    assert twelve.pattern.match("n:١٢") is None


def test_only_the_last_field_may_be_optional() -> None:
    with pytest.raises(ValueError, match="only the last field"):
        Buttons("x", optional(CASE_ID), choice("a"))
