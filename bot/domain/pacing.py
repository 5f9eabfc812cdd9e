"""Pacing sends to Telegram's limits: an overall rate, and spacing per chat.

Telegram allows about 30 messages per second in bulk, one per second to a private chat and
20 per minute to a group; beyond that it answers 429 with ``retry_after``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

PRIVATE_CHAT_SPACING = 1.0
"""Seconds between two messages to one private chat."""

GROUP_CHAT_SPACING = 3.0
"""Seconds between two messages to one group (20 per minute)."""


def chat_spacing(chat_id: int) -> float:
    """How far apart messages to this chat must be; groups have negative ids."""
    return GROUP_CHAT_SPACING if chat_id < 0 else PRIVATE_CHAT_SPACING


class Pacer:
    """Hands out send times: at most ``rate`` per second overall (``None``: no overall limit),
    spaced per chat, and never before a chat's ``retry_after`` has passed."""

    def __init__(self, rate: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive, or None for no limit")
        self._interval = 0.0 if rate is None else 1.0 / rate
        self._clock = clock
        self._next_slot = 0.0
        self._chat_free_at: dict[int, float] = {}

    def chat_free_at(self, chat_id: int) -> float:
        """The earliest moment a message may go to ``chat_id``."""
        return self._chat_free_at.get(chat_id, 0.0)

    def reserve(self, chat_id: int) -> float:
        """Book the next overall slot for a message to a free chat; return the moment to send."""
        now = self._clock()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        self._chat_free_at[chat_id] = slot + chat_spacing(chat_id)
        self._forget_past(now)
        return slot

    def hold(self, chat_id: int, until: float) -> None:
        """Telegram asked to wait (429): nothing goes to ``chat_id`` before ``until``."""
        self._chat_free_at[chat_id] = max(self.chat_free_at(chat_id), until)

    def _forget_past(self, now: float) -> None:
        """Keep memory bounded by the chats still waiting, not by all chats ever paced."""
        if len(self._chat_free_at) > 10_000:
            self._chat_free_at = {c: t for c, t in self._chat_free_at.items() if t > now}
