"""The retry policy of bulk sends: capped exponential backoff within a time budget."""

from __future__ import annotations

import pytest

from bot.domain.retries import RetryPolicy


def test_retries_double_up_to_the_cap_and_the_last_falls_when_the_budget_ends() -> None:
    policy = RetryPolicy(budget=60, backoff=1, cap=8)
    attempts, now, schedule = 0, 1000.0, []
    while (retry := policy.next_attempt(1000.0, attempts, now)) is not None:
        schedule.append(retry - 1000.0)
        attempts, now = attempts + 1, retry
    assert schedule == [1, 3, 7, 15, 23, 31, 39, 47, 55, 60]


def test_the_budget_counts_from_the_first_failure_not_from_now() -> None:
    policy = RetryPolicy(budget=900)
    assert policy.next_attempt(failing_since=0.0, attempts=3, now=899.0) == 900.0
    assert policy.next_attempt(failing_since=0.0, attempts=3, now=900.0) is None


def test_many_attempts_stay_at_the_cap() -> None:
    assert RetryPolicy().next_attempt(0.0, attempts=10_000, now=10.0) == 40.0


@pytest.mark.parametrize("arguments", [{"budget": -1}, {"backoff": 0}, {"backoff": 10, "cap": 5}])
def test_a_policy_must_make_sense(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="retry policy"):
        RetryPolicy(**arguments)
