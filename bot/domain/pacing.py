"""Pacing sends to Telegram's limits: an overall rate, and spacing per chat.

Telegram allows about 30 messages per second in bulk (up to 1,000 as paid broadcasts), one per
second to a private chat and 20 per minute to a group; beyond that it answers 429 with
``retry_after``.

The overall rate is a schedule of slots ``1/rate`` apart. Slots missed because the sender came
late (a busy CPU) are caught up at once within a small burst allowance, so the rate holds over
a broadcast; time with nothing to send builds up no burst; and no 1-s window ever holds more
sends than the rate. Several 429s close together halve the pace, which then climbs back.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

PRIVATE_CHAT_SPACING = 1.0
"""Seconds between two messages to one private chat."""

GROUP_CHAT_SPACING = 3.0
"""Seconds between two messages to one group (20 per minute)."""

FREE_BROADCAST_RATE = 30.0
"""Messages per second Telegram allows in bulk; above it, sends must be paid broadcasts."""

BURST = 0.2
"""Seconds of the rate's slots that may go at once to catch up (at least one slot)."""

IDLE_GAP = 1.0
"""A reservation this much later than its slot means there was nothing to send: the schedule
starts afresh instead of catching up."""

FLOOD_WINDOW = 10.0
"""Seconds within which several 429s slow the overall pace down."""

FLOOD_COUNT = 3
"""429s within the window that slow the overall pace down."""

SLOWDOWN = 0.5
"""What the pace is multiplied by when 429s come close together."""

RECOVERY = 1 / 60
"""Share of the configured pace regained per second after a slowdown (half of it in 30 s)."""

SLOWEST = 1 / 16
"""The lowest share of the configured pace that slowdowns lead to."""


def chat_spacing(chat_id: int) -> float:
    """How far apart messages to this chat must be; groups have negative ids."""
    return GROUP_CHAT_SPACING if chat_id < 0 else PRIVATE_CHAT_SPACING


def needs_paid_broadcast(rate: float | None) -> bool:
    """Whether sends at ``rate`` per second exceed what Telegram allows for free (``None``, no
    limit of ours, pays for nothing: Telegram's 429s pace it)."""
    return rate is not None and rate > FREE_BROADCAST_RATE


class Throttle:
    """The share of the configured pace in use: lowered when 429s come close together, then
    climbing back to the full pace."""

    def __init__(self) -> None:
        self._floods: deque[float] = deque()
        self._low = 1.0
        self._since = -math.inf

    def share(self, now: float) -> float:
        """The share of the configured pace to keep at ``now``."""
        return min(1.0, self._low + (now - self._since) * RECOVERY)

    def flooded(self, now: float, sent_at: float) -> None:
        """Telegram answered 429 at ``now`` to a send made at ``sent_at``. A send made before
        the last slowdown tells nothing about the slower pace and is not counted."""
        if sent_at < self._since:
            return
        self._floods.append(now)
        while self._floods[0] <= now - FLOOD_WINDOW:
            self._floods.popleft()
        if len(self._floods) >= FLOOD_COUNT:
            self._low = max(SLOWEST, self.share(now) * SLOWDOWN)
            self._since = now
            self._floods.clear()


class Pacer:
    """Hands out send times: at most ``rate`` per second overall (``None``: no overall limit),
    spaced per chat, and never before a chat's ``retry_after`` has passed."""

    def __init__(self, rate: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        if rate is not None and rate <= 0:
            raise ValueError("rate must be positive, or None for no limit")
        self._rate = rate
        self._clock = clock
        self._next_slot: float | None = None
        self._recent: deque[float] = deque(maxlen=math.ceil(rate or 1))
        """The latest slots, as many as the rate allows in one second."""
        self._throttle = Throttle()
        self._chat_free_at: dict[int, float] = {}

    def chat_free_at(self, chat_id: int) -> float:
        """The earliest moment a message may go to ``chat_id``."""
        return self._chat_free_at.get(chat_id, 0.0)

    def reserve(self, chat_id: int) -> float:
        """Book the next overall slot for a message to a free chat; return the moment to send."""
        now = self._clock()
        slot = now if self._rate is None else self._overall_slot(self._rate, now)
        self._chat_free_at[chat_id] = slot + chat_spacing(chat_id)
        self._forget_past(now)
        return slot

    def hold(self, chat_id: int, until: float) -> None:
        """Nothing goes to ``chat_id`` before ``until``."""
        self._chat_free_at[chat_id] = max(self.chat_free_at(chat_id), until)

    def rate_limited(self, chat_id: int, until: float, sent_at: float) -> None:
        """Telegram answered 429 to a send made at ``sent_at``: hold the chat until ``until``,
        and slow the overall pace when such answers come close together."""
        self.hold(chat_id, until)
        self._throttle.flooded(self._clock(), sent_at)

    def _overall_slot(self, configured: float, now: float) -> float:
        rate = configured * self._throttle.share(now)
        interval = 1.0 / rate
        due = self._next_slot
        if due is None or now - due > IDLE_GAP:
            due = now
        catch_up = (max(1.0, rate * BURST) - 1.0) * interval
        due = max(due, now - catch_up)
        slot = max(now, due)
        per_second = max(1, math.ceil(rate))
        if len(self._recent) >= per_second:
            slot = max(slot, self._recent[-per_second] + 1.0)
        self._recent.append(slot)
        self._next_slot = due + interval
        return slot

    def _forget_past(self, now: float) -> None:
        """Keep memory bounded by the chats still waiting, not by all chats ever paced."""
        if len(self._chat_free_at) > 10_000:
            self._chat_free_at = {c: t for c, t in self._chat_free_at.items() if t > now}
