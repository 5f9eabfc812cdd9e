"""The coordinator's appeal flow, end to end: write, choose, preview, confirm, watch, report."""

from __future__ import annotations

from bot.local_api import LocalBotApi, SimMessage, SimUser
from bot.roles import Role
from tests.e2e.conftest import RunningBot


async def _readers(bot: RunningBot, count: int, first_id: int = 10_000) -> list[SimUser]:
    """Users who started the bot, spread over the three languages."""
    readers = []
    for index in range(count):
        reader = bot.user(first_id + index, ("ru", "kk", "en")[index % 3])
        await reader.ask("/start")
        readers.append(reader)
    return readers


async def _report(api: LocalBotApi, coordinator: SimUser, broadcast_id: int) -> SimMessage:
    """Wait for the final report of a broadcast in its author's chat."""

    def report() -> SimMessage | None:
        heading = f"Appeal #{broadcast_id}: report"
        return next((m for m in coordinator.chat.bot_messages if m.text.startswith(heading)), None)

    await api.wait_until(lambda: report() is not None, timeout=20)
    found = report()
    assert found is not None
    return found


async def _write_appeal(coordinator: SimUser, texts: dict[str, str | None]) -> None:
    """Answer the three text questions; ``None`` skips a language."""
    await coordinator.ask("/appeal")
    for locale in ("ru", "kk", "en"):
        text = texts.get(locale)
        await coordinator.ask(text if text is not None else "/skip")


async def test_an_appeal_reaches_everyone_in_their_language(bot: RunningBot) -> None:
    readers = await _readers(bot, 6)
    coordinator = await bot.user_with_role(500, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("<b>Срочно</b>: напишите в прокуратуру.")
    await coordinator.ask("<b>Шұғыл</b>: прокуратураға жазыңыз.")
    audience_question = await coordinator.ask("<b>Urgent</b>: write to the prosecutor.")
    assert audience_question.button_texts[0] == ["Everyone (7)"]
    await coordinator.press(audience_question, "Everyone (7)")
    *previews, confirm = await coordinator.wait_for_replies(4)
    assert [p.html for p in previews] == [
        "<b>Срочно</b>: напишите в прокуратуру.",
        "<b>Шұғыл</b>: прокуратураға жазыңыз.",
        "<b>Urgent</b>: write to the prosecutor.",
    ]
    assert "It goes to 7 people." in confirm.text
    await coordinator.press(confirm, "Send to 7")
    (progress,) = await coordinator.wait_for_replies(1)
    assert progress.text.startswith("Appeal #1")
    expected = {"ru": "Срочно: напишите в прокуратуру.", "kk": "Шұғыл: прокуратураға жазыңыз."}
    for reader in readers:
        await bot.api.wait_until(lambda r=reader: len(r.chat.bot_messages) >= 2, timeout=10)
        received = reader.chat.bot_messages[-1]
        assert received.text == expected.get(
            reader.language_code, "Urgent: write to the prosecutor."
        )
    report = await _report(bot.api, coordinator, 1)
    assert "Delivered: 7" in report.text
    assert "Blocked the bot or left Telegram: 0" in report.text
    listing = (await coordinator.ask("/appeals")).text
    assert "#1" in listing and "7 of 7 delivered" in listing
