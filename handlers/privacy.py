"""``/privacy`` explains what is stored; ``/forget`` erases it after a confirmation."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update

from bot.domain.roles import EVERYONE
from bot.domain.signatory_block import listed_name
from bot.text.formatting import long_date
from bot.text.i18n import gettext as _
from bot.text.i18n import lazy_gettext, pgettext
from bot.text.names import role_name
from bot.text.render import render
from handlers.access import allow
from handlers.buttons import Buttons, choice
from handlers.commands import YOUR_DATA, Command, Feature
from handlers.context import BotContext
from handlers.conversation import end_flows
from handlers.replies import answer
from storage.erasure import erase_user

logger = logging.getLogger(__name__)

FORGET = Buttons("forget", choice("yes", "no"))


@allow(*EVERYONE)
async def show_privacy(update: Update, context: BotContext) -> None:
    """Say in plain words what is stored, why, and how to erase it."""
    assert update.effective_user is not None
    record = await context.services.users.get(update.effective_user.id)
    member = await context.services.members.member_of(update.effective_user.id)
    await answer(
        update,
        render(
            "privacy.html",
            user_id=update.effective_user.id,
            role=role_name(context.role),
            first_seen=long_date(record.first_seen) if record else None,
            member=listed_name(member) if member else None,
        ),
    )


@allow(*EVERYONE)
async def ask_to_forget(update: Update, context: BotContext) -> None:
    """Ask for confirmation before erasing anything."""
    assert update.effective_user is not None
    question = _(
        "This erases everything the bot stores about you: your language, your role and "
        "the days you used the bot. It cannot be undone. Erase?"
    )
    if await context.services.members.member_of(update.effective_user.id) is not None:
        question += "\n\n" + _(
            "Your registration as a member of parliament is erased too. Your signatures stay "
            "on the declarations: they are public acts of your mandate."
        )
    keyboard = InlineKeyboardMarkup(
        [
            [FORGET.button(_("Erase everything"), "yes")],
            [FORGET.button(pgettext("button: do not erase", "Cancel"), "no")],
        ]
    )
    await answer(update, question, reply_markup=keyboard)


@allow(*EVERYONE)
async def forget_confirmed(update: Update, context: BotContext) -> None:
    """Erase the user and end their open flows, or leave everything as it was when they
    cancel; say so if the last copies wait in the database's journal for a reader to leave."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    await query.answer()
    if FORGET.parse(query.data) != ("yes",):
        await query.edit_message_text(_("Nothing was erased."))
        return
    user_id = update.effective_user.id
    end_flows(context, user_id)
    context.application.drop_user_data(user_id)
    context.services.persistence.forget_user(user_id)
    wiped = await erase_user(context.services.db, user_id)
    context.services.users.forget([user_id])
    await context.menus.remove_chat_menu(context.bot, user_id)
    logger.info("a user erased their data; the wipe is %s", "done" if wiped else "pending")
    done = _(
        "Done: everything the bot stored about you is erased. If you write again, "
        "the bot starts afresh."
    )
    if not wiped:
        done += "\n\n" + _(
            "One step remains: a backup is reading the database right now, so old copies "
            "of your data stay in its journal file until that backup ends. The bot wipes "
            "them then, or at its next start at the latest."
        )
    await query.edit_message_text(done)


FEATURE = Feature(
    commands=(
        Command("privacy", show_privacy, lazy_gettext("What the bot stores about you"), YOUR_DATA),
        Command(
            "forget", ask_to_forget, lazy_gettext("Erase everything stored about you"), YOUR_DATA
        ),
    ),
    handlers=(FORGET.handler(forget_confirmed),),
)
