"""Who calls the console's API, and whether they may: Telegram's signed launch data on every
request, the same roles as in the bot, deny by default.

Every request carries the Mini App's ``initData`` in ``Authorization: tma <initData>`` (no
cookie, no session: nothing to steal but data that expires by itself). The signature and
age are checked (:mod:`bot.domain.web_app`), the user's role is read as the bot reads it
(``BOT_ADMINS``, then the stored role), and the route's roles decide. A route's roles are,
wherever the bot has the same act in chat, *that handler's* ``@allow`` policy
(:func:`same_as`), so the console cannot drift from the bot; :func:`api_route` refuses to
register a route without roles. Refusals are 401 (no valid launch data) and 403 (a role the
route does not allow), worded in the caller's language, logged with the route and the role
only.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.domain.roles import Role, effective_role
from bot.domain.web_app import InvalidInitData, Refusal, language_hint, verify_init_data
from bot.text import i18n
from bot.text.i18n import gettext as _
from bot.web.keys import BOT
from handlers.access import policy_of

logger = logging.getLogger(__name__)

API = "/console/api"
"""Every route of the console's API is below this path."""

SCHEME = "tma"
"""``Authorization: tma <initData>``: the scheme Telegram Mini Apps conventionally use."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling, as the bot knows them."""

    user_id: int
    role: Role
    locale: str


Endpoint = Callable[[web.Request, Caller], Awaitable[web.StreamResponse]]

ROLES_KEY = "console_roles"
"""The attribute of a registered handler holding the roles it allows (for tests)."""


def same_as(callback: Callable[..., Any]) -> frozenset[Role]:
    """The roles of a bot handler's ``@allow`` policy: the console allows exactly them."""
    roles = policy_of(callback)
    if roles is None:
        raise LookupError(f"{callback.__qualname__} declares no policy")
    return roles


def _refusal(status: int, text: str) -> web.Response:
    body = json.dumps({"error": status, "message": text}, ensure_ascii=False)
    return web.Response(status=status, text=body, content_type="application/json")


def _guard(endpoint: Endpoint, roles: frozenset[Role], name: str) -> Callable[..., Any]:
    async def guarded(request: web.Request) -> web.StreamResponse:
        application = request.app[BOT]
        services = application.services
        settings = services.settings
        scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
        default = settings.default_locale
        try:
            if scheme.lower() != SCHEME:
                raise InvalidInitData(Refusal.MISSING)
            user = verify_init_data(
                settings.require_token(),
                raw.strip(),
                max_age=settings.console_max_age,
                now=time.time(),
            )
        except InvalidInitData as error:
            locale = i18n.resolve_locale(None, language_hint(raw.strip()), default)
            logger.info("console: %s refused: launch data %s", name, error.refusal.value)
            services.metrics.console_requests.labels("401").inc()
            with i18n.use_locale(locale):
                return _refusal(
                    401,
                    _(
                        "This console opens from the bot in Telegram, and stays open for a "
                        "while. Open it again from the bot's menu or with /console."
                    ),
                )
        record = await services.users.get(user.id)
        role = effective_role(user.id, record.role if record else None, settings.admins)
        chosen = record.locale if record and record.locale_chosen else None
        locale = i18n.resolve_locale(chosen, user.language_code, default)
        with i18n.use_locale(locale):
            if role not in roles:
                logger.info("console: %s refused to role %s", name, role.value)
                services.metrics.console_requests.labels("403").inc()
                return _refusal(403, _("Sorry, this is not available to you."))
            response = await endpoint(request, Caller(user.id, role, locale))
        services.metrics.console_requests.labels(str(response.status)).inc()
        return response

    setattr(guarded, ROLES_KEY, roles)
    guarded.__name__ = guarded.__qualname__ = name
    return guarded


@dataclass(frozen=True, slots=True)
class ApiRoute:
    """One route of the console's API and the roles that may call it."""

    method: str
    path: str
    """Below :data:`API`, e.g. ``/cases/{case_id}``."""
    endpoint: Endpoint
    roles: frozenset[Role]


def api_route(method: str, path: str, roles: Iterable[Role]) -> Callable[[Endpoint], ApiRoute]:
    """Declare an API route allowed to ``roles`` (none: refused at once)."""
    allowed = frozenset(roles)
    if not allowed:
        raise ValueError(f"{method} {path}: a route must allow at least one role")

    def declare(endpoint: Endpoint) -> ApiRoute:
        return ApiRoute(method, path, endpoint, allowed)

    return declare


def register(app: web.Application, routes: Iterable[ApiRoute]) -> None:
    """Add ``routes`` below :data:`API`, each behind its guard."""
    for route in routes:
        name = f"{route.method} {route.path}"
        app.router.add_route(
            route.method, API + route.path, _guard(route.endpoint, route.roles, name)
        )
