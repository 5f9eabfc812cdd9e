"""A reader's reminders before deadlines: ``/reminders`` with its mute buttons, ``/timezone``
and ``/remindbefore``."""

from __future__ import annotations

import html
from collections.abc import Callable
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update

from bot.domain import moments
from bot.domain.reminders import (
    LEADS_EXAMPLES,
    MAX_LEADS,
    LeadError,
    MonthsLead,
    NotPositiveLead,
    ReminderSettings,
    SecondsLead,
    TooLongLead,
    TooManyLeads,
    TooShortLead,
    parse_leads,
)
from bot.domain.roles import EVERYONE
from bot.text.formatting import ReaderZone, leads_list, moment
from bot.text.i18n import current_locale, lazy_gettext
from bot.text.i18n import gettext as _
from bot.text.render import render
from handlers.access import allow
from handlers.buttons import CASE_ID, Buttons, choice, optional
from handlers.commands import DEADLINES, Command, Feature
from handlers.context import BotContext
from handlers.replies import answer, refuse_stale_button

MUTE = Buttons("reminders", choice("mute", "unmute"), optional(CASE_ID))
"""Mute or unmute every reminder, or those of one followed case."""


def settings_zone(settings: ReminderSettings, default: ZoneInfo) -> ReaderZone:
    """The zone a reader sees times in: the one they chose, else the bot's."""
    return ReaderZone(moments.zone(settings.zone), True) if settings.zone else ReaderZone(default)


async def reader_zone(context: BotContext, user_id: int) -> ReaderZone:
    """The zone this user sees times in (their /timezone, else ``BOT_TIMEZONE``)."""
    services = context.services
    return settings_zone(await services.reminders.settings(user_id), services.settings.timezone)


def leads_example() -> str:
    """The default lead times as the current locale writes them: "7д, 1д, 2ч"."""
    return LEADS_EXAMPLES[current_locale()]


async def _settings_view(context: BotContext, user_id: int) -> tuple[str, InlineKeyboardMarkup]:
    services = context.services
    settings = await services.reminders.settings(user_id)
    muted_cases = await services.reminders.muted_cases(user_id)
    followed = await services.cases.get_many(await services.subscriptions.cases_of(user_id))
    locale = current_locale()
    text = render(
        "reminder_settings.html",
        zone=settings_zone(settings, services.settings.timezone).zone.key,
        zone_chosen=settings.zone is not None,
        leads=leads_list(settings.leads),
        muted=settings.muted,
        followed=len(followed),
        example=leads_example(),
        zone_example=moments.ZONE_EXAMPLE,
    )
    rows = [
        [
            MUTE.button(_("Turn all reminders on"), "unmute")
            if settings.muted
            else MUTE.button(_("Mute all reminders"), "mute")
        ]
    ]
    if not settings.muted:
        for case in followed:
            muted = case.id in muted_cases
            label = ("🔕 " if muted else "🔔 ") + case.name[locale]
            action = "unmute" if muted else "mute"
            rows.append([MUTE.button(label, action, case.id)])
    return text, InlineKeyboardMarkup(rows)


@allow(*EVERYONE)
async def show_settings(update: Update, context: BotContext) -> None:
    """``/reminders``: the user's zone, lead times and muted cases, with buttons to mute."""
    assert update.effective_user is not None
    text, keyboard = await _settings_view(context, update.effective_user.id)
    await answer(update, text, reply_markup=keyboard)


