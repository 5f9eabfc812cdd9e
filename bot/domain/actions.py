"""Actions: what an activist can do for a case today (write a letter, call, send an email…), to
whom, until when; the outcomes an act may have; the order in which actions are offered; and the
one-time tokens that let an act be counted once without knowing who reported it.

A case's content file carries its actions; ``targets.yaml`` of the content folder the
authorities they address (README.md, "Content").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.domain.languages import Texts

KINDS: tuple[str, ...] = ("letter", "email", "call", "postcard", "share", "other")
"""What an action asks for."""

OUTCOMES: dict[str, tuple[str, ...]] = {
    "letter": ("sent",),
    "email": ("sent",),
    "postcard": ("sent",),
    "call": ("reached", "message", "unreachable"),
    "share": ("shared",),
    "other": ("done",),
}
"""How an act of each kind may have gone (a call: reached, left a message, could not reach)."""

ALL_OUTCOMES: tuple[str, ...] = tuple(dict.fromkeys(o for os in OUTCOMES.values() for o in os))

WRITTEN_KINDS = frozenset({"letter", "email", "postcard"})
"""Kinds whose model letter the bot offers as text and as a document."""

SOON = timedelta(days=7)
"""An action whose ``until`` is nearer than this comes before every other."""

CARD_LIFETIME = timedelta(days=14)
"""How long the "I did it" buttons of an action card count an act."""

MAX_POINTS = 10
MAX_POINT_LENGTH = 600
MAX_TARGETS = 10


@dataclass(frozen=True, slots=True)
class Target:
    """An authority an action addresses, with every channel to reach them."""

    id: str
    name: Texts
    title: Texts
    salutation: Texts
    languages: tuple[str, ...]
    """The languages they read (ISO 639-1 codes), preferred first."""
    address: tuple[str, ...] = ()
    """Postal address, one line per entry, as written on an envelope."""
    email: str | None = None
    fax: str | None = None
    phone: str | None = None
    web_form: str | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """One thing to do for a case."""

    id: str
    kind: str
    title: Texts
    why: Texts
    points: dict[str, tuple[str, ...]]
    """The points to raise, per language."""
    targets: tuple[str, ...]
    """Ids of ``targets.yaml``."""
    letter: dict[str, str] = field(default_factory=dict)
    """The model letter's source per language (en, ru, kk): a Jinja2 text (bot.domain.letters)."""
    until: datetime | None = None
    """Do not act after this UTC instant."""
    zone: str | None = None
    """The zone ``until`` was given in."""

    def is_open(self, now: datetime) -> bool:
        """Whether it is still offered at ``now``."""
        return self.until is None or now < self.until

    def letter_languages(self, target: Target) -> list[str]:
        """The languages of the model letter that ``target`` reads, in the target's order."""
        return [language for language in target.languages if language in self.letter]


@dataclass(frozen=True, slots=True)
class StoredAction:
    """An action with its case, the case's urgency and the key its buttons carry."""

    key: int
    case_id: str
    urgency: int
    action: Action


def deadline_id(action_id: str) -> str:
    """The id of the deadline that stands for an action's ``until`` in the deadlines and their
    reminders; a colon, which a file's deadline id cannot hold, keeps them apart."""
    return f"action:{action_id}"


def is_action_deadline(deadline_id_: str) -> bool:
    """Whether a deadline stands for an action's ``until``."""
    return deadline_id_.startswith("action:")


def most_urgent_first(
    soon: Iterable[StoredAction], by_urgency: Iterable[StoredAction], limit: int
) -> list[StoredAction]:
    """What to do today: actions ending within :data:`SOON` first, the nearest end first; then
    the others by their case's urgency (1 first), the earliest end, and the order of entry.
    ``soon`` and ``by_urgency`` are the two lists storage reads by index, each in its order."""
    chosen: dict[int, StoredAction] = {}
    for item in [*soon, *by_urgency]:
        chosen.setdefault(item.key, item)
        if len(chosen) >= limit:
            break
    return list(chosen.values())


def urgency_key(item: StoredAction, now: datetime) -> tuple[int, float, int, float, int]:
    """The order of :func:`most_urgent_first` as one key, for lists read whole."""
    until = item.action.until.timestamp() if item.action.until else float("inf")
    soon = item.action.until is not None and item.action.until - now < SOON
    return (0 if soon else 1, until if soon else 0.0, item.urgency, until, item.key)


# One-time tokens of action cards.
#
# An action card's "I did it" buttons carry a token: 8 random bytes and an 8-byte HMAC that binds
# them to the action, the origin (an appeal, or none) and the last day the card counts. Only the
# SHA-256 of the random part of a used token is stored, until that day: a second press on the
# same card finds it and counts nothing, and a forged or altered button fails the HMAC. No user
# id is needed, and none is kept.

TOKEN_LENGTH = 22
"""Characters of a token: 16 bytes in unpadded URL-safe Base64."""

_EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """Days since 1970-01-01, as buttons carry a day."""
    return (day - _EPOCH).days


def day_of(number: int) -> date:
    """The day of :func:`day_number`."""
    return _EPOCH + timedelta(days=number)


def card_expiry(action: Action, now: datetime) -> int:
    """The last day (a :func:`day_number`, UTC) on which a card issued ``now`` counts an act."""
    last = (now + CARD_LIFETIME).astimezone(UTC).date()
    if action.until is not None:
        last = min(last, action.until.astimezone(UTC).date())
    return day_number(last)


def _mac(secret: bytes, action_key: int, origin: int, expires: int, nonce: bytes) -> bytes:
    message = f"{action_key}:{origin}:{expires}:".encode() + nonce
    return hmac.new(secret, message, hashlib.sha256).digest()[:8]


def issue_token(secret: bytes, action_key: int, origin: int, expires: int) -> str:
    """A fresh token for a card of ``action_key`` reached from ``origin`` (0: none)."""
    nonce = secrets.token_bytes(8)
    raw = nonce + _mac(secret, action_key, origin, expires, nonce)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def token_digest(
    secret: bytes, action_key: int, origin: int, expires: int, token: str
) -> bytes | None:
    """What is stored of a used ``token``: the SHA-256 of its random part; ``None`` if the
    token was not issued for this action, origin and expiry (forged or altered)."""
    try:
        raw = base64.urlsafe_b64decode(token + "==")
    except ValueError:
        return None
    if len(raw) != 16:
        return None
    nonce, mac = raw[:8], raw[8:]
    if not hmac.compare_digest(mac, _mac(secret, action_key, origin, expires, nonce)):
        return None
    return hashlib.sha256(nonce).digest()


@dataclass(frozen=True, slots=True)
class ActCount:
    """Acts reported, summed over some days."""

    kind: str
    outcome: str
    count: int


def total(counts: Sequence[ActCount]) -> int:
    """All acts of ``counts``."""
    return sum(count.count for count in counts)
