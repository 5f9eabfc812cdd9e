"""Everything no feature expects gets a sensible answer in the user's language, or silence in
groups: never a crash, never a traceback shown to a user."""

from __future__ import annotations

import pytest

from sandbox.local_api import SimChat, SimUser
from tests.e2e.conftest import RunningBot


async def _assert_quiet(user: SimUser, chat: SimChat, action) -> None:
    """Run ``action``; then a probe in private proves the bot handled it without a word."""
    before = len(chat.bot_messages)
    await action()
    await user.ask("/help")  # updates are handled in order: the probe comes after the action
    assert len(chat.bot_messages) == before


async def test_unknown_command(bot: RunningBot) -> None:
    reply = await bot.user(500, "ru").ask("/frobnicate")
    assert reply.text.startswith("Я не знаю такой команды")


async def test_very_long_and_unsearchable_text(bot: RunningBot) -> None:
    user = bot.user(501, "kk")
    text = "сәлем әлем " * 400  # 4,400 characters
    long = await user.ask(text)
    assert long.text.startswith("«" + text[:60].strip() + "» бойынша іс табылмады.")
    assert long.button_texts  # suggestions, never silence
    for text in ("ж", "🙂", "?!", '"', "ж" * 4096):
        reply = await user.ask(text)
        assert reply.text.startswith("Есімнің кемінде екі әрпін жазыңыз")


@pytest.mark.parametrize(
    "send",
    [
        lambda user: user.send_photo(caption="secret"),
        lambda user: user.send_sticker(),
        lambda user: user.send_document(),
        lambda user: user.send_voice(),
        lambda user: user.send_location(43.2, 76.9),
    ],
    ids=["photo", "sticker", "document", "voice", "location"],
)
async def test_other_message_types(bot: RunningBot, send) -> None:
    user = bot.user(502, "en")
    await send(user)
    (reply,) = await user.wait_for_replies(1)
    assert reply.text == "I can read only text messages and commands. Send /help for the list."


async def test_edited_messages_are_not_acted_upon(bot: RunningBot) -> None:
    user = bot.user(503, "en")
    message = await user.send("/strat")
    await user.wait_for_replies(1)
    await user.edit(message, "/start")
    (reply,) = await user.wait_for_replies(1)
    assert reply.text == "I do not act on edited messages. Please send a new message."


@pytest.mark.parametrize("payload", ["abc", "x" * 64, "bad!payload", "a" * 65, "a b"])
async def test_deep_links_no_feature_claims(bot: RunningBot, payload: str) -> None:
    user = bot.user(504, "en")
    await user.send(f"/start {payload}")
    notice, greeting = await user.wait_for_replies(2)
    assert notice.text == "This link is not valid or has expired."
    assert greeting.text.startswith("Qorgau helps")


@pytest.mark.parametrize("data", ["lang:de", "forget:maybe", "x" * 64, "", "lang:ru:extra"])
async def test_forged_callback_data(bot: RunningBot, data: str) -> None:
    user = bot.user(505, "ru")
    picker = await user.ask("/language")
    # Forge a press on the bot's message with data no button carries.
    picker.reply_markup["inline_keyboard"][0][0]["callback_data"] = data
    answer = await (await user.press(picker, callback_data=data)).wait_answer()
    assert answer.show_alert
    assert answer.text == "Эта кнопка больше не действует. Пожалуйста, начните заново."
    record = await bot.application.services.users.get(505)
    assert record is not None and not record.locale_chosen


async def test_a_button_with_a_trailing_newline_is_stale(bot: RunningBot) -> None:
    """``^lang:(en|ru|kk)$`` took "lang:en\n" (``$`` matches before a final newline); the
    buttons' patterns end with ``\\Z``."""
    user = bot.user(506, "en")
    picker = await user.ask("/language")
    picker.reply_markup["inline_keyboard"][0][0]["callback_data"] = "lang:en\n"
    answer = await (await user.press(picker, callback_data="lang:en\n")).wait_answer()
    assert answer.show_alert
    assert answer.text == "This button is no longer valid. Please start again."
    record = await bot.application.services.users.get(506)
    assert record is not None and not record.locale_chosen


