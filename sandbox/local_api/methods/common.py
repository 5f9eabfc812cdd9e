"""Checks shared by the methods that send or edit messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.domain.telegram_html import MAX_MESSAGE_LENGTH, HtmlError, parse_html, utf16_len

from ..errors import bad_request, forbidden
from ..markup import validate_reply_markup
from ..model import SimChat, SimMessage
from ..params import Params
from ..state import World

MAX_CAPTION_LENGTH = 1024


@dataclass(frozen=True, slots=True)
class Formatted:
    """Text as the user will see it, its entities, and the HTML source if any."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    html: str | None = None


def format_text(source: str, parse_mode: str | None, entities: Any) -> Formatted:
    """Apply parse_mode (only HTML is spoken here) or explicit entities to a text."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            parsed = parse_html(source)
        except HtmlError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        return Formatted(parsed.text, parsed.entities, source)
    if mode:
        raise bad_request("unsupported parse_mode")
    if entities is not None and not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    return Formatted(source, entities or [])


def checked_text(formatted: Formatted | None) -> Formatted:
    """A message text that is neither empty nor too long."""
    if formatted is None or not formatted.text.strip():
        raise bad_request("message text is empty")
    if utf16_len(formatted.text) > MAX_MESSAGE_LENGTH:
        raise bad_request("message is too long")
    return formatted


def message_text(params: Params) -> Formatted:
    """The text parameter with parse_mode/entities applied and length rules checked."""
    source = params.string("text")
    if source is None:
        raise bad_request("message text is empty")
    return checked_text(format_text(source, params.string("parse_mode"), params.obj("entities")))


def caption(params: Params) -> Formatted | None:
    """The optional caption parameter, formatted and checked."""
    source = params.string("caption")
    if source is None:
        return None
    formatted = format_text(source, params.string("parse_mode"), params.obj("caption_entities"))
    if utf16_len(formatted.text) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return formatted


def reply_markup(params: Params) -> dict[str, Any] | None:
    """The optional reply_markup parameter, validated."""
    markup = params.obj("reply_markup")
    return None if markup is None else validate_reply_markup(markup)


def writable_chat(world: World, params: Params) -> SimChat:
    """The target chat, if the bot may write there (403 for blocked or deactivated users)."""
    chat = world.chat(params.chat_id())
    person = chat.person
    if person is not None:
        if person.deactivated:
            raise forbidden("user is deactivated")
        if person.blocked:
            raise forbidden("bot was blocked by the user")
        if not person.started:
            raise forbidden("bot can't initiate conversation with a user")
    return chat


def editable_message(chat: SimChat, params: Params) -> SimMessage:
    """The message named by message_id, which must be the bot's own and visible."""
    message = chat.history.get(params.require_int("message_id"))
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def reply_target(chat: SimChat, params: Params) -> SimMessage | None:
    """The message named by reply_parameters in the same chat."""
    reply = params.obj("reply_parameters")
    if reply is None:
        return None
    if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
        raise bad_request("can't parse reply parameters JSON object")
    target = chat.history.get(reply["message_id"])
    if target is None and not reply.get("allow_sending_without_reply"):
        raise bad_request("message to be replied not found")
    return target
