"""What the bot says to everything no feature handled: in private it explains, in groups it
answers only what is addressed to it."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.domain.roles import EVERYONE
from bot.text.i18n import gettext as _
from handlers.access import allow
from handlers.context import BotContext
from handlers.replies import answer, refuse_stale_button


def _addressed_to_bot(update: Update, context: BotContext) -> bool:
    message = update.effective_message
    if message is None:
        return False
    if message.chat.type == ChatType.PRIVATE:
        return True
    command = (message.text or "").split(maxsplit=1)[0]
    return command.lower().endswith(f"@{context.bot.username}".lower())


@allow(*EVERYONE)
async def private_only(update: Update, context: BotContext) -> None:
    """A private command sent in a group: point to the private chat, without any detail."""
    await answer(
        update,
        _("Please use this command in a private chat with me: @%(bot)s", bot=context.bot.username),
    )


@allow(*EVERYONE)
async def unknown_command(update: Update, context: BotContext) -> None:
    """A command no feature knows."""
    if _addressed_to_bot(update, context):
        await answer(update, _("I do not know this command. Send /help for the list."))


@allow(*EVERYONE)
async def unsupported_message(update: Update, context: BotContext) -> None:
    """A photo, sticker, voice message, document, location or the like, in a private chat."""
    await answer(update, _("I can read only text messages and commands. Send /help for the list."))


@allow(*EVERYONE)
async def edited_message(update: Update, context: BotContext) -> None:
    """An edit of an earlier message in a private chat: edits are not acted upon."""
    await answer(update, _("I do not act on edited messages. Please send a new message."))


@allow(*EVERYONE)
async def stale_button(update: Update, context: BotContext) -> None:
    """A button whose data no feature recognises: old, or forged."""
    assert update.callback_query is not None
    await refuse_stale_button(update.callback_query)
