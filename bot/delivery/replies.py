"""The replies' way to Telegram: paced per chat, retried for a few seconds when Telegram or
the network fails, and held back per chat, never for everyone, when Telegram says 429.

python-telegram-bot's own ``AIORateLimiter`` sleeps out a 429 for every request of the bot,
so one throttled chat stalls the answers to everyone; :class:`ReplyLimiter` holds only that
chat. Bulk sends (appeals, news, reminders) do not come this way: the delivery engine paces
and retries them with its own client.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.domain.pacing import chat_spacing
from bot.metrics import Metrics

logger = logging.getLogger(__name__)

REPLY_BUDGET = 20.0
"""Seconds a reply may take, retries and waits included, before it is given up."""

FIRST_BACKOFF = 0.5
MAX_BACKOFF = 4.0

BURST = 10
"""Messages a chat may get at once before the pace of :func:`chat_spacing` applies: a person
talking to the bot never waits for it; a long case account in many messages is spread out."""

UNRETRIED = frozenset({"getMe"})
"""Requests that fail at once: ``getMe`` at start-up tells a refused token or an unreachable
Bot API, and the operator should hear it without delay."""


class _ChatTurns:
    """When the next message may go to one chat: a small burst, then the chat's spacing; never
    before a 429's ``retry_after`` has passed."""

    def __init__(self, spacing: float, now: float) -> None:
        self.spacing = spacing
        self.credit = float(BURST)
        self.updated = now
        self.held_until = 0.0

    def wait(self, now: float) -> float:
        """Seconds until a message may go; books it."""
        self.credit = min(BURST, self.credit + (now - self.updated) / self.spacing)
        self.updated = now
        start = max(now, self.held_until)
        if self.credit < 1:
            start = max(start, now + (1 - self.credit) * self.spacing)
        self.credit -= 1
        return start - now


class ReplyLimiter(BaseRateLimiter[int]):
    """Paces and retries the requests of the bot that answers people (not ``getUpdates``,
    which python-telegram-bot never rate-limits)."""

    def __init__(
        self,
        budget: float = REPLY_BUDGET,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        metrics: Metrics | None = None,
    ) -> None:
        self._budget = budget
        self._metrics = metrics
        self._clock = clock
        self._sleep = sleep
        self._chats: dict[int | str, _ChatTurns] = {}
        self._stopping = False

    def stop_waiting(self) -> None:
        """The bot is stopping: from now on no reply waits for its turn, a 429 or a retry;
        what cannot go at once fails at once, so that shutdown never waits for Telegram."""
        self._stopping = True

    def resume(self) -> None:
        """The bot starts (again, for a later term of an instance): replies wait their turn."""
        self._stopping = False

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Forget every chat's pace."""
        self._chats.clear()

    async def process_request(  # noqa: PLR0917 (the signature is python-telegram-bot's)
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send in the chat's turn; retry 5xx and network errors with backoff, and 429s after
        their ``retry_after``, until the budget is spent; then raise the last error."""
        chat = data.get("chat_id")
        deadline = self._clock() + self._budget
        backoff = FIRST_BACKOFF
        while True:
            if chat is not None:
                await self._turn(chat)
            if self._metrics is not None:
                self._metrics.replies.labels(endpoint).inc()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if self._metrics is not None:
                    self._metrics.rate_limited.labels("replies").inc()
                wait = error.retry_after.total_seconds()  # type: ignore[union-attr]
                if self._stopping or chat is None or self._clock() + wait > deadline:
                    raise
                self._hold(chat, self._clock() + wait)
                logger.info("%s throttled by Telegram for %.0f s", endpoint, wait)
            except (BadRequest, TimedOut):
                # Refused as it is, or perhaps delivered (no answer in time): sending it again
                # cannot help, or could show it twice.
                raise
            except NetworkError:
                if self._stopping or endpoint in UNRETRIED or self._clock() + backoff > deadline:
                    raise
                logger.info("%s failed; trying again in %.1f s", endpoint, backoff)
                await self._sleep(backoff)
                backoff = min(2 * backoff, MAX_BACKOFF)

    def _pace(self, chat: int | str) -> _ChatTurns:
        pace = self._chats.get(chat)
        if pace is None:
            spacing = chat_spacing(chat if isinstance(chat, int) else -1)
            pace = self._chats[chat] = _ChatTurns(spacing, self._clock())
            if len(self._chats) > 10_000:
                self._forget_idle()
        return pace

    async def _turn(self, chat: int | str) -> None:
        wait = self._pace(chat).wait(self._clock())
        if wait > 0 and not self._stopping:
            await self._sleep(wait)

    def _hold(self, chat: int | str, until: float) -> None:
        pace = self._pace(chat)
        pace.held_until = max(pace.held_until, until)

    def _forget_idle(self) -> None:
        """Keep memory bounded by the chats recently answered."""
        now = self._clock()
        self._chats = {
            chat: pace
            for chat, pace in self._chats.items()
            if pace.held_until > now or pace.credit < BURST - 1
        }
