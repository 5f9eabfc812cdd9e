"""The delivery engine through the local Bot API server when Telegram fails: 5xx outages,
answers that come too late, refused connections."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import pytest
from telegram import Bot

from bot.delivery.engine import DeliveryEngine, Outcome, Sender
from bot.delivery.http import AiohttpRequest
from bot.delivery.sender import TelegramSender
from bot.domain.broadcasts import ALL_LOCALES, Fate, Progress
from bot.domain.failures import Failure
from bot.domain.retries import RetryPolicy
from sandbox.local_api import LocalBotApi, Outage
from storage import Database
from storage.broadcasts import Broadcasts
from storage.outbox import Outbox
from storage.users import Users

APPEAL = "Write to the prosecutor"


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi() as server:
        yield server


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, request=AiohttpRequest(8, 0.3)) as client:
        yield client


async def _appeal(db: Database, api: LocalBotApi, recipients: int) -> int:
    """Users 1..recipients, known to the bot and to Telegram, and an appeal queued to them."""
    users = Users(db)
    for user_id in range(1, recipients + 1):
        api.user(user_id, language_code="en")
        await users.touch(user_id, "en", date(2026, 11, 22))
    broadcast_id, _ = await Broadcasts(db).create(
        kind="appeal",
        author_id=1,
        audience=ALL_LOCALES,
        html_by_locale=dict.fromkeys(("en", "ru", "kk"), APPEAL),
        details={},
    )
    return broadcast_id


async def _deliver(db: Database, engine: DeliveryEngine, broadcast_id: int) -> Progress:
    """Run the engine until nothing of the broadcast is queued or in flight."""
    stop = asyncio.Event()
    task = asyncio.create_task(engine.run(stop))
    outbox = Outbox(db, Users(db))
    try:
        for _ in range(1500):
            progress = await outbox.progress(broadcast_id)
            if progress.finished:
                return progress
            await asyncio.sleep(0.02)
        raise AssertionError(f"not settled: {progress}")
    finally:
        stop.set()
        await task


class RecordingSender:
    """A sender that keeps what each send came to."""

    def __init__(self, sender: Sender) -> None:
        self._sender = sender
        self.outcomes: list[Outcome] = []

    async def send(self, chat_id: int, html: str) -> Outcome:
        outcome = await self._sender.send(chat_id, html)
        self.outcomes.append(outcome)
        return outcome


def _received(api: LocalBotApi, recipients: int) -> list[int]:
    """How many appeals each recipient got."""
    return [
        sum(message.text == APPEAL for message in api.chat(user_id).bot_messages)
        for user_id in range(1, recipients + 1)
    ]


async def test_an_outage_of_seconds_loses_no_appeal(
    db: Database, api: LocalBotApi, bot: Bot
) -> None:
    """4.5 s of 502 outlast five attempts (a second apart: one chat gets one message a second)
    and failed every recipient; a time budget (minutes by default) gives up on nobody."""
    broadcast_id = await _appeal(db, api, 20)
    api.outage = Outage(status=502, seconds=4.5)
    retries = RetryPolicy(backoff=0.05)
    engine = DeliveryEngine(Outbox(db, Users(db)), TelegramSender(bot), rate=None, retries=retries)
    progress = await _deliver(db, engine, broadcast_id)
    assert api.faults.strikes, "the outage must have hit"
    assert (progress.sent, progress.failed, progress.unknown) == (20, 0, 0)
    assert _received(api, 20) == [1] * 20


async def test_past_its_budget_a_message_fails_with_the_reason_and_can_be_resent(
    db: Database, api: LocalBotApi, bot: Bot
) -> None:
    broadcast_id = await _appeal(db, api, 5)
    api.outage = Outage(status=500)
    retries = RetryPolicy(budget=0.5, backoff=0.1)
    outbox = Outbox(db, Users(db))
    failed = await _deliver(
        db, DeliveryEngine(outbox, TelegramSender(bot), rate=None, retries=retries), broadcast_id
    )
    assert (failed.sent, failed.failed, failed.failed_kept) == (0, 5, 5)
    # A 500 from Telegram's servers: its class, not its English description.
    assert await outbox.failure_reasons(broadcast_id) == {Failure.TELEGRAM_ERROR: 5}

    api.outage = None
    assert await Broadcasts(db).resend(broadcast_id) == 5
    assert await outbox.failure_reasons(broadcast_id) == {}
    resent = await _deliver(
        db, DeliveryEngine(outbox, TelegramSender(bot), rate=None), broadcast_id
    )
    assert (resent.sent, resent.failed, resent.failed_kept) == (5, 0, 0)
    assert _received(api, 5) == [1] * 5


async def test_an_answer_too_late_leaves_the_fate_unknown_and_nothing_is_resent(
    db: Database, api: LocalBotApi, bot: Bot
) -> None:
    broadcast_id = await _appeal(db, api, 3)
    api.outage = Outage(status=None, late=1.0)  # the client gives up after 0.3 s
    progress = await _deliver(
        db, DeliveryEngine(Outbox(db, Users(db)), TelegramSender(bot), rate=None), broadcast_id
    )
    assert (progress.sent, progress.unknown) == (0, 3)
    assert _received(api, 3) == [1] * 3  # Telegram did deliver them
    assert len(api.log.calls("sendMessage")) == 3


async def test_network_errors_are_retried_until_telegram_is_back(
    db: Database, api: LocalBotApi, bot: Bot
) -> None:
    broadcast_id = await _appeal(db, api, 5)
    await api.stop()  # connections refused: nothing was sent
    sender = RecordingSender(TelegramSender(bot))
    engine = DeliveryEngine(
        Outbox(db, Users(db)), sender, rate=None, retries=RetryPolicy(backoff=0.05)
    )
    delivery = asyncio.create_task(_deliver(db, engine, broadcast_id))
    await asyncio.sleep(1.5)
    await api.start()
    progress = await delivery
    assert (progress.sent, progress.failed, progress.unknown) == (5, 0, 0)
    assert _received(api, 5) == [1] * 5
    assert {outcome.fate for outcome in sender.outcomes} == {Fate.RETRY, Fate.SENT}
    retried = {outcome.failure for outcome in sender.outcomes if outcome.fate is Fate.RETRY}
    assert retried == {Failure.NETWORK}  # refused connections, not an error of Telegram's