class TestGroups:
    """In groups the bot answers commands addressed to it and stays quiet otherwise."""

    async def test_commands_addressed_to_the_bot_are_answered(self, bot: RunningBot) -> None:
        user, group = bot.user(510, "en"), bot.api.group(-100510, "Defenders")
        await user.send("/help", chat=group)
        await user.send("/help@qorgau_test_bot", chat=group)
        replies = await user.wait_for_replies(2, chat=group)
        assert all("/start" in reply.text for reply in replies)

    async def test_private_commands_point_to_the_private_chat(self, bot: RunningBot) -> None:
        user, group = bot.user(511, "ru"), bot.api.group(-100511)
        await user.send("/privacy", chat=group)
        (reply,) = await user.wait_for_replies(1, chat=group)
        assert (
            reply.text
            == "Пожалуйста, используйте эту команду в личном чате со мной: @qorgau_test_bot"
        )
        assert "511" not in reply.text

    @pytest.mark.parametrize(
        "text", ["hello everyone", "/frobnicate", "/help@another_bot", "/start@another_bot"]
    )
    async def test_other_traffic_gets_silence(self, bot: RunningBot, text: str) -> None:
        user, group = bot.user(512, "en"), bot.api.group(-100512)
        await _assert_quiet(user, group, lambda: user.send(text, chat=group))

    async def test_non_text_messages_get_silence(self, bot: RunningBot) -> None:
        user, group = bot.user(513, "en"), bot.api.group(-100513)
        await _assert_quiet(user, group, lambda: user.send_sticker(chat=group))

    async def test_unknown_command_addressed_to_the_bot(self, bot: RunningBot) -> None:
        user, group = bot.user(514, "en"), bot.api.group(-100514)
        await user.send("/frobnicate@qorgau_test_bot", chat=group)
        (reply,) = await user.wait_for_replies(1, chat=group)
        assert reply.text.startswith("I do not know this command")

    async def test_group_chatter_is_not_stored(self, bot: RunningBot) -> None:
        user, group = bot.user(515, "en"), bot.api.group(-100515)
        await _assert_quiet(user, group, lambda: user.send("just chatting", chat=group))
        await user.send("/help", chat=group)  # addressed: now the user interacted
        await user.wait_for_replies(1, chat=group)
        assert await bot.application.services.users.get(515) is not None
        other = bot.user(516, "en")
        await _assert_quiet(user, group, lambda: other.send("me too", chat=group))
        assert await bot.application.services.users.get(516) is None


@pytest.mark.parametrize("data", ["lang:en", "reminders:mute", "forget:no", "deadlines:ics"])
async def test_a_forged_press_in_a_group_acts_on_nothing(bot: RunningBot, data: str) -> None:
    """A press acts only on the bot's own message in the presser's private chat, where the
    feature is private: data forged onto the bot's message in a group overwrites nothing."""
    user, group = bot.user(520, "en"), bot.api.group(-100520)
    await user.ask("/start")
    await user.send("/cases", chat=group)
    (listing,) = await user.wait_for_replies(1, chat=group)
    text = listing.text
    listing.reply_markup["inline_keyboard"][0][0]["callback_data"] = data
    answer = await (await user.press(listing, callback_data=data)).wait_answer()
    assert answer.show_alert
    assert answer.text == "This button is no longer valid. Please start again."
    assert listing.text == text and listing.edit_count == 0
    record = await bot.application.services.users.get(520)
    assert record is not None and not record.locale_chosen
    assert not (await bot.application.services.reminders.settings(520)).muted


async def test_a_press_on_a_message_not_the_bots_acts_on_nothing(bot: RunningBot) -> None:
    user = bot.user(521, "en")
    await user.ask("/start")
    own = await user.send("hello")
    await user.wait_for_replies(1)
    own.reply_markup = {"inline_keyboard": [[{"text": "x", "callback_data": "lang:ru"}]]}
    answer = await (await user.press(own, callback_data="lang:ru")).wait_answer()
    assert answer.text == "This button is no longer valid. Please start again."
    record = await bot.application.services.users.get(521)
    assert record is not None and not record.locale_chosen


async def test_case_buttons_still_work_in_groups(bot: RunningBot) -> None:
    user, group = bot.user(522, "en"), bot.api.group(-100522)
    await user.send("/case Atabek", chat=group)
    (card,) = await user.wait_for_replies(1, chat=group)
    await (await user.press(card, "Full account")).wait_answer()
    (account,) = await user.wait_for_replies(1, chat=group)
    assert "Aron Atabek" in account.text
