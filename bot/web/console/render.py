"""The console's HTML: Jinja2 templates in ``templates/``, autoescaped, in the caller's
language through the bot's own catalogs (the gettext callables read the current locale)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.domain.languages import LOCALES
from bot.text import i18n
from bot.text.formatting import number

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@functools.cache
def environment() -> Environment:
    """The console's template environment."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
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
