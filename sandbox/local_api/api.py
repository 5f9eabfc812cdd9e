"""LocalBotApi: the local Bot API server and the test side's handle on its world."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, cast
from urllib.parse import quote

from aiohttp import web

from bot.domain.web_app import sign_init_data, user_fields

from .calllog import CallLog
from .faults import Faults, Outage
from .flood import FloodControl, FloodLimits
from .methods.profile import scope_key
from .model import CallbackAnswer, InlineAnswer, Person, SimChat
from .server import BotApiHttp
from .simulation import DEFAULT_TIMEOUT, SimUser
from .state import Webhook, World
from .webhooks import WebhookPusher

SHUTDOWN_TIMEOUT = 1.0


class LocalBotApi:
    """A Telegram Bot API on 127.0.0.1 backed by a simulated world.

    Use as ``async with LocalBotApi() as api:`` and point PTB at it with
    ``ApplicationBuilder().token(api.token).base_url(api.base_url)``.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_username: str = "qorgau_test_bot",
        bot_name: str = "Qorgau",
        host: str = "127.0.0.1",
        port: int = 0,
        flood: FloodLimits | None = None,
        record_calls: bool = True,
        log_size: int | None = 10_000,
    ) -> None:
        self.world = World(token, bot_username, bot_name)
        self.world.flood.limits = flood
        self.log = CallLog(log_size, enabled=record_calls)
        self._http = BotApiHttp(self.world, self.log)
        self._host = host
        self._port = port
        self._runner: web.ServerRunner | None = None
        self._users: dict[int, SimUser] = {}
        self.webhook_pusher = WebhookPusher(self.world)
        """Posts updates to the bot's webhook once one is set."""

    async def start(self) -> None:
        """Bind the HTTP server (port 0 picks a free port)."""
        self.world.closing = False
        runner = web.ServerRunner(self._http.make_server(), shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        await web.TCPSite(runner, self._host, self._port).start()
        self._port = runner.addresses[0][1]
        self._runner = runner
        self.webhook_pusher.start()

    async def stop(self) -> None:
        """End pending long polls and close the server."""
        self.world.closing = True
        self.world.touch()
        await self.webhook_pusher.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
        if exc_type is None and self.internal_errors:
            raise RuntimeError("the local Bot API failed internally") from self.internal_errors[0]

    @property
    def token(self) -> str:
        """The only token the server accepts."""
        return self.world.token

    @property
    def port(self) -> int:
        """The bound TCP port."""
        return self._port

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url`` / ``Bot(base_url=...)``."""
        return f"http://{self._host}:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url`` / ``Bot(base_file_url=...)``."""
        return f"http://{self._host}:{self._port}/file/bot"

    @property
    def bot(self) -> Person:
        """The bot's own user."""
        return self.world.bot

    @property
    def internal_errors(self) -> list[Exception]:
        """Exceptions raised by the server's own code (answered as HTTP 500)."""
        return self._http.internal_errors

    @property
    def flood(self) -> FloodLimits | None:
        """Current flood limits (None: unlimited); assignable at any time."""
        return self.world.flood.limits

    @flood.setter
    def flood(self, limits: FloodLimits | None) -> None:
        self.world.flood.limits = limits

    @property
    def flood_control(self) -> FloodControl:
        """Accepted sends and 429 refusals with their monotonic times."""
        return self.world.flood

    @property
    def outage(self) -> Outage | None:
        """The injected outage in force (None: all is well); assignable at any time."""
        return self.world.faults.outage

    @outage.setter
    def outage(self, outage: Outage | None) -> None:
        self.world.faults.outage = outage

    @property
    def faults(self) -> Faults:
        """The calls the injected outages struck, with their monotonic times."""
        return self.world.faults

    @property
    def unknown_methods(self) -> set[str]:
        """Methods (by their canonical names, e.g. ``setMyDescription``) this server answers
        404 Not Found, as a Bot API server that lacks them would; add or remove at any time."""
        return self.world.unknown_methods

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        started: bool = True,
    ) -> SimUser:
        """The simulated user with this id, created on first use with its private chat.

        ``started=False`` models a user who never opened the bot: sends to them get 403.
        """
        if user_id not in self._users:
            person = Person(
                user_id,
                first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
                started=started,
            )
            self.world.add_person(person)
            self._users[user_id] = SimUser(self.world, person)
        return self._users[user_id]

    def group(self, chat_id: int, title: str = "Group", *, username: str | None = None) -> SimChat:
        """A group chat (supergroup for -100… ids), created on first use."""
        if chat_id in self.world.chats:
            return self.world.chats[chat_id]
        return self.world.add_group(chat_id, title, username)

    def chat(self, chat_id: int) -> SimChat:
        """A known chat; its ``messages`` are what it currently shows."""
        return self.world.chats[chat_id]

    async def wait_until(
        self,
        predicate: Callable[[], object],
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> None:
        """Wait until predicate() holds, re-checking on every change of the world."""
        if not await self.world.changed.wait_for(predicate, timeout):
            raise TimeoutError(f"condition not met within {timeout}s")

    @property
    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet."""
        return len(self.world.updates)

    @property
    def polls_received(self) -> int:
        """getUpdates requests received so far, counted when they arrive (not when they end)."""
        return self.world.updates.poll_generation

    def confirmed_all_updates(self) -> bool:
        """Whether the bot fetched and confirmed every queued update."""
        return not self.world.updates

    @property
    def sent_count(self) -> int:
        """Messages the bot has sent so far (accepted sends)."""
        return self.world.bot_sends

    def commands(
        self, language_code: str = "", scope: dict[str, Any] | None = None
    ) -> list[dict[str, str]]:
        """Commands set for exactly this scope (default scope if None) and language."""
        return self.world.settings.commands.get((scope_key(scope), language_code), [])

    def description(self, language_code: str = "") -> str:
        """The description set for exactly this language ("" if none)."""
        return self.world.settings.descriptions.get(language_code, "")

    def short_description(self, language_code: str = "") -> str:
        """The short description set for exactly this language ("" if none)."""
        return self.world.settings.short_descriptions.get(language_code, "")

    def name(self, language_code: str = "") -> str | None:
        """The name set for exactly this language (None if none)."""
        return self.world.settings.names.get(language_code)

    def menu_button(self, chat_id: int | None = None) -> dict[str, Any] | None:
        """The menu button set for a chat (None: the default one)."""
        return self.world.settings.menu_buttons.get(chat_id)

    @property
    def webhook(self) -> Webhook | None:
        """The webhook the bot set, if any."""
        return self.world.settings.webhook

    @property
    def webhooks_set(self) -> int:
        """How many times the bot set a webhook (each start in webhook mode sets it)."""
        return self.world.settings.webhooks_set

    def web_app_url(
        self,
        url: str,
        user_id: int,
        language_code: str | None = None,
        theme: dict[str, str] | None = None,
        platform: str = "web",
    ) -> str:
        """``url`` as Telegram opens a Mini App for ``user_id`` now: the launch data signed
        with the bot's token, and the theme, in the fragment (``#tgWebAppData=…``)."""
        init_data = sign_init_data(
            self.token, user_fields(user_id, language_code, int(time.time()))
        )
        fragment = f"tgWebAppData={quote(init_data)}&tgWebAppVersion=8.0"
        fragment += f"&tgWebAppPlatform={platform}"
        if theme is not None:
            fragment += "&tgWebAppThemeParams=" + quote(json.dumps(theme))
        return f"{url}#{fragment}"

    def callback_answer(self, query_id: str) -> CallbackAnswer | None:
        """The bot's answer to a callback query, once given."""
        return self.world.callback_queries[query_id]

    async def wait_inline_answer(
        self,
        query_id: str,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> InlineAnswer:
        """Wait for the bot's answer to an inline query."""
        answers = self.world.inline_queries
        await self.wait_until(lambda: answers[query_id], timeout)
        return cast(InlineAnswer, answers[query_id])
