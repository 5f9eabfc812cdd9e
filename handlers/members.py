"""Coordinators and the roster: ``/members``, ``/editmember``, ``/importmembers``, ``/invite ID``
and ``/unbind ID``."""

from __future__ import annotations

import html
import logging
from datetime import UTC, datetime
from pathlib import Path

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.domain.files import FileError
from bot.domain.members import LONGEST, SEATS, Member
from bot.domain.roles import STAFF
from bot.domain.roster import REQUIRED, member_from_fields, parse_roster
from bot.domain.signatory_block import listed_name
from bot.text.formatting import reader_moment
from bot.text.i18n import gettext as _
from bot.text.i18n import lazy_gettext
from bot.text.problems import file_problem
from bot.text.render import render
from handlers.access import allow
from handlers.commands import DECLARATIONS, Command, Feature
from handlers.context import BotContext
from handlers.reminders import reader_zone
from handlers.replies import PRIVATE_MESSAGE, answer, answer_in_parts
from handlers.roles import refresh_role

logger = logging.getLogger(__name__)


MEMBERS_SHOWN = 30
"""Members listed by one ``/members``; a part of a name narrows a longer list."""


async def _member_argument(
    update: Update, context: BotContext, command: str, argument: str
) -> Member | None:
    """The member whose roster number is ``argument``; otherwise explain."""
    if not (argument.isascii() and argument.isdigit() and len(argument) <= 9):
        await answer(
            update,
            _("Send the member's number from /members, e.g. /%(command)s 12.", command=command),
        )
        return None
    member = await context.services.members.get(int(argument))
    if member is None:
        await answer(update, _("There is no member No. %(number)s.", number=argument))
    return member


def _only_argument(context: BotContext) -> str:
    return context.args[0] if context.args and len(context.args) == 1 else ""


@allow(*STAFF)
async def list_members(update: Update, context: BotContext) -> None:
    """``/members [name]``: the roster, or the members whose name contains the query."""
    services = context.services
    members = await services.members.search(" ".join(context.args or []))
    rows = [
        (member.id, listed_name(member), await services.members.user_of(member.id) is not None)
        for member in members[:MEMBERS_SHOWN]
    ]
    hidden = len(members) - len(rows)
    await answer_in_parts(update, render("members.html", rows=rows, hidden=hidden))


@allow(*STAFF)
async def invite(update: Update, context: BotContext) -> None:
    """``/invite ID``: a one-time, expiring deep link that binds an account to the member."""
    member = await _member_argument(update, context, "invite", _only_argument(context))
    if member is None:
        return
    invitation = await context.services.members.invite(member.id)
    logger.info("a coordinator created an invitation")
    assert update.effective_user is not None
    await answer(
        update,
        render(
            "invitation.html",
            listing=listed_name(member),
            link=f"https://t.me/{context.bot.username}?start={invitation.payload}",
            expires=reader_moment(
                datetime.fromtimestamp(invitation.expires_at, UTC),
                await reader_zone(context, update.effective_user.id),
            ),
        ),
    )


@allow(*STAFF)
async def unbind(update: Update, context: BotContext) -> None:
    """``/unbind ID``: the member's Telegram account can no longer sign in their name."""
    member = await _member_argument(update, context, "unbind", _only_argument(context))
    if member is None:
        return
    services = context.services
    user_id = await services.members.unbind(member.id)
    if user_id is None:
        await answer(
            update,
            _(
                "%(member)s has no Telegram account registered.",
                member=html.escape(listed_name(member)),
            ),
        )
        return
    await refresh_role(context, user_id)
    logger.info("a coordinator unbound a member's account")
    await answer(
        update,
        _(
            "%(member)s is no longer registered to a Telegram account.",
            member=html.escape(listed_name(member)),
        ),
    )


EDITABLE = ("surname", "given_name", "particle", "country", "political_group", "seat")
"""Fields of a member a coordinator may correct with ``/editmember``."""


