"""The coordinators' console: a Telegram Mini App served by the bot itself.

``GET /console/`` is the page (one HTML shell, its script and its style, all from the
package: nothing is fetched from elsewhere at run time); everything else is its API below
``/console/api``, where every request is authorised (:mod:`bot.web.console.auth`) and
answered with HTML fragments rendered in the caller's language, or JSON.

Pages: Cases (:mod:`.cases`), Coverage (:mod:`.coverage`, filled by the take-action
feature), Broadcasts (:mod:`.broadcasts`), Declarations (:mod:`.declarations`) and Roles
(:mod:`.roles`).
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.domain.languages import LOCALES
from bot.text import i18n
from bot.text.i18n import gettext as _
from bot.web.console import broadcasts, cases, coverage, declarations, roles
from bot.web.console.auth import ApiRoute, Caller, api_route, register
from bot.web.console.render import environment, html
from bot.web.keys import BOT

PATH = "/console/"
STATIC = Path(__file__).resolve().parent / "static"

PAGES = (
    ("/cases", cases.EDITORS, i18n.lazy_pgettext("console: a page", "Cases")),
    ("/coverage", coverage.READERS, i18n.lazy_pgettext("console: a page", "Coverage")),
    ("/broadcasts", broadcasts.READERS, i18n.lazy_pgettext("console: a page", "Broadcasts")),
    ("/declarations", declarations.READERS, i18n.lazy_pgettext("console: a page", "Declarations")),
    ("/roles", roles.ADMINISTRATORS, i18n.lazy_pgettext("console: a page", "Roles")),
)
"""The console's pages in menu order, with who may open each."""

CONSOLE_ROLES = frozenset(role for _path, allowed, _title in PAGES for role in allowed)
"""Whoever may open at least one page: the console's users (the bot offers them /console)."""


def _accepted_locale(request: web.Request, default: str) -> str:
    """The first of the browser's languages the console speaks (before anyone signs in)."""
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip()
        if code:
            locale = i18n.resolve_locale(None, code, "")
            if locale in LOCALES:
                return locale
    return default


async def shell(request: web.Request) -> web.Response:
    """The page itself: it signs in with the launch data and asks for the rest."""
    locale = _accepted_locale(request, request.app[BOT].services.settings.default_locale)
    router = request.app.router
    with i18n.use_locale(locale):
        body = (
            environment()
            .get_template("shell.html")
            .render(
                locale=locale,
                css=router["console-static"].url_for(filename="console.css"),
                js=router["console-static"].url_for(filename="console.js"),
            )
        )
    return web.Response(text=body, content_type="text/html", charset="utf-8")


@api_route("GET", "/me", CONSOLE_ROLES)
async def me(request: web.Request, caller: Caller) -> web.Response:
    """Who the caller is to the console: their pages (the menu), language and home page."""
    pages = [(path, str(title)) for path, allowed, title in PAGES if caller.role in allowed]
    nav = html("nav.html", pages=pages).text
    return web.json_response(
        {
            "role": caller.role.value,
            "locale": caller.locale,
            "title": _("Qorgau console"),
            "nav": nav,
            "home": pages[0][0],
            "strings": {
                "offline": _(
                    "The console cannot reach the bot. Check the connection and open it again."
                ),
                "failed": _("Something went wrong. Try again."),
            },
        }
    )


def routes() -> tuple[ApiRoute, ...]:
    """Every route of the console's API."""
    return (
        me,
        *cases.ROUTES,
        *coverage.ROUTES,
        *broadcasts.ROUTES,
        *declarations.ROUTES,
        *roles.ROUTES,
    )


def setup(app: web.Application) -> None:
    """Add the console's page, files and API."""
    app.router.add_get(PATH, shell, name="console")
    app.router.add_get("/console", _redirect)
    app.router.add_static("/console/static", STATIC, name="console-static", append_version=True)
    register(app, routes())


async def _redirect(request: web.Request) -> web.Response:
    raise web.HTTPPermanentRedirect(PATH)
