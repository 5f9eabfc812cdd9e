"""``/cases``: the cases, most urgent first, a page at a time; a case's card, its full account,
its timeline and its sources, in the reader's language."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, filters

from bot.domain.content import Case
from bot.domain.languages import Texts, in_language
from bot.domain.reminders import ReminderSettings
from bot.domain.roles import EVERYONE
from bot.domain.search import clear_winner, query_tokens
from bot.domain.telegram_html import split_paragraphs
from bot.text.formatting import capitalized, leads_list, long_date, partial_date
from bot.text.i18n import (
    current_locale,
    language_in_current_locale,
    lazy_gettext,
    ngettext,
    pgettext,
)
from bot.text.i18n import gettext as _
from bot.text.names import status_name
from bot.text.render import render
from handlers.access import allow
from handlers.buttons import CASE_ID, Buttons, choice, digits, optional
from handlers.commands import CASES, Command, Feature
from handlers.context import BotContext
from handlers.replies import (
    PRIVATE_MESSAGE,
    answer,
    answer_in_parts,
    answer_press,
    refuse_stale_button,
)

PAGE_SIZE = 5
CASES_OFFERED = 8
"""Cases offered to choose from by name, where a coordinator picks one."""
CASE = Buttons(
    "case",
    CASE_ID,
    optional(choice("account", "timeline", "sources", "follow", "unfollow")),
    private=False,
)
"""A case's card, or one of its parts; /cases and /case answer in groups too."""
PAGE = Buttons("cases:page", digits(4), private=False)
TAKE_ACTION = Buttons("acts", CASE_ID)
"""A case's open actions (handlers/actions.py answers it)."""
LINK_PREFIX = "case-"
LINK_PATTERN = r"^/start case-[a-z0-9-]{1,40}$"
"""``/start case-<id>`` opens a case's card: the link under a card posted inline."""


def case_rows(cases: list[Case], buttons: Buttons = CASE) -> list[list[InlineKeyboardButton]]:
    """A button per case, named in the current locale, whose data carries the case's id (by
    default, opening the case's card)."""
    locale = current_locale()
    return [[buttons.button(case.name[locale], case.id)] for case in cases]


async def offer_cases(
    update: Update, context: BotContext, query: str, buttons: Buttons, question: str
) -> None:
    """A button per case matching ``query``, under ``question``; or, if none match, a request
    for another name."""
    cases = context.services.cases
    hits = await cases.index.search(query, limit=CASES_OFFERED)
    found = await cases.get_many([hit.case_id for hit in hits])
    if not found:
        quoted = html.escape(query.strip()[:QUOTED_QUERY_LENGTH])
        await answer(update, _("No case matches “%(query)s”. Send another name.", query=quoted))
        return
    await answer(update, question, reply_markup=InlineKeyboardMarkup(case_rows(found, buttons)))


async def _page(context: BotContext, page: int) -> tuple[str, InlineKeyboardMarkup]:
    cases = context.services.cases
    total = await cases.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = case_rows(await cases.most_urgent((page - 1) * PAGE_SIZE, PAGE_SIZE))
    navigation = []
    if page > 1:
        navigation.append(PAGE.button("‹", page - 1))
    if page < pages:
        navigation.append(PAGE.button("›", page + 1))
    if navigation:
        rows.append(navigation)
    text = _("<b>Cases</b>, most urgent first: page %(page)s of %(pages)s.", page=page, pages=pages)
    return text, InlineKeyboardMarkup(rows)


@allow(*EVERYONE)
async def list_cases(update: Update, context: BotContext) -> None:
    """The first page of cases."""
    text, keyboard = await _page(context, 1)
    await answer(update, text, reply_markup=keyboard)


@allow(*EVERYONE)
async def turn_page(update: Update, context: BotContext) -> None:
    """Another page of the list, in place."""
    query = update.callback_query
    assert query is not None and query.data is not None
    (page,) = PAGE.parse(query.data)
    text, keyboard = await _page(context, page)
    await query.answer()
    await query.edit_message_text(text, reply_markup=keyboard)


