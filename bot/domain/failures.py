"""Why a message was not delivered, as a class the report names in its reader's language.

Telegram describes a refusal in English, in words that may change and may quote the message
("Unsupported start tag "foo" at byte offset 5"): the delivery engine stores the class and
logs the description, which no report shows.
"""

from __future__ import annotations

from enum import StrEnum


class Failure(StrEnum):
    """A class of delivery failure, as stored in the outbox and the broadcasts' reports."""

    BLOCKED = "blocked"  # the recipient blocked the bot (or removed it from the chat)
    DEACTIVATED = "deactivated"  # the recipient deleted their Telegram account
    CHAT_NOT_FOUND = "chat_not_found"  # no such chat, or one the bot may not write to
    TOO_LONG = "too_long"  # longer than Telegram takes
    BAD_MARKUP = "bad_markup"  # formatting Telegram cannot parse
    TELEGRAM_ERROR = "telegram_error"  # any other refusal, or an error on Telegram's side
    NETWORK = "network"  # Telegram could not be reached: the message did not leave
    TIMEOUT = "timeout"  # no answer in time: the message may or may not have arrived
    INTERNAL = "internal"  # an error in the bot itself


GONE = frozenset({Failure.BLOCKED, Failure.DEACTIVATED, Failure.CHAT_NOT_FOUND})
"""The recipient can receive nothing more: the bot stops writing to them."""

_WORDS: tuple[tuple[Failure, tuple[str, ...]], ...] = (
    (Failure.BLOCKED, ("bot was blocked", "bot was kicked", "bot is not a member")),
    (Failure.DEACTIVATED, ("user is deactivated",)),
    (Failure.CHAT_NOT_FOUND, ("chat not found", "user not found", "peer_id_invalid")),
    (Failure.TOO_LONG, ("message is too long", "text is too long")),
    (
        Failure.BAD_MARKUP,
        ("can't parse entities", "unsupported start tag", "can't find end tag", "entity"),
    ),
)
"""Telegram's descriptions of a Bad Request or a Forbidden, in lower case, by class."""


def classify(description: str) -> Failure:
    """The class of a refusal Telegram described so; :attr:`Failure.TELEGRAM_ERROR` if none."""
    words = description.lower()
    for failure, phrases in _WORDS:
        if any(phrase in words for phrase in phrases):
            return failure
    return Failure.TELEGRAM_ERROR


def stored(value: str) -> Failure:
    """A class read back from the database; a value this version does not know (written by a
    newer one) counts as :attr:`Failure.TELEGRAM_ERROR`."""
    try:
        return Failure(value)
    except ValueError:
        return Failure.TELEGRAM_ERROR
