"""Getting started: ``/start``, what the bot can do for this user's role, with or without a
deep-link payload; ``/help``, the commands the role may use under their headings."""

from __future__ import annotations

import functools

from telegram import Update

from bot.domain.roles import EVERYONE, Role
from bot.text.i18n import gettext as _
from bot.text.i18n import lazy_gettext
from bot.text.render import render
from handlers.access import allow
from handlers.commands import GETTING_STARTED, Command, Feature
from handlers.context import BotContext, Menus
from handlers.replies import answer


@allow(*EVERYONE)
async def start(update: Update, context: BotContext) -> None:
    """Greet the user; a payload no feature claimed is reported as an invalid link."""
    if context.args:
        await answer(update, _("This link is not valid or has expired."))
    await answer(update, _greeting(context.role, context.locale))


@allow(*EVERYONE)
async def help_command(update: Update, context: BotContext) -> None:
    """List the commands this user's role may use, under their headings."""
    await answer(update, _help_text(context.menus, context.role, context.locale))


# Both texts are the same for every user of one role and locale: each is rendered once
# (``locale`` is the current one, there as the key).


@functools.lru_cache(maxsize=64)
def _greeting(role: Role, locale: str) -> str:
    return render("start.html", role=role.value)


@functools.lru_cache(maxsize=64)
def _help_text(menus: Menus, role: Role, locale: str) -> str:
    return render("help.html", sections=menus.help_sections(role))


FEATURE = Feature(
    commands=(
        Command(
            "start",
            start,
            lazy_gettext("What this bot can do for you"),
            GETTING_STARTED,
            private_only=False,
        ),
        Command(
            "help",
            help_command,
            lazy_gettext("The commands you can use"),
            GETTING_STARTED,
            private_only=False,
        ),
    )
)
