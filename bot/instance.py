"""One of several bots on one database: active while it holds the lease, standing by otherwise.

:class:`Instance` runs the lease (storage/lease.py) in a task of its own: standing by, it tries
to take the lease every :data:`CHECK_INTERVAL`; active, it renews it every
:data:`RENEW_INTERVAL`. A term of activity (:class:`Term`) ends when a renewal finds another
holder, or when no renewal succeeded for the lease's life less one renewal interval (4 s) by
this process's own monotonic clock (the database away, the process paused): the instance stops
acting before the database would let another take over, and the database refuses its writes
from then on anyway (the fence). A clean stop gives the lease up, so that another instance
takes over at once.

Given a :class:`~bot.domain.clock.CorrectedClock`, it also keeps that clock on the database's
time, measured every :data:`CLOCK_CHECK_INTERVAL`: an instance whose machine's clock is minutes
off reminds, opens and closes at the same moments as the others (the lease never depended on
it), and says once in the log how far off its machine is.

The role is written into the heartbeat file that ``python -m bot health`` reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot import health
from bot.domain.clock import CorrectedClock
from storage import Database
from storage.lease import Holder, Lease, database_time

logger = logging.getLogger(__name__)

LEASE_TTL = 5.0
"""Seconds a lease lives without renewal: the longest an instance that died stays active on
paper. A standing-by instance takes over within this and :data:`CHECK_INTERVAL`."""

RENEW_INTERVAL = 1.0
CHECK_INTERVAL = 1.0

CLOCK_CHECK_INTERVAL = 60.0
"""Seconds between two measurements of the machine's clock against the database's."""

CLOCK_SKEW_WARNING = timedelta(seconds=2)
"""A machine's clock this far off the database's is worth a line in the log."""


@dataclass
class Term:
    """One period of activity, under one lease token."""

    token: int
    lost: asyncio.Event = field(default_factory=asyncio.Event)


class Instance:
    """The lease of this process, kept by a task while the instance runs."""

    def __init__(
        self,
        db: Database,
        heartbeat: Path | None = None,
        *,
        holder: Holder | None = None,
        ttl: float = LEASE_TTL,
        renew_interval: float = RENEW_INTERVAL,
        check_interval: float = CHECK_INTERVAL,
        clock: CorrectedClock | None = None,
    ) -> None:
        self.lease = Lease(db, holder or Holder.this_process(), ttl)
        self._db = db
        self._clock = clock
        self._heartbeat = heartbeat
        self._renew_interval = renew_interval
        self._check_interval = check_interval
        self._self_fence = ttl - renew_interval
        """Seconds without a successful renewal after which an active instance stops acting:
        before the lease expires by the database's clock."""
        self._renewed = 0.0
        self.term: Term | None = None
        self._activated = asyncio.Event()

    @property
    def role(self) -> str:
        return "active" if self.term is not None else "standby"

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Instance]:
        """Keep the lease for the duration of the block; give it up at the end."""
        task = asyncio.create_task(self._keep(), name="lease")
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self.step_down()

    async def activation(self, stop: asyncio.Event) -> Term | None:
        """Wait until this instance holds the lease (its term), or ``None`` once ``stop``."""
        waiters = {
            asyncio.ensure_future(self._activated.wait()),
            asyncio.ensure_future(stop.wait()),
        }
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        if stop.is_set():
            return None
        return self.term

    async def step_down(self) -> None:
        """End the current term, giving the lease up if this instance still holds it."""
        term, self.term = self.term, None
        self._activated.clear()
        if term is None:
            return
        term.lost.set()
        try:
            await self.lease.release(term.token)
        except Exception as error:
            logger.warning("could not give the lease up: %s", type(error).__name__)
        self._beat()

    def _beat(self) -> None:
        if self._heartbeat is not None:
            health.beat(self._heartbeat, self.role)

    async def _keep(self) -> None:
        last_beat = 0.0
        last_clock_check = -CLOCK_CHECK_INTERVAL
        while True:
            if time.monotonic() - last_clock_check >= CLOCK_CHECK_INTERVAL:
                await self._check_clock()
                last_clock_check = time.monotonic()
            if self.term is None:
                await self._try_to_take()
                pause = self._check_interval
            else:
                await self._renew(self.term)
                pause = self._renew_interval
            if self.term is None and time.monotonic() - last_beat >= health.HEARTBEAT_INTERVAL:
                self._beat()  # standing by (the active one beats while it takes updates)
                last_beat = time.monotonic()
            await asyncio.sleep(pause)

    async def _check_clock(self) -> None:
        """Measure the machine's clock against the database's and keep the database's."""
        if self._clock is None:
            return
        try:
            before = self._clock.wall()
            server = await database_time(self._db)
            after = self._clock.wall()
        except Exception as error:
            logger.warning("cannot read the database's clock: %s", type(error).__name__)
            return
        offset = datetime.fromtimestamp(server, UTC) - (before + (after - before) / 2)
        if (
            abs(offset) >= CLOCK_SKEW_WARNING
            and abs(offset - self._clock.offset) >= CLOCK_SKEW_WARNING
        ):
            logger.warning(
                "this machine's clock is %+.0f s off the database's: the bot keeps the "
                "database's time",
                -offset.total_seconds(),
            )
        self._clock.correct(offset)

    async def _try_to_take(self) -> None:
        try:
            token = await self.lease.acquire()
        except Exception as error:
            logger.warning("cannot reach the lease: %s", type(error).__name__)
            return
        if token is not None:
            self.term = Term(token)
            self._renewed = time.monotonic()
            logger.info("this instance is now the active one (lease %d)", token)
            self._beat()
            self._activated.set()

    async def _renew(self, term: Term) -> None:
        try:
            held = await asyncio.wait_for(self.lease.renew(term.token), self._self_fence)
        except Exception as error:
            logger.warning("cannot renew the lease: %s", type(error).__name__)
            if time.monotonic() - self._renewed >= self._self_fence:
                self._lose(term, "no renewal for too long")
            return
        if held:
            self._renewed = time.monotonic()
        else:
            self._lose(term, "another instance took the lease")

    def _lose(self, term: Term, why: str) -> None:
        logger.warning("this instance stands by: %s", why)
        if self.term is term:
            self.term = None
            self._activated.clear()
        term.lost.set()
        self._beat()
