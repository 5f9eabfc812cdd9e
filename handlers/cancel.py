"""``/cancel``: leave a multi-step action; outside one there is nothing to cancel."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.domain.roles import EVERYONE
from bot.text.i18n import gettext as _
from bot.text.i18n import lazy_gettext, pgettext
from handlers.access import allow
from handlers.commands import YOUR_DATA, Command, Feature
from handlers.context import BotContext
from handlers.replies import answer


@allow(*EVERYONE)
async def cancel_conversation(update: Update, context: BotContext) -> int:
    """End the conversation in progress; the fallback of every conversation."""
    await answer(update, pgettext("answer to /cancel", "Cancelled."))
    return ConversationHandler.END


@allow(*EVERYONE)
async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    """``/cancel`` when no multi-step action is in progress."""
    await answer(update, _("There is nothing to cancel."))


FEATURE = Feature(
    commands=(
        Command("cancel", nothing_to_cancel, lazy_gettext("Cancel the current action"), YOUR_DATA),
    )
)
