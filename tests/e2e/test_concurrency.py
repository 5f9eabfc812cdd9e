"""The campaign moment: a throttled or flooding chat holds up nobody else, and loses nothing."""

from __future__ import annotations

from sandbox.local_api import FloodLimits
from tests.e2e.conftest import RunningBot

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
