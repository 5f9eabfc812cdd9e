"""Pacing: the overall rate with catching up and no second over it, spacing per chat,
Telegram's retry_after, and slowing down when 429s come close together."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import pytest

from bot.domain.pacing import (
    GROUP_CHAT_SPACING,
    PRIVATE_CHAT_SPACING,
    Pacer,
    needs_paid_broadcast,
)
from sandbox.local_api.flood import busiest


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


def _engine(pacer: Pacer, clock: Clock, count: int, lateness: Callable[[], float]) -> list[float]:
    """What an engine does: book a slot, wait for it, send, and come back ``lateness()`` late
    (a busy CPU) to book the next."""
    slots = []
    for chat in range(count):
        slot = pacer.reserve(chat)
        slots.append(slot)
        clock.now = max(clock.now, slot) + lateness()
    return slots


def test_slots_missed_by_a_late_sender_are_caught_up() -> None:
    clock = Clock()
    pacer = Pacer(40, clock)
    slots = _engine(pacer, clock, 10, lambda: 0.0)
    clock.now += 0.1  # four slots missed
    slots += _engine(pacer, clock, 6, lambda: 0.0)
    assert slots[10:14] == [pytest.approx(100.325)] * 4
    assert slots[14:] == [pytest.approx(100.35), pytest.approx(100.375)]  # on schedule again


def test_catching_up_is_limited_to_a_fifth_of_a_second_of_slots() -> None:
    clock = Clock()
    pacer = Pacer(40, clock)
    _engine(pacer, clock, 10, lambda: 0.0)
    clock.now += 0.5  # twenty slots missed
    late = clock.now
    slots = _engine(pacer, clock, 10, lambda: 0.0)
    assert slots[:8] == [pytest.approx(late)] * 8  # 40 × 0.2 s
    assert slots[8:] == [pytest.approx(late + 0.025), pytest.approx(late + 0.05)]


def test_a_busy_sender_keeps_the_rate_and_no_second_holds_more() -> None:
    clock = Clock()
    pacer = Pacer(40, clock)
    noise = random.Random(3)

    def lateness() -> float:
        return 0.15 if noise.random() < 0.02 else noise.expovariate(1 / 0.01)

    slots = _engine(pacer, clock, 4_000, lateness)
    assert (len(slots) - 1) / (slots[-1] - slots[0]) >= 0.97 * 40
    assert busiest(slots) <= 40


@pytest.mark.parametrize("rate", [2.5, 25, 30, 1000])
def test_no_second_holds_more_than_the_rate(rate: float) -> None:
    clock = Clock()
    pacer = Pacer(rate, clock)
    noise = random.Random(5)
    slots = _engine(pacer, clock, 3_000, lambda: noise.choice((0.0, 0.0, 0.3 / rate, 0.5)))
    assert busiest(slots) <= math.ceil(rate)


def test_several_429s_close_together_halve_the_pace_then_it_climbs_back() -> None:
    clock = Clock()
    pacer = Pacer(20, clock)
    first, second = pacer.reserve(1), pacer.reserve(2)
    assert second - first == pytest.approx(0.05)
    for chat in (1, 2):
        pacer.rate_limited(chat, until=clock.now + 5, sent_at=first)
    assert pacer.reserve(3) - second == pytest.approx(0.05)  # two 429s: the pace holds
    clock.now += 2
    pacer.rate_limited(3, until=clock.now + 5, sent_at=first)
    slow = [pacer.reserve(chat) for chat in range(4, 8)]
    assert [b - a for a, b in itertools.pairwise(slow)] == [pytest.approx(0.1)] * 3
    # Answers to sends made before the slowdown say nothing about the slower pace.
    for chat in (4, 5, 6):
        pacer.rate_limited(chat, until=clock.now + 5, sent_at=first)
    assert pacer.reserve(8) - slow[-1] == pytest.approx(0.1)
    clock.now += 30  # another half of the pace regained: full again
    again = [pacer.reserve(chat) for chat in range(9, 12)]
    assert [b - a for a, b in itertools.pairwise(again)] == [pytest.approx(0.05)] * 2


def test_429s_far_apart_do_not_slow_the_pace() -> None:
    clock = Clock()
    pacer = Pacer(20, clock)
    for chat in (1, 2, 3):
        pacer.rate_limited(chat, until=clock.now + 1, sent_at=clock.now)
        clock.now += 5.1
    first, second = pacer.reserve(4), pacer.reserve(5)
    assert second - first == pytest.approx(0.05)
    assert pacer.chat_free_at(3) == pytest.approx(clock.now - 5.1 + 1)


def test_slowdowns_stop_at_a_sixteenth_of_the_pace() -> None:
    clock = Clock()
    pacer = Pacer(16, clock)
    for round_ in range(10):
        for chat in (1, 2, 3):
            pacer.rate_limited(chat, until=0.0, sent_at=clock.now)
        clock.now += 0.001 * round_
    first, second = pacer.reserve(4), pacer.reserve(5)
    assert second - first == pytest.approx(1.0, rel=0.01)


@pytest.mark.parametrize(
    ("rate", "paid"), [(None, False), (25.0, False), (30.0, False), (30.5, True), (1000.0, True)]
)
def test_above_30_per_second_broadcasts_are_paid(rate: float | None, paid: bool) -> None:
    assert needs_paid_broadcast(rate) is paid
