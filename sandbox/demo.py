"""``python -m bot demo``: chat with the real bot in this terminal, with no token and no network.

The demo starts the local Bot API server (``sandbox/local_api``) on 127.0.0.1 with a throwaway
token, serves the bot against it and plays a Telegram user whose messages are the lines typed
in the terminal (or piped in: translators can script previews). The bot's replies are printed
as the user would read them, inline buttons numbered; typing a number presses one.

Database: the demo keeps its data in ``demo.sqlite3`` beside ``BOT_DATABASE`` (so by default
``var/demo.sqlite3``), never in the bot's own database: running the demo on a server cannot mix
demo users into real ones nor fake the real bot's heartbeat. Delete the file to start afresh.

The demo user (id ``DEMO_USER_ID``) is the only administrator, so admin commands can be tried.
The demo prints a link that opens the coordinators' console in a browser on this machine as
that administrator (launch data signed locally, as Telegram signs it); ``:console`` prints a
fresh one for whoever is typing.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import secrets
import signal
import sys
import textwrap
import threading
from typing import Any

from bot.application import serving
from bot.config import Settings
from bot.logs import configure_logging
from sandbox.local_api import LocalBotApi, SimMessage, SimUser
from sandbox.network import free_port

DEMO_USER_ID = 1_000_001
"""The user the demo starts as; the administrator."""

DEMO_BOT_ID = 100_200_300
DEMO_DATABASE_NAME = "demo.sqlite3"
STARTUP_TIMEOUT = 10.0
QUIET = 0.3
"""Seconds without any change on the server after which the bot is taken to have answered."""
SETTLE_LIMIT = 5.0
"""Seconds at most to wait for the bot's answers to one action."""

HELP = """\
  :console     print a link that opens the console in a browser here, as this user
  :lang CODE   set your Telegram language (en, ru, kk; others fall back to the default)
  :user ID     become another user (only the first one, {admin}, is an administrator)
  :send TEXT   send TEXT as it is (a number, or a line starting with ':')
  :help        show this help
  :quit        stop (so do Ctrl-D and Ctrl-C)"""

BANNER = f"""\
Qorgau demo: the real bot, talking to a local Bot API server on 127.0.0.1 (no Telegram, no
network). Each line you type is a message from you to the bot; a number presses that button of
the latest message with buttons.
{HELP.format(admin=DEMO_USER_ID)}
Type /start to begin."""


