"""The in-memory world shared by the HTTP methods and the simulation."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import CHAT_NOT_FOUND, bad_request
from .faults import Faults
from .flood import FloodControl
from .model import CallbackAnswer, InlineAnswer, Person, SimChat, SimMessage, StoredFile
from .updates import UpdateQueue


class Notifier:
    """Wakes every waiter whenever the world changes (a condition without a lock)."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        """Wake all current waiters."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for(self, predicate: Callable[[], object], timeout: float) -> bool:  # noqa: ASYNC109
        """Wait until predicate() is true or timeout passes; return its final truth."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            waiter = loop.create_future()
            self._waiters.append(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                return bool(predicate())
        return True


@dataclass(slots=True)
class Webhook:
    """The webhook the bot set: updates are POSTed to it (:mod:`.webhooks`), and getUpdates is
    refused while it is set."""

    url: str
    max_connections: int
    allowed_updates: list[str] | None
    secret_token: str | None
    last_error: tuple[int, str] | None = None
    """Unix time and description of the last failed delivery, until one succeeds."""


@dataclass(slots=True)
class BotSettings:
    """Profile settings the bot manages: commands, descriptions, names, menu buttons."""

    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    short_descriptions: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    webhook: Webhook | None = None
    webhooks_set: int = 0
    """How many times setWebhook set one (a restarted bot sets it again)."""


class World:
    """People, chats, files, updates and recorded answers, plus change notification."""

    def __init__(self, token: str, bot_username: str, bot_name: str) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError(f"a bot token looks like '123456:secret', got {token!r}")
        self.token = token
        self.bot = Person(int(bot_id), bot_name, username=bot_username, is_bot=True)
        self.people: dict[int, Person] = {}
        self.chats: dict[int, SimChat] = {}
        self.files: dict[str, StoredFile] = {}
        self.updates = UpdateQueue()
        self.settings = BotSettings()
        self.flood = FloodControl()
        self.faults = Faults()
        self.unknown_methods: set[str] = set()
        """Methods answered 404 Not Found, as by a Bot API server that lacks them."""
        self.callback_queries: dict[str, CallbackAnswer | None] = {}
        self.inline_queries: dict[str, InlineAnswer | None] = {}
        self.changed = Notifier()
        self.tick = 0
        self.bot_sends = 0
        self.closing = False
        self._last_query_id = 0

    def touch(self) -> int:
        """Record a change: advance the tick and wake waiters."""
        self.tick += 1
        self.changed.notify()
        return self.tick

    def chat(self, chat_id: int | str) -> SimChat:
        """A known chat by id or @username, else the Bot API's "chat not found"."""
        if isinstance(chat_id, int):
            found = self.chats.get(chat_id)
        else:
            name = chat_id.removeprefix("@").lower()
            found = next(
                (chat for chat in self.chats.values() if (chat.username or "").lower() == name),
                None,
            )
        if found is None:
            raise bad_request(CHAT_NOT_FOUND)
        return found

    def add_person(self, person: Person) -> SimChat:
        """Register a user and their private chat with the bot."""
        self.people[person.id] = person
        chat = self.chats[person.id] = SimChat(person.id, "private", person=person)
        self.touch()
        return chat

    def add_group(self, chat_id: int, title: str, username: str | None) -> SimChat:
        """Register a group (a supergroup when the id starts with -100)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        chat = self.chats[chat_id] = SimChat(chat_id, kind, title=title, username=username)
        self.touch()
        return chat

    def post(self, chat: SimChat, sender: Person, **content: Any) -> SimMessage:
        """Add a message to a chat; content are SimMessage fields."""
        chat.last_message_id += 1
        message = SimMessage(
            chat, chat.last_message_id, sender, int(time.time()), self.touch(), **content
        )
        chat.history[message.message_id] = message
        if sender.is_bot:
            self.bot_sends += 1
        return message

    def edit(self, message: SimMessage, **changes: Any) -> None:
        """Apply an edit to a message; changes are SimMessage fields."""
        for name, value in changes.items():
            setattr(message, name, value)
        message.edit_count += 1
        message.edit_date = int(time.time())
        message.edit_tick = self.touch()

    def delete(self, message: SimMessage) -> None:
        """Remove a message from its chat."""
        del message.chat.history[message.message_id]
        message.deleted = True
        message.edit_tick = self.touch()

    def store_file(self, data: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        """Keep file content under a new file_id (file_unique_id is derived from the content)."""
        digest = hashlib.sha256(data).hexdigest()
        file_id = f"BQAC{len(self.files) + 1:06d}{digest[:24]}"
        stored = StoredFile(file_id, digest[:16], data, file_name, mime_type)
        self.files[stored.file_id] = stored
        return stored

    def push_update(self, kind: str, payload: dict[str, Any]) -> int | None:
        """Queue an update for the bot and wake waiters."""
        update_id = self.updates.push(kind, payload)
        self.touch()
        return update_id

    def new_query_id(self) -> str:
        """A fresh id for a callback or inline query."""
        self._last_query_id += 1
        return f"{self.bot.id}{self._last_query_id:08d}"
