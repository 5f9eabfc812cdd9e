"""Reminders before a declaration closes, as the bot sends them: 3 days and 1 day before, to
the bound members who have not signed, each queued once for the delivery engine."""

from __future__ import annotations

import logging

from bot.domain.declaration_reminders import due_reminder_days
from bot.domain.declarations import Declaration
from bot.services import Services
from bot.text import i18n
from bot.text.formatting import ReaderZone, closing_line
from bot.text.render import render

logger = logging.getLogger(__name__)


def reminder_texts(declaration: Declaration, services: Services) -> dict[str, str]:
    """The reminder in every locale. Its members read it in their own time zones: the closing is
    given in the bot's, which it names."""
    assert declaration.closes_at is not None
    texts = {}
    for locale in i18n.LOCALES:
        with i18n.use_locale(locale):
            texts[locale] = render(
                "declaration_reminder.html",
                number=declaration.number,
                title=declaration.title_in(locale),
                closing=closing_line(declaration.closes_at, ReaderZone(services.settings.timezone)),
            )
    return texts


async def queue_due_reminders(services: Services) -> None:
    """Queue the reminders whose moment has come, each once, for the delivery engine."""
    now = services.clock.now()
    for declaration in await services.declarations.open_for_signing():
        if declaration.closes_at is None or not declaration.accepts_signatures(now):
            continue
        sent = await services.declaration_reminders.sent(declaration.number)
        due = due_reminder_days(declaration.closes_at, now, sent)
        if not due:
            continue
        queued = await services.declaration_reminders.queue(
            declaration.number, due, reminder_texts(declaration, services)
        )
        if queued is not None:
            logger.info("queued a declaration reminder to %d members", queued[1])
            services.delivery.wake()
