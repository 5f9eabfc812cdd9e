"""Roles in the console: administrators grant and revoke the coordinator role, with the same
rules, words and authorisation as ``/grant`` and ``/revoke`` (``handlers.roles``); each change
is written to the audit log, naming both people by the log's own numbers."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.domain.roles import Role
from bot.text.i18n import gettext as _
from bot.web.console.auth import Caller, api_route, same_as
from bot.web.console.render import html
from bot.web.keys import BOT
from handlers.roles import grant, list_coordinators, parse_user_id, revoke
from storage import audit_log

logger = logging.getLogger(__name__)

ADMINISTRATORS = same_as(list_coordinators)
GRANTERS = same_as(grant)
REVOKERS = same_as(revoke)


async def _page(
    request: web.Request, notice: str | None = None, problem: str | None = None, status: int = 200
) -> web.Response:
    services = request.app[BOT].services
    coordinators = await services.users.ids_with_role(Role.COORDINATOR)
    return html(
        "roles.html",
        http_status=status,
        coordinators=coordinators,
        admins=sorted(services.settings.admins),
        notice=notice,
        problem=problem,
    )


@api_route("GET", "/roles", ADMINISTRATORS)
async def show_roles(request: web.Request, caller: Caller) -> web.Response:
    """The coordinators and administrators, and the form to grant the role."""
    return await _page(request)


async def _target(request: web.Request) -> int | str:
    """The user id of the request (a known user who is not an administrator), or why not."""
    try:
        body = await request.json()
    except ValueError:
        body = {}
    text = str(body.get("user_id", "")) if isinstance(body, dict) else ""
    user_id = parse_user_id(text)
    services = request.app[BOT].services
    if user_id is None:
        return _("That is not a Telegram user id. Send digits only, e.g. 123456789.")
    if user_id in services.settings.admins:
        return _("This user is an administrator; BOT_ADMINS decides that role.")
    if await services.users.get(user_id) is None:
        return _("The bot has not met this user. Ask them to send /start to the bot first.")
    return user_id


async def _change(request: web.Request, caller: Caller, user_id: int, role: Role) -> None:
    application = request.app[BOT]
    services = application.services
    async with services.db.transaction() as conn:
        await services.users.set_role(user_id, role)
        await audit_log.record(
            conn,
            "role_granted" if role is Role.COORDINATOR else "role_revoked",
            {
                "role": Role.COORDINATOR.value,
                "actor": await audit_log.actor(conn, caller.user_id),
                "subject": await audit_log.actor(conn, user_id),
            },
        )
    logger.info("an admin set a user's role to %s in the console", role.value)
    record = await services.users.get(user_id)
    if record is not None:
        await application.menus.publish_chat_menu(application.bot, user_id, role, record.locale)


@api_route("POST", "/roles/grant", GRANTERS)
async def grant_coordinator(request: web.Request, caller: Caller) -> web.Response:
    """Make a known user a coordinator."""
    target = await _target(request)
    if isinstance(target, str):
        return await _page(request, problem=target, status=422)
    await _change(request, caller, target, Role.COORDINATOR)
    return await _page(request, notice=_("User %(user_id)s is now a coordinator.", user_id=target))


@api_route("POST", "/roles/revoke", REVOKERS)
async def revoke_coordinator(request: web.Request, caller: Caller) -> web.Response:
    """Return a coordinator to the reader role."""
    target = await _target(request)
    if isinstance(target, str):
        return await _page(request, problem=target, status=422)
    record = await request.app[BOT].services.users.get(target)
    if record is None or record.role is not Role.COORDINATOR:
        problem = _("User %(user_id)s is not a coordinator.", user_id=target)
        return await _page(request, problem=problem, status=422)
    await _change(request, caller, target, Role.SUBSCRIBER)
    notice = _("User %(user_id)s is no longer a coordinator.", user_id=target)
    return await _page(request, notice=notice)


ROUTES = (show_roles, grant_coordinator, revoke_coordinator)
