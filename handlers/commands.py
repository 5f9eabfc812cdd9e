"""The table of commands and the menus it publishes: every feature module declares its commands
in a :class:`Feature`, and ``handlers/__init__.py`` registers the features here, in order.

No feature is imported here; features reach the menus through ``context.menus``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from babel.support import LazyProxy
from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    MenuButton,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ConversationHandler, ExtBot

from bot.domain.roles import Role
from bot.text import i18n
from bot.text.i18n import gettext as _
from bot.text.i18n import lazy_gettext, lazy_pgettext, pgettext
from handlers.access import Handler, policy_of
from handlers.context import QorgauApplication

logger = logging.getLogger(__name__)


async def _decorative(call: Awaitable[object], method: str, failed: set[str] | None = None) -> None:
    """Make a call that only decorates the bot (menus, descriptions): if Telegram refuses or
    cannot be reached, say so in one line and go on; the bot works without it. A method already
    in ``failed`` is not reported again."""
    try:
        await call
    except (BadRequest, Forbidden) as error:
        logger.info("%s not done: %s", method, error.message)
    except TelegramError as error:
        if failed is None or method not in failed:
            logger.warning("%s failed, the bot goes on without it: %s", method, error.message)
        if failed is not None:
            failed.add(method)


@dataclass(frozen=True, slots=True, eq=False)
class Section:
    """A heading of ``/help``; the menus list the sections' commands in the same order."""

    title: LazyProxy


GETTING_STARTED = Section(lazy_gettext("Getting started"))
CASES = Section(lazy_pgettext("section of /help", "Cases"))
DEADLINES = Section(lazy_gettext("Deadlines and reminders"))
APPEALS = Section(lazy_gettext("Appeals and news"))
DECLARATIONS = Section(lazy_gettext("Written declarations"))
COORDINATORS = Section(lazy_pgettext("section of /help", "Coordinators"))
YOUR_DATA = Section(lazy_gettext("Language and your data"))

SECTIONS = (GETTING_STARTED, CASES, DEADLINES, APPEALS, DECLARATIONS, COORDINATORS, YOUR_DATA)
"""The headings in the order of ``/help`` and the menus."""


@dataclass(frozen=True, slots=True)
class Command:
    """A bot command: its callback, its menu description and its heading in ``/help``."""

    name: str
    callback: Callable[..., Any]
    description: LazyProxy
    section: Section
    private_only: bool = True
    listed_for: frozenset[Role] | None = None
    """Roles whose menus and /help list the command, if not everyone it answers: e.g. /sign
    answers anyone (a non-member learns how to become a signer) but is listed for members."""

    @property
    def roles(self) -> frozenset[Role]:
        """Who may use it, as the callback declares."""
        policy = policy_of(self.callback)
        if policy is None:
            raise LookupError(f"/{self.name} has no declared policy")
        return policy


@dataclass(frozen=True, slots=True)
class Feature:
    """What one feature module adds to the bot."""

    commands: tuple[Command, ...] = ()
    """Its commands, in menu order within their sections."""
    conversation: Callable[[], ConversationHandler] | None = None  # type: ignore[type-arg]
    """Builds its conversation, whose entry commands then need no handler of their own."""
    handlers: tuple[Handler, ...] = ()
    """Its other handlers: buttons outside a conversation, deep links, files, inline queries."""


