"""The delivery engine's aiohttp client: real requests, uploads, and which errors mean
"never sent" (retry) versus "maybe delivered" (fate unknown)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from bot.delivery.http import AiohttpRequest
from sandbox.local_api import LocalBotApi


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(token="123456:TEST") as server:
        yield server


async def test_messages_and_uploads_go_through(api: LocalBotApi) -> None:
    user = api.user(42, language_code="en")
    async with Bot(api.token, base_url=api.base_url, request=AiohttpRequest(4)) as bot:
        message = await bot.send_message(42, "<b>hello</b>", parse_mode="HTML")
        document = await bot.send_document(
            42, InputFile(b"signatures", filename="list.txt"), caption="the list"
        )
    assert message.text == "hello"
    assert document.document is not None and document.document.file_name == "list.txt"
    shown = user.chat.bot_messages
    assert shown[0].html == "<b>hello</b>"
    assert shown[1].document is not None and shown[1].caption == "the list"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_refused_connection_was_never_sent() -> None:
    request = AiohttpRequest(1, timeout=1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.do_request(f"http://127.0.0.1:{_closed_port()}/bot1:x/getMe", "POST")
        assert not isinstance(raised.value, TimedOut)
    finally:
        await request.shutdown()


async def test_no_answer_in_time_means_the_fate_is_unknown() -> None:
    async def silent(request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.Response()

    app = web.Application()
    app.router.add_post("/{tail:.*}", silent)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    request = AiohttpRequest(1, timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"http://127.0.0.1:{port}/bot1:x/sendMessage", "POST")
    finally:
        await request.shutdown()
        await runner.cleanup()
