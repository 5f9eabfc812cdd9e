"""getUpdates semantics: offsets, limits, long polling, filters, webhooks, conflicts."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot
from telegram.error import BadRequest, Conflict

from sandbox.local_api import LocalBotApi

from .rawhttp import RawCaller


async def _queue_texts(api: LocalBotApi, *texts: str) -> None:
    alice = api.user(1001, "Alice", language_code="ru")
    for text in texts:
        await alice.send(text)


async def test_updates_are_kept_until_an_offset_confirms_them(api: LocalBotApi, bot: Bot) -> None:
    await _queue_texts(api, "one", "two", "three")

    first = await bot.get_updates()
    again = await bot.get_updates()
    after_confirm = await bot.get_updates(offset=first[1].update_id + 1)

    assert [update.message.text for update in first] == ["one", "two", "three"]
    assert [update.update_id for update in again] == [update.update_id for update in first]
    assert [update.message.text for update in after_confirm] == ["three"]
    assert api.pending_updates == 1
    assert not api.confirmed_all_updates()

    await bot.get_updates(offset=after_confirm[0].update_id + 1)

    assert api.confirmed_all_updates()


async def test_limit_and_negative_offset(api: LocalBotApi, bot: Bot) -> None:
    await _queue_texts(api, "a", "b", "c", "d")

    limited = await bot.get_updates(limit=2)
    last_two = await bot.get_updates(offset=-2)

    assert [update.message.text for update in limited] == ["a", "b"]
    assert [update.message.text for update in last_two] == ["c", "d"]
    assert api.pending_updates == 2


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: LocalBotApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_until(lambda: api.world.updates.poll_generation == 1)
    started = time.monotonic()

    await _queue_texts(api, "wake up")
    updates = await poll

    assert [update.message.text for update in updates] == ["wake up"]
    assert time.monotonic() - started < 1


async def test_long_poll_times_out_empty(raw: RawCaller) -> None:
    started = time.monotonic()

    status, body = await raw("getUpdates", data={"timeout": "0.2"})

    assert (status, body) == (200, {"ok": True, "result": []})
    assert 0.15 < time.monotonic() - started < 1


async def test_allowed_updates_filters_new_updates(api: LocalBotApi, bot: Bot) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    await _queue_texts(api, "ignored")

    assert await bot.get_updates() == ()

    await bot.get_updates(allowed_updates=[])
    await _queue_texts(api, "seen")

    assert [update.message.text for update in await bot.get_updates()] == ["seen"]


async def test_webhook_blocks_get_updates(api: LocalBotApi, bot: Bot) -> None:
    await _queue_texts(api, "pending")
    await bot.set_webhook("https://example.com/hook", max_connections=5)

    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.max_connections) == (
        "https://example.com/hook",
        1,
        5,
    )
    assert api.webhook is not None

    await bot.delete_webhook(drop_pending_updates=True)

    assert await bot.get_updates() == ()
    assert (await bot.get_webhook_info()).url == ""


async def test_webhook_needs_https(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
        await bot.set_webhook("http://example.com/hook")


async def test_second_poll_terminates_the_first(raw: RawCaller, bot: Bot) -> None:
    api = raw.api
    first = asyncio.create_task(raw("getUpdates", data={"timeout": "5"}))
    await api.wait_until(lambda: api.world.updates.poll_generation == 1)

    second = await bot.get_updates(timeout=0)

    assert second == ()
    status, body = await first
    assert status == 409
    assert body["description"] == (
        "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running"
    )


async def test_stopping_the_server_ends_long_polls(raw: RawCaller) -> None:
    api = raw.api
    poll = asyncio.create_task(raw("getUpdates", data={"timeout": "30"}))
    await api.wait_until(lambda: api.world.updates.poll_generation == 1)

    await api.stop()

    assert await asyncio.wait_for(poll, 2) == (200, {"ok": True, "result": []})
