"""Coordinators and the roster: ``/members``, ``/invite ID`` and ``/unbind ID``."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import Update

from bot.declarations import Member
from bot.formatting import date_and_time
from bot.i18n import gettext as _
from bot.render import render
from bot.roles import STAFF, Role
from bot.signatory_block import listed_name
from handlers.access import allow
from handlers.context import BotContext
from handlers.menus import publish_chat_menu
from handlers.replies import answer

logger = logging.getLogger(__name__)


async def _member_argument(update: Update, context: BotContext, command: str) -> Member | None:
    """The member whose roster number is the command's argument; otherwise explain."""
    argument = context.args[0] if context.args and len(context.args) == 1 else ""
    if not argument.isdigit() or len(argument) > 9:
        await answer(
            update,
            _("Send the member's number from /members, e.g. /{command} 12.").format(
                command=command
            ),
        )
        return None
    member = await context.services.members.get(int(argument))
    if member is None:
        await answer(update, _("There is no member No. {number}.").format(number=argument))
    return member


@allow(*STAFF)
async def list_members(update: Update, context: BotContext) -> None:
    """``/members [name]``: the roster, or the members whose name contains the query."""
    services = context.services
    members = await services.members.search(" ".join(context.args or []))
    rows = [
        (member.id, listed_name(member), await services.members.user_of(member.id) is not None)
        for member in members
    ]
    await answer(update, render("members.html", rows=rows))


@allow(*STAFF)
async def invite(update: Update, context: BotContext) -> None:
    """``/invite ID``: a one-time, expiring deep link that binds an account to the member."""
    member = await _member_argument(update, context, "invite")
    if member is None:
        return
    invitation = await context.services.members.invite(member.id)
    logger.info("a coordinator created an invitation")
    await answer(
        update,
        render(
            "invitation.html",
            listing=listed_name(member),
            link=f"https://t.me/{context.bot.username}?start={invitation.payload}",
            expires=date_and_time(
                datetime.fromtimestamp(invitation.expires_at, UTC),
                context.services.settings.timezone,
            ),
        ),
    )


@allow(*STAFF)
async def unbind(update: Update, context: BotContext) -> None:
    """``/unbind ID``: the member's Telegram account can no longer sign in their name."""
    member = await _member_argument(update, context, "unbind")
    if member is None:
        return
    services = context.services
    user_id = await services.members.unbind(member.id)
    if user_id is None:
        await answer(
            update,
            _("{member} has no Telegram account registered.").format(member=listed_name(member)),
        )
        return
    record = await services.users.get(user_id)
    if record is not None and record.role is Role.MEMBER:
        await services.users.set_role(user_id, Role.SUBSCRIBER)
        await publish_chat_menu(context.bot, user_id, Role.SUBSCRIBER, record.locale)
    logger.info("a coordinator unbound a member's account")
    await answer(
        update,
        _("{member} is no longer registered to a Telegram account.").format(
            member=listed_name(member)
        ),
    )
