"""Broadcasts, apart from Telegram and storage: their kinds and audiences, the fate of each
message, and how far and how fast a broadcast has come."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.domain.failures import Failure


class Kind(StrEnum):
    """What a broadcast carries."""

    APPEAL = "appeal"
    NEWS = "case_update"
    """News of a case, to its followers."""
    REMINDER = "reminder"
    """Reminders before deadlines, one message per reader."""
    DECLARATION_REMINDER = "declaration_reminder"
    """Reminders to the members who have not signed a declaration that is closing."""


ALL_LOCALES = "all"
"""Audience of every user who has not blocked the bot."""


@dataclass(frozen=True, slots=True)
class Broadcast:
    """One broadcast as listed to coordinators."""

    id: int
    kind: Kind
    author_id: int | None
    created_at: float
    details: dict[str, Any]
    status: str
    progress_message_id: int | None


AUTHORED = (Kind.APPEAL, Kind.NEWS)
"""Kinds of broadcast a coordinator writes, follows and gets a report of."""


def may_direct(broadcast: Broadcast, user_id: int, *, admin: bool) -> bool:
    """Whether a member of the staff may stop a broadcast or resend its messages: its author
    or an administrator. One that nobody in the bot wrote (news imported from files, or an
    author who erased themselves) is for any of the staff to direct."""
    return admin or broadcast.author_id in (None, user_id)


CASE_AUDIENCE = "case:"
"""Prefix of the audience of one case's subscribers: ``case:<case id>``."""


DECLARATION_AUDIENCE = "declaration:"
"""Prefix of the audience of the bound members who have not signed a declaration:
``declaration:<number>``."""


class Fate(StrEnum):
    """How one delivery attempt ended."""

    SENT = "sent"
    RETRY = "retry"  # failed for now: try again at ``not_before``, one attempt spent
    DEFERRED = "deferred"  # not tried (pacing, or Telegram's retry_after): take at ``not_before``
    BLOCKED = "blocked"  # the recipient blocked the bot or is gone: send them nothing more
    FAILED = "failed"  # gave up, with a reason; kept for the author to resend
    UNKNOWN = "unknown"  # the request may or may not have reached Telegram (a timeout)


@dataclass(frozen=True, slots=True)
class Delivery:
    """A claimed outbox row: one message to one chat."""

    id: int
    broadcast_id: int
    chat_id: int
    content_id: int
    attempts: int
    failing_since: float | None = None
    """Unix time of the first failure of the current run of retries (``None``: none yet)."""


@dataclass(frozen=True, slots=True)
class Settlement:
    """The fate of one delivery attempt, to be recorded."""

    delivery: Delivery
    fate: Fate
    not_before: float = 0.0
    reason: Failure | None = None
    """Why it failed (for a retry, a failure or an unknown fate)."""
    failing_since: float | None = None
    """For a retry: since when the message has been failing (its time budget counts from it)."""


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a broadcast stands."""

    total: int
    sent: int
    blocked: int
    failed: int
    cancelled: int
    abandoned: int
    pending: int
    in_flight: int
    unknown: int
    failed_kept: int
    """Failed messages kept for the author to resend (counted in ``failed`` too)."""

    @property
    def settled(self) -> int:
        """Messages no longer waiting to be sent."""
        return self.sent + self.blocked + self.failed + self.cancelled + self.abandoned

    @property
    def finished(self) -> bool:
        """Nothing is queued or being sent (``unknown`` rows may await a decision)."""
        return self.pending == 0 and self.in_flight == 0


@dataclass(frozen=True, slots=True)
class Pace:
    """Speed and time left, from two looks at a broadcast (``None``: not known)."""

    rate: float | None
    seconds_left: float | None


def pace(settled_before: int, settled_now: int, elapsed: float, remaining: int) -> Pace:
    """Messages per second between two looks, and the time the remaining ones will take."""
    rate = (settled_now - settled_before) / elapsed if elapsed > 0 else 0.0
    return Pace(rate, remaining / rate if rate > 0 else None)


def progress_bar(done: int, total: int, width: int = 12) -> str:
    """A bar of full and empty blocks."""
    filled = width if total <= 0 else min(width, done * width // total)
    return "▓" * filled + "░" * (width - filled)


Keyboard = tuple[tuple[tuple[str, str], ...], ...]
"""Inline buttons under a queued message: rows of (label, callback data)."""


@dataclass(frozen=True, slots=True)
class Message:
    """What a queued message says: its HTML and the buttons under it, if any."""

    html: str
    buttons: Keyboard = ()
