"""Flood control: limits, retry_after holds, storms, records, runtime changes."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from sandbox.local_api import FloodControl, FloodLimits, LocalBotApi
from sandbox.local_api.errors import ApiError
from sandbox.local_api.flood import busiest

from .rawhttp import RawCaller


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def outcomes(control: FloodControl, chat_ids: list[int]) -> list[int | None]:
    """retry_after of each send (None when it passed)."""
    results: list[int | None] = []
    for chat_id in chat_ids:
        try:
            control.admit(chat_id, "sendMessage")
        except ApiError as error:
            results.append(error.retry_after)
        else:
            results.append(None)
    return results


def test_no_limits_accepts_everything_and_records_it() -> None:
    control = FloodControl(clock=FakeClock())

    assert outcomes(control, [1, 1, 1]) == [None, None, None]
    assert [send.chat_id for send in control.accepted] == [1, 1, 1]


def test_per_chat_limit_holds_the_chat_for_retry_after() -> None:
    clock = FakeClock()
    control = FloodControl(FloodLimits(per_chat_per_second=1, retry_after=3), clock=clock)

    assert outcomes(control, [1, 1, 2]) == [None, 3, None]
    clock.now += 2
    assert outcomes(control, [1]) == [1]
    clock.now += 1
    assert outcomes(control, [1]) == [None]

    assert [(refusal.reason, refusal.until) for refusal in control.refused] == [
        ("chat", 103.0),
        ("hold", 103.0),
    ]
    assert control.early_retries() == [control.refused[1]]

    control.clear()

    assert (control.accepted, control.refused) == ([], [])


def test_global_limit_refills_per_second() -> None:
    clock = FakeClock()
    control = FloodControl(FloodLimits(global_per_second=2), clock=clock)

    assert outcomes(control, [1, 2, 3]) == [None, None, 1]
    clock.now += 0.5
    assert outcomes(control, [4, 5]) == [None, 1]
    assert [refusal.reason for refusal in control.refused] == ["global", "global"]


def test_group_limit_is_per_minute_and_spares_private_chats() -> None:
    clock = FakeClock()
    control = FloodControl(FloodLimits(per_group_per_minute=2, retry_after=5), clock=clock)

    assert outcomes(control, [-10, -10, -10, 7, 7, 7]) == [None, None, 5, None, None, None]
    clock.now += 30
    assert outcomes(control, [-10]) == [None]


def test_storm_is_reproducible_with_a_seed() -> None:
    limits = FloodLimits(storm_fraction=0.3, seed=7)
    first = outcomes(FloodControl(limits, clock=FakeClock()), list(range(1, 201)))
    second = outcomes(FloodControl(limits, clock=FakeClock()), list(range(1, 201)))

    assert first == second
    assert 40 <= first.count(1) <= 80


def test_the_busiest_second_counts_half_open_windows() -> None:
    clock = FakeClock()
    control = FloodControl(clock=clock)
    for moment in (100.0, 100.5, 100.99, 101.0, 101.5, 101.6):
        clock.now = moment
        control.admit(7, "sendMessage")
    assert control.busiest_second() == 4  # 101.0, 101.5, 101.6 and 100.99 before them
    assert busiest([3.0, 1.0, 2.0], window=1.0) == 1
    assert busiest([]) == 0


def test_limits_validate_their_values() -> None:
    with pytest.raises(ValueError, match="retry_after"):
        FloodLimits(retry_after=0)
    with pytest.raises(ValueError, match="storm_fraction"):
        FloodLimits(storm_fraction=2)


async def test_429_envelope_and_ptb_retry_after(api: LocalBotApi, bot: Bot, raw: RawCaller) -> None:
    api.user(1001, "Alice")
    api.flood = FloodLimits(per_chat_per_second=1, retry_after=7)

    await bot.send_message(1001, "first")
    status, body = await raw("sendMessage", data={"chat_id": "1001", "text": "second"})
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(1001, "third")

    assert (status, body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
    )
    assert raised.value.retry_after == dtm.timedelta(seconds=7)
    assert [refusal.reason for refusal in api.flood_control.refused] == ["chat", "hold"]
    assert len(api.chat(1001).messages) == 1


async def test_edits_count_and_limits_change_at_runtime(api: LocalBotApi, bot: Bot) -> None:
    api.user(1001, "Alice")
    sent = await bot.send_message(1001, "one")
    api.flood = FloodLimits(per_chat_per_second=1)
    await bot.edit_message_text("two", 1001, sent.message_id)

    with pytest.raises(RetryAfter):
        await bot.edit_message_text("three", 1001, sent.message_id)

    api.flood = None
    await bot.edit_message_text("four", 1001, sent.message_id)
    assert [send.method for send in api.flood_control.accepted] == [
        "sendMessage",
        "editMessageText",
        "editMessageText",
    ]


async def test_storm_through_http() -> None:
    async with LocalBotApi(flood=FloodLimits(storm_fraction=1.0, seed=1)) as api:
        api.user(1001, "Alice")
        async with Bot(api.token, base_url=api.base_url) as bot:
            with pytest.raises(RetryAfter):
                await bot.send_message(1001, "storm")
        assert api.flood_control.refused[0].reason == "storm"