def _card_keyboard(case: Case, following: bool, open_actions: int) -> InlineKeyboardMarkup:
    follow = (
        CASE.button(pgettext("button: a case", "Unfollow"), case.id, "unfollow")
        if following
        else CASE.button(pgettext("button: a case", "Follow"), case.id, "follow")
    )
    act = (
        # TRANSLATORS: a button on a case's card: %(count)s is the number of its open actions.
        [[TAKE_ACTION.button(_("Take action (%(count)s)", count=open_actions), case.id)]]
        if open_actions
        else []
    )
    return InlineKeyboardMarkup(
        [
            *act,
            [CASE.button(_("Full account"), case.id, "account")],
            [
                CASE.button(pgettext("button: a case", "Timeline"), case.id, "timeline"),
                CASE.button(pgettext("button: a case", "Sources"), case.id, "sources"),
            ],
            [
                follow,
                InlineKeyboardButton(
                    pgettext("button: a case", "Share"),
                    switch_inline_query=case.name[current_locale()],
                ),
            ],
        ]
    )


def card_text(case: Case) -> str:
    """A case's card in the current locale: who, status, where held, charges, the brief."""
    locale = current_locale()
    return render(
        "case_card.html",
        name=case.name[locale],
        status=status_name(case.status),
        detention=case.detention[locale] if case.detention else None,
        charges=case.charges[locale] if case.charges else None,
        sentence=case.sentence[locale] if case.sentence else None,
        brief=case.brief[locale],
        updated=long_date(case.updated),
    )


async def _open_actions(context: BotContext, case: Case) -> int:
    services = context.services
    return await services.cases.actions.open_count(case.id, services.clock.now())


async def _card(case: Case, context: BotContext, user_id: int) -> tuple[str, InlineKeyboardMarkup]:
    following = await context.services.subscriptions.follows(user_id, case.id)
    return card_text(case), _card_keyboard(case, following, await _open_actions(context, case))


def _translated(texts: Texts) -> tuple[str, str | None]:
    """A text in the current locale, or in another with that language's name for a note."""
    text, language = in_language(texts, current_locale())
    return text, language_in_current_locale(language) if language else None


RESULTS_SHOWN = 10
QUOTED_QUERY_LENGTH = 60


async def _search(update: Update, context: BotContext, query: str) -> None:
    """Answer a query: one case's card, a list to choose from, or suggestions."""
    cases = context.services.cases
    if not query_tokens(query):
        await answer(
            update, _("Type at least two letters of a name, for example: /case Yerimbetov")
        )
        return
    hits = await cases.index.search(query, limit=RESULTS_SHOWN)
    winner = clear_winner(hits)
    found = await cases.get_many([hit.case_id for hit in hits])
    if winner is not None and found and found[0].id == winner.case_id:
        assert update.effective_user is not None
        text, keyboard = await _card(found[0], context, update.effective_user.id)
        await answer(update, text, reply_markup=keyboard)
    elif found:
        await answer(
            update,
            ngettext(
                "%(count)s case found:", "%(count)s cases found:", len(found), count=len(found)
            ),
            reply_markup=InlineKeyboardMarkup(case_rows(found)),
        )
    else:
        suggested = await cases.get_many(await cases.index.suggestions(query))
        quoted = html.escape(query.strip()[:QUOTED_QUERY_LENGTH])
        await answer(
            update,
            _("No case matches “%(query)s”. Perhaps one of these?", query=quoted),
            reply_markup=InlineKeyboardMarkup(case_rows(suggested)),
        )


@allow(*EVERYONE)
async def find_case(update: Update, context: BotContext) -> None:
    """``/case QUERY``: find a case by any name, spelling or word, in any script."""
    await _search(update, context, " ".join(context.args or []))


@allow(*EVERYONE)
async def find_case_from_text(update: Update, context: BotContext) -> None:
    """Plain text in a private chat is a search."""
    assert update.effective_message is not None
    await _search(update, context, update.effective_message.text or "")


