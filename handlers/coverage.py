"""``/coverage``: for coordinators, the cases with the least attention for their urgency first
(bot/domain/coverage.py), with followers, acts reported in the last 7 and 30 days by kind, open
actions, the last update and the next deadline; the same as a CSV file."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, InputFile, Update

from bot.domain.coverage import coverage_csv, least_attention_first
from bot.domain.roles import STAFF
from bot.text.formatting import long_date, number, reader_moment
from bot.text.i18n import current_locale, lazy_gettext
from bot.text.i18n import gettext as _
from bot.text.names import action_kind_plural
from bot.text.render import render
from handlers.access import allow
from handlers.buttons import Buttons
from handlers.commands import COORDINATORS, Command, Feature
from handlers.context import BotContext
from handlers.reminders import reader_zone
from handlers.replies import answer
from storage.actions import coverage

SHOWN = 15
"""Cases listed in the message; the CSV has them all."""

CSV = Buttons("coverage:csv")


def _acts(counts) -> str:  # type: ignore[no-untyped-def]
    parts = [
        f"{action_kind_plural(kind)} {number(count)}" for kind, count in counts.items() if count
    ]
    return ", ".join(parts) or "0"


@allow(*STAFF)
async def show_coverage(update: Update, context: BotContext) -> None:
    """The cases that lack attention first."""
    services = context.services
    now = services.clock.now()
    today = now.astimezone(services.settings.timezone).date()
    cases = least_attention_first(await coverage(services.db, now, current_locale()))
    assert update.effective_user is not None
    reader = await reader_zone(context, update.effective_user.id)
    items = [
        {
            "name": case.name,
            "urgency": case.urgency,
            "followers": number(case.followers),
            "acts_7": _acts(case.acts_7),
            "acts_30": _acts(case.acts_30),
            "open_actions": number(case.open_actions),
            "updated": long_date(case.updated),
            "deadline": reader_moment(case.next_deadline, reader) if case.next_deadline else None,
            "flagged": case.flagged(today),
        }
        for case in cases[:SHOWN]
    ]
    await answer(
        update,
        render("coverage.html", items=items, more=max(0, len(cases) - SHOWN)),
        reply_markup=InlineKeyboardMarkup([[CSV.button(_("The same as CSV"))]]),
    )


@allow(*STAFF)
async def send_coverage_csv(update: Update, context: BotContext) -> None:
    """Every case's coverage as a CSV file, in the same order."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    await query.answer()
    services = context.services
    now = services.clock.now()
    today = now.astimezone(services.settings.timezone).date()
    cases = least_attention_first(await coverage(services.db, now, current_locale()))
    await context.bot.send_document(
        update.effective_chat.id,
        InputFile(coverage_csv(cases, today).encode("utf-8"), filename="coverage.csv"),
        caption=_(
            "Coverage of the cases, the least attention for their urgency first. Cases: %(count)s.",
            count=number(len(cases)),
        ),
    )


FEATURE = Feature(
    commands=(
        Command(
            "coverage",
            show_coverage,
            lazy_gettext("Which cases lack attention"),
            COORDINATORS,
        ),
    ),
    handlers=(CSV.handler(send_coverage_csv),),
)
