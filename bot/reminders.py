"""Reminders before deadlines, as the bot sends them: each due reminder's message in its
reader's language and zone, queued once for the delivery engine."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain import moments
from bot.domain.reminders import DueReminder, triage
from bot.services import Services
from bot.text.formatting import ReaderZone, reader_moment, relative
from bot.text.i18n import use_locale
from bot.text.render import render


def reminder_html(reminder: DueReminder, late: bool, now: datetime, default_zone: ZoneInfo) -> str:
    """The reminder's message in its reader's language and time zone. An on-time reminder
    counts the time left from its due moment (its lead, as the reader chose it: "in 2 hours"),
    a late one from now."""
    reader = (
        ReaderZone(moments.zone(reminder.zone), True) if reminder.zone else ReaderZone(default_zone)
    )
    deadline = reminder.deadline
    with use_locale(reminder.locale):
        return render(
            "reminder.html",
            late=late,
            title=deadline.title[reminder.locale],
            case=reminder.case_name[reminder.locale],
            when=reader_moment(deadline.moment, reader, weekday=True),
            relative=relative(deadline.moment, now if late else reminder.due_at),
            action=deadline.action[reminder.locale],
            link=deadline.link,
        )


DUE_BATCH = 500
"""Reminders handled per transaction."""


async def queue_due_reminders(services: Services) -> None:
    """Queue the message of every due reminder, once, and drop the late ones whose deadline
    has passed."""
    while True:
        now = services.clock.now()
        due = await services.reminders.due(now, DUE_BATCH)
        if not due:
            return
        chosen, dropped = triage(due, now)
        messages = [
            (
                reminder.id,
                reminder.user_id,
                reminder_html(reminder, late, now, services.settings.timezone),
            )
            for reminder, late in chosen
        ]
        if await services.reminders.dispatch(messages, [r.id for r in dropped], now):
            services.delivery.wake()
            services.metrics.reminders_queued.inc(len(chosen))
            for reminder, _late in chosen:
                services.metrics.reminder_lag.observe((now - reminder.due_at).total_seconds())
        if len(due) < DUE_BATCH:
            return
