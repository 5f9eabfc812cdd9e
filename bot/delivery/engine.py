"""The delivery engine: sends what the outbox holds, paced, retried, and never lost silently.

Rows are claimed just before their send slot, so a crash leaves at most the messages in flight
with an unknown fate. Results are recorded in small batches. A 429 holds the chat until its
``retry_after``, and several close together slow the overall pace for a while (see
:mod:`bot.domain.pacing`); a recipient who blocked the bot gets nothing more; server and
network errors are retried with capped exponential backoff until the retry budget, counted from
the message's first failure (stored with it, so a restart does not reset it), runs out; then
the message is recorded as failed with the reason, for its author to resend.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.domain.broadcasts import Delivery, Fate, Keyboard, Message, Settlement
from bot.domain.failures import Failure
from bot.domain.pacing import Pacer
from bot.domain.retries import RetryPolicy
from bot.metrics import Metrics
from storage.outbox import Outbox

logger = logging.getLogger(__name__)

SETTLE_BATCH = 64
SETTLE_EVERY = 0.05
"""Seconds at most between a send's result and its record."""

CLAIM_AHEAD = 0.05
"""Seconds of send slots claimed at once: rows wait in ``sending`` no longer than this."""

ERROR_PAUSE = 1.0
"""Seconds the engine waits after an unexpected error before it works again."""

IDLE_POLL = 10.0
"""Seconds between two looks at the outbox when nothing wakes the engine (new broadcasts do)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one send attempt came to, as a sender reports it: its fate, the class of its
    failure (stored and reported) and Telegram's own description of it (logged only)."""

    fate: Fate
    failure: Failure | None = None
    retry_after: float = 0.0
    description: str = ""

    @classmethod
    def delivered(cls) -> Outcome:
        return cls(Fate.SENT)

    @classmethod
    def rate_limited(cls, retry_after: float) -> Outcome:
        """Telegram answered 429: try again after ``retry_after`` seconds, no attempt spent."""
        return cls(Fate.DEFERRED, retry_after=retry_after)

    @classmethod
    def gone(cls, failure: Failure, description: str = "") -> Outcome:
        """The recipient blocked the bot, deleted their account, or the chat does not exist."""
        return cls(Fate.BLOCKED, failure, description=description)

    @classmethod
    def transient(cls, failure: Failure, description: str = "") -> Outcome:
        """A failure that may pass (network, server error): retry with backoff."""
        return cls(Fate.RETRY, failure, description=description)

    @classmethod
    def rejected(cls, failure: Failure, description: str = "") -> Outcome:
        """Telegram refused the message itself: retrying cannot help."""
        return cls(Fate.FAILED, failure, description=description)

    @classmethod
    def unknown(cls, failure: Failure, description: str = "") -> Outcome:
        """The request may have reached Telegram (a timeout): do not resend on our own."""
        return cls(Fate.UNKNOWN, failure, description=description)


_LOG_LEVELS = {Fate.FAILED: logging.WARNING, Fate.UNKNOWN: logging.INFO}
"""Gone recipients and retries are many and expected: they are logged at DEBUG."""


def _log_failure(fate: Fate, outcome: Outcome) -> None:
    """Log a failed attempt with Telegram's own description, which is stored nowhere."""
    if outcome.failure is None:
        return
    logger.log(
        _LOG_LEVELS.get(fate, logging.DEBUG),
        "a queued message %s: %s (%s)",
        fate.value,
        outcome.failure.value,
        outcome.description or "no description",
    )


class Sender(Protocol):
    """Sends one HTML message to one chat and reports how it went, never raising."""

    async def send(self, chat_id: int, html: str, buttons: Keyboard = ()) -> Outcome: ...


