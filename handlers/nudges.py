"""The repeating job that reminds unsigned members before a declaration's window closes."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.domain.declaration_reminders import due_nudges
from bot.domain.declarations import Declaration
from bot.text import i18n
from bot.text.formatting import date_and_time
from bot.text.render import render
from handlers.context import BotContext

logger = logging.getLogger(__name__)

NUDGE_INTERVAL = 600.0
"""Seconds between two looks for reminders that are due."""

NUDGE_FIRST = 2.0
"""Seconds after start-up of the first look, so a restart catches up at once."""


def _reminder(declaration: Declaration, context: BotContext) -> dict[str, str]:
    """The reminder in every locale."""
    assert declaration.closes_at is not None
    texts = {}
    for locale in i18n.LOCALES:
        with i18n.use_locale(locale):
            texts[locale] = render(
                "declaration_nudge.html",
                number=declaration.number,
                title=declaration.title_in(locale),
                closes=date_and_time(declaration.closes_at, context.services.settings.timezone),
            )
    return texts


async def send_due_nudges(context: BotContext) -> None:
    """Queue the reminders whose moment has come, each once, for the delivery engine."""
    services = context.services
    now = datetime.now(UTC)
    for declaration in await services.declarations.open_for_signing():
        if declaration.closes_at is None or not declaration.accepts_signatures(now):
            continue
        due = due_nudges(declaration.closes_at, now, await services.nudges.sent(declaration.number))
        if not due:
            continue
        queued = await services.nudges.queue(
            declaration.number, due, _reminder(declaration, context)
        )
        if queued is not None:
            logger.info("queued a declaration reminder to %d members", queued[1])
            services.delivery.wake()
