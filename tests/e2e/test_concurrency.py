"""The campaign moment: a throttled or flooding chat holds up nobody else, and loses nothing."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

from sandbox.local_api import FloodLimits, LocalBotApi
from storage.location import DatabaseLocation
from tests.e2e.conftest import RunningBot
from tests.e2e.processes import bot_process

FLOOD = 15


async def test_a_throttled_chat_waits_alone(bot: RunningBot) -> None:
    loud, quiet = bot.user(610, "en"), bot.user(611, "en")
    await quiet.ask("/start")
    bot.api.flood_control.limits = FloodLimits(per_chat_per_second=1.0, retry_after=4)
    for _ in range(3):
        await loud.send("/help")
    # The second /help is answered 429: the loud chat is held for 4 seconds. Meanwhile the
    # quiet user is answered at once.
    await bot.api.wait_until(lambda: bot.api.flood_control.refused, timeout=5)
    reply = await quiet.ask("/help", timeout=2)
    assert reply.text.startswith("<b>") or "/cases" in reply.text
    assert len(loud.chat.bot_messages) < 3  # still held
    await loud.wait_for_replies(3, timeout=15)
    assert bot.api.flood_control.early_retries() == []  # nothing was sent before retry_after


async def test_a_flood_from_one_user_does_not_delay_another(bot: RunningBot) -> None:
    flood, quiet = bot.user(620, "en"), bot.user(621, "ru")
    await flood.ask("/start")
    for index in range(FLOOD):
        await flood.send(f"Yerimbetov {index}")
    reply = await quiet.ask("/start", timeout=5)
    assert reply.text.startswith("Qorgau")
    # The quiet user was answered while the flood still waited its turn: its chat is paced
    # to one message a second after a burst (Telegram's limit for one chat).
    assert len(flood.chat.bot_messages) < FLOOD
    await flood.wait_for_replies(FLOOD, timeout=30)


async def test_sigterm_does_not_wait_for_a_throttled_chat(
    api: LocalBotApi, new_database: Callable[..., DatabaseLocation]
) -> None:
    async with bot_process(api, new_database("bot.sqlite3")) as process:
        user = api.user(630, language_code="en")
        await user.ask("/start", timeout=10)
        api.flood_control.refuse_next(user.id, 60)
        await user.send("/help")  # answered 429: this reply would wait a minute
        await api.wait_until(lambda: api.flood_control.refused, timeout=10)
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=10)
        _, stderr = await process.communicate()
    assert process.returncode == 0
    assert "Traceback" not in stderr.decode()
