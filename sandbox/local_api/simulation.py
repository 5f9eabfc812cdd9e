"""The test side: simulated users who act in chats and wait for the bot's reaction.

Every wait takes a ``timeout`` (hence the ASYNC109 waivers): a test whose bot stays silent
fails with a description of what the chat shows instead of hanging.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .model import CallbackAnswer, InlineAnswer, Person, SimChat, SimMessage, StoredFile
from .state import World
from .textutil import command_entities

DEFAULT_TIMEOUT = 5.0


@dataclass(eq=False)
class SimCallback:
    """A pressed inline button; the bot answers it with answerCallbackQuery."""

    id: str
    message: SimMessage
    data: str
    world: World = field(repr=False)

    @property
    def answer(self) -> CallbackAnswer | None:
        """The bot's answer, once given."""
        return self.world.callback_queries[self.id]

    async def wait_answer(self, timeout: float = DEFAULT_TIMEOUT) -> CallbackAnswer:  # noqa: ASYNC109
        """Wait for answerCallbackQuery on this press."""
        await self.world.changed.wait_for(lambda: self.answer, timeout)
        answer = self.answer
        if answer is None:
            raise TimeoutError(f"callback query {self.data!r} was not answered in {timeout}s")
        return answer


@dataclass(eq=False)
class SimInlineQuery:
    """An inline query typed by a user; the bot answers it with answerInlineQuery."""

    id: str
    query: str
    offset: str
    world: World = field(repr=False)

    @property
    def answer(self) -> InlineAnswer | None:
        """The bot's answer, once given."""
        return self.world.inline_queries[self.id]

    async def wait_answer(self, timeout: float = DEFAULT_TIMEOUT) -> InlineAnswer:  # noqa: ASYNC109
        """Wait for answerInlineQuery on this query."""
        await self.world.changed.wait_for(lambda: self.answer, timeout)
        answer = self.answer
        if answer is None:
            raise TimeoutError(f"inline query {self.query!r} was not answered in {timeout}s")
        return answer


