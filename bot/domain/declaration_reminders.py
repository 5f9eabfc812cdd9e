"""When to remind the members who have not signed a declaration that its window is closing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

REMINDER_DAYS: tuple[int, ...] = (3, 1)
"""Days before a declaration closes when its unsigned members are reminded."""


def due_reminder_days(
    closes_at: datetime, now: datetime, sent: Iterable[int], days: Iterable[int] = REMINDER_DAYS
) -> list[int]:
    """The offsets (days before closing) whose moment has come and that were not sent, while
    the window is still open; smallest first. Several at once (a declaration opened late, a bot
    that was down) make one reminder, not several."""
    if now >= closes_at:
        return []
    done = set(sent)
    return sorted(d for d in days if d not in done and now >= closes_at - timedelta(days=d))
