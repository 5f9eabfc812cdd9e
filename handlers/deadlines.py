"""Deadlines. ``/deadlines``: the next ones of the cases a reader follows, and a calendar file
of them. ``/newdeadline`` and ``/editdeadlines``: coordinators add a deadline to a case, move
it or cancel it, in a private chat; every change re-plans the followers' reminders at once.

The coordinators' conversation is persisted: a restart in the middle of writing loses nothing.
"""

from __future__ import annotations

import html
from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler, MessageHandler

from bot.domain import moments
from bot.domain.actions import is_action_deadline
from bot.domain.content import Case, Deadline, StoredDeadline
from bot.domain.files.fields import DEADLINE_ACTION, DEADLINE_TITLE, LINK
from bot.domain.ics import CalendarEvent, calendar
from bot.domain.roles import EVERYONE, STAFF
from bot.text.formatting import in_zone, moment, number, relative
from bot.text.i18n import current_locale, lazy_gettext, pgettext
from bot.text.i18n import gettext as _
from bot.text.names import in_language
from bot.text.render import render
from handlers.access import allow
from handlers.buttons import CASE_ID, Buttons, choice, digits
from handlers.cases import case_rows, offer_cases
from handlers.commands import DEADLINES, Command, Feature
from handlers.context import BotContext
from handlers.conversation import END, TEXT, Draft, State, close_keyboard, private_conversation
from handlers.reminders import reader_zone
from handlers.replies import answer, answer_in_parts, refuse_stale_button
from handlers.writing import TextsByLanguage

SHOWN = 10
"""Deadlines listed by ``/deadlines``."""

IN_CALENDAR = 100
"""Deadlines at most in the calendar file."""

CALENDAR = Buttons("deadlines:ics")


async def _upcoming(
    context: BotContext, user_id: int, limit: int
) -> tuple[list[StoredDeadline], dict[str, Case]]:
    services = context.services
    upcoming = await services.cases.deadlines.upcoming(
        services.clock.now(), user_id=user_id, limit=limit
    )
    cases = await services.cases.get_many(sorted({item.case_id for item in upcoming}))
    return upcoming, {case.id: case for case in cases}


@allow(*EVERYONE)
async def list_deadlines(update: Update, context: BotContext) -> None:
    """The next deadlines of the cases the user follows, in their zone and language."""
    assert update.effective_user is not None
    user_id = update.effective_user.id
    services = context.services
    upcoming, cases = await _upcoming(context, user_id, SHOWN)
    if not upcoming:
        if await services.subscriptions.cases_of(user_id):
            await answer(update, _("No deadline lies ahead in the cases you follow."))
        else:
            await answer(
                update, _("You follow no case yet. Open one with /cases and press Follow.")
            )
        return
    reader = await reader_zone(context, user_id)
    now, locale = services.clock.now(), current_locale()
    items = [
        {
            "title": item.deadline.title[locale],
            "case": cases[item.case_id].name[locale],
            "when": moment(item.deadline.moment, reader.zone, weekday=True),
            "relative": relative(item.deadline.moment, now),
            "action": item.deadline.action[locale],
            "link": item.deadline.link,
        }
        for item in upcoming
    ]
    keyboard = InlineKeyboardMarkup([[CALENDAR.button(_("Calendar file (.ics)"))]])
    await answer_in_parts(
        update,
        render("deadlines.html", items=items, zone=reader.zone.key),
        reply_markup=keyboard,
    )


