"""Admins grant and revoke the coordinator role: ``/grant``, ``/revoke``, ``/coordinators``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ConversationHandler, MessageHandler

from bot.domain.roles import ADMINS, Role, effective_role
from bot.text.i18n import gettext as _
from bot.text.i18n import lazy_gettext
from bot.text.render import render
from handlers.access import allow
from handlers.commands import COORDINATORS, Command, Feature
from handlers.context import BotContext
from handlers.conversation import END, TEXT, private_conversation
from handlers.replies import answer

logger = logging.getLogger(__name__)


AWAITING_GRANT_ID, AWAITING_REVOKE_ID = range(2)
"""States of the role conversation: the admin was asked for the id to grant or revoke."""


def parse_user_id(text: str) -> int | None:
    """A positive Telegram user id, or ``None`` for anything else."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 15 or int(text) == 0:
        return None
    return int(text)


async def _check_target(update: Update, context: BotContext, text: str) -> int | None:
    """The user id in ``text`` if it names a known user who is not an admin; else explain."""
    user_id = parse_user_id(text)
    if user_id is None:
        await answer(update, _("That is not a Telegram user id. Send digits only, e.g. 123456789."))
        return None
    if user_id in context.services.settings.admins:
        await answer(update, _("This user is an administrator; BOT_ADMINS decides that role."))
        return None
    if await context.services.users.get(user_id) is None:
        await answer(
            update,
            _("The bot has not met this user. Ask them to send /start to the bot first."),
        )
        return None
    return user_id


async def refresh_role(context: BotContext, user_id: int) -> None:
    """After storage recomputed a user's role (a binding moved, a grant revoked): read it
    afresh and give their chat the menu of that role."""
    users = context.services.users
    users.forget([user_id])
    record = await users.get(user_id)
    if record is not None:
        role = effective_role(user_id, record.role, context.services.settings.admins)
        await context.menus.publish_chat_menu(context.bot, user_id, role, record.locale)


async def _set_role(context: BotContext, user_id: int, role: Role) -> None:
    users = context.services.users
    await users.set_role(user_id, role)
    logger.info("an admin set a user's role to %s", role.value)
    record = await users.get(user_id)
    if record is not None:
        await context.menus.publish_chat_menu(context.bot, user_id, role, record.locale)


async def _grant_to(update: Update, context: BotContext, text: str) -> bool:
    """Grant the coordinator role to the user in ``text``; whether that was done."""
    user_id = await _check_target(update, context, text)
    if user_id is None:
        return False
    await _set_role(context, user_id, Role.COORDINATOR)
    await answer(update, _("User %(user_id)s is now a coordinator.", user_id=user_id))
    return True


async def _revoke_from(update: Update, context: BotContext, text: str) -> bool:
    """Take the coordinator role from the user in ``text``; whether the exchange is over."""
    user_id = await _check_target(update, context, text)
    if user_id is None:
        return False
    record = await context.services.users.get(user_id)
    if record is None or record.role is not Role.COORDINATOR:
        await answer(update, _("User %(user_id)s is not a coordinator.", user_id=user_id))
        return True
    role = await context.services.users.revoke_coordinator(user_id)
    logger.info("an admin revoked a coordinator; the user's role is now %s", role)
    await refresh_role(context, user_id)
    await answer(update, _("User %(user_id)s is no longer a coordinator.", user_id=user_id))
    return True


async def _start(
    update: Update,
    context: BotContext,
    act: Callable[[Update, BotContext, str], Awaitable[bool]],
    waiting: int,
) -> int:
    if context.args:
        await act(update, context, " ".join(context.args))
        return END
    await answer(update, _("Send the Telegram user id, or /cancel."))
    return waiting


@allow(*ADMINS)
async def grant(update: Update, context: BotContext) -> int:
    """``/grant ID`` makes a known user a coordinator; ``/grant`` alone asks for the id."""
    return await _start(update, context, _grant_to, AWAITING_GRANT_ID)


@allow(*ADMINS)
async def revoke(update: Update, context: BotContext) -> int:
    """``/revoke ID`` returns a coordinator to the reader role; ``/revoke`` alone asks."""
    return await _start(update, context, _revoke_from, AWAITING_REVOKE_ID)


@allow(*ADMINS)
async def grant_id_received(update: Update, context: BotContext) -> int | None:
    """The id asked for by ``/grant``; a bad one is explained and asked for again."""
    assert update.effective_message is not None
    done = await _grant_to(update, context, update.effective_message.text or "")
    return END if done else None


@allow(*ADMINS)
async def revoke_id_received(update: Update, context: BotContext) -> int | None:
    """The id asked for by ``/revoke``; a bad one is explained and asked for again."""
    assert update.effective_message is not None
    done = await _revoke_from(update, context, update.effective_message.text or "")
    return END if done else None


@allow(*ADMINS)
async def list_coordinators(update: Update, context: BotContext) -> None:
    """List the ids of the coordinators and administrators."""
    coordinators = await context.services.users.ids_with_role(Role.COORDINATOR)
    admins = sorted(context.services.settings.admins)
    await answer(update, render("coordinators.html", coordinators=coordinators, admins=admins))


GRANT = Command("grant", grant, lazy_gettext("Make a user a coordinator"), COORDINATORS)
REVOKE = Command("revoke", revoke, lazy_gettext("Take the coordinator role back"), COORDINATORS)


def role_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """``/grant`` and ``/revoke``, persisted so that a restart does not lose the question."""
    return private_conversation(
        "roles",
        entry_points=[GRANT, REVOKE],
        states={
            AWAITING_GRANT_ID: [MessageHandler(TEXT, grant_id_received)],
            AWAITING_REVOKE_ID: [MessageHandler(TEXT, revoke_id_received)],
        },
    )


FEATURE = Feature(
    commands=(
        GRANT,
        REVOKE,
        Command(
            "coordinators", list_coordinators, lazy_gettext("List the coordinators"), COORDINATORS
        ),
    ),
    conversation=role_conversation,
)
