"""The console's HTML: Jinja2 templates in ``templates/``, autoescaped, in the caller's
language through the bot's own catalogs (the gettext callables read the current locale)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment

from bot.domain import moments
from bot.domain.languages import LOCALES
from bot.text import i18n
from bot.text.formatting import ReaderZone, number
from bot.text.render import template_environment
from bot.web.keys import BOT

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@functools.cache
def environment() -> Environment:
    """The console's template environment: the bot's kind, with the console's helpers."""
    env = template_environment(TEMPLATE_DIR)
    env.globals.update(
        LOCALES=LOCALES,
        language_name=i18n.language_name,
        language_in_current_locale=i18n.language_in_current_locale,
        current_locale=i18n.current_locale,
        number=number,
        dict=dict,
    )
    return env


def html(template: str, /, *, http_status: int = 200, **context: Any) -> web.Response:
    """A fragment of the console rendered in the current locale, answered with
    ``http_status``."""
    body = environment().get_template(template).render(**context)
    return web.Response(text=body, status=http_status, content_type="text/html", charset="utf-8")


async def caller_zone(request: web.Request, user_id: int) -> ReaderZone:
    """The time zone the caller sees times in, as in the bot: their /timezone, else the bot's
    (which every time shown then names)."""
    services = request.app[BOT].services
    chosen = (await services.reminders.settings(user_id)).zone
    if chosen:
        return ReaderZone(moments.zone(chosen), True)
    return ReaderZone(services.settings.timezone)
