"""The conversation kit: a flow's draft lives in ``user_data`` while its conversation runs, and
goes when the conversation ends, by a step or by /cancel."""

from __future__ import annotations

from bot.domain.roles import Role
from tests.e2e.conftest import RunningBot


async def test_cancel_drops_the_draft(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(800, Role.COORDINATOR)
    await coordinator.ask("/newdeadline")
    assert "deadline" in bot.application.user_data[800]
    assert (await coordinator.ask("/cancel")).text == "Cancelled."
    assert (await coordinator.ask("/cancel")).text == "There is nothing to cancel."
    assert "deadline" not in bot.application.user_data[800]


async def test_a_step_that_ends_the_conversation_drops_the_draft(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(801, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("/skip")
    await coordinator.ask("/skip")
    audience = await coordinator.ask("Text")
    assert bot.application.user_data[801]["appeal"]["texts"] == {"en": "Text"}
    await coordinator.press(audience, callback_data="appeal:to:all")
    _preview, confirm = await coordinator.wait_for_replies(2)
    await coordinator.press(confirm, "Cancel")
    (cancelled,) = await coordinator.wait_for_replies(1)
    assert cancelled.text == "The appeal was not sent."
    await coordinator.ask("/help")  # updates are handled in order: the press is done
    assert "appeal" not in bot.application.user_data[801]
    # The buttons went with the step: the question cannot be answered twice.
    assert confirm.buttons == []
