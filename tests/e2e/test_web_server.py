"""The bot's own web server: /healthz, /metrics, security headers, and the webhook refusing
whatever does not carry the secret or is not an update."""

from __future__ import annotations

import dataclasses
import io
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.application import serving
from bot.config import Settings
from sandbox.local_api import LocalBotApi
from sandbox.network import free_port
from tests.e2e.conftest import WEBHOOK_SECRET, RunningBot
from tests.e2e.processes import bot_process, environment, run_cli


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def base(bot: RunningBot) -> str:
    assert bot.application.web_url is not None
    return bot.application.web_url


async def test_healthz_reports_each_check(bot: RunningBot, http: aiohttp.ClientSession) -> None:
    async with http.get(base(bot) + "/healthz") as response:
        assert response.status == 200
        body = await response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "updates": True,
        "delivery": True,
    }
    mode = "webhook" if bot.settings.webhook_mode else "polling"
    assert body["checks"]["updates"]["mode"] == mode


async def test_healthz_fails_when_the_delivery_engine_is_stuck(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    bot.application.services.delivery.last_round -= 3600
    async with http.get(base(bot) + "/healthz") as response:
        assert response.status == 503
        body = await response.json()
    assert body["status"] == "failing"
    assert body["checks"]["delivery"]["ok"] is False


async def test_metrics_count_without_naming_anyone(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    reader = bot.user(5_550_001, "ru")
    await reader.ask("/start")
    await reader.ask("/case Бокаев")
    async with http.get(base(bot) + "/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    assert 'qorgau_updates_total{kind="message"}' in text
    assert "qorgau_update_duration_seconds_count" in text
    assert 'qorgau_replies_total{method="sendMessage"}' in text
    assert 'qorgau_outbox_messages{state="pending"}' in text
    for metric in ("qorgau_reminders_due", "qorgau_signatures_stored", "qorgau_sends_total"):
        assert metric in text
    assert "5550001" not in text and "Бокаев" not in text and "%D0" not in text


async def test_every_answer_carries_the_security_headers(
    bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    for path in ("/healthz", "/metrics", "/no-such-page"):
        async with http.get(base(bot) + path) as response:
            policy = response.headers["Content-Security-Policy"]
            assert "frame-ancestors 'self' https://web.telegram.org" in policy
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.fixture
async def webhook_bot(api: LocalBotApi, settings: Settings) -> AsyncIterator[RunningBot]:
    """A bot in webhook mode, whatever this run's mode."""
    port = free_port()
    settings = dataclasses.replace(
        settings,
        listen=("127.0.0.1", port),
        public_url=f"http://127.0.0.1:{port}",
        webhook_secret=WEBHOOK_SECRET,
    )
    async with serving(settings) as application:
        yield RunningBot(api=api, application=application, settings=settings)


def an_update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Test"},
            "from": user,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_the_bot_sets_its_webhook_with_the_secret_and_answers_through_it(
    webhook_bot: RunningBot,
) -> None:
    api = webhook_bot.api
    assert api.webhook is not None
    assert api.webhook.url == webhook_bot.settings.public_url + "/telegram/webhook"
    assert api.webhook.secret_token == WEBHOOK_SECRET
    reply = await webhook_bot.user(5_550_002).ask("/start")
    assert "Qorgau" in reply.text
    assert api.webhook_pusher.delivered >= 1
    info = await webhook_bot.application.bot.get_webhook_info()
    assert info.pending_update_count == 0 and info.last_error_message is None


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({}, "update", 401),
        ({"X-Telegram-Bot-Api-Secret-Token": "wrong-secret-1234"}, "update", 401),
        ({"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET[:-1]}, "update", 401),
        ({"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}, "{not json", 400),
        ({"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}, "[1, 2]", 400),
        ({"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}, '{"update_id": "1"}', 400),
        ({"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}, "[" * 100_000, 400),
        ({"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}, "utf-16", 400),
        ({"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}, "huge", 413),
    ],
)
async def test_the_webhook_refuses_requests_without_the_secret_or_an_update(
    webhook_bot: RunningBot,
    http: aiohttp.ClientSession,
    headers: dict[str, str],
    body: str,
    status: int,
) -> None:
    intruder = webhook_bot.user(5_550_003)
    payload = body.encode()
    if body == "update":
        payload = json.dumps(an_update(900_001, intruder.id, "/start")).encode()
    elif body == "utf-16":  # Telegram sends UTF-8
        payload = json.dumps(an_update(900_003, intruder.id, "/start")).encode("utf-16")
    elif body == "huge":
        payload = json.dumps(an_update(900_002, intruder.id, "/start" + " x" * 600_000)).encode()
    url = base(webhook_bot) + "/telegram/webhook"
    async with http.post(url, data=io.BytesIO(payload), headers=headers) as response:
        assert response.status == status
    await webhook_bot.user(5_550_004).ask("/start")  # handled after anything sent before
    assert intruder.chat.bot_messages == []
    assert await webhook_bot.application.services.users.get(intruder.id) is None


async def test_the_webhook_takes_only_posts(
    webhook_bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    async with http.get(base(webhook_bot) + "/telegram/webhook") as response:
        assert response.status == 405


async def test_polling_mode_has_no_webhook_route(
    api: LocalBotApi, settings: Settings, http: aiohttp.ClientSession
) -> None:
    settings = dataclasses.replace(settings, webhook_secret=None)
    async with serving(settings) as application:
        assert application.web_url is not None
        async with http.post(application.web_url + "/telegram/webhook", data=b"{}") as response:
            assert response.status == 404
    assert api.webhook is None


async def test_a_port_in_use_is_one_clear_line(api: LocalBotApi, tmp_path: Path) -> None:
    env = environment(api, tmp_path / "bot.sqlite3")
    async with bot_process(api, tmp_path / "bot.sqlite3"):
        database = tmp_path / "other.sqlite3"
        code, _, stderr = await run_cli("run", env={**env, "BOT_DATABASE": str(database)})
    assert code == 2, stderr
    last = stderr.splitlines()[-1]
    assert last == f"BOT_LISTEN {env['BOT_LISTEN']} cannot be used: Address already in use"
    assert "Traceback" not in stderr


async def test_health_asks_healthz(api: LocalBotApi, tmp_path: Path) -> None:
    env = environment(api, tmp_path / "bot.sqlite3")
    code, stdout, _ = await run_cli("health", env=env)
    assert code == 1 and stdout.startswith("unhealthy: no answer from http://127.0.0.1:")
    async with bot_process(api, tmp_path / "bot.sqlite3"):
        assert await run_cli("health", env=env) == (0, "healthy\n", "")
    assert os.environ.get("BOT_LISTEN") is None  # the test's own environment is untouched


async def test_the_webhook_stores_each_update_before_it_answers(
    webhook_bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    """Stored in the inbox, once, then handled: a delivery retried by Telegram is one update."""
    user = webhook_bot.user(5_550_010)
    body = json.dumps(an_update(900_010, user.id, "/start"))
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    url = base(webhook_bot) + "/telegram/webhook"
    for _ in range(2):
        async with http.post(url, data=body, headers=headers) as response:
            assert response.status == 200
    await webhook_bot.settled()
    assert len(user.chat.bot_messages) == 1


async def test_the_active_instance_handles_what_another_instance_stored(
    webhook_bot: RunningBot,
) -> None:
    """A standing-by instance's web server stores what it is sent; the active one's pump finds
    it in the inbox within a second, without being woken."""
    user = webhook_bot.user(5_550_011)
    inbox = webhook_bot.application.services.inbox
    assert await inbox.accept(900_011, json.dumps(an_update(900_011, user.id, "/start")))
    await user.wait_for_replies(1, timeout=5)


async def test_a_standing_by_instance_is_healthy_and_stores_webhook_updates(
    webhook_bot: RunningBot, http: aiohttp.ClientSession
) -> None:
    application = webhook_bot.application
    active_poller = application.poller
    application.role = lambda: "standby"  # as the lease's task says when another is active
    application.poller = None  # nothing to wake here: the active one looks by itself
    try:
        async with http.get(base(webhook_bot) + "/healthz") as response:
            assert response.status == 200
            body = await response.json()
        assert body["role"] == "standby" and body["checks"]["delivery"] == {
            "ok": True,
            "standby": True,
        }
        user = webhook_bot.user(5_550_012)
        headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        update = json.dumps(an_update(900_012, user.id, "/start"))
        async with http.post(
            base(webhook_bot) + "/telegram/webhook", data=update, headers=headers
        ) as response:
            assert response.status == 200
    finally:
        application.role = lambda: "active"
        application.poller = active_poller
    await user.wait_for_replies(1, timeout=5)
