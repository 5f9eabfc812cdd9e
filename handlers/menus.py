"""Command menus and the bot's descriptions, published per language and per role."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeChat
from telegram.error import BadRequest, Forbidden
from telegram.ext import ExtBot

from bot.domain.roles import Role
from bot.services import QorgauApplication
from bot.text import i18n
from bot.text.i18n import gettext as _

logger = logging.getLogger(__name__)


def menu(role: Role, *, in_groups: bool = False) -> list[BotCommand]:
    """The menu of ``role`` in the current locale."""
    # The table of commands imports the features, and some features publish menus.
    from handlers.commands import commands_for  # noqa: PLC0415

    return [
        BotCommand(command.name, str(command.description))
        for command in commands_for(role, in_groups=in_groups)
    ]


async def publish_chat_menu(bot: ExtBot[None], user_id: int, role: Role, locale: str) -> None:
    """Give one user's private chat the menu of their role in their chosen language."""
    with i18n.use_locale(locale):
        commands = menu(role)
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id))
    except (BadRequest, Forbidden):
        logger.info("chat menu not published: the chat is unknown or blocked the bot")


async def remove_chat_menu(bot: ExtBot[None], user_id: int) -> None:
    """Drop a private chat's own menu, e.g. when its user erased themselves."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
    except (BadRequest, Forbidden):
        logger.info("chat menu not removed: the chat is unknown or blocked the bot")


async def publish_menus(application: QorgauApplication) -> None:
    """Set the menus and descriptions for every language, then the staff's own menus."""
    bot = application.bot
    services = application.services
    default_locale = services.settings.default_locale
    for locale in i18n.LOCALES:
        with i18n.use_locale(locale):
            private, groups = menu(Role.SUBSCRIBER), menu(Role.SUBSCRIBER, in_groups=True)
            description = _(
                "Qorgau helps the defenders of political prisoners in Kazakhstan: follow "
                "cases, get reminders before hearings and deadlines, receive urgent appeals "
                "and co-sign declarations. Press Start."
            )
            short_description = _("Coordination for the defence of political prisoners.")
        # The default locale also serves every language without its own menu (no language code).
        for language_code in (locale, None) if locale == default_locale else (locale,):
            await bot.set_my_commands(private, language_code=language_code)
            await bot.set_my_commands(
                groups, scope=BotCommandScopeAllGroupChats(), language_code=language_code
            )
            await bot.set_my_description(description, language_code=language_code)
            await bot.set_my_short_description(short_description, language_code=language_code)
    for admin_id in services.settings.admins:
        record = await services.users.get(admin_id)
        if record is not None:
            await publish_chat_menu(bot, admin_id, Role.ADMIN, record.locale)
    for coordinator_id in await services.users.ids_with_role(Role.COORDINATOR):
        record = await services.users.get(coordinator_id)
        if record is not None and coordinator_id not in services.settings.admins:
            await publish_chat_menu(bot, coordinator_id, Role.COORDINATOR, record.locale)