class SimUser:
    """A Telegram user talking to the bot; replies are counted since their last action."""

    def __init__(self, world: World, person: Person) -> None:
        self.world = world
        self.person = person
        self.chat: SimChat = world.chats[person.id]
        self._since = world.tick

    def __repr__(self) -> str:
        return f"<SimUser {self.person.id} {self.person.first_name!r}>"

    @property
    def id(self) -> int:
        """The user id, also the id of the private chat with the bot."""
        return self.person.id

    @property
    def language_code(self) -> str | None:
        """The language the user's client reports."""
        return self.person.language_code

    @language_code.setter
    def language_code(self, value: str | None) -> None:
        self.person.language_code = value

    async def send(
        self,
        text: str,
        *,
        chat: SimChat | None = None,
        reply_to: SimMessage | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> SimMessage:
        """Send a text message; /commands get bot_command entities, and ``entities`` adds the
        formatting a client applies (bold, italic, links: offsets in UTF-16 units)."""
        found = sorted(
            [*command_entities(text), *(entities or [])], key=lambda entity: entity["offset"]
        )
        return self._post(chat, text=text, entities=found, reply_to=reply_to)

    async def send_photo(
        self, *, caption: str | None = None, chat: SimChat | None = None
    ) -> SimMessage:
        """Send a photo (two sizes of a fake JPEG)."""
        stored = self._file(b"\xff\xd8\xff\xe0", "photo.jpg", "image/jpeg")
        sizes = [
            {
                "file_id": f"{stored.file_id}_{side}",
                "file_unique_id": f"{stored.file_unique_id}_{side}",
                "width": side,
                "height": side * 3 // 4,
                "file_size": len(stored.data),
            }
            for side in (320, 1280)
        ]
        return self._post(chat, caption=caption, media={"photo": sizes})

    async def send_sticker(self, emoji: str = "👍", *, chat: SimChat | None = None) -> SimMessage:
        """Send a regular static sticker."""
        stored = self._file(b"RIFF\x00\x00\x00\x00WEBP", "sticker.webp", "image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._post(chat, media={"sticker": sticker})

    async def send_document(
        self,
        data: bytes = b"hello",
        *,
        file_name: str = "file.txt",
        mime_type: str = "text/plain",
        caption: str | None = None,
        chat: SimChat | None = None,
    ) -> SimMessage:
        """Send a file; the bot can fetch it with getFile and /file/bot<token>/<path>."""
        stored = self.world.store_file(data, file_name, mime_type)
        return self._post(chat, caption=caption, document=stored.to_dict())

    async def send_voice(self, duration: int = 2, *, chat: SimChat | None = None) -> SimMessage:
        """Send a voice note."""
        stored = self._file(b"OggS\x00\x02", "voice.ogg", "audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(stored.data),
        }
        return self._post(chat, media={"voice": voice})

    async def send_location(
        self, latitude: float, longitude: float, *, chat: SimChat | None = None
    ) -> SimMessage:
        """Share a location."""
        return self._post(chat, media={"location": {"latitude": latitude, "longitude": longitude}})

    async def edit(self, message: SimMessage, text: str) -> SimMessage:
        """Edit one of the user's own text messages (an edited_message update)."""
        if message.sender is not self.person or message.text is None or message.deleted:
            raise ValueError(f"{self} can only edit their own visible text messages")
        self._since = self.world.tick
        self.world.edit(message, text=text, entities=command_entities(text))
        self.world.push_update("edited_message", message.to_dict())
        return message

    async def press(
        self, message: SimMessage, text: str | None = None, *, callback_data: str | None = None
    ) -> SimCallback:
        """Press an inline button by label or callback_data (a callback_query update)."""
        if message.deleted:
            raise ValueError(f"{message!r} was deleted")
        button = message.button(text, callback_data=callback_data)
        if "callback_data" not in button:
            raise ValueError(f"button {button['text']!r} has no callback_data: {button}")
        self._since = self.world.tick
        query_id = self.world.new_query_id()
        self.world.callback_queries[query_id] = None
        self.world.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": self.person.to_dict(),
                "message": message.to_dict(),
                "chat_instance": f"{message.chat.id}{self.world.bot.id}",
                "data": button["callback_data"],
            },
        )
        return SimCallback(query_id, message, button["callback_data"], self.world)

    async def inline_query(
        self, query: str, *, offset: str = "", chat_type: str = "sender"
    ) -> SimInlineQuery:
        """Type "@bot query" in a chat (an inline_query update)."""
        self._since = self.world.tick
        query_id = self.world.new_query_id()
        self.world.inline_queries[query_id] = None
        self.world.push_update(
            "inline_query",
            {
                "id": query_id,
                "from": self.person.to_dict(),
                "query": query,
                "offset": offset,
                "chat_type": chat_type,
            },
        )
        return SimInlineQuery(query_id, query, offset, self.world)

    async def block(self) -> None:
        """Block the bot: sends to this user fail with 403 (a my_chat_member update)."""
        self._set_blocked(True)

    async def unblock(self) -> None:
        """Unblock the bot (a my_chat_member update)."""
        self._set_blocked(False)

    async def deactivate(self) -> None:
        """Delete the account: sends to this user fail with 403 "user is deactivated"."""
        self.person.deactivated = True
        self.world.touch()

    async def wait_for_replies(
        self,
        count: int = 1,
        *,
        chat: SimChat | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> list[SimMessage]:
        """Wait until at least ``count`` bot messages appeared since the user's last action."""
        chat = chat or self.chat
        since = self._since
        if not await self.world.changed.wait_for(
            lambda: len(_bot_messages_after(chat, since)) >= count, timeout
        ):
            raise TimeoutError(
                f"{self} expected {count} bot message(s) in chat {chat.id} within {timeout}s; "
                f"the chat shows {chat.messages[-5:]}"
            )
        return _bot_messages_after(chat, since)

    async def ask(
        self,
        text: str,
        *,
        chat: SimChat | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> SimMessage:
        """Send a text and return the first bot message that follows."""
        await self.send(text, chat=chat)
        return (await self.wait_for_replies(1, chat=chat, timeout=timeout))[0]

    async def wait_for_edit(
        self,
        message: SimMessage,
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> SimMessage:
        """Wait until a message is edited or deleted after the user's last action."""
        since = self._since
        if not await self.world.changed.wait_for(lambda: message.edit_tick > since, timeout):
            raise TimeoutError(f"{message!r} was not edited within {timeout}s")
        return message

    def _post(self, chat: SimChat | None, **content: Any) -> SimMessage:
        chat = chat or self.chat
        if chat.person is not None:
            if self.person.blocked:
                raise ValueError(f"{self} blocked the bot; unblock() first")
            self.person.started = True
        self._since = self.world.tick
        message = self.world.post(chat, self.person, **content)
        self.world.push_update("message", message.to_dict())
        return message

    def _file(self, signature: bytes, file_name: str, mime_type: str) -> StoredFile:
        data = signature + str(self.world.tick).encode()
        return self.world.store_file(data, file_name, mime_type)

    def _set_blocked(self, blocked: bool) -> None:
        self._since = self.world.tick
        self.person.blocked = blocked
        bot = self.world.bot.to_dict()
        member = {"status": "member", "user": bot}
        kicked = {"status": "kicked", "user": bot, "until_date": 0}
        self.world.push_update(
            "my_chat_member",
            {
                "chat": self.chat.to_dict(),
                "from": self.person.to_dict(),
                "date": int(time.time()),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            },
        )


def _bot_messages_after(chat: SimChat, since: int) -> list[SimMessage]:
    """Visible bot messages of a chat created after tick ``since``, oldest first."""
    found = []
    for message in reversed(chat.history.values()):
        if message.tick <= since:
            break
        if message.from_bot:
            found.append(message)
    found.reverse()
    return found