@allow(*EVERYONE)
async def send_calendar(update: Update, context: BotContext) -> None:
    """An .ics file of the upcoming deadlines, for any calendar application."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    upcoming, cases = await _upcoming(context, update.effective_user.id, IN_CALENDAR)
    if not upcoming:
        await refuse_stale_button(query)
        return
    await query.answer()
    locale = current_locale()
    events = [
        CalendarEvent(
            uid=f"{item.case_id}.{item.deadline.id}",
            start=item.deadline.moment,
            summary=item.deadline.title[locale],
            description=f"{cases[item.case_id].name[locale]}\n\n{item.deadline.action[locale]}",
            url=item.deadline.link,
        )
        for item in upcoming
    ]
    assert update.effective_chat is not None
    await context.bot.send_document(
        update.effective_chat.id,
        calendar(events, context.services.clock.now()),
        filename="deadlines.ics",
        caption=_("Open this file to add the deadlines to your calendar."),
    )


# The coordinators' conversation: a new deadline, or a move or cancellation.

CHOOSING_CASE, ASKING_MOMENT, WRITING, CONFIRMING, CHOOSING_DEADLINE, CHOOSING_ACTION = range(6)
"""States of the deadline conversation."""

DRAFT = Draft("deadline")
"""Case, moment and zone, texts per locale; or the key of the deadline being edited."""

CASE = Buttons("deadline:case", CASE_ID)
"""The case of a new deadline."""
SAVE = Buttons("deadline:save")
DROP = Buttons("deadline:drop")
PICK = Buttons("deadline:pick", digits(18))
"""A deadline to move or cancel, by its key."""
ACTION = Buttons("deadline", choice("move", "cancel"))

URGENT_CASES_SHOWN = 10
"""The most urgent cases offered by /newdeadline without a name."""
DEADLINES_OFFERED = 20


@allow(*STAFF)
async def new_deadline(update: Update, context: BotContext) -> State:
    """``/newdeadline [NAME]``: offer the cases matching the name, or the most urgent ones."""
    DRAFT.start(context)
    if context.args:
        return await deadline_case_named(update, context)
    cases = await context.services.cases.most_urgent(0, URGENT_CASES_SHOWN)
    await answer(
        update,
        _("Which case is the deadline for? Pick one, or send a name."),
        reply_markup=InlineKeyboardMarkup(case_rows(cases, CASE)),
    )
    return CHOOSING_CASE


@allow(*STAFF)
async def deadline_case_named(update: Update, context: BotContext) -> State:
    """A name given with the command or typed while choosing the case."""
    assert update.effective_message is not None
    name = " ".join(context.args) if context.args else update.effective_message.text or ""
    await offer_cases(update, context, name, CASE, _("Which case is the deadline for?"))
    return CHOOSING_CASE


async def _ask_for_moment(update: Update, context: BotContext) -> State:
    assert update.effective_user is not None
    reader = await reader_zone(context, update.effective_user.id)
    await answer(
        update,
        # TRANSLATORS: %(zone)s is the coordinator's own time zone (an IANA name such as
        # Asia/Almaty), %(example)s another zone's name.
        _(
            "Send the date and time of the deadline, and its time zone if it is not "
            "%(zone)s, for example: 2026-12-01 10:00 %(example)s",
            zone=reader.zone.key,
            example=moments.ZONE_EXAMPLE,
        ),
    )
    return ASKING_MOMENT


@allow(*STAFF)
async def deadline_case_chosen(update: Update, context: BotContext) -> State | None:
    """Remember the case; ask when the deadline is."""
    query = update.callback_query
    assert query is not None
    (case_id,) = CASE.parse(query.data)
    if await context.services.cases.get(case_id) is None:
        await refuse_stale_button(query)
        return None
    await close_keyboard(update)
    DRAFT.of(context)["case"] = case_id
    return await _ask_for_moment(update, context)


def _moment_problem(error: moments.MomentError) -> str:
    if isinstance(error, moments.UnknownZone):
        return _(
            "I do not know this time zone. Use an IANA name such as %(example)s.",
            example=moments.ZONE_EXAMPLE,
        )
    if isinstance(error, moments.SkippedTime):
        return _(
            "This local time does not exist: the clocks jump over it that night. Send another time."
        )
    return _("I could not read this. Send the date and time like this: 2026-12-01 10:00")


@allow(*STAFF)
async def deadline_moment_received(update: Update, context: BotContext) -> State | None:
    """Check the moment (a time without a zone is in the coordinator's own): readable,
    existing, ahead. Then write the texts, or move the deadline."""
    assert update.effective_message is not None and update.effective_user is not None
    services = context.services
    reader = await reader_zone(context, update.effective_user.id)
    try:
        instant, where = moments.parse_moment(update.effective_message.text or "", reader.zone)
    except moments.MomentError as error:
        await answer(update, _moment_problem(error))
        return None
    if instant <= services.clock.now():
        await answer(
            update,
            _(
                "This moment has passed (%(when)s). Send a date and time still ahead.",
                when=in_zone(moment(instant, where, weekday=True), where),
            ),
        )
        return None
    draft = DRAFT.of(context)
    if "key" in draft:
        return await _move(update, context, draft["key"], instant, where.key)
    draft |= {"moment": instant.isoformat(), "zone": where.key}
    return await TEXTS.begin(update, context)


async def _ask_for_text(update: Update, context: BotContext, locale: str) -> None:
    await answer(
        update,
        # TRANSLATORS: %(in_language)s is "in Kazakh" as this catalog writes it (msgctxt "in a
        # language").
        _(
            "Send the deadline %(in_language)s: the title on the first line, what to do on "
            "the next lines. A link alone on the last line becomes the deadline's link.",
            in_language=in_language(locale),
        ),
    )


@allow(*STAFF)
async def deadline_text_received(update: Update, context: BotContext) -> State | None:
    """One language's title and action; after the last, a preview to confirm."""
    assert update.effective_message is not None
    lines = [line.strip() for line in (update.effective_message.text or "").splitlines()]
    lines = [line for line in lines if line]
    draft = DRAFT.of(context)
    last = lines[-1] if lines else ""
    if last.startswith(("https://", "http://")) and " " not in last and len(last) <= LINK:
        draft["link"] = lines.pop()
    title, action = (lines[0], "\n".join(lines[1:])) if lines else ("", "")
    if not title or not action or len(title) > DEADLINE_TITLE or len(action) > DEADLINE_ACTION:
        await answer(
            update,
            _(
                "Send at least two lines: the title (at most %(title)s characters), then what "
                "to do (at most %(action)s).",
                title=number(DEADLINE_TITLE),
                action=number(DEADLINE_ACTION),
            ),
        )
        return None
    return await TEXTS.keep(update, context, {"title": title, "action": action})


async def _preview(update: Update, context: BotContext) -> State:
    draft = DRAFT.of(context)
    services = context.services
    case = await services.cases.get(draft["case"])
    if case is None:
        await answer(update, _("This case no longer exists. Nothing was saved."))
        return END
    locale = current_locale()
    instant = datetime.fromisoformat(draft["moment"])
    await answer(
        update,
        render(
            "deadline_preview.html",
            case=case.name[locale],
            title=draft["texts"][locale]["title"],
            action=draft["texts"][locale]["action"],
            link=draft.get("link"),
            when=in_zone(
                moment(instant, moments.zone(draft["zone"]), weekday=True),
                moments.zone(draft["zone"]),
            ),
            relative=relative(instant, services.clock.now()),
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [SAVE.button(pgettext("button: a new deadline", "Save"))],
                [DROP.button(pgettext("button: do not save", "Cancel"))],
            ]
        ),
    )
    return CONFIRMING