class CommandTable:
    """Every registered command, in menu order: what ``/help`` lists and the menus show."""

    def __init__(self, features: Iterable[Feature]) -> None:
        commands = [command for feature in features for command in feature.commands]
        names = [command.name for command in commands]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"commands declared twice: {', '.join(twice)}")
        self._commands = tuple(
            sorted(commands, key=lambda command: SECTIONS.index(command.section))
        )
        self.console_url: str | None = None
        """The console's address, when the bot has a public one: its users' chats get a
        menu button that opens it."""
        self.console_roles: frozenset[Role] = frozenset()
        """Who gets that button: the roles of ``/console``."""

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands)

    def __len__(self) -> int:
        return len(self._commands)

    def for_role(self, role: Role, *, in_groups: bool = False) -> list[Command]:
        """The commands ``role`` may use, in menu order; only group-friendly ones for groups."""
        return [
            command
            for command in self._commands
            if role in (command.listed_for or command.roles)
            and not (in_groups and command.private_only)
        ]

    def help_sections(self, role: Role) -> list[tuple[str, list[tuple[str, str]]]]:
        """The headings of ``/help`` with the commands ``role`` may use, in the current locale;
        a heading with none of them is left out."""
        available = self.for_role(role)
        sections = [
            (
                str(section.title),
                [(c.name, str(c.description)) for c in available if c.section is section],
            )
            for section in SECTIONS
        ]
        return [section for section in sections if section[1]]

    def menu(self, role: Role, *, in_groups: bool = False) -> list[BotCommand]:
        """The menu of ``role`` in the current locale."""
        return [
            BotCommand(command.name, str(command.description))
            for command in self.for_role(role, in_groups=in_groups)
        ]

    async def publish_chat_menu(
        self, bot: ExtBot[None], user_id: int, role: Role, locale: str
    ) -> None:
        """Give one user's private chat the menu of their role in their chosen language."""
        with i18n.use_locale(locale):
            commands = self.menu(role)
            button: MenuButton = MenuButtonDefault()
            if self.console_url is not None and role in self.console_roles:
                button = MenuButtonWebApp(
                    pgettext("button: opens the console", "Console"), WebAppInfo(self.console_url)
                )
        await _decorative(
            bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id)), "setMyCommands"
        )
        await _decorative(bot.set_chat_menu_button(user_id, button), "setChatMenuButton")

    async def remove_chat_menu(self, bot: ExtBot[None], user_id: int) -> None:
        """Drop a private chat's own menu, e.g. when its user erased themselves."""
        await _decorative(
            bot.delete_my_commands(scope=BotCommandScopeChat(user_id)), "deleteMyCommands"
        )
        await _decorative(
            bot.set_chat_menu_button(user_id, MenuButtonDefault()), "setChatMenuButton"
        )

    async def publish(self, application: QorgauApplication) -> None:
        """Set the menus and descriptions for every language, then the staff's own menus; a
        call that fails costs its decoration, not the start (only getMe tells a bad token)."""
        bot = application.bot
        services = application.services
        failed: set[str] = set()
        default_locale = services.settings.default_locale
        for locale in i18n.LOCALES:
            with i18n.use_locale(locale):
                private = self.menu(Role.SUBSCRIBER)
                groups = self.menu(Role.SUBSCRIBER, in_groups=True)
                description = _(
                    "Qorgau helps the defenders of political prisoners in Kazakhstan: follow "
                    "cases, get reminders before hearings and deadlines, receive urgent appeals "
                    "and co-sign declarations. Press Start."
                )
                short_description = _("Coordination for the defence of political prisoners.")
            # The default locale also serves every language without its own menu (no code).
            for code in (locale, None) if locale == default_locale else (locale,):
                await _decorative(
                    bot.set_my_commands(private, language_code=code), "setMyCommands", failed
                )
                await _decorative(
                    bot.set_my_commands(
                        groups, scope=BotCommandScopeAllGroupChats(), language_code=code
                    ),
                    "setMyCommands",
                    failed,
                )
                await _decorative(
                    bot.set_my_description(description, language_code=code),
                    "setMyDescription",
                    failed,
                )
                await _decorative(
                    bot.set_my_short_description(short_description, language_code=code),
                    "setMyShortDescription",
                    failed,
                )
        for admin_id in services.settings.admins:
            record = await services.users.get(admin_id)
            if record is not None:
                await self.publish_chat_menu(bot, admin_id, Role.ADMIN, record.locale)
        for coordinator_id in await services.users.ids_with_role(Role.COORDINATOR):
            record = await services.users.get(coordinator_id)
            if record is not None and coordinator_id not in services.settings.admins:
                await self.publish_chat_menu(bot, coordinator_id, Role.COORDINATOR, record.locale)
