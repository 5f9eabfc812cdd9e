"""The replies' pacing and retries (bot/delivery/replies.py), on a clock that tests move."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.delivery.replies import BURST, REPLY_BUDGET, ReplyLimiter


class FakeTime:
    """A clock that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Telegram:
    """Answers each call with the next scripted result (an exception is raised)."""

    def __init__(self, *results: Any) -> None:
        self.results = list(results)
        self.calls: list[float] = []

    def call(self, time: FakeTime):
        async def send(**_: Any) -> Any:
            self.calls.append(time.now)
            result = self.results.pop(0) if self.results else {"ok": True}
            if isinstance(result, Exception):
                raise result
            return result

        return send


async def reply(limiter: ReplyLimiter, telegram: Telegram, time: FakeTime, chat: int = 7) -> Any:
    return await limiter.process_request(
        telegram.call(time), (), {}, "sendMessage", {"chat_id": chat}, None
    )


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def limiter(time: FakeTime) -> ReplyLimiter:
    return ReplyLimiter(clock=time.clock, sleep=time.sleep)


async def test_server_errors_are_retried_with_backoff_within_the_budget(
    limiter: ReplyLimiter, time: FakeTime
) -> None:
    telegram = Telegram(NetworkError("Internal Server Error"), NetworkError("Bad Gateway"))
    assert await reply(limiter, telegram, time) == {"ok": True}
    assert [t - 100 for t in telegram.calls] == [0.0, 0.5, 1.5]


async def test_an_outage_longer_than_the_budget_gives_up(
    limiter: ReplyLimiter, time: FakeTime
) -> None:
    telegram = Telegram(*[NetworkError("Bad Gateway")] * 100)
    with pytest.raises(NetworkError):
        await reply(limiter, telegram, time)
    assert time.now - 100 <= REPLY_BUDGET
    assert len(telegram.calls) > 5


@pytest.mark.parametrize("error", [TimedOut("no answer"), BadRequest("can't parse entities")])
async def test_a_request_that_may_have_arrived_or_was_refused_is_not_repeated(
    limiter: ReplyLimiter, time: FakeTime, error: Exception
) -> None:
    telegram = Telegram(error)
    with pytest.raises(type(error)):
        await reply(limiter, telegram, time)
    assert len(telegram.calls) == 1


async def test_a_429_holds_its_chat_only(limiter: ReplyLimiter, time: FakeTime) -> None:
    throttled = Telegram(RetryAfter(timedelta(seconds=3)))
    assert await reply(limiter, throttled, time, chat=7) == {"ok": True}
    assert [t - 100 for t in throttled.calls] == [0.0, 3.0]
    # Another chat was never held: it is answered at once.
    other = Telegram()
    before = time.now
    await reply(limiter, other, time, chat=8)
    assert other.calls == [before]


async def test_a_429_longer_than_the_budget_is_raised(
    limiter: ReplyLimiter, time: FakeTime
) -> None:
    telegram = Telegram(RetryAfter(timedelta(seconds=REPLY_BUDGET + 5)))
    with pytest.raises(RetryAfter):
        await reply(limiter, telegram, time)


async def test_a_burst_goes_at_once_then_the_chat_is_paced(
    limiter: ReplyLimiter, time: FakeTime
) -> None:
    telegram = Telegram()
    for _ in range(BURST + 3):
        await reply(limiter, telegram, time, chat=7)
    offsets = [round(t - 100, 3) for t in telegram.calls]
    assert offsets[:BURST] == [0.0] * BURST
    assert offsets[BURST:] == [1.0, 2.0, 3.0]  # one a second in a private chat
    group = Telegram()
    for _ in range(BURST + 1):
        await reply(limiter, group, time, chat=-100)
    assert round(group.calls[-1] - group.calls[0], 3) == 3.0  # 20 a minute in a group


async def test_get_me_fails_at_once(limiter: ReplyLimiter, time: FakeTime) -> None:
    telegram = Telegram(NetworkError("Connection refused"))
    with pytest.raises(NetworkError):
        await limiter.process_request(telegram.call(time), (), {}, "getMe", {}, None)
    assert len(telegram.calls) == 1


async def test_once_stopping_nothing_waits(limiter: ReplyLimiter, time: FakeTime) -> None:
    limiter.stop_waiting()
    with pytest.raises(RetryAfter):
        await reply(limiter, Telegram(RetryAfter(timedelta(seconds=3))), time)
    with pytest.raises(NetworkError):
        await reply(limiter, Telegram(NetworkError("Bad Gateway")), time)
    paced = Telegram()
    for _ in range(BURST + 3):
        await reply(limiter, paced, time, chat=9)
    assert time.slept == []  # neither a 429, a retry nor the chat's pace made it wait