TEXTS = TextsByLanguage(DRAFT, WRITING, ask=_ask_for_text, written=_preview)


@allow(*STAFF)
async def save_deadline(update: Update, context: BotContext) -> State:
    """Store the deadline and plan its reminders; a moment that passed meanwhile is refused."""
    await close_keyboard(update)
    draft = DRAFT.of(context)
    services = context.services
    moment = datetime.fromisoformat(draft["moment"])
    if moment <= services.clock.now():
        await answer(update, _("This moment has passed meanwhile. Nothing was saved."))
        return END
    if await services.cases.get(draft["case"]) is None:
        await answer(update, _("This case no longer exists. Nothing was saved."))
        return END
    local = moment.astimezone(moments.zone(draft["zone"]))
    deadlines = services.cases.deadlines
    deadline = Deadline(
        id=await deadlines.free_id(draft["case"], f"{local:%Y-%m-%d}"),
        title={locale: texts["title"] for locale, texts in draft["texts"].items()},
        moment=moment,
        zone=draft["zone"],
        action={locale: texts["action"] for locale, texts in draft["texts"].items()},
        link=draft.get("link"),
    )
    await deadlines.add(draft["case"], deadline)
    await answer(update, _("Saved. The followers of the case will be reminded before it."))
    return END


@allow(*STAFF)
async def drop_deadline(update: Update, context: BotContext) -> State:
    """Leave without saving."""
    await close_keyboard(update)
    await answer(update, _("Nothing was saved."))
    return END


