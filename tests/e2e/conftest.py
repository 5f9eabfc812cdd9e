"""End-to-end fixtures: the real bot, polling a local Bot API server on 127.0.0.1 over HTTP,
storing in a real SQLite file.

With ``QORGAU_TEST_UPDATES=webhook`` in the environment, every bot of these tests (in this
process or as ``python -m bot run``) takes its updates by webhook instead: the local Bot API
server POSTs them to the bot's web server with the secret header. CI runs the end-to-end
tests once in each mode."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.application import serving
from bot.config import Settings
from bot.domain.roles import Role
from handlers.context import QorgauApplication
from sandbox.local_api import LocalBotApi, SimMessage, SimUser
from sandbox.network import free_port
from storage.location import DatabaseLocation
from tests.e2e.preview import Preview

ADMIN_ID = 7_365_912_001
"""The one id in BOT_ADMINS for these tests."""

WEBHOOK_SECRET = "e2e-webhook-secret_0123456789"


def webhook_mode() -> bool:
    """Whether this run's bots take updates by webhook (``QORGAU_TEST_UPDATES=webhook``)."""
    mode = os.environ.get("QORGAU_TEST_UPDATES", "polling")
    if mode not in ("polling", "webhook"):
        raise ValueError(f"QORGAU_TEST_UPDATES must be polling or webhook, got {mode!r}")
    return mode == "webhook"


def web_settings() -> dict[str, object]:
    """The web server of a test's bot: a free port on loopback, its URL, and in webhook mode
    the secret."""
    port = free_port()
    web: dict[str, object] = {
        "listen": ("127.0.0.1", port),
        "public_url": f"http://127.0.0.1:{port}",
    }
    if webhook_mode():
        web["webhook_secret"] = WEBHOOK_SECRET
    return web


@dataclass
class RunningBot:
    """A bot serving inside the test's event loop, and the world it talks to."""

    api: LocalBotApi
    application: QorgauApplication
    settings: Settings

    def user(self, user_id: int, language_code: str | None = "en") -> SimUser:
        """A person writing to the bot from Telegram with this interface language."""
        return self.api.user(user_id, first_name="Test", language_code=language_code)

    async def user_with_role(self, user_id: int, role: Role, language_code: str = "en") -> SimUser:
        """A person who has started the bot and holds ``role``."""
        user = self.user(ADMIN_ID if role is Role.ADMIN else user_id, language_code)
        await user.ask("/start")
        if role not in (Role.ADMIN, Role.SUBSCRIBER):
            await self.application.services.users.set_role(user.id, role)
        return user

    async def settled(self, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        """Wait until every update was fetched, confirmed, handled and dropped from the inbox,
        and SQLite's WAL wiped of it."""
        await self.api.wait_until(self.api.confirmed_all_updates, timeout=timeout)
        services = self.application.services
        deadline = asyncio.get_running_loop().time() + timeout
        while await services.inbox.size() or services.db.wipe_pending:
            if services.db.wipe_pending and not await services.inbox.size():
                await services.db.wipe()
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("updates are still in the inbox")
            await asyncio.sleep(0.02)

    async def readers(self, count: int, first_id: int = 20_000) -> list[SimUser]:
        """``count`` people who started the bot, their languages in turn ru, kk, en."""
        readers = []
        for index in range(count):
            reader = self.user(first_id + index, ("ru", "kk", "en")[index % 3])
            await reader.ask("/start")
            readers.append(reader)
        return readers


async def message_starting(api: LocalBotApi, user: SimUser, heading: str) -> SimMessage:
    """Wait for the bot's message in ``user``'s chat that starts with ``heading``."""

    def found() -> SimMessage | None:
        return next((m for m in user.chat.bot_messages if m.text.startswith(heading)), None)

    await api.wait_until(lambda: found() is not None, timeout=20)
    message = found()
    assert message is not None
    return message


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(token="123456:TEST-TOKEN", bot_username="qorgau_test_bot") as server:
        yield server


@pytest.fixture
def settings(
    api: LocalBotApi, new_database: Callable[..., DatabaseLocation], tmp_path: Path
) -> Settings:
    return Settings(
        token=api.token,
        api_base_url=api.base_url,
        database=new_database("var/bot.sqlite3"),
        admins=frozenset({ADMIN_ID}),
        **web_settings(),  # type: ignore[arg-type]
    )


PREVIEW = Preview()
"""Every text the bot shows in these tests, per language: artifacts/preview/ (README.md,
"Translating")."""


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the preview of the texts the tests made the bot show, when the tour of the bot
    (test_tour.py) was among them: a run of a few other tests leaves the last preview as it
    was rather than replace it with a few texts."""
    if PREVIEW.toured():
        list(PREVIEW.write())


@pytest.fixture
async def bot(
    api: LocalBotApi, settings: Settings, request: pytest.FixtureRequest
) -> AsyncIterator[RunningBot]:
    """The bot serving in this test's event loop until the test ends."""
    async with serving(settings) as application:
        yield RunningBot(api=api, application=application, settings=settings)
        users = application.services.users
        locales = {
            chat_id: record.locale
            for chat_id in api.world.chats
            if (record := await users.get(chat_id)) is not None
        }
    PREVIEW.gather(request.node.nodeid, api.world, locales)
    loose = [
        message.text
        for chat in api.world.chats.values()
        for message in chat.bot_messages
        if "\n\n\n" in (message.text or "")
    ]
    assert not loose, f"messages with more than one blank line in a row: {loose}"
