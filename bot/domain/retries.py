"""Retrying a bulk send that failed for a reason that may pass (a server error, the network):
capped exponential backoff within a time budget counted from the first failure.

A budget of time rather than a count of attempts: an outage of Telegram lasts what it lasts,
and an urgent appeal should outlive one of minutes, not of a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

RETRY_BUDGET = 15 * 60.0
"""Seconds a message is retried after its first failure before it is given up."""

BACKOFF = 1.0
"""Seconds before the first retry; each further retry waits twice as long, up to the cap."""

BACKOFF_CAP = 30.0
"""Seconds between two retries at most."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to try a failing message again, and when to give up."""

    budget: float = RETRY_BUDGET
    backoff: float = BACKOFF
    cap: float = BACKOFF_CAP

    def __post_init__(self) -> None:
        if self.budget < 0 or self.backoff <= 0 or self.cap < self.backoff:
            raise ValueError("a retry policy needs budget >= 0 and 0 < backoff <= cap")

    def next_attempt(self, failing_since: float, attempts: int, now: float) -> float | None:
        """The moment to try again after a failure at ``now``, ``attempts`` retries having been
        made since ``failing_since``; ``None`` once the budget has run out. The last retry
        falls when the budget ends."""
        give_up_at = failing_since + self.budget
        if now >= give_up_at:
            return None
        delay = min(self.cap, self.backoff * 2 ** min(attempts, 32))
        return min(now + delay, give_up_at)