class DeliveryEngine:
    """Works the outbox until stopped."""

    def __init__(
        self,
        outbox: Outbox,
        sender: Sender,
        *,
        rate: float | None,
        max_in_flight: int = 64,
        retries: RetryPolicy = RetryPolicy(),  # noqa: B008 (immutable)
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        metrics: Metrics | None = None,
    ) -> None:
        self._outbox = outbox
        self._sender = sender
        self._rate = rate
        self._pacer = Pacer(rate, clock)
        self._clock = clock
        self._wall_clock = wall_clock
        self._max_in_flight = max_in_flight
        self._retries = retries
        self._in_flight = 0
        self._results: list[Settlement] = []
        self._results_waiting = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._metrics = metrics
        self.running = False
        """Whether :meth:`run` is working the outbox (for ``/healthz``)."""
        self.last_round = clock()
        """When the loop last went round (monotonic): a loop that stops going round is stuck."""
        self._contents: dict[tuple[int, int], Message] = {}
        """Texts by (broadcast, content): a finished broadcast's texts are deleted, and SQLite
        may give a later text the same content id, but never under the same broadcast."""

    def wake(self) -> None:
        """New rows were queued: look at the outbox now."""
        self._changed.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Claim, pace, send and record until ``stop`` is set; then finish what is in flight."""
        finished = asyncio.Event()
        settler = asyncio.create_task(self._settle_until(finished))
        sends: set[asyncio.Task[None]] = set()
        self.running = True
        try:
            while not stop.is_set():
                self.last_round = self._clock()
                try:
                    await self._work(sends, stop)
                except Exception:
                    logger.exception("the delivery loop failed; it starts again in a second")
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), ERROR_PAUSE)
        finally:
            self.running = False
            if sends:
                await asyncio.wait(sends)
            finished.set()
            await settler

    async def _work(self, sends: set[asyncio.Task[None]], stop: asyncio.Event) -> None:
        """One round: claim what is due and dispatch it, or wait for news."""
        self._changed.clear()
        batch = await self._claim()
        if not batch:
            await self._idle(stop)
            return
        for index, delivery in enumerate(batch):
            if stop.is_set():
                self._defer(batch[index:], self._wall_clock())
                return
            await self._dispatch(delivery, sends, stop)

    async def _claim(self) -> list[Delivery]:
        capacity = self._max_in_flight - self._in_flight
        if capacity <= 0:
            return []
        if self._rate is not None:
            capacity = min(capacity, max(1, math.ceil(self._rate * CLAIM_AHEAD)))
        return await self._outbox.claim(capacity, self._wall_clock())

    async def _dispatch(
        self, delivery: Delivery, sends: set[asyncio.Task[None]], stop: asyncio.Event
    ) -> None:
        """Send ``delivery`` in its slot, or put it back until its chat is free."""
        now = self._clock()
        free_at = self._pacer.chat_free_at(delivery.chat_id)
        if free_at > now:
            self._defer([delivery], self._wall_clock() + free_at - now)
            return
        slot = self._pacer.reserve(delivery.chat_id)
        if slot > now:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), slot - now)
            if stop.is_set():
                self._defer([delivery], self._wall_clock())
                return
        self._in_flight += 1
        task = asyncio.create_task(self._attempt(delivery, slot))
        sends.add(task)
        task.add_done_callback(sends.discard)

    async def _attempt(self, delivery: Delivery, slot: float) -> None:
        try:
            key = (delivery.broadcast_id, delivery.content_id)
            message = self._contents.get(key)
            if message is None:
                if len(self._contents) > 1_000:
                    self._contents.clear()
                message = self._contents[key] = await self._outbox.content(delivery.content_id)
            if message.buttons:
                outcome = await self._sender.send(delivery.chat_id, message.html, message.buttons)
            else:
                outcome = await self._sender.send(delivery.chat_id, message.html)
        except Exception:
            logger.exception("sending a queued message failed unexpectedly")
            outcome = Outcome.transient(Failure.INTERNAL)
        finally:
            self._in_flight -= 1
        if self._metrics is not None:
            self._metrics.sends.labels(outcome.fate.value).inc()
            if outcome.fate is Fate.DEFERRED:
                self._metrics.rate_limited.labels("delivery").inc()
        self._results.append(self._settlement(delivery, outcome, slot))
        self._results_waiting.set()
        self._changed.set()

    def _settlement(self, delivery: Delivery, outcome: Outcome, slot: float) -> Settlement:
        now = self._wall_clock()
        if outcome.fate is Fate.DEFERRED:
            until = self._clock() + outcome.retry_after
            self._pacer.rate_limited(delivery.chat_id, until, sent_at=slot)
            return Settlement(delivery, Fate.DEFERRED, now + outcome.retry_after)
        if outcome.fate is Fate.RETRY:
            return self._retry(delivery, outcome, now)
        _log_failure(outcome.fate, outcome)
        return Settlement(delivery, outcome.fate, reason=outcome.failure)

    def _retry(self, delivery: Delivery, outcome: Outcome, now: float) -> Settlement:
        """Try again later, or give up once the retry budget has run out."""
        since = now if delivery.failing_since is None else delivery.failing_since
        not_before = self._retries.next_attempt(since, delivery.attempts, now)
        if not_before is None:
            _log_failure(Fate.FAILED, outcome)
            return Settlement(delivery, Fate.FAILED, reason=outcome.failure)
        _log_failure(Fate.RETRY, outcome)
        return Settlement(delivery, Fate.RETRY, not_before, outcome.failure, failing_since=since)

    def _defer(self, deliveries: list[Delivery], not_before: float) -> None:
        self._results.extend(Settlement(d, Fate.DEFERRED, not_before) for d in deliveries)
        self._results_waiting.set()

    async def _idle(self, stop: asyncio.Event) -> None:
        """Wait for news: a result, new rows, the next due row, or the stop."""
        await self._flush()
        timeout = IDLE_POLL
        if self._in_flight < self._max_in_flight:
            due = await self._outbox.next_due()
            if due is not None:
                timeout = min(timeout, max(0.0, due - self._wall_clock()))
        waiters = {asyncio.ensure_future(self._changed.wait()), asyncio.ensure_future(stop.wait())}
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _settle_until(self, finished: asyncio.Event) -> None:
        """Record results in batches while there are any, until the engine finished."""
        while not finished.is_set():
            waiters = {
                asyncio.ensure_future(self._results_waiting.wait()),
                asyncio.ensure_future(finished.wait()),
            }
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
            await asyncio.sleep(SETTLE_EVERY)  # let a batch gather
            self._results_waiting.clear()
            try:
                await self._flush()
            except Exception:
                logger.exception("recording delivery results failed; trying again")
                self._results_waiting.set()
                await asyncio.sleep(ERROR_PAUSE)
        await self._flush()

    async def _flush(self) -> None:
        """Record the results gathered so far; a failed batch stays to be recorded later."""
        async with self._flush_lock:
            while self._results:
                batch = self._results[:SETTLE_BATCH]
                await self._outbox.settle(batch)
                del self._results[: len(batch)]
