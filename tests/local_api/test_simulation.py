"""The test side driving a real PTB Application that polls the local server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.error import Forbidden
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from sandbox.local_api import LocalBotApi, SimMessage, SimUser

LANGUAGES = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("English", callback_data="lang:en")],
        [InlineKeyboardButton("Docs", url="https://example.com/docs")],
    ]
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = update.effective_user.language_code
    await update.message.reply_html(f"<b>Hello</b> {language}", reply_markup=LANGUAGES)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text("help")


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer(f"chose {query.data}")
    await query.edit_message_text(f"Language: {query.data}")


async def describe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    kinds = ("photo", "sticker", "document", "voice", "location", "text")
    kind = next(kind for kind in kinds if getattr(message, kind))
    await message.reply_text(kind)


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.edited_message.reply_text(f"edited: {update.edited_message.text}")


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    content = InputTextMessageContent(f"<b>{query.query}</b>", parse_mode="HTML")
    await query.answer([InlineQueryResultArticle("1", query.query, content)], cache_time=0)


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    context.bot_data.setdefault("statuses", []).append(update.my_chat_member.new_chat_member.status)


@pytest.fixture
async def app(api: LocalBotApi) -> AsyncIterator[Application]:
    application = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    application.add_handlers(
        [
            CommandHandler("start", start),
            CommandHandler("help", help_command),
            CallbackQueryHandler(choose),
            InlineQueryHandler(inline),
            ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER),
            MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited),
            MessageHandler(filters.ALL, describe),
        ]
    )
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0, allowed_updates=Update.ALL_TYPES)
        yield application
        await application.updater.stop()
        await application.stop()


@pytest.fixture
def alice(api: LocalBotApi) -> SimUser:
    return api.user(1001, "Alice", language_code="ru")


async def test_ask_gets_the_reply_in_the_users_language(app: Application, alice: SimUser) -> None:
    reply = await alice.ask("/start")

    assert reply.text == "Hello ru"
    assert reply.html == "<b>Hello</b> ru"
    assert reply.button_texts == [["English"], ["Docs"]]
    assert [message.text for message in alice.chat.messages] == ["/start", "Hello ru"]

    alice.language_code = "kk"
    assert (await alice.ask("/start")).text == "Hello kk"


async def test_press_gets_an_answer_and_an_edit(app: Application, alice: SimUser) -> None:
    menu = await alice.ask("/start")

    press = await alice.press(menu, "English")
    answer = await press.wait_answer()
    await alice.wait_for_edit(menu)

    assert answer.text == "chose lang:en"
    assert menu.text == "Language: lang:en"
    assert menu.buttons == []
    assert menu.edit_count == 1


async def test_press_by_callback_data_and_unpressable_buttons(
    app: Application, alice: SimUser
) -> None:
    menu = await alice.ask("/start")

    press = await alice.press(menu, callback_data="lang:en")

    assert press.data == "lang:en"
    with pytest.raises(ValueError, match="has no callback_data"):
        await alice.press(menu, "Docs")
    with pytest.raises(LookupError, match="Missing"):
        await alice.press(menu, "Missing")


async def test_group_commands_addressed_to_the_bot(
    api: LocalBotApi, app: Application, alice: SimUser
) -> None:
    group = api.group(-100123, "Defenders")

    await alice.send("/help@qorgau_test_bot", chat=group)
    replies = await alice.wait_for_replies(chat=group)

    assert [reply.text for reply in replies] == ["help"]
    assert group.messages[0].entities == [{"type": "bot_command", "offset": 0, "length": 21}]


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        (lambda user: user.send_photo(caption="look"), "photo"),
        (lambda user: user.send_sticker(), "sticker"),
        (lambda user: user.send_document(b"data", file_name="a.txt"), "document"),
        (lambda user: user.send_voice(), "voice"),
        (lambda user: user.send_location(43.24, 76.89), "location"),
        (lambda user: user.send("plain words"), "text"),
    ],
)
async def test_other_message_types(
    app: Application, alice: SimUser, action: Callable[[SimUser], Awaitable[SimMessage]], kind: str
) -> None:
    await action(alice)

    assert [reply.text for reply in await alice.wait_for_replies()] == [kind]


async def test_edited_message(app: Application, alice: SimUser) -> None:
    message = await alice.send("first")
    await alice.wait_for_replies()

    await alice.edit(message, "second")

    assert [reply.text for reply in await alice.wait_for_replies()] == ["edited: second"]
    assert message.edit_count == 1


async def test_inline_query(app: Application, alice: SimUser) -> None:
    query = await alice.inline_query("yerim")

    answer = await query.wait_answer()

    assert answer.results[0]["input_message_content"]["message_text"] == "<b>yerim</b>"


async def test_block_and_unblock(api: LocalBotApi, app: Application, alice: SimUser) -> None:
    await alice.block()
    await api.wait_until(lambda: app.bot_data.get("statuses") == ["kicked"])

    with pytest.raises(Forbidden, match="blocked by the user"):
        await app.bot.send_message(alice.id, "still there?")
    with pytest.raises(ValueError, match="unblock"):
        await alice.send("/start")

    await alice.unblock()
    await api.wait_until(lambda: app.bot_data["statuses"] == ["kicked", "member"])
    assert (await alice.ask("/help")).text == "help"


async def test_deactivated_user(app: Application, alice: SimUser) -> None:
    await alice.deactivate()

    with pytest.raises(Forbidden, match="deactivated"):
        await app.bot.send_message(alice.id, "hello?")


async def test_waiting_fails_with_a_description(app: Application, alice: SimUser) -> None:
    await alice.send("/help")
    await alice.wait_for_replies()

    with pytest.raises(TimeoutError, match="expected 2 bot message"):
        await alice.wait_for_replies(2, timeout=0.2)


async def test_all_updates_get_confirmed(
    api: LocalBotApi, app: Application, alice: SimUser
) -> None:
    for number in range(20):
        await alice.send(f"message {number}")

    await api.wait_until(lambda: api.sent_count == 20)
    await api.wait_until(api.confirmed_all_updates)

    assert api.pending_updates == 0
    assert [call.status for call in api.log.calls("sendMessage")] == [200] * 20
