"""answerCallbackQuery and answerInlineQuery: validation and what the test side sees."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResultArticle
from telegram import InputTextMessageContent as TextContent
from telegram.error import BadRequest

from sandbox.local_api import CallbackAnswer, LocalBotApi


def article(
    result_id: str, text: str = "text", parse_mode: str | None = None
) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(result_id, f"title {result_id}", TextContent(text, parse_mode))


async def test_callback_query_is_answered_once(api: LocalBotApi, bot: Bot) -> None:
    alice = api.user(1001, "Alice")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    await bot.send_message(1001, "confirm?", reply_markup=markup)
    press = await alice.press(alice.chat.last_message, "OK")

    assert await bot.answer_callback_query(press.id, "Done", show_alert=True) is True

    assert press.answer == CallbackAnswer("Done", True, None, None)
    assert api.callback_answer(press.id) == press.answer
    with pytest.raises(BadRequest, match=r"(?i)query is too old and response timeout expired"):
        await bot.answer_callback_query(press.id)
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_callback_query("unknown")


async def test_inline_query_answer_is_recorded(api: LocalBotApi, bot: Bot) -> None:
    query = await api.user(1001, "Alice").inline_query("yerim", offset="10")

    await bot.answer_inline_query(
        query.id, [article("1"), article("2")], next_offset="20", cache_time=0, is_personal=True
    )
    answer = await api.wait_inline_answer(query.id)

    assert [result["id"] for result in answer.results] == ["1", "2"]
    assert (answer.next_offset, answer.cache_time, answer.is_personal) == ("20", 0, True)
    assert await query.wait_answer() is answer
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(query.id, [])


@pytest.mark.parametrize(
    ("results", "error"),
    [
        ([article("same"), article("same")], "RESULT_ID_DUPLICATE"),
        ([article(str(number)) for number in range(51)], "RESULTS_TOO_MUCH"),
        ([article("1", "<b>broken", "HTML")], "can't parse entities"),
    ],
)
async def test_inline_answer_rejections(
    api: LocalBotApi, bot: Bot, results: list[InlineQueryResultArticle], error: str
) -> None:
    query = await api.user(1001, "Alice").inline_query("q")

    with pytest.raises(BadRequest, match=rf"(?i){error}"):
        await bot.answer_inline_query(query.id, results)
    assert query.answer is None
