"""Injected faults: server errors for a while or for a share of calls, late answers, a 429 for
one chat, and paid broadcasts."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.delivery.http import AiohttpRequest
from sandbox.local_api import FloodControl, FloodLimits, LocalBotApi, Outage

from .rawhttp import RawCaller
from .test_flood import FakeClock, outcomes


async def test_a_server_error_for_a_while_then_recovery(
    api: LocalBotApi, bot: Bot, raw: RawCaller
) -> None:
    clock = FakeClock()
    api.faults.clock = clock
    api.user(1001, "Alice")
    api.outage = Outage(status=502, seconds=20)

    status, body = await raw("sendMessage", data={"chat_id": "1001", "text": "lost"})
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(1001, "lost too")
    assert (await bot.get_me()).id == api.bot.id  # other methods answer
    clock.now += 20
    await bot.send_message(1001, "through")

    assert (status, body) == (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    assert [(strike.method, strike.status) for strike in api.faults.strikes] == [
        ("sendMessage", 502),
        ("sendMessage", 502),
    ]
    assert [message.text for message in api.chat(1001).bot_messages] == ["through"]


async def test_a_share_of_calls_fails_reproducibly(api: LocalBotApi, bot: Bot) -> None:
    api.user(1001, "Alice")

    async def failures() -> list[bool]:
        api.outage = Outage(status=500, fraction=0.3, seed=11)
        failed = []
        for index in range(40):
            try:
                await bot.send_message(1001, f"message {index}")
            except NetworkError:
                failed.append(True)
            else:
                failed.append(False)
        return failed

    first, second = await failures(), await failures()
    assert first == second
    assert 4 <= sum(first) <= 20
    assert len(api.chat(1001).bot_messages) == 80 - 2 * sum(first)


async def test_a_late_answer_is_done_but_the_client_times_out(api: LocalBotApi) -> None:
    api.user(1001, "Alice")
    api.outage = Outage(status=None, late=1.0)
    async with Bot(api.token, base_url=api.base_url, request=AiohttpRequest(2, 0.2)) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(1001, "maybe")
    assert [message.text for message in api.chat(1001).bot_messages] == ["maybe"]
    assert api.faults.strikes[0].status is None


async def test_an_outage_of_some_chats_spares_the_others(api: LocalBotApi, bot: Bot) -> None:
    api.user(1001, "Alice")
    api.user(1002, "Bob")
    api.outage = Outage(status=503, chats=frozenset({1001}))
    with pytest.raises(NetworkError, match="Service Unavailable"):
        await bot.send_message(1001, "lost")
    await bot.send_message(1002, "through")
    assert len(api.faults.strikes) == 1


def test_outages_validate_their_values() -> None:
    with pytest.raises(ValueError, match="either"):
        Outage(status=500, late=1.0)
    with pytest.raises(ValueError, match="either"):
        Outage(status=None)
    with pytest.raises(ValueError, match="5xx"):
        Outage(status=429)
    with pytest.raises(ValueError, match="fraction"):
        Outage(fraction=0)
    with pytest.raises(ValueError, match="seconds"):
        Outage(seconds=0)


def test_one_chat_refused_once_then_held_for_its_retry_after() -> None:
    clock = FakeClock()
    control = FloodControl(clock=clock)
    control.refuse_next(7, retry_after=2)

    assert outcomes(control, [7, 8, 7]) == [2, None, 2]
    clock.now += 2
    assert outcomes(control, [7]) == [None]
    assert [(refusal.reason, refusal.until) for refusal in control.refused] == [
        ("injected", 102.0),
        ("hold", 102.0),
    ]
    with pytest.raises(ValueError, match="retry_after"):
        control.refuse_next(7, retry_after=0)


async def test_paid_broadcasts_are_recorded_and_pass_the_overall_limit(
    api: LocalBotApi, bot: Bot
) -> None:
    api.user(1001, "Alice")
    api.user(1002, "Bob")
    api.flood = FloodLimits(global_per_second=1)

    await bot.send_message(1001, "free")
    await bot.send_message(1002, "paid", allow_paid_broadcast=True)
    with pytest.raises(RetryAfter):
        await bot.send_message(1002, "free again")

    assert [(m.text, m.paid_broadcast) for m in api.chat(1002).bot_messages] == [("paid", True)]
    assert [send.paid for send in api.flood_control.accepted] == [False, True]
