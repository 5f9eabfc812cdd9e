"""A Mini App's launch data (``initData``) as Telegram signs it, and its check.

Telegram hands a Mini App a query string of fields (``user``, ``auth_date``, ``query_id``…)
and ``hash``: the hex HMAC-SHA-256 of the *data-check string* (every other field as
``key=value``, sorted by key, joined by line feeds) under the key
``HMAC-SHA-256(key="WebAppData", msg=bot_token)``. Only the bot's server knows the token, so a
valid hash proves that Telegram produced the data for this bot; ``auth_date`` bounds how long
it may be used. The check follows https://core.telegram.org/bots/webapps#validating-data-
received-via-the-mini-app exactly (``signature``, Telegram's Ed25519 signature for third
parties, is one of the fields the hash covers).

Nothing here trusts the client: a field given twice, a missing or malformed hash, a user
without a numeric id, a date in the future or too old are all refusals.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode

MAX_INIT_DATA_LENGTH = 8_192
"""Telegram's launch data is a few hundred bytes; anything this long is not from Telegram."""

CLOCK_SKEW = 60
"""Seconds an ``auth_date`` may lie in the future (clocks differ a little)."""


class Refusal(StrEnum):
    """Why launch data is not accepted."""

    MISSING = "missing"
    MALFORMED = "malformed"
    FORGED = "forged"
    EXPIRED = "expired"


class InvalidInitData(ValueError):
    """The launch data is missing, malformed, not signed with this bot's token, or too old."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """Who opened the Mini App: the Telegram id and the interface language, nothing else
    (the name, username and photo Telegram also sends are never kept)."""

    id: int
    language_code: str | None


def _secret(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def _check_string(fields: Mapping[str, str]) -> bytes:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields)).encode()


def sign_init_data(token: str, fields: Mapping[str, str]) -> str:
    """The launch data Telegram would give for ``fields``: what tests and the demo open the
    console with (``user`` is JSON text, ``auth_date`` unix seconds as text)."""
    digest = hmac.new(_secret(token), _check_string(fields), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def user_fields(user_id: int, language_code: str | None, auth_date: int) -> dict[str, str]:
    """The fields of a Mini App opened by ``user_id`` at ``auth_date`` (for signing)."""
    user: dict[str, object] = {"id": user_id, "first_name": "Test", "allows_write_to_pm": True}
    if language_code:
        user["language_code"] = language_code
    return {
        "user": json.dumps(user, separators=(",", ":")),
        "auth_date": str(auth_date),
        "query_id": f"AAH{user_id:x}",
    }


def _fields(raw: str) -> dict[str, str]:
    if not raw:
        raise InvalidInitData(Refusal.MISSING)
    if len(raw) > MAX_INIT_DATA_LENGTH:
        raise InvalidInitData(Refusal.MALFORMED)
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInitData(Refusal.MALFORMED) from None
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a field given twice: which one did Telegram sign?
        raise InvalidInitData(Refusal.MALFORMED)
    return fields


def _user(fields: Mapping[str, str]) -> WebAppUser:
    try:
        user = json.loads(fields["user"])
    except (KeyError, ValueError):
        raise InvalidInitData(Refusal.MALFORMED) from None
    if not isinstance(user, dict):
        raise InvalidInitData(Refusal.MALFORMED)
    user_id, language = user.get("id"), user.get("language_code")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        raise InvalidInitData(Refusal.MALFORMED)
    return WebAppUser(user_id, language if isinstance(language, str) else None)


def verify_init_data(token: str, raw: str, *, max_age: int, now: float) -> WebAppUser:
    """The user of launch data ``raw`` if Telegram signed it for the bot of ``token`` at most
    ``max_age`` seconds before ``now``; else raise :class:`InvalidInitData`."""
    fields = _fields(raw)
    received = fields.pop("hash", "")
    if len(received) != 64:
        raise InvalidInitData(Refusal.MALFORMED)
    expected = hmac.new(_secret(token), _check_string(fields), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), received.lower().encode()):
        raise InvalidInitData(Refusal.FORGED)
    auth_date = fields.get("auth_date", "")
    if not (auth_date.isascii() and auth_date.isdigit()):
        raise InvalidInitData(Refusal.MALFORMED)
    age = now - int(auth_date)
    if age > max_age or age < -CLOCK_SKEW:
        raise InvalidInitData(Refusal.EXPIRED)
    return _user(fields)


def language_hint(raw: str) -> str | None:
    """The interface language named in launch data, *unchecked*: only to say "no" in the
    reader's language; never to decide anything."""
    try:
        return _user(_fields(raw)).language_code
    except InvalidInitData:
        return None