def _when_reminded(settings: ReminderSettings, at_once: int) -> str:
    """When a new follower is reminded of the case's deadlines, in the current locale."""
    if settings.muted:
        return _("Your reminders are muted; /reminders turns them on.")
    when = _("Reminders come %(leads)s before each deadline.", leads=leads_list(settings.leads))
    if at_once:
        when += " " + _("One deadline is nearer than that: its reminder comes right away.")
    return when


async def _toggle_follow(
    update: Update, context: BotContext, case: Case, *, following: bool
) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    subscriptions = context.services.subscriptions
    if following:
        user_id = update.effective_user.id
        at_once = await subscriptions.follow(user_id, case.id)
        settings = await context.services.reminders.settings(user_id)
        followed = _("You now follow this case: its news will reach you here.")
        await answer_press(update, f"{followed} {_when_reminded(settings, at_once)}")
    else:
        await subscriptions.unfollow(update.effective_user.id, case.id)
        await query.answer(_("You no longer follow this case."))
    await query.edit_message_reply_markup(
        _card_keyboard(case, following, await _open_actions(context, case))
    )


@allow(*EVERYONE)
async def open_from_link(update: Update, context: BotContext) -> None:
    """``/start case-<id>``, the link under a card posted inline: that case's card."""
    assert context.args and update.effective_user is not None
    case = await context.services.cases.get(context.args[0].removeprefix(LINK_PREFIX))
    if case is None:
        await answer(update, _("This link is not valid or has expired."))
        return
    text, keyboard = await _card(case, context, update.effective_user.id)
    await answer(update, text, reply_markup=keyboard)


@allow(*EVERYONE)
async def my_cases(update: Update, context: BotContext) -> None:
    """``/mycases``: the cases this user follows."""
    assert update.effective_user is not None
    services = context.services
    followed = await services.cases.get_many(
        await services.subscriptions.cases_of(update.effective_user.id)
    )
    if not followed:
        await answer(update, _("You follow no case yet. Open one with /cases and press Follow."))
        return
    await answer(
        update,
        ngettext(
            "You follow %(count)s case:",
            "You follow %(count)s cases:",
            len(followed),
            count=len(followed),
        ),
        reply_markup=InlineKeyboardMarkup(case_rows(followed)),
    )


@allow(*EVERYONE)
async def show_case(update: Update, context: BotContext) -> None:
    """A case's card, or one of its parts."""
    query = update.callback_query
    assert query is not None and query.data is not None
    case_id, part = CASE.parse(query.data)
    services = context.services
    case = await services.cases.get(case_id)
    if case is None:
        await refuse_stale_button(query)
        return
    locale = current_locale()
    assert update.effective_user is not None
    user_id = update.effective_user.id
    if part in ("follow", "unfollow"):
        await _toggle_follow(update, context, case, following=part == "follow")
        return
    await query.answer()
    if part is None:
        text, keyboard = await _card(case, context, user_id)
        await answer(update, text, reply_markup=keyboard)
    elif part == "account":
        paragraphs = [html.escape(p.strip()) for p in case.account[locale].split("\n\n")]
        for message in split_paragraphs([p for p in paragraphs if p]):
            await answer(update, message)
    else:
        sources = await services.cases.sources()
        used = {event.source for event in case.timeline if event.source}
        await answer_in_parts(
            update,
            render(
                f"case_{part}.html",
                name=case.name[locale],
                events=[
                    (capitalized(partial_date(e.date)), *_translated(e.event))
                    for e in case.timeline
                ],
                sources=[
                    (long_date(sources[s].date), sources[s].title[locale])
                    for s in sorted(used, key=lambda s: sources[s].date)
                ],
            ),
        )


FEATURE = Feature(
    commands=(
        Command(
            "cases",
            list_cases,
            lazy_gettext("Cases of political prisoners"),
            CASES,
            private_only=False,
        ),
        Command("case", find_case, lazy_gettext("Find a case by name"), CASES, private_only=False),
        Command("mycases", my_cases, lazy_gettext("The cases you follow"), CASES),
    ),
    handlers=(
        # A deep link, before the plain /start it starts with.
        CommandHandler("start", open_from_link, PRIVATE_MESSAGE & filters.Regex(LINK_PATTERN)),
        CASE.handler(show_case),
        PAGE.handler(turn_page),
    ),
)
