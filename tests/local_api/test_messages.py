"""Sending, editing and deleting messages and documents, with Telegram's errors."""

from __future__ import annotations

import json

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Forbidden

from sandbox.local_api import LocalBotApi, SimUser

from .rawhttp import RawCaller


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label)] for label in labels]
    )


@pytest.fixture
def alice(api: LocalBotApi) -> SimUser:
    return api.user(1001, "Alice", language_code="kk")


async def test_send_message_returns_a_message_the_chat_shows(
    api: LocalBotApi, bot: Bot, alice
) -> None:
    sent = await bot.send_message(
        1001, "<b>Сәлем</b>, <i>Alice</i>!", parse_mode="HTML", reply_markup=keyboard("A", "B")
    )

    assert sent.text == "Сәлем, Alice!"
    assert sent.from_user.id == api.bot.id
    assert sent.chat.id == 1001
    assert sent.text_html == "<b>Сәлем</b>, <i>Alice</i>!"
    assert sent.reply_markup == keyboard("A", "B")
    shown = alice.chat.last_message
    assert (shown.message_id, shown.text, shown.html, shown.parse_mode) == (
        sent.message_id,
        "Сәлем, Alice!",
        "<b>Сәлем</b>, <i>Alice</i>!",
        "HTML",
    )
    assert shown.from_bot
    assert shown.button_texts == [["A"], ["B"]]
    assert shown.button("B") == {"text": "B", "callback_data": "B"}
    assert alice.chat.message(sent.message_id) is shown
    assert api.sent_count == 1


async def test_chat_separates_bot_and_user_messages(bot: Bot, alice: SimUser) -> None:
    await alice.send("hi")
    await bot.send_message(1001, "hello")

    assert [message.text for message in alice.chat.messages] == ["hi", "hello"]
    assert [message.text for message in alice.chat.bot_messages] == ["hello"]


async def test_reply_parameters_link_the_reply(bot: Bot, alice: SimUser) -> None:
    question = await alice.send("question")

    answer = await bot.send_message(
        1001, "answer", reply_parameters=ReplyParameters(question.message_id)
    )

    assert answer.reply_to_message.text == "question"
    assert alice.chat.last_message.reply_to is question
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(1001, "x", reply_parameters=ReplyParameters(999))


