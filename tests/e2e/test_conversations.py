"""The conversation kit: a flow's draft lives in ``user_data`` while its conversation runs, and
goes when the conversation ends, by a step or by /cancel."""

from __future__ import annotations

from telegram import Update

from bot.domain.roles import Role
from handlers.conversation import flows
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


async def test_starting_a_flow_ends_the_open_one(bot: RunningBot) -> None:
    """A question left open would take the answer meant for the next flow, or a search."""
    admin = await bot.user_with_role(0, Role.ADMIN)
    await bot.user(802).ask("/start")
    assert (await admin.ask("/grant")).text == "Send the Telegram user id, or /cancel."
    assert (await admin.ask("abc")).text.startswith("That is not a Telegram user id")
    await admin.ask("/newdeadline")
    assert "deadline" in bot.application.user_data[admin.id]
    assert (await admin.ask("/appeal")).text.startswith("Send the text of the appeal")
    assert "deadline" not in bot.application.user_data[admin.id]
    assert (await admin.ask("/cancel")).text == "Cancelled."
    assert (await admin.ask("/cancel")).text == "There is nothing to cancel."
    assert (await admin.ask("802")).text.startswith("No case matches “802”.")
    assert await bot.application.services.users.get(802) is not None
    record = await bot.application.services.users.get(802)
    assert record is not None and record.role is Role.SUBSCRIBER


async def test_a_coordinator_revoked_mid_appeal_is_not_trapped(bot: RunningBot) -> None:
    admin = await bot.user_with_role(0, Role.ADMIN)
    coordinator = await bot.user_with_role(803, Role.COORDINATOR, language_code="ru")
    await coordinator.ask("/appeal")
    await coordinator.ask("Текст")
    assert (await admin.ask("/revoke 803")).text == "User 803 is no longer a coordinator."
    ended = await coordinator.ask("Ещё текст")
    assert ended.text == "Это вам больше недоступно, поэтому действие отменено."
    assert (await coordinator.ask("/cancel")).text == "Отменять нечего."
    assert "appeal" not in bot.application.user_data[803]  # updates are handled in order
    assert (await coordinator.ask("Атабек")).text.startswith("Арон Атабек")


async def test_a_revoked_coordinators_press_ends_the_flow(bot: RunningBot) -> None:
    coordinator = await bot.user_with_role(804, Role.COORDINATOR)
    await coordinator.ask("/appeal")
    await coordinator.ask("/skip")
    await coordinator.ask("/skip")
    audience = await coordinator.ask("Text")
    await bot.application.services.users.set_role(804, Role.SUBSCRIBER)
    press = await coordinator.press(audience, callback_data="appeal:to:all")
    answer = await press.wait_answer()
    assert answer.show_alert
    assert answer.text == "This is no longer available to you, so the action was cancelled."
    assert (await coordinator.ask("/cancel")).text == "There is nothing to cancel."


async def test_cancel_is_heard_in_every_state_of_every_flow(bot: RunningBot) -> None:
    """No state of a flow has a handler that takes /cancel before the flow's own /cancel."""
    cancel = Update.de_json(
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 805, "type": "private"},
                "from": {"id": 805, "is_bot": False, "first_name": "T"},
                "text": "/cancel",
                "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
            },
        },
        bot.application.bot,
    )
    for flow in flows(bot.application):
        for state, handlers in flow.states.items():
            taken = [h for h in handlers if h.check_update(cancel)]
            assert taken == [], f"{flow.name} in {state} takes /cancel"
        assert any(f.check_update(cancel) for f in flow.fallbacks)


async def test_forget_ends_the_open_flows(bot: RunningBot) -> None:
    """An erased user's open question is gone too: the next text is not its answer."""
    admin = await bot.user_with_role(0, Role.ADMIN)
    await bot.user(806).ask("/start")
    assert (await admin.ask("/grant")).text == "Send the Telegram user id, or /cancel."
    question = await admin.ask("/forget")
    await (await admin.press(question, callback_data="forget:yes")).wait_answer()
    assert (await admin.wait_for_edit(question)).text.startswith("Done: everything")
    assert (await admin.ask("806")).text.startswith("No case matches “806”.")
    record = await bot.application.services.users.get(806)
    assert record is not None and record.role is Role.SUBSCRIBER
    rows = await bot.application.services.db.fetchall("SELECT key FROM ptb_conversations")
    assert rows == []
