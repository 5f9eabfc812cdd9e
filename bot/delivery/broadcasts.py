"""A broadcast's life once it is queued: how far it has come and how fast, the moment it is
finished, and what becomes of its failed messages and those of unknown fate when nobody can
decide about them.

Telegram comes in only at the edges: the handlers show what :meth:`BroadcastMonitor.look`
finds (the progress message, the report) in the author's chat.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.domain.broadcasts import AUTHORED, Broadcast, Progress, pace
from storage.broadcasts import Broadcasts
from storage.outbox import Outbox


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One broadcast as it stands at a look."""

    broadcast: Broadcast
    progress: Progress
    rate: float
    """Messages settled per second since the previous look."""
    seconds_left: float | None
    finished: bool
    """It finished at this look: time for its report."""

    @property
    def reported(self) -> bool:
        """Whether an author follows it and is told its outcome."""
        return self.broadcast.kind in AUTHORED and self.broadcast.author_id is not None


class BroadcastMonitor:
    """Looks at the active broadcasts, remembering the previous look to tell their pace."""

    def __init__(
        self, broadcasts: Broadcasts, outbox: Outbox, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._broadcasts = broadcasts
        self._outbox = outbox
        self._clock = clock
        self._samples: dict[int, tuple[float, int]] = {}

    async def look(self) -> list[Snapshot]:
        """Every active broadcast; those whose last message settled are finished now. A
        finished broadcast that nobody follows (reminders; an author who erased themselves)
        leaves its failed messages and those of unknown fate unsent: nobody can decide to
        resend them."""
        snapshots = []
        for broadcast in await self._broadcasts.active():
            progress = await self._outbox.progress(broadcast.id)
            now = self._clock()
            then, settled_then = self._samples.get(broadcast.id, (now, progress.settled))
            self._samples[broadcast.id] = (now, progress.settled)
            speed = pace(
                settled_then, progress.settled, now - then, progress.pending + progress.in_flight
            )
            finished = progress.finished and await self._broadcasts.finish(broadcast.id)
            snapshot = Snapshot(broadcast, progress, speed.rate, speed.seconds_left, finished)
            if finished:
                self._samples.pop(broadcast.id, None)
                if not snapshot.reported and (progress.unknown or progress.failed_kept):
                    await self._broadcasts.leave_unsent(broadcast.id)
            snapshots.append(snapshot)
        return snapshots