class DemoChat:
    """The person at the terminal, as one simulated Telegram user at a time."""

    def __init__(self, api: LocalBotApi, lines: asyncio.Queue[str | None]) -> None:
        self.api = api
        self.lines = lines
        self.language = "en"
        self.user = self._become(DEMO_USER_ID)
        self.seen_tick = api.world.tick
        self.interactive = sys.stdin.isatty()
        self.console_url: str | None = None

    @property
    def prompt(self) -> str:
        """Who is typing, in which Telegram language."""
        return f"{self.user.id} ({self.language})> "

    async def run(self) -> None:
        """Act on each line until :quit or the end of the input."""
        while True:
            if self.interactive:
                print(self.prompt, end="", flush=True)
            line = await self.lines.get()
            if line is None:
                if self.interactive:
                    print()
                return
            if not self.interactive:
                print(self.prompt + line)
            if not await self.handle(line.strip()):
                return

    async def handle(self, line: str) -> bool:
        """Act on one line; False to quit."""
        if line.startswith(":"):
            return await self._meta(*line[1:].split(maxsplit=1))
        if line.isdigit() and (target := self._button(int(line))) is not None:
            await self._press(*target)
        elif line:
            await self._send(line)
        return True

    async def _meta(self, command: str = "", argument: str = "") -> bool:
        if command == "quit":
            return False
        if command == "lang" and argument and " " not in argument:
            self.language = self.user.language_code = argument
        elif command == "user" and argument.isdigit() and int(argument) > 0:
            self.user = self._become(int(argument))
        elif command == "send" and argument:
            await self._send(argument)
        elif command == "console":
            print(self.console_link())
        else:
            print(HELP.format(admin=DEMO_USER_ID))
        return True

    def console_link(self) -> str:
        """The console, opened as Telegram would open it for the current user."""
        url = self.console_url
        if url is None:
            return "(the console needs the bot's web server)"
        link = self.api.web_app_url(url, self.user.id, self.language)
        return f"console of {self.user.id} (valid for an hour; :console for a fresh one):\n  {link}"

    def _become(self, user_id: int) -> SimUser:
        user = self.api.user(user_id, "Demo")
        user.language_code = self.language
        return user

    async def _send(self, text: str) -> None:
        await self.user.send(text)
        await self._settle()
        self._print_news()

    def _button(self, number: int) -> tuple[SimMessage, dict[str, Any]] | None:
        """The numbered button of the latest message with buttons, if there is one."""
        message = next((m for m in reversed(self.user.chat.bot_messages) if m.buttons), None)
        buttons = [button for row in message.buttons for button in row] if message else []
        if message is None or not 1 <= number <= len(buttons):
            return None
        return message, buttons[number - 1]

    async def _press(self, message: SimMessage, button: dict[str, Any]) -> None:
        if "callback_data" not in button:
            print(f"({button['text']} opens {button.get('url', 'nothing in the demo')})")
            return
        callback = await self.user.press(message, callback_data=button["callback_data"])
        await self._settle()
        self._print_news()
        if callback.answer is not None and callback.answer.text:
            print(f"bot (notice): {callback.answer.text}")

    async def _settle(self) -> None:
        """Wait until the bot took the update and nothing changed for QUIET seconds."""
        world = self.api.world
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_LIMIT
        with contextlib.suppress(TimeoutError):
            await self.api.wait_until(self.api.confirmed_all_updates, SETTLE_LIMIT)
            while (remaining := deadline - loop.time()) > 0:
                await self.api.wait_until(
                    lambda tick=world.tick: world.tick != tick, min(QUIET, remaining)
                )

    def _print_news(self) -> None:
        """Print the bot's messages and edits since the last call, in every chat."""
        since, self.seen_tick = self.seen_tick, self.api.world.tick
        news = [
            message
            for chat in self.api.world.chats.values()
            for message in chat.bot_messages
            if max(message.tick, message.edit_tick) > since
        ]
        for message in sorted(news, key=lambda m: max(m.tick, m.edit_tick)):
            self._show(message, edited=message.tick <= since)

    def _show(self, message: SimMessage, *, edited: bool) -> None:
        where = "" if message.chat.id == self.user.id else f" to {message.chat.id}"
        label = f"bot{where}{' (edited)' if edited else ''}: "
        text = message.text if message.text is not None else message.caption or "[media]"
        print(label + textwrap.indent(text, "    ").removeprefix("    "))
        names = [name for row in message.button_texts for name in row]
        if names:
            print("    " + "  ".join(f"[{n}] {name}" for n, name in enumerate(names, 1)))


def _read_stdin(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
    """Feed stdin's lines, then None, to ``lines`` from a daemon thread.

    The thread reads the unbuffered file so that it holds no lock when the demo exits while it
    waits for a line; an executor thread would keep the process alive until Enter.
    """

    def read() -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed: the demo is over
            for raw in iter(sys.stdin.buffer.raw.readline, b""):
                line = raw.decode(errors="replace").rstrip("\r\n")
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=read, name="demo-stdin", daemon=True).start()


async def _chat(chat: DemoChat) -> None:
    """Run the chat until it ends or SIGINT/SIGTERM interrupts it."""
    loop = asyncio.get_running_loop()
    task = asyncio.create_task(chat.run())
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    try:
        await asyncio.wait({task})
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        task.cancel()
    if task.cancelled():
        print()
    else:
        task.result()


async def run_demo(settings: Settings) -> int:
    """Run the bot against a local Bot API server and chat with it on stdin/stdout."""
    print(BANNER, flush=True)
    token = f"{DEMO_BOT_ID}:{secrets.token_urlsafe(24)}"
    configure_logging(token, level=logging.WARNING)
    async with LocalBotApi(token, bot_username="qorgau_demo_bot", record_calls=False) as api:
        port = free_port()
        demo_settings = dataclasses.replace(
            settings,
            token=api.token,
            api_base_url=api.base_url,
            database=settings.database.with_name(DEMO_DATABASE_NAME),
            admins=frozenset({DEMO_USER_ID}),
            # The demo's own web server on loopback: the console, opened in a local browser.
            listen=("127.0.0.1", port),
            public_url=f"http://127.0.0.1:{port}",
            webhook_secret=None,
        )
        async with serving(demo_settings, startup_timeout=STARTUP_TIMEOUT):
            lines: asyncio.Queue[str | None] = asyncio.Queue()
            _read_stdin(asyncio.get_running_loop(), lines)
            chat = DemoChat(api, lines)
            chat.console_url = f"{demo_settings.public_url}/console/"
            print("The " + chat.console_link(), flush=True)
            await _chat(chat)
    return 0
