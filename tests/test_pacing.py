"""Pacing: the overall rate, spacing per chat and Telegram's retry_after."""

from __future__ import annotations

import itertools

import pytest

from bot.domain.pacing import GROUP_CHAT_SPACING, PRIVATE_CHAT_SPACING, Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_slots_follow_the_overall_rate() -> None:
    clock = Clock()
    pacer = Pacer(25, clock)
    slots = [pacer.reserve(chat) for chat in range(1, 51)]
    assert slots[0] == 100.0
    assert slots[-1] == pytest.approx(100.0 + 49 / 25)
    assert all(b - a == pytest.approx(0.04) for a, b in itertools.pairwise(slots))


def test_idle_time_does_not_build_up_a_burst() -> None:
    clock = Clock()
    pacer = Pacer(10, clock)
    pacer.reserve(1)
    clock.now += 60
    assert pacer.reserve(2) == clock.now
    assert pacer.reserve(3) == pytest.approx(clock.now + 0.1)


def test_no_overall_limit() -> None:
    clock = Clock()
    pacer = Pacer(None, clock)
    assert {pacer.reserve(chat) for chat in range(1, 1000)} == {100.0}


def test_chats_are_spaced_and_groups_more() -> None:
    clock = Clock()
    pacer = Pacer(None, clock)
    pacer.reserve(7)
    pacer.reserve(-1007)
    assert pacer.chat_free_at(7) == 100.0 + PRIVATE_CHAT_SPACING
    assert pacer.chat_free_at(-1007) == 100.0 + GROUP_CHAT_SPACING
    assert pacer.chat_free_at(8) == 0.0


def test_retry_after_holds_a_chat() -> None:
    clock = Clock()
    pacer = Pacer(25, clock)
    pacer.hold(7, 130.0)
    pacer.hold(7, 120.0)  # an earlier moment never shortens the hold
    assert pacer.chat_free_at(7) == 130.0


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Pacer(0)
