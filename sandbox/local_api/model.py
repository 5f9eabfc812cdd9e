"""The objects of the simulated world: people, chats, messages, files, recorded answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .markup import inline_keyboard


@dataclass(slots=True)
class Person:
    """A Telegram user (or the bot itself) and how they relate to the bot."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    blocked: bool = False
    deactivated: bool = False
    started: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The Bot API User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file the server holds: uploaded by the bot or sent by a simulated user."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_path(self) -> str:
        """Path under /file/bot<token>/ where the content can be downloaded."""
        return f"files/{self.file_unique_id}"

    def to_dict(self) -> dict[str, Any]:
        """The Bot API Document object."""
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document


@dataclass(eq=False, slots=True)
class SimChat:
    """A chat and everything it currently shows."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    person: Person | None = None
    history: dict[int, SimMessage] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)
    last_message_id: int = 0

    @property
    def messages(self) -> list[SimMessage]:
        """Visible messages, oldest first (edits applied, deleted ones gone)."""
        return list(self.history.values())

    @property
    def bot_messages(self) -> list[SimMessage]:
        """Visible messages sent by the bot."""
        return [message for message in self.history.values() if message.from_bot]

    @property
    def last_message(self) -> SimMessage | None:
        """The newest visible message."""
        return next(reversed(self.history.values()), None)

    def message(self, message_id: int) -> SimMessage:
        """A visible message by id (KeyError if absent)."""
        return self.history[message_id]

    def to_dict(self) -> dict[str, Any]:
        """The Bot API Chat object."""
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.person is not None:
            chat["first_name"] = self.person.first_name
            if self.person.last_name:
                chat["last_name"] = self.person.last_name
            if self.person.username:
                chat["username"] = self.person.username
        if self.title:
            chat["title"] = self.title
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass(eq=False, slots=True)
class SimMessage:
    """A message as its chat shows it; the same object is updated by edits."""

    chat: SimChat
    message_id: int
    sender: Person
    date: int
    tick: int
    text: str | None = None
    caption: str | None = None
    html: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: dict[str, Any] | None = None
    media: dict[str, Any] = field(default_factory=dict)
    reply_to: SimMessage | None = None
    paid_broadcast: bool = False
    """Sent with ``allow_paid_broadcast``."""
    edit_count: int = 0
    edit_date: int | None = None
    edit_tick: int = 0
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        """Whether the bot sent this message."""
        return self.sender.is_bot

    @property
    def parse_mode(self) -> str | None:
        """The parse_mode the text or caption was sent with ("HTML" or None)."""
        return "HTML" if self.html is not None else None

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """Rows of InlineKeyboardButton objects (empty without an inline keyboard)."""
        return inline_keyboard(self.reply_markup)

    @property
    def button_texts(self) -> list[list[str]]:
        """Rows of inline button labels."""
        return [[button["text"] for button in row] for row in self.buttons]

    def button(
        self, text: str | None = None, *, callback_data: str | None = None
    ) -> dict[str, Any]:
        """The inline button with this label or callback_data (LookupError if none)."""
        for row in self.buttons:
            for button in row:
                if (text is None or button["text"] == text) and (
                    callback_data is None or button.get("callback_data") == callback_data
                ):
                    return button
        raise LookupError(
            f"no button text={text!r} callback_data={callback_data!r} in {self.button_texts}"
        )

    def to_dict(self, *, with_reply: bool = True) -> dict[str, Any]:
        """The Bot API Message object."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat.to_dict(),
            "from": self.sender.to_dict(),
        }
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = self.entities
        if self.caption is not None:
            message["caption"] = self.caption
            if self.entities:
                message["caption_entities"] = self.entities
        if self.document is not None:
            message["document"] = self.document
        message.update(self.media)
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if with_reply and self.reply_to is not None:
            message["reply_to_message"] = self.reply_to.to_dict(with_reply=False)
        return message

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else self.sender.id
        content = self.text if self.text is not None else self.caption
        return f"<SimMessage {self.chat.id}/{self.message_id} from {who}: {content!r}>"


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """What the bot passed to answerCallbackQuery."""

    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    """What the bot passed to answerInlineQuery."""

    results: list[dict[str, Any]]
    next_offset: str | None
    cache_time: int | None
    is_personal: bool
    button: dict[str, Any] | None
