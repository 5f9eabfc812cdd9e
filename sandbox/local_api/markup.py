"""Validation of reply_markup the way Telegram checks keyboards."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .errors import ApiError, bad_request

MAX_BUTTONS = 100
MAX_CALLBACK_DATA_BYTES = 64
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "web_app",
    "login_url",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES = frozenset({"http", "https", "tg"})
_MARKUP_KINDS = ("inline_keyboard", "keyboard", "remove_keyboard", "force_reply")


def _unparsable() -> ApiError:
    return bad_request("can't parse reply keyboard markup JSON object")


def validate_reply_markup(markup: Any) -> dict[str, Any]:
    """Check a decoded reply_markup object and return it; raise ApiError like Telegram."""
    if not isinstance(markup, dict) or not any(kind in markup for kind in _MARKUP_KINDS):
        raise _unparsable()
    for kind in ("inline_keyboard", "keyboard"):
        if kind in markup:
            rows = markup[kind]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request(f'field "{kind}" must be an Array of Arrays')
            if sum(len(row) for row in rows) > MAX_BUTTONS:
                raise bad_request("reply markup is too long")
    for row in markup.get("inline_keyboard", ()):
        for button in row:
            validate_inline_button(button)
    return markup


def validate_inline_button(button: Any) -> None:
    """Check one InlineKeyboardButton object."""
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not any(action in button for action in _BUTTON_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not _valid_url(button["url"]):
        raise bad_request(
            f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
        )


def _valid_url(url: Any) -> bool:
    if not isinstance(url, str) or not url or any(char.isspace() for char in url):
        return False
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
    except ValueError:
        return False
    return parts.scheme.lower() in _URL_SCHEMES and bool(parts.netloc)


def inline_keyboard(markup: dict[str, Any] | None) -> list[list[dict[str, Any]]]:
    """The rows of an inline keyboard, or an empty list for any other markup."""
    if markup is None:
        return []
    return markup.get("inline_keyboard", [])
