"""``/language``: choose the language of every reply, with an inline keyboard."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.domain.roles import EVERYONE
from bot.text import i18n
from bot.text.i18n import gettext as _
from bot.text.i18n import language_name, lazy_gettext
from handlers.access import allow
from handlers.buttons import Buttons, choice
from handlers.commands import YOUR_DATA, Command, Feature
from handlers.context import BotContext
from handlers.replies import answer

LANGUAGE = Buttons("lang", choice(*i18n.LOCALES))


def language_keyboard() -> InlineKeyboardMarkup:
    """One button per supported language."""
    return InlineKeyboardMarkup(
        [[LANGUAGE.button(language_name(code), code)] for code in i18n.LOCALES]
    )


@allow(*EVERYONE)
async def choose_language(update: Update, context: BotContext) -> None:
    """Offer the supported languages."""
    await answer(update, _("Choose your language:"), reply_markup=language_keyboard())


@allow(*EVERYONE)
async def language_chosen(update: Update, context: BotContext) -> None:
    """Store the choice and confirm in the new language."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    (locale,) = LANGUAGE.parse(query.data)
    await context.services.users.choose_locale(update.effective_user.id, locale)
    i18n.set_locale(locale)
    context.locale = locale
    await query.answer()
    await query.edit_message_text(
        # TRANSLATORS: said in the language just chosen: name your own language.
        _("From now on I answer in English.")
    )
    await context.menus.publish_chat_menu(
        context.bot, update.effective_user.id, context.role, locale
    )


FEATURE = Feature(
    commands=(
        Command("language", choose_language, lazy_gettext("Change the language"), YOUR_DATA),
    ),
    handlers=(LANGUAGE.handler(language_chosen),),
)
