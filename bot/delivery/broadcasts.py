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

from bot.domain.broadcasts import AUTHORED, Broadcast, Pace, Progress, pace
from storage.broadcasts import Broadcasts
from storage.outbox import Outbox


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One broadcast as it stands at a look."""

    broadcast: Broadcast
    progress: Progress
    rate: float | None
    """Messages sent (or settled as blocked or failed) per second since the previous look;
    once finished, over the looks while it was being sent; ``None`` until two looks tell."""
    seconds_left: float | None
    finished: bool
    """It finished at this look: time for its report."""

    @property
    def reported(self) -> bool:
        """Whether an author follows it and is told its outcome."""
        return self.broadcast.kind in AUTHORED and self.broadcast.author_id is not None


@dataclass(slots=True)
class _Looks:
    """The first and the latest look at a broadcast being sent: when, and how many were done."""

    first: tuple[float, int]
    latest: tuple[float, int]


def _pace(earlier: tuple[float, int], later: tuple[float, int], remaining: int) -> Pace:
    """The pace between two looks; no rate when they are not apart in time."""
    (then, done_then), (now, done_now) = earlier, later
    return pace(done_then, done_now, now - then, remaining) if now > then else Pace(None, None)


class BroadcastMonitor:
    """Looks at the active broadcasts, remembering earlier looks to tell their pace."""

    def __init__(
        self, broadcasts: Broadcasts, outbox: Outbox, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._broadcasts = broadcasts
        self._outbox = outbox
        self._clock = clock
        self._looks: dict[int, _Looks] = {}

    async def look(self) -> list[Snapshot]:
        """Every active broadcast; those whose last message settled are finished now. A
        finished broadcast that nobody follows (reminders; an author who erased themselves)
        leaves its failed messages and those of unknown fate unsent: nobody can decide to
        resend them."""
        snapshots = []
        for broadcast in await self._broadcasts.active():
            progress = await self._outbox.progress(broadcast.id)
            look = (self._clock(), progress.sent + progress.blocked + progress.failed)
            looks = self._looks.setdefault(broadcast.id, _Looks(look, look))
            finished = progress.finished and await self._broadcasts.finish(broadcast.id)
            if finished:
                # The last interval ends in idle time after the last send: leave it out.
                speed = _pace(looks.first, looks.latest, 0)
                del self._looks[broadcast.id]
            else:
                speed = _pace(looks.latest, look, progress.pending + progress.in_flight)
                looks.latest = look
            snapshot = Snapshot(broadcast, progress, speed.rate, speed.seconds_left, finished)
            undecided = progress.unknown or progress.failed_kept
            if finished and not snapshot.reported and undecided:
                await self._broadcasts.leave_unsent(broadcast.id)
            snapshots.append(snapshot)
        return snapshots