@allow(*EVERYONE)
async def toggle_mute(update: Update, context: BotContext) -> None:
    """Mute or unmute everything, or one followed case; the settings message follows."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    user_id = update.effective_user.id
    services = context.services
    action, case_id = MUTE.parse(query.data)
    muted, now = action == "mute", services.clock.now()
    if case_id is not None:
        if not await services.reminders.mute_case(user_id, case_id, muted, now):
            await refuse_stale_button(query)
            return
    else:
        await services.reminders.mute_all(user_id, muted, now)
    await query.answer(_("Reminders muted.") if muted else _("Reminders are on."))
    text, keyboard = await _settings_view(context, user_id)
    await query.edit_message_text(text, reply_markup=keyboard)


@allow(*EVERYONE)
async def set_timezone(update: Update, context: BotContext) -> None:
    """``/timezone ZONE``: show dates and times in this IANA zone."""
    assert update.effective_user is not None
    name = " ".join(context.args or [])
    example = moments.ZONE_EXAMPLE
    if not name:
        await answer(
            update,
            _(
                "Send your time zone after the command, for example: /timezone %(example)s",
                example=example,
            ),
        )
        return
    try:
        where = moments.zone(name)
    except moments.UnknownZone:
        await answer(
            update,
            _(
                "“%(name)s” is not a time zone I know. Use a name from the IANA list, for "
                "example: /timezone %(example)s",
                name=html.escape(name[:60]),
                example=example,
            ),
        )
        return
    services = context.services
    await services.reminders.set_zone(update.effective_user.id, where.key)
    await answer(
        update,
        # TRANSLATORS: %(zone)s is an IANA name such as Europe/Berlin; %(now)s the weekday, long
        # date and time there.
        _(
            "Your time zone is now %(zone)s: it is %(now)s there.",
            zone=where.key,
            now=moment(services.clock.now(), where, weekday=True),
        ),
    )


def _explain(problem: LeadError) -> str:
    """Why these lead times cannot be used, and what to write instead, in the current locale."""
    example = leads_example()
    reasons: tuple[tuple[type[LeadError], Callable[[], str]], ...] = (
        (
            SecondsLead,
            lambda: _(
                "Seconds are too short for a reminder: write minutes, hours, days or weeks, "
                "for example: /remindbefore %(example)s",
                example=example,
            ),
        ),
        (
            MonthsLead,
            lambda: _(
                "Months and years differ in length: write days or weeks instead (at most 90 "
                "days), for example: /remindbefore %(example)s",
                example=example,
            ),
        ),
        (TooShortLead, lambda: _("A reminder must come at least one minute before the deadline.")),
        (
            NotPositiveLead,
            lambda: _("A reminder must come before the deadline: use durations above zero."),
        ),
        (TooLongLead, lambda: _("A reminder can come at most 90 days before the deadline.")),
        (
            TooManyLeads,
            lambda: _("At most %(count)s reminders per deadline, please.", count=MAX_LEADS),
        ),
    )
    for kind, reason in reasons:
        if isinstance(problem, kind):
            return reason()
    return _(
        "I could not read these durations. Write days, hours and minutes separated by commas, "
        "for example: /remindbefore %(example)s",
        example=example,
    )


@allow(*EVERYONE)
async def set_leads(update: Update, context: BotContext) -> None:
    """``/remindbefore 7d, 1d, 2h``: when to be reminded before each deadline."""
    assert update.effective_user is not None
    text = " ".join(context.args or [])
    if not text:
        await answer(
            update,
            # TRANSLATORS: %(example)s is "7d, 1d, 2h" in the units of your language
            # (bot/domain/reminders.py, LEADS_EXAMPLES).
            _(
                "Say when to remind you before each deadline, for example: "
                "/remindbefore %(example)s",
                example=leads_example(),
            ),
        )
        return
    try:
        leads = parse_leads(text, context.locale)
    except LeadError as problem:
        await answer(update, _explain(problem))
        return
    services = context.services
    await services.reminders.set_leads(update.effective_user.id, leads, services.clock.now())
    await answer(
        update,
        # TRANSLATORS: %(leads)s lists the lead times, each as the msgctxt "a lead time in a list"
        # writes it: "за 7 дней, за 1 день и за 2 часа", "7 күн бұрын, 1 күн бұрын, 2 сағат
        # бұрын".
        _(
            "Done: you will be reminded %(leads)s before each deadline.",
            leads=leads_list(leads),
        ),
    )


FEATURE = Feature(
    commands=(
        Command("reminders", show_settings, lazy_gettext("Your reminder settings"), DEADLINES),
        Command("timezone", set_timezone, lazy_gettext("Set your time zone"), DEADLINES),
        Command(
            "remindbefore",
            set_leads,
            lazy_gettext("When to remind you before deadlines"),
            DEADLINES,
        ),
    ),
    handlers=(MUTE.handler(toggle_mute),),
)