@allow(*STAFF)
async def edit_deadlines(update: Update, context: BotContext) -> State:
    """Offer the deadlines still ahead, earliest first."""
    services = context.services
    upcoming = await services.cases.deadlines.upcoming(
        services.clock.now(), limit=DEADLINES_OFFERED, editable=True
    )
    if not upcoming:
        await answer(update, _("No deadline lies ahead. Add one with /newdeadline."))
        return END
    DRAFT.start(context)
    assert update.effective_user is not None
    reader = await reader_zone(context, update.effective_user.id)
    locale = current_locale()
    keyboard = [
        [
            PICK.button(
                f"{moment(item.deadline.moment, reader.zone)} · {item.deadline.title[locale]}",
                item.key,
            )
        ]
        for item in upcoming
    ]
    await answer(
        update,
        # TRANSLATORS: %(zone)s is an IANA time zone name such as Asia/Almaty: the times on the
        # buttons below are in it.
        _("Which deadline do you want to change? Times in %(zone)s.", zone=reader.zone.key),
        reply_markup=InlineKeyboardMarkup(keyboard),
    )
    return CHOOSING_DEADLINE


@allow(*STAFF)
async def deadline_picked(update: Update, context: BotContext) -> State | None:
    """Offer to move or cancel the deadline."""
    query = update.callback_query
    assert query is not None
    (key,) = PICK.parse(query.data)
    stored = await context.services.cases.deadlines.get(key)
    if stored is None or stored.deadline.cancelled or is_action_deadline(stored.deadline.id):
        await refuse_stale_button(query)
        return None
    await close_keyboard(update)
    DRAFT.of(context)["key"] = key
    await answer(
        update,
        _(
            "“%(title)s”: move it, or cancel it?",
            title=html.escape(stored.deadline.title[current_locale()]),
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [ACTION.button(pgettext("button: a deadline", "Move"), "move")],
                [ACTION.button(_("Cancel the deadline"), "cancel")],
            ]
        ),
    )
    return CHOOSING_ACTION


@allow(*STAFF)
async def deadline_action_chosen(update: Update, context: BotContext) -> State:
    """Cancel the deadline at once, or ask where to move it."""
    await close_keyboard(update)
    if ACTION.pressed(update) == ("move",):
        return await _ask_for_moment(update, context)
    if await context.services.cases.deadlines.cancel(DRAFT.of(context)["key"]):
        await answer(update, _("The deadline is cancelled; its reminders will not be sent."))
    else:
        await answer(update, _("This deadline no longer exists."))
    return END


async def _move(
    update: Update, context: BotContext, key: int, instant: datetime, zone: str
) -> State:
    if await context.services.cases.deadlines.move(key, instant, zone):
        where = moments.zone(zone)
        await answer(
            update,
            # TRANSLATORS: %(when)s is the weekday, long date and time of the moved deadline,
            # followed by its time zone in parentheses.
            _(
                "Moved. The new time: %(when)s. The reminders move with it.",
                when=in_zone(moment(instant, where, weekday=True), where),
            ),
        )
    else:
        await answer(update, _("This deadline no longer exists."))
    return END


NEW_DEADLINE = Command(
    "newdeadline", new_deadline, lazy_gettext("Add a deadline to a case"), DEADLINES
)
EDIT_DEADLINES = Command(
    "editdeadlines", edit_deadlines, lazy_gettext("Move or cancel a deadline"), DEADLINES
)


def deadline_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """``/newdeadline`` and ``/editdeadlines``, persisted across restarts."""
    return private_conversation(
        "deadline",
        entry_points=[NEW_DEADLINE, EDIT_DEADLINES],
        states={
            CHOOSING_CASE: [
                MessageHandler(TEXT, deadline_case_named),
                CASE.handler(deadline_case_chosen),
            ],
            ASKING_MOMENT: [MessageHandler(TEXT, deadline_moment_received)],
            WRITING: TEXTS.handlers(deadline_text_received),
            CONFIRMING: [SAVE.handler(save_deadline), DROP.handler(drop_deadline)],
            CHOOSING_DEADLINE: [PICK.handler(deadline_picked)],
            CHOOSING_ACTION: [ACTION.handler(deadline_action_chosen)],
        },
        drafts=[DRAFT],
    )


FEATURE = Feature(
    commands=(
        Command(
            "deadlines",
            list_deadlines,
            lazy_gettext("Upcoming deadlines of the cases you follow"),
            DEADLINES,
        ),
        NEW_DEADLINE,
        EDIT_DEADLINES,
    ),
    conversation=deadline_conversation,
    handlers=(CALENDAR.handler(send_calendar),),
)
