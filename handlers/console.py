"""``/console``: the coordinators' console, a Mini App served by the bot itself (``bot/web``).

The command answers with a button that opens it inside Telegram; the chats of its users
also get a menu button that opens it (:meth:`handlers.commands.CommandTable.publish_chat_menu`).
Members of parliament use it for the declarations they may sign; readers are refused, as
everywhere in the console.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo

from bot.config import Settings
from bot.domain.roles import STAFF, Role
from bot.text.i18n import gettext as _
from bot.text.i18n import lazy_gettext
from handlers.access import allow
from handlers.commands import GETTING_STARTED, Command, Feature
from handlers.context import BotContext
from handlers.replies import answer

PATH = "/console/"
"""Where the console's page is, below ``BOT_PUBLIC_URL``."""


def console_url(settings: Settings) -> str | None:
    """The console's address, if the bot has a public one (``BOT_PUBLIC_URL``)."""
    return None if settings.public_url is None else settings.public_url + PATH


@allow(Role.MEMBER, *STAFF)
async def open_console(update: Update, context: BotContext) -> None:
    """A button that opens the console, or why there is none."""
    url = console_url(context.services.settings)
    if url is None:
        await answer(
            update,
            _(
                "The console is not set up on this server: its administrator gives the bot "
                "a public address (BOT_PUBLIC_URL)."
            ),
        )
        return
    button = InlineKeyboardButton(_("Open the console"), web_app=WebAppInfo(url))
    await answer(
        update,
        _("The console opens inside Telegram: cases, broadcasts, declarations and roles."),
        reply_markup=InlineKeyboardMarkup([[button]]),
    )


CONSOLE = Command("console", open_console, lazy_gettext("Open the console"), GETTING_STARTED)

FEATURE = Feature(commands=(CONSOLE,))
