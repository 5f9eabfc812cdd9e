"""The HTTP contract: routing, parameter encodings, the response envelope, the call log."""

from __future__ import annotations

import aiohttp
import pytest
from telegram import Bot
from telegram.error import EndPointNotFound, InvalidToken

from sandbox.local_api import LocalBotApi
from sandbox.local_api.methods import METHODS, Method

from .rawhttp import RawCaller


async def test_get_me_through_ptb(bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.is_bot) == (123456, "qorgau_test_bot", True)


async def test_wrong_token_is_unauthorized(api: LocalBotApi, raw: RawCaller) -> None:
    status, body = await raw("getMe", token="999:WRONG")

    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=api.base_url):
            pass


async def test_unknown_method_is_not_found(bot: Bot, raw: RawCaller) -> None:
    status, body = await raw("sendTelepathy")

    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")


async def test_other_paths_are_not_found(api: LocalBotApi, http: aiohttp.ClientSession) -> None:
    async with http.get(f"http://127.0.0.1:{api.port}/nothing") as response:
        assert response.status == 404


async def test_method_names_ignore_case_and_get_with_query_works(
    api: LocalBotApi, raw: RawCaller
) -> None:
    api.user(1001, "Alice")

    status, body = await raw(
        "SENDMESSAGE", http_method="GET", params={"chat_id": "1001", "text": "hi"}
    )

    assert status == 200
    assert body["ok"] is True
    assert body["result"]["text"] == "hi"
    assert [call.method for call in api.log] == ["sendMessage"]


async def test_json_body_is_accepted(api: LocalBotApi, raw: RawCaller) -> None:
    api.user(1001, "Alice")
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}

    status, body = await raw(
        "sendMessage", json={"chat_id": 1001, "text": "hi", "reply_markup": markup}
    )

    assert status == 200
    assert body["result"]["reply_markup"] == markup


async def test_text_params_are_not_json_decoded(api: LocalBotApi, bot: Bot) -> None:
    api.user(1001, "Alice")

    for text in ("42", "true", '{"a": 1}', "null"):
        message = await bot.send_message(1001, text)
        assert message.text == text


async def test_log_records_method_params_and_status(api: LocalBotApi, bot: Bot) -> None:
    api.user(1001, "Alice")
    api.log.clear()

    await bot.send_message(1001, "hello")
    with pytest.raises(Exception, match="Chat not found"):
        await bot.send_message(42, "nobody")

    calls = api.log.calls("sendmessage")
    assert [(call.params["chat_id"], call.status) for call in calls] == [("1001", 200), ("42", 400)]
    assert calls[0].params["text"] == "hello"


async def test_log_can_be_switched_off() -> None:
    async with LocalBotApi(record_calls=False) as api:
        async with Bot(api.token, base_url=api.base_url) as bot:
            await bot.get_me()
        assert len(api.log) == 0


async def test_log_is_bounded() -> None:
    async with LocalBotApi(log_size=2) as api:
        async with Bot(api.token, base_url=api.base_url) as bot:
            for _ in range(3):
                await bot.get_me()
        assert len(api.log) == 2


async def test_server_bug_answers_500_and_fails_the_context(
    raw: RawCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(world: object, params: object) -> None:
        raise ZeroDivisionError("bug")

    monkeypatch.setitem(METHODS, "close", Method("close", broken, False))
    api = raw.api

    status, body = await raw("close")

    assert status == 500
    assert body["error_code"] == 500
    assert isinstance(api.internal_errors[0], ZeroDivisionError)
    api.internal_errors.clear()


async def test_internal_errors_raise_on_exit(
    monkeypatch: pytest.MonkeyPatch, http: aiohttp.ClientSession
) -> None:
    def broken(world: object, params: object) -> None:
        raise ZeroDivisionError("bug")

    monkeypatch.setitem(METHODS, "close", Method("close", broken, False))
    with pytest.raises(RuntimeError, match="failed internally"):
        async with (
            LocalBotApi() as api,
            http.post(f"{api.base_url}{api.token}/close") as response,
        ):
            assert response.status == 500


async def test_a_method_can_be_made_unknown(api: LocalBotApi, bot: Bot, raw: RawCaller) -> None:
    api.unknown_methods.add("setMyDescription")
    status, body = await raw("setMyDescription", json={"description": "x"})
    assert (status, body["description"]) == (404, "Not Found")
    assert await bot.set_my_short_description("still known")
    api.unknown_methods.clear()
    assert await bot.set_my_description("known again")
