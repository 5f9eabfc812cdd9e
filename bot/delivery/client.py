"""The bot's own Telegram client: python-telegram-bot's ``ExtBot`` with calls of the busiest
path that hand over Telegram's answer without parsing it.

``get_updates`` parses every update, which the inbox would then serialise again to store it;
``send_message``, ``edit_message_text`` and ``edit_message_reply_markup`` parse the message
Telegram returns, which no reply of the bot reads. Each parse costs a tenth of the bot's CPU per
update (bench/README.md). These calls go through the rate limiter, the defaults and the error
handling of python-telegram-bot, like its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram.ext import ExtBot

if TYPE_CHECKING:
    from telegram._utils.types import JSONDict  # the type PTB's own calls declare


class QorgauBot(ExtBot[None]):
    """The application's bot (``ApplicationBuilder().bot(...)``)."""

    async def send_text(
        self, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """``sendMessage`` with the bot's defaults (HTML, no link preview), not reading the
        message sent."""
        await self._post(
            "sendMessage",
            {
                "chat_id": chat_id,
                "text": text,
                "reply_markup": reply_markup,
                "parse_mode": DEFAULT_NONE,
                "link_preview_options": DEFAULT_NONE,
            },
        )

    async def drop_buttons(self, query: CallbackQuery) -> None:
        """``editMessageReplyMarkup`` taking the buttons off the message a press came from,
        not reading the message edited."""
        await self._post("editMessageReplyMarkup", _pressed(query))

    async def replace_text(self, query: CallbackQuery, text: str) -> None:
        """``editMessageText`` turning the message a press came from into ``text``, its
        buttons gone, with the bot's defaults (HTML, no link preview); not reading the message
        edited."""
        await self._post(
            "editMessageText",
            {
                **_pressed(query),
                "text": text,
                "parse_mode": DEFAULT_NONE,
                "link_preview_options": DEFAULT_NONE,
            },
        )

    async def get_update_data(self, offset: int, long_poll: int) -> list[JSONDict]:
        """``getUpdates`` from ``offset``, long-polling ``long_poll`` seconds: every kind of
        update, as Telegram sent it."""
        parameters: JSONDict = {
            "offset": offset or None,
            "timeout": long_poll,
            "allowed_updates": Update.ALL_TYPES,
        }
        read_timeout = long_poll + (self._request[0].read_timeout or 0)
        return await self._post("getUpdates", parameters, read_timeout=read_timeout)


def _pressed(query: CallbackQuery) -> JSONDict:
    """The parameters that name the message a button was pressed on."""
    message = query.message
    if message is not None:
        return {"chat_id": message.chat.id, "message_id": message.message_id}
    return {"inline_message_id": query.inline_message_id}
