"""``/start``: what the bot can do for this user's role, with or without a deep-link payload."""

from __future__ import annotations

from telegram import Update

from bot.domain.roles import EVERYONE
from bot.text.i18n import gettext as _
from bot.text.render import render
from handlers.access import allow
from handlers.context import BotContext
from handlers.replies import answer


@allow(*EVERYONE)
async def start(update: Update, context: BotContext) -> None:
    """Greet the user; a payload no feature claimed is reported as an invalid link."""
    if context.args:
        await answer(update, _("This link is not valid or has expired."))
    await answer(update, render("start.html", role=context.role.value))
