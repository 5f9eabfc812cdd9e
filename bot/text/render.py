"""Jinja2 templates that produce Telegram HTML in the current locale."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.text import i18n

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def template_environment(folder: Path) -> Environment:
    """A Jinja2 environment for the templates in ``folder``: autoescaped, strict about
    undefined names, trimmed, and translated by the bot's catalogs (its gettext reads the
    current locale on every call)."""
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the code: no look at their files' times on every render.
        auto_reload=False,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext,
        i18n.ngettext,
        newstyle=True,
        pgettext=i18n.pgettext,
        npgettext=i18n.npgettext,
    )
    return env


@functools.cache
def environment() -> Environment:
    """The environment of the bot's messages."""
    return template_environment(TEMPLATE_DIR)


async def compile_templates() -> None:
    """Compile every message template, one at a time between other work, so that no reader's
    first message of a kind waits for its template (a few milliseconds each)."""
    env = environment()
    for name in env.list_templates():
        env.get_template(name)
        await asyncio.sleep(0)


def render(template: str, /, **context: Any) -> str:
    """Render ``template`` (e.g. ``"start.html"``) to Telegram HTML, trimmed."""
    return environment().get_template(template).render(**context).strip()