@pytest.mark.parametrize(
    ("chat_id", "kwargs", "error"),
    [
        (42, {"text": "hi"}, "Bad Request: chat not found"),
        (1001, {"text": " \n "}, "Bad Request: message text is empty"),
        (1001, {}, "Bad Request: message text is empty"),
        (1001, {"text": "x" * 4097}, "Bad Request: message is too long"),
        (1001, {"text": "😀" * 2049}, "Bad Request: message is too long"),
        (
            1001,
            {"text": "<b>x", "parse_mode": "HTML"},
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        (
            1001,
            {"text": "hi <foo>", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 3',
        ),
        (1001, {"text": "hi", "parse_mode": "Markdown"}, "Bad Request: unsupported parse_mode"),
        (
            1001,
            {"text": "hi", "reply_markup": {"inline_keyboard": [[{"text": "x"}]]}},
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
        (
            1001,
            {
                "text": "hi",
                "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": ""}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            1001,
            {
                "text": "hi",
                "reply_markup": {"inline_keyboard": [[{"text": "x", "url": "not a url"}]]},
            },
            "Bad Request: inline keyboard button URL 'not a url' is invalid: Wrong HTTP URL",
        ),
        (
            1001,
            {"text": "hi", "reply_markup": {"nothing": 1}},
            "Bad Request: can't parse reply keyboard markup JSON object",
        ),
    ],
)
async def test_send_message_rejections(
    raw: RawCaller, alice: SimUser, chat_id: int, kwargs: dict[str, object], error: str
) -> None:
    data = {"chat_id": str(chat_id)} | {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in kwargs.items()
    }

    status, body = await raw("sendMessage", data=data)

    assert (status, body) == (400, {"ok": False, "error_code": 400, "description": error})


async def test_length_counts_visible_utf16_units(bot: Bot, alice: SimUser) -> None:
    await bot.send_message(1001, "😀" * 2048)
    await bot.send_message(1001, f"<b>{'x' * 4096}</b>", parse_mode="HTML")

    assert len(alice.chat.messages) == 2


async def test_callback_data_over_64_bytes_maps_to_bad_request(bot: Bot, alice: SimUser) -> None:
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(1001, "hi", reply_markup=keyboard("ж" * 33))


@pytest.mark.parametrize(
    ("state", "error"),
    [
        ("blocked", "bot was blocked by the user"),
        ("deactivated", "user is deactivated"),
        ("started", "bot can't initiate conversation with a user"),
    ],
)
async def test_unreachable_users_are_forbidden(
    api: LocalBotApi, bot: Bot, raw: RawCaller, state: str, error: str
) -> None:
    person = api.user(1001, "Alice").person
    setattr(person, state, state != "started")

    status, body = await raw("sendMessage", data={"chat_id": "1001", "text": "hi"})

    assert (status, body["description"]) == (403, f"Forbidden: {error}")
    with pytest.raises(Forbidden):
        await bot.send_message(1001, "hi")


async def test_edit_message_text_updates_the_same_message(bot: Bot, alice: SimUser) -> None:
    sent = await bot.send_message(1001, "old", reply_markup=keyboard("A"))
    shown = alice.chat.last_message

    edited = await bot.edit_message_text("<b>new</b>", 1001, sent.message_id, parse_mode="HTML")

    assert edited.text == "new"
    assert edited.reply_markup is None
    assert (shown.text, shown.html, shown.edit_count, shown.buttons) == ("new", "<b>new</b>", 1, [])
    assert edited.edit_date is not None


async def test_edit_errors(bot: Bot, raw: RawCaller, alice: SimUser) -> None:
    sent = await bot.send_message(1001, "same", reply_markup=keyboard("A"))
    own = await alice.send("mine")

    with pytest.raises(
        BadRequest, match=r"(?i)message is not modified: specified new message content"
    ):
        await bot.edit_message_text("same", 1001, sent.message_id, reply_markup=keyboard("A"))
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", 1001, 999)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("x", 1001, own.message_id)
    status, body = await raw(
        "editMessageText", data={"chat_id": "1001", "message_id": str(sent.message_id), "text": ""}
    )
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")


async def test_edit_inline_message_just_succeeds(bot: Bot) -> None:
    assert await bot.edit_message_text("x", inline_message_id="AAA") is True
    assert await bot.edit_message_reply_markup(inline_message_id="AAA") is True


async def test_edit_reply_markup(bot: Bot, alice: SimUser) -> None:
    sent = await bot.send_message(1001, "pick", reply_markup=keyboard("A"))

    await bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=keyboard("B"))

    assert alice.chat.last_message.button_texts == [["B"]]
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=keyboard("B"))


async def test_delete_message(bot: Bot, alice: SimUser) -> None:
    sent = await bot.send_message(1001, "bye")
    shown = alice.chat.last_message

    assert await bot.delete_message(1001, sent.message_id) is True

    assert shown.deleted
    assert alice.chat.messages == []
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(1001, sent.message_id)


async def test_send_document_uploads_multipart(api: LocalBotApi, bot: Bot, alice: SimUser) -> None:
    sent = await bot.send_document(
        1001,
        b"id,name\n1,Alice\n",
        filename="export.csv",
        caption="<b>Export</b>",
        parse_mode="HTML",
    )

    document = sent.document
    assert (document.file_name, document.file_size, document.mime_type) == (
        "export.csv",
        16,
        "text/csv",
    )
    assert sent.caption == "Export"
    shown = alice.chat.last_message
    assert shown.document["file_id"] == document.file_id
    assert api.world.files[document.file_id].data == b"id,name\n1,Alice\n"
    file = await bot.get_file(document.file_id)
    assert await file.download_as_bytearray() == b"id,name\n1,Alice\n"

    again = await bot.send_document(1001, document.file_id)
    assert again.document.file_unique_id == document.file_unique_id


async def test_send_document_via_attach_uri(
    api: LocalBotApi, http: aiohttp.ClientSession, alice
) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", "1001")
    form.add_field("document", "attach://report")
    form.add_field("report", b"%PDF", filename="report.pdf", content_type="application/pdf")

    async with http.post(f"{api.base_url}{api.token}/sendDocument", data=form) as response:
        body = await response.json()

    assert body["result"]["document"]["file_name"] == "report.pdf"
    assert alice.chat.last_message.document["mime_type"] == "application/pdf"


async def test_send_document_errors(bot: Bot, alice: SimUser) -> None:
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(1001, "UNKNOWN")
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_document(1001, b"x", filename="x.txt", caption="c" * 1025)


async def test_chat_actions_are_recorded(bot: Bot, alice: SimUser) -> None:
    assert await bot.send_chat_action(1001, "typing") is True

    assert alice.chat.actions == ["typing"]
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(1001, "dancing")


async def test_get_chat(api: LocalBotApi, bot: Bot, alice: SimUser) -> None:
    api.group(-1001234, "Defenders", username="defenders")

    private = await bot.get_chat(1001)
    group = await bot.get_chat("@defenders")

    assert (private.type, private.first_name) == ("private", "Alice")
    assert (group.id, group.type, group.title) == (-1001234, "supergroup", "Defenders")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(5)


async def test_group_messages(api: LocalBotApi, bot: Bot) -> None:
    group = api.group(-5, "Small group")

    await bot.send_message(-5, "hello group")

    assert group.type == "group"
    assert group.last_message.text == "hello group"


async def test_user_who_never_started_the_bot(api: LocalBotApi, bot: Bot) -> None:
    bob = api.user(2002, "Bob", started=False)
    with pytest.raises(Forbidden, match="initiate conversation"):
        await bot.send_message(bob.id, "hi")

    await bob.send("/start")

    assert (await bot.send_message(bob.id, "welcome")).text == "welcome"
