"""Telegram-like flood control: token buckets, retry_after holds and random 429 storms."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .errors import too_many_requests


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """Limits on sending methods; None switches a limit off.

    A chat refused with retry_after=N is refused again until N seconds have passed.
    ``storm_fraction`` refuses that share of otherwise allowed sends (seeded, reproducible).
    """

    global_per_second: float | None = None
    per_chat_per_second: float | None = None
    per_group_per_minute: int | None = None
    retry_after: int = 1
    storm_fraction: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.retry_after < 1:
            raise ValueError("retry_after must be at least 1 second")
        if not 0.0 <= self.storm_fraction <= 1.0:
            raise ValueError("storm_fraction must be within [0, 1]")


@dataclass(frozen=True, slots=True)
class AcceptedSend:
    """A send that passed flood control at monotonic time ``at``; ``paid``: a paid broadcast
    (``allow_paid_broadcast``), which the overall limit does not hold back."""

    at: float
    chat_id: int
    method: str
    paid: bool = False


@dataclass(frozen=True, slots=True)
class Refusal:
    """A 429 answer; the chat is held until monotonic time ``until``.

    reason: "global", "chat", "group", "storm", "injected" (see
    :meth:`FloodControl.refuse_next`), or "hold" (the bot retried too early).
    """

    at: float
    chat_id: int
    method: str
    until: float
    reason: str


class _Bucket:
    """A token bucket holding up to ``capacity`` sends, refilled at ``rate`` per second."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, per_window: float, window: float, now: float) -> None:
        self.capacity = max(1.0, per_window)
        self.rate = per_window / window
        self.tokens = self.capacity
        self.stamp = now

    def ready(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens >= 1.0

    def take(self) -> None:
        self.tokens -= 1.0


class FloodControl:
    """Decides whether a send may pass and records every decision."""

    def __init__(
        self, limits: FloodLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.clock = clock
        self.accepted: list[AcceptedSend] = []
        self.refused: list[Refusal] = []
        self._injected: dict[int, int] = {}
        self.limits = limits

    @property
    def limits(self) -> FloodLimits | None:
        """Current limits; assigning new ones resets buckets, holds and the storm generator."""
        return self._limits

    @limits.setter
    def limits(self, limits: FloodLimits | None) -> None:
        self._limits = limits
        self._global: _Bucket | None = None
        self._chats: dict[int, _Bucket] = {}
        self._groups: dict[int, _Bucket] = {}
        self._holds: dict[int, float] = {}
        self._random = random.Random(limits.seed if limits else None)
        if limits and limits.global_per_second:
            self._global = _Bucket(limits.global_per_second, 1.0, self.clock())

    def refuse_next(self, chat_id: int, retry_after: int) -> None:
        """Answer the next send to ``chat_id`` with 429 and this ``retry_after``, whatever the
        limits, and hold the chat from then on as Telegram would."""
        if retry_after < 1:
            raise ValueError("retry_after must be at least 1 second")
        self._injected[chat_id] = retry_after

    def admit(self, chat_id: int, method: str, *, paid: bool = False) -> None:
        """Let a send through, or raise the 429 ApiError Telegram would answer."""
        now = self.clock()
        limits = self._limits
        reason = self._held(chat_id, now)
        if reason is None and limits is not None:
            reason = self._over_limit(limits, chat_id, now, paid)
        if reason is not None:
            until = self._holds.get(chat_id, 0.0)
            if reason == "injected":
                until = self._holds[chat_id] = now + self._injected.pop(chat_id)
            elif reason != "hold":
                assert limits is not None
                until = self._holds[chat_id] = now + limits.retry_after
            self.refused.append(Refusal(now, chat_id, method, until, reason))
            raise too_many_requests(max(1, math.ceil(until - now)))
        if limits is not None:
            for bucket in self._buckets(limits, chat_id, now, paid):
                bucket.take()
        self.accepted.append(AcceptedSend(now, chat_id, method, paid))

    def _held(self, chat_id: int, now: float) -> str | None:
        if chat_id in self._injected:
            return "injected"
        if now < self._holds.get(chat_id, 0.0):
            return "hold"
        return None

    def _over_limit(self, limits: FloodLimits, chat_id: int, now: float, paid: bool) -> str | None:
        if self._global is not None and not paid and not self._global.ready(now):
            return "global"
        if limits.per_chat_per_second and not self._chat_bucket(limits, chat_id, now).ready(now):
            return "chat"
        group = self._group_bucket(limits, chat_id, now)
        if group is not None and not group.ready(now):
            return "group"
        if limits.storm_fraction and self._random.random() < limits.storm_fraction:
            return "storm"
        return None

    def _chat_bucket(self, limits: FloodLimits, chat_id: int, now: float) -> _Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = self._chats[chat_id] = _Bucket(limits.per_chat_per_second or 0.0, 1.0, now)
        return bucket

    def _group_bucket(self, limits: FloodLimits, chat_id: int, now: float) -> _Bucket | None:
        if chat_id >= 0 or not limits.per_group_per_minute:
            return None
        bucket = self._groups.get(chat_id)
        if bucket is None:
            bucket = self._groups[chat_id] = _Bucket(limits.per_group_per_minute, 60.0, now)
        return bucket

    def _buckets(self, limits: FloodLimits, chat_id: int, now: float, paid: bool) -> list[_Bucket]:
        buckets = [] if self._global is None or paid else [self._global]
        if limits.per_chat_per_second:
            buckets.append(self._chat_bucket(limits, chat_id, now))
        group = self._group_bucket(limits, chat_id, now)
        if group is not None:
            buckets.append(group)
        return buckets

    def busiest_second(self) -> int:
        """The most sends accepted in any half-open window of one second."""
        return busiest(send.at for send in self.accepted)

    def early_retries(self) -> list[Refusal]:
        """Refusals caused by sending to a chat before its retry_after had passed."""
        return [refusal for refusal in self.refused if refusal.reason == "hold"]

    def clear(self) -> None:
        """Forget the recorded decisions (limits and holds stay)."""
        self.accepted.clear()
        self.refused.clear()


def busiest(times: Iterable[float], window: float = 1.0) -> int:
    """The most of ``times`` in any half-open window of ``window`` seconds: what a rate limit
    of that many per window must never be exceeded by."""
    ordered = sorted(times)
    most, end = 0, 0
    for start, first in enumerate(ordered):
        while end < len(ordered) and ordered[end] < first + window:
            end += 1
        most = max(most, end - start)
    return most
