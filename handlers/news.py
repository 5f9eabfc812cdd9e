"""``/update``: news of one case. A coordinator picks the case, writes the news in each language
(plain text), sees each language's message as the case's followers will, and confirms; the
news joins the case's timeline and goes to its followers (:mod:`bot.news`).

The news shares the appeal's conversation (:mod:`handlers.appeals`): either command, sent
during the other, starts over. The conversation is persisted: a restart loses nothing.
"""

from __future__ import annotations

import html
from datetime import date

from telegram import Update
from telegram.ext import MessageHandler

from bot.domain.appeals import WRITING_ORDER, EmptyText, TextProblem, check_text
from bot.domain.broadcasts import CASE_AUDIENCE
from bot.domain.content import Case, Event
from bot.domain.files.fields import EVENT
from bot.domain.languages import FALLBACK_ORDER
from bot.domain.roles import STAFF
from bot.news import news_message, post_news
from bot.text.formatting import number
from bot.text.i18n import current_locale, lazy_gettext
from bot.text.i18n import gettext as _
from bot.text.names import in_language
from handlers.access import Handler, allow
from handlers.broadcasts import (
    DROP,
    SEND,
    ask_to_send,
    deliver,
    explain,
    hold_while_sending,
    refuse_while_sending,
)
from handlers.buttons import CASE_ID, Buttons
from handlers.cases import offer_cases
from handlers.commands import APPEALS, Command, Feature
from handlers.context import BotContext
from handlers.conversation import END, TEXT, Draft, State, close_keyboard
from handlers.replies import answer, refuse_stale_button
from handlers.writing import TextsByLanguage

CHOOSING_CASE, WRITING, CONFIRMING = "news:case", "news:writing", "news:confirming"
"""States of the news in the appeal's conversation."""

DRAFT = Draft("news")
"""The case, the texts per locale and the next locale."""

CASE = Buttons("appeal:case", CASE_ID)
"""The case of the news."""


@allow(*STAFF)
async def start_news(update: Update, context: BotContext) -> State:
    """``/update [NAME]``: news of a case; first, which case."""
    if await refuse_while_sending(update, context):
        return END
    DRAFT.start(context)
    if context.args:
        return await _offer_cases(update, context, " ".join(context.args))
    await answer(update, _("Which case is the news about? Send a name."))
    return CHOOSING_CASE


async def _offer_cases(update: Update, context: BotContext, name: str) -> State:
    await offer_cases(update, context, name, CASE, _("Which case is the news about?"))
    return CHOOSING_CASE


@allow(*STAFF)
async def news_case_named(update: Update, context: BotContext) -> State:
    """A name typed while choosing the case of the news."""
    assert update.effective_message is not None
    return await _offer_cases(update, context, update.effective_message.text or "")


@allow(*STAFF)
async def news_case_chosen(update: Update, context: BotContext) -> State | None:
    """The case of the news; now its texts."""
    query = update.callback_query
    assert query is not None
    (case_id,) = CASE.parse(query.data)
    if await context.services.cases.get(case_id) is None:
        await refuse_stale_button(query)
        return None
    DRAFT.of(context)["case"] = case_id
    await close_keyboard(update)
    return await TEXTS.begin(update, context)


async def _case(context: BotContext) -> Case | None:
    return await context.services.cases.get(DRAFT.of(context)["case"])


def _today(context: BotContext) -> date:
    """The day by the bot's clock, in UTC."""
    return context.services.clock.now().date()


def _event(context: BotContext, texts: dict[str, str]) -> Event:
    """Today's entry of the case's timeline."""
    return Event(date=_today(context).isoformat(), event=texts)


async def _ask_for_text(update: Update, context: BotContext, locale: str) -> None:
    case = await _case(context)
    name = case.name[current_locale()] if case else ""
    # TRANSLATORS: %(case)s is the case's name (a person's name); %(in_language)s is "in Kazakh"
    # as this catalog writes it (msgctxt "in a language").
    text = _(
        "Send the news of %(case)s %(in_language)s, as plain text, or /skip if there is "
        "none in this language.",
        case=html.escape(name),
        in_language=in_language(locale),
    )
    await answer(update, text)


@allow(*STAFF)
async def news_text_received(update: Update, context: BotContext) -> State | None:
    """Keep one language's news, or explain why its message would not go through."""
    assert update.effective_message is not None
    text = (update.effective_message.text or "").strip()
    locale = TEXTS.locale(context)
    try:
        if not text:
            raise EmptyText("empty")
        case = await _case(context)
        if case is not None:
            check_text(news_message(case, _event(context, {locale: text}), locale))
    except TextProblem as problem:
        await answer(update, explain(problem))
        return None
    if len(text) > EVENT:
        await answer(
            update,
            _(
                "This news is %(length)s characters long; an entry of a case's timeline may "
                "have at most %(limit)s. Shorten it and send it again.",
                length=number(len(text)),
                limit=number(EVENT),
            ),
        )
        return None
    return await TEXTS.keep(update, context, text)


@allow(*STAFF)
async def skip_news_text(update: Update, context: BotContext) -> State:
    """No news in this language."""
    return await TEXTS.skip(update, context)


async def _preview(update: Update, context: BotContext) -> State:
    """Each language's message as the followers will see it, and the question to send."""
    case = await _case(context)
    if case is None:
        await answer(update, _("This case no longer exists. The news was not sent."))
        return END
    texts: dict[str, str] = DRAFT.of(context)["texts"]
    for locale in WRITING_ORDER:
        if locale in texts:
            await answer(update, news_message(case, _event(context, texts), locale))
    await ask_to_send(
        update,
        context,
        news=True,
        texts=texts,
        # Readers of a language without news get this one, with a note.
        fallback=next(code for code in FALLBACK_ORDER if code in texts),
        audience=CASE_AUDIENCE + case.id,
    )
    return CONFIRMING


TEXTS = TextsByLanguage(DRAFT, WRITING, ask=_ask_for_text, written=_preview)


@allow(*STAFF)
async def send_news(update: Update, context: BotContext) -> State | None:
    """Add the news to the case's timeline and queue it for the followers; show its progress."""
    assert update.effective_user is not None
    if await hold_while_sending(update, context):
        return None  # the draft and its buttons stay: the coordinator presses Send again
    await close_keyboard(update)
    draft, services = DRAFT.of(context), context.services
    posted = await post_news(
        services.db,
        services.cases,
        services.broadcasts,
        case_id=draft["case"],
        texts=draft["texts"],
        author_id=update.effective_user.id,
        day=_today(context),
    )
    if posted is None:
        await answer(update, _("This case no longer exists. The news was not sent."))
        return END
    broadcast_id, _queued = posted
    await deliver(context, broadcast_id, update.effective_user.id)
    return END


@allow(*STAFF)
async def drop_news(update: Update, context: BotContext) -> State:
    """Leave without posting."""
    await close_keyboard(update)
    await answer(update, _("The news was not sent."))
    return END


UPDATE = Command(
    "update", start_news, lazy_gettext("Post news of a case to its followers"), APPEALS
)


def news_states() -> dict[State, list[Handler]]:
    """The steps of the news, for the appeal's conversation (built anew for each)."""
    return {
        CHOOSING_CASE: [MessageHandler(TEXT, news_case_named), CASE.handler(news_case_chosen)],
        WRITING: TEXTS.handlers(news_text_received, skip_news_text),
        CONFIRMING: [SEND.handler(send_news), DROP.handler(drop_news)],
    }


FEATURE = Feature(commands=(UPDATE,))
"""Its conversation is the appeal's."""
