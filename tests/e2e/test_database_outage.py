"""The database going away while the bot runs (issue 15, "Bad input and faults"): in long
polling Telegram keeps the updates the bot could not store; once PostgreSQL is back, the bot
resumes alone, and nothing sent meanwhile is lost."""

from __future__ import annotations

import asyncio

import pytest

from sandbox.local_api import LocalBotApi
from sandbox.postgres import Cluster
from tests.e2e.conftest import webhook_mode
from tests.e2e.processes import bot_process

pytestmark = pytest.mark.postgresql_only

AWAY = 10.0
"""Seconds the database is away: longer than the lease (5 s), so the bot stops acting."""


@pytest.mark.skipif(webhook_mode(), reason="long polling: Telegram keeps what is not taken")
async def test_the_bot_resumes_alone_after_the_database_was_away(api: LocalBotApi) -> None:
    cluster = Cluster()  # its own, to stop and start again
    url = await asyncio.to_thread(cluster.start)
    try:
        async with bot_process(api, url) as process:
            user = api.user(930, language_code="en")
            assert "Qorgau" in (await user.ask("/start", timeout=10)).text
            await asyncio.to_thread(cluster.pause)
            await user.send("/help")  # while the database is away
            await asyncio.sleep(AWAY)
            await asyncio.to_thread(cluster.resume)
            (answer,) = await user.wait_for_replies(1, timeout=30)
            assert "/start" in answer.text or "/case" in answer.text
            assert "Qorgau" in (await user.ask("/start", timeout=10)).text
            assert process.returncode is None
            process.terminate()
            _, stderr = await asyncio.wait_for(process.communicate(), 20)
        log = stderr.decode()
        assert "Traceback" not in log, log
        assert cluster.password not in log
    finally:
        await asyncio.to_thread(cluster.stop)