async def _problem(context: BotContext, field: str, value: str) -> str | None:
    """Why ``value`` cannot be the member's ``field``, in the current locale; ``None`` if it can."""
    if field in REQUIRED and not value:
        return _("This field cannot be empty.")
    limit = LONGEST.get(field)
    if limit is not None and len(value) > limit:
        return _("This is too long: at most %(limit)s characters.", limit=limit)
    if field == "seat" and value and value not in SEATS:
        return _("The seat is either representative or substitute.")
    if field == "political_group":
        groups = sorted(await context.services.members.group_abbreviations())
        if value not in groups:
            # TRANSLATORS: %(group)s and %(groups)s are abbreviations of political groups (SOC,
            # EPP/CD…), not to be translated.
            return _(
                "There is no political group %(group)s. The groups are: %(groups)s.",
                group=html.escape(value),
                groups=html.escape(", ".join(groups)),
            )
    return None


@allow(*STAFF)
async def edit_member(update: Update, context: BotContext) -> None:
    """``/editmember ID FIELD VALUE``: correct one field of a member of the roster."""
    arguments = context.args or []
    if len(arguments) < 2 or arguments[1] not in EDITABLE:
        await answer(update, render("edit_member_usage.html", fields=", ".join(EDITABLE)))
        return
    member = await _member_argument(update, context, "editmember", arguments[0])
    if member is None:
        return
    field, value = arguments[1], " ".join(arguments[2:])
    problem = await _problem(context, field, value)
    if problem is not None:
        await answer(update, problem)
        return
    fields = {name: getattr(member, name) for name in (*EDITABLE, "assembly")}
    corrected = member_from_fields({**fields, field: value})
    if not await context.services.members.update(member.id, corrected):
        await answer(update, _("Another member of the roster has this name and country."))
        return
    updated = await context.services.members.get(member.id)
    assert updated is not None
    await answer(update, _("Updated: %(member)s", member=html.escape(listed_name(updated))))


ROSTER_FILE = (
    filters.Document.FileExtension("csv")
    | filters.Document.FileExtension("yaml")
    | filters.Document.FileExtension("yml")
)
"""A roster sent as a document."""

ROSTER_CAPTION = filters.CaptionRegex(r"^/importmembers(@\w+)?\s*$")
"""The caption that asks for a roster file to be imported."""

MAX_ROSTER_BYTES = 1_000_000


@allow(*STAFF)
async def explain_roster_import(update: Update, context: BotContext) -> None:
    """``/importmembers`` alone: how to send the roster."""
    await answer(
        update,
        _(
            "Send the roster as a .csv or .yaml file with the caption /importmembers. "
            "README.md, “Written declarations”, describes the columns."
        ),
    )


@allow(*STAFF)
async def import_roster_file(update: Update, context: BotContext) -> None:
    """A roster file captioned ``/importmembers``: check it all, then store it all or nothing."""
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    if (document.file_size or 0) > MAX_ROSTER_BYTES:
        await answer(update, _("This file is too large for a roster (at most 1 MB)."))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    members = context.services.members
    name = Path(document.file_name or "roster.csv").name
    try:
        roster = parse_roster(Path(name), data, await members.group_abbreviations())
    except FileError as error:
        await answer(
            update,
            render("roster_error.html", name=name, line=error.line, problem=file_problem(error)),
        )
        return
    added, updated = await members.import_roster(roster.members, roster.groups)
    logger.info("a coordinator imported a roster")
    await answer(
        update,
        _(
            "Roster imported. New members: %(added)s; updated: %(updated)s.",
            added=added,
            updated=updated,
        ),
    )


FEATURE = Feature(
    commands=(
        Command("members", list_members, lazy_gettext("Members of parliament"), DECLARATIONS),
        Command("editmember", edit_member, lazy_gettext("Correct a member's record"), DECLARATIONS),
        Command(
            "importmembers",
            explain_roster_import,
            lazy_gettext("Import the roster from a file"),
            DECLARATIONS,
        ),
        Command("invite", invite, lazy_gettext("Invite a member of parliament"), DECLARATIONS),
        Command("unbind", unbind, lazy_gettext("Unregister a member's account"), DECLARATIONS),
    ),
    handlers=(MessageHandler(PRIVATE_MESSAGE & ROSTER_FILE & ROSTER_CAPTION, import_roster_file),),
)
