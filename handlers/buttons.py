"""Inline buttons, each kind declared once: the data a button carries, the pattern its handler
matches and the fields read back all come from one :class:`Buttons`, so that no button can be
built that its handler would not take.

``CASE = Buttons("case", CASE_ID, optional(choice("account", "timeline")))`` builds
``CASE.data("abai", "timeline") == "case:abai:timeline"``; ``CASE.handler(show_case)`` matches
exactly such data (``\\Z``, not ``$``, which would also match before a trailing newline); and
``CASE.parse("case:abai") == ("abai", None)``.

A press counts only on a message the bot sent, and, unless the kind is declared for groups
too (``private=False``), only in the presser's own private chat with the bot: data forged onto
a message in a group, or onto someone else's message, reaches no feature (the catch-all
answers it as a stale button).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler

MAX_DATA_BYTES = 64
"""Telegram's limit on a button's callback data."""


@dataclass(frozen=True, slots=True)
class Field:
    """One variable part of a button's data: what it may be, and how it reads back."""

    regex: str
    """What it may be, as a regular expression without capturing groups."""
    read: Callable[[str], Any] = str
    optional: bool = False
    """Whether the data may end without it (only the last field may be optional)."""


def choice(*values: str) -> Field:
    """One of ``values``."""
    return Field("|".join(re.escape(value) for value in values))


def digits(most: int) -> Field:
    """A number of at most ``most`` ASCII digits, read back as an ``int``."""
    return Field(rf"[0-9]{{1,{most}}}", int)


def optional(field: Field) -> Field:
    """``field``, which the data may leave out."""
    return replace(field, optional=True)


CASE_ID = Field(r"[a-z0-9-]{1,40}")
"""A case's id; a button naming a case that does not exist is refused as stale."""


def pressed_where_allowed(update: Update, private: bool) -> bool:
    """Whether a button press is on a message of the bot itself, and, for a ``private`` kind,
    in the presser's own private chat with the bot (not an inline message, not a group)."""
    query = update.callback_query
    if query is None:
        return False
    message = query.message
    if message is None:  # a message posted by inline mode, in some chat of the presser's
        return not private
    sender = getattr(message, "from_user", None)  # an old message may come without it
    if sender is not None and sender.id != update.get_bot().id:
        return False
    return not private or (
        message.chat.type == ChatType.PRIVATE and message.chat.id == query.from_user.id
    )


class _ButtonHandler(CallbackQueryHandler[Any, Any]):
    """Takes the presses of one kind of button, where such a press may act."""

    __slots__ = ("private",)

    def __init__(self, callback: Callable[..., Any], pattern: re.Pattern[str], private: bool):
        super().__init__(callback, pattern=pattern)
        self.private = private

    def check_update(self, update: object) -> bool | object | None:
        if not isinstance(update, Update) or not pressed_where_allowed(update, self.private):
            return None
        return super().check_update(update)


class Buttons:
    """One kind of inline button, whose data is its prefix and its fields joined by colons;
    ``private=False`` for a kind whose presses may also act in groups and inline messages."""

    def __init__(self, prefix: str, *fields: Field, private: bool = True) -> None:
        if any(field.optional for field in fields[:-1]):
            raise ValueError(f"{prefix}: only the last field may be optional")
        self.prefix = prefix
        self.private = private
        self.fields = fields
        parts = [re.escape(prefix)]
        for index, field in enumerate(fields):
            part = f":(?P<f{index}>{field.regex})"
            parts.append(f"(?:{part})?" if field.optional else part)
        self.pattern = re.compile("^" + "".join(parts) + r"\Z")
        """What the handler matches: this kind's data and nothing else."""

    def data(self, *values: object) -> str:
        """The data of a button with these field values; an optional last one may be left out."""
        texts = [str(value) for value in values]
        given = self.fields[: len(texts)]
        if len(texts) > len(self.fields) or (
            len(texts) < len(self.fields) and not self.fields[len(texts)].optional
        ):
            raise ValueError(f"{self.prefix}: {len(texts)} values for {len(self.fields)} fields")
        for field, text in zip(given, texts, strict=True):
            if re.fullmatch(field.regex, text) is None:
                raise ValueError(f"{self.prefix}: {text!r} does not match {field.regex}")
        data = ":".join([self.prefix, *texts])
        if len(data.encode()) > MAX_DATA_BYTES:
            raise ValueError(f"{self.prefix}: {data!r} is longer than {MAX_DATA_BYTES} bytes")
        return data

    def button(self, text: str, *values: object) -> InlineKeyboardButton:
        """A button labelled ``text`` whose data carries ``values``."""
        return InlineKeyboardButton(text, callback_data=self.data(*values))

    def parse(self, data: str | None) -> tuple[Any, ...]:
        """The field values in ``data``, read back; ``None`` for a left-out optional one."""
        match = self.pattern.match(data or "")
        if match is None:
            raise ValueError(f"not a {self.prefix} button: {data!r}")
        raw = [match[f"f{index}"] for index in range(len(self.fields))]
        return tuple(
            None if text is None else field.read(text)
            for field, text in zip(self.fields, raw, strict=True)
        )

    def pressed(self, update: Update) -> tuple[Any, ...]:
        """The field values of the button pressed in ``update``."""
        assert update.callback_query is not None
        return self.parse(update.callback_query.data)

    def handler(self, callback: Callable[..., Any]) -> CallbackQueryHandler[Any, Any]:
        """A handler that gives these buttons' presses, and only these, to ``callback``:
        pressed on the bot's own message, in the presser's private chat unless the kind is
        declared for groups too."""
        return _ButtonHandler(callback, self.pattern, self.private)
