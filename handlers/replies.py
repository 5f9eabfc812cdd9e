"""Small helpers for answering the user where they are."""

from __future__ import annotations

from typing import cast

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import filters

from bot.delivery.client import QorgauBot
from bot.domain.telegram_html import split_message
from bot.text.i18n import gettext as _

PRIVATE_MESSAGE = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
"""A new message (not an edit) in a private chat."""


def client(update: Update) -> QorgauBot:
    """The application's bot, with its calls that do not read Telegram's answer."""
    return cast(QorgauBot, update.get_bot())


async def answer(
    update: Update, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send a message to the chat the update came from (a button press is answered apart)."""
    chat = update.effective_chat
    if chat is not None:
        await client(update).send_text(chat.id, text, reply_markup)


async def answer_in_parts(
    update: Update, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send a message that may be too long for one (a list) in as many as it needs, the
    buttons under the last."""
    *first, last = split_message(text)
    for part in first:
        await answer(update, part)
    await answer(update, last, reply_markup=reply_markup)


MAX_NOTICE = 200
"""Telegram's limit on the text of an answered button press."""


async def answer_press(update: Update, text: str) -> None:
    """Answer a button press with ``text``: a notice if it is short enough, else a message in
    the private chat it was pressed in (in a group, the notice is cut short)."""
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    if len(text) <= MAX_NOTICE or chat is None or chat.type != ChatType.PRIVATE:
        notice = text if len(text) <= MAX_NOTICE else text[: MAX_NOTICE - 1] + "…"
        await query.answer(notice)
        return
    await query.answer()
    await answer(update, text)


async def refuse_stale_button(query: CallbackQuery) -> None:
    """Answer a press on a button that leads nowhere any more (old, or forged)."""
    await query.answer(_("This button is no longer valid. Please start again."), show_alert=True)
