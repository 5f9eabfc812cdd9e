"""The table of commands: one source for their handlers, ``/help`` and the command menus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel.support import LazyProxy
from telegram import Update

from bot.domain.roles import EVERYONE, STAFF, Role
from bot.text.i18n import lazy_gettext
from bot.text.render import render
from handlers import (
    appeals,
    broadcasts,
    cancel,
    cases,
    deadline_editor,
    declarations,
    language,
    members,
    privacy,
    reminders,
    roles,
    signing,
    start,
)
from handlers.access import allow, policy_of
from handlers.context import BotContext
from handlers.replies import answer


@dataclass(frozen=True, slots=True)
class Command:
    """A bot command, its callback and its menu description."""

    name: str
    callback: Callable[..., Any]
    description: LazyProxy
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
class Section:
    """A heading of /help and its commands."""

    title: LazyProxy
    commands: tuple[Command, ...]


@allow(*EVERYONE)
async def help_command(update: Update, context: BotContext) -> None:
    """List the commands this user's role may use, under their headings."""
    available = {command.name for command in commands_for(context.role)}
    sections = [
        (
            str(section.title),
            [(c.name, str(c.description)) for c in section.commands if c.name in available],
        )
        for section in SECTIONS
    ]
    await answer(update, render("help.html", sections=[s for s in sections if s[1]]))


SECTIONS: tuple[Section, ...] = (
    Section(
        lazy_gettext("Getting started"),
        (
            Command(
                "start",
                start.start,
                lazy_gettext("What this bot can do for you"),
                private_only=False,
            ),
            Command(
                "help", help_command, lazy_gettext("The commands you can use"), private_only=False
            ),
        ),
    ),
    Section(
        lazy_gettext("Cases"),
        (
            Command(
                "cases",
                cases.list_cases,
                lazy_gettext("Cases of political prisoners"),
                private_only=False,
            ),
            Command(
                "case", cases.find_case, lazy_gettext("Find a case by name"), private_only=False
            ),
            Command("mycases", cases.my_cases, lazy_gettext("The cases you follow")),
        ),
    ),
    Section(
        lazy_gettext("Deadlines and reminders"),
        (
            Command(
                "deadlines",
                reminders.list_deadlines,
                lazy_gettext("Upcoming deadlines of your cases"),
            ),
            Command("reminders", reminders.show_settings, lazy_gettext("Your reminder settings")),
            Command("timezone", reminders.set_timezone, lazy_gettext("Set your time zone")),
            Command(
                "remindbefore",
                reminders.set_leads,
                lazy_gettext("When to remind you before deadlines"),
            ),
            Command(
                "newdeadline", deadline_editor.start_new, lazy_gettext("Add a deadline to a case")
            ),
            Command(
                "editdeadlines",
                deadline_editor.start_edit,
                lazy_gettext("Move or cancel a deadline"),
            ),
        ),
    ),
    Section(
        lazy_gettext("Appeals and news"),
        (
            Command("appeal", appeals.start_appeal, lazy_gettext("Send an urgent appeal")),
            Command(
                "update", appeals.start_news, lazy_gettext("Post news of a case to its followers")
            ),
            Command(
                "appeals",
                broadcasts.list_appeals,
                lazy_gettext("Recent appeals, news and reports"),
            ),
        ),
    ),
    Section(
        lazy_gettext("Written declarations"),
        (
            Command(
                "sign",
                signing.start_signing,
                lazy_gettext("Co-sign a written declaration"),
                listed_for=frozenset({Role.MEMBER, *STAFF}),
            ),
            Command("progress", declarations.progress, lazy_gettext("Signatures of a declaration")),
            Command("members", members.list_members, lazy_gettext("Members of parliament")),
            Command("editmember", members.edit_member, lazy_gettext("Correct a member's record")),
            Command(
                "importmembers",
                members.explain_roster_import,
                lazy_gettext("Import the roster from a file"),
            ),
            Command("invite", members.invite, lazy_gettext("Invite a member of parliament")),
            Command("unbind", members.unbind, lazy_gettext("Unregister a member's account")),
            Command(
                "newdeclaration",
                declarations.new_declaration,
                lazy_gettext("Write a new declaration"),
            ),
            Command(
                "translatedeclaration",
                declarations.translate_declaration,
                lazy_gettext("Add a declaration's text in a language"),
            ),
            Command(
                "opendeclaration", declarations.open_declaration, lazy_gettext("Open a declaration")
            ),
            Command(
                "closedeclaration",
                declarations.close_declaration,
                lazy_gettext("Close a declaration"),
            ),
            Command(
                "signatories",
                declarations.signatories,
                lazy_gettext("List who signed a declaration"),
            ),
            Command("verifyaudit", declarations.verify_audit, lazy_gettext("Verify the audit log")),
        ),
    ),
    Section(
        lazy_gettext("Coordinators"),
        (
            Command("grant", roles.grant, lazy_gettext("Make a user a coordinator")),
            Command("revoke", roles.revoke, lazy_gettext("Take the coordinator role back")),
            Command("coordinators", roles.list_coordinators, lazy_gettext("List the coordinators")),
        ),
    ),
    Section(
        lazy_gettext("Language and your data"),
        (
            Command("language", language.choose_language, lazy_gettext("Change the language")),
            Command("privacy", privacy.show_privacy, lazy_gettext("What the bot stores about you")),
            Command(
                "forget", privacy.ask_to_forget, lazy_gettext("Erase everything stored about you")
            ),
            Command("cancel", cancel.nothing_to_cancel, lazy_gettext("Cancel the current action")),
        ),
    ),
)
"""The commands in the order of the menus, under the headings of /help."""

COMMANDS: tuple[Command, ...] = tuple(
    command for section in SECTIONS for command in section.commands
)


def commands_for(role: Role, *, in_groups: bool = False) -> list[Command]:
    """The commands ``role`` may use, in menu order; only group-friendly ones for groups."""
    return [
        command
        for command in COMMANDS
        if role in (command.listed_for or command.roles)
        and not (in_groups and command.private_only)
    ]
