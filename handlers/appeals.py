"""``/appeal``: a coordinator writes an urgent appeal per language, picks the audience, sees
a preview exactly as recipients will, and confirms; the delivery engine does the rest.
``/update``: the same steps for news of one case, which joins the case's timeline and goes to
the case's followers.

The conversation is persisted: a restart in the middle of writing loses nothing.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from telegram import InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.appeals import (
    WRITING_ORDER,
    BadHtml,
    EmptyText,
    TextProblem,
    TextTooLong,
    check_text,
    texts_for_every_locale,
)
from bot.domain.broadcasts import ALL_LOCALES, CASE_AUDIENCE, Kind
from bot.domain.content import Event
from bot.domain.languages import FALLBACK_ORDER, LOCALES
from bot.domain.roles import STAFF
from bot.domain.telegram_html import MAX_MESSAGE_LENGTH
from bot.news import news_message, post_news
from bot.text.i18n import current_locale, language_in_current_locale, lazy_gettext
from bot.text.i18n import gettext as _
from bot.text.render import render
from handlers.access import allow
from handlers.broadcasts import send_progress_message
from handlers.buttons import CASE_ID, Buttons, Field, choice
from handlers.cases import offer_cases
from handlers.commands import APPEALS, Command, Feature
from handlers.context import BotContext
from handlers.conversation import END, TEXT, Draft, close_keyboard, private_conversation
from handlers.replies import PRIVATE_MESSAGE, answer, refuse_stale_button

WRITING, CHOOSING_FALLBACK, CHOOSING_AUDIENCE, CONFIRMING, CHOOSING_CASE = range(5)
"""States of the appeal conversation."""

DRAFT = Draft("appeal")
"""Its kind, texts per locale, the next locale, fallback, audience, and the case of news."""

NEWS_CASE = Buttons("appeal:case", CASE_ID)
"""The case of the news."""
FALLBACK = Buttons("appeal:fallback", choice(*LOCALES))
"""The text that readers of the languages without one receive."""
AUDIENCE = Buttons(
    "appeal:to",
    Field(f"{choice(ALL_LOCALES, *LOCALES).regex}|{re.escape(CASE_AUDIENCE)}{CASE_ID.regex}"),
)
"""Everyone, the readers of one language, or the followers of one case."""
SEND = Buttons("appeal:send")
DROP = Buttons("appeal:cancel")

FORMATTING = frozenset(
    {
        MessageEntity.BOLD,
        MessageEntity.ITALIC,
        MessageEntity.UNDERLINE,
        MessageEntity.STRIKETHROUGH,
        MessageEntity.SPOILER,
        MessageEntity.CODE,
        MessageEntity.PRE,
        MessageEntity.TEXT_LINK,
        MessageEntity.BLOCKQUOTE,
    }
)


def _as_html(message: Message) -> str:
    """Telegram HTML of a message: its formatting if it has any, else the text as written."""
    if any(entity.type in FORMATTING for entity in message.entities):
        return message.text_html
    return message.text or ""


def _is_news(context: BotContext) -> bool:
    return DRAFT.of(context).get("kind") == Kind.NEWS


async def _ask_for_text(update: Update, context: BotContext, locale: str) -> None:
    language = language_in_current_locale(locale)
    if _is_news(context):
        case = await context.services.cases.get(DRAFT.of(context)["case"])
        name = case.name[current_locale()] if case else ""
        text = _(
            "Send the news of {case} in {language}, as plain text, or /skip if there is none "
            "in this language."
        ).format(case=html.escape(name), language=language)
    else:
        text = _(
            "Send the text of the appeal in {language}, or /skip if there is none in this "
            "language. Format it with Telegram's own tools, or write HTML such as "
            "&lt;b&gt;bold&lt;/b&gt;."
        ).format(language=language)
    await answer(update, text)


async def _refuse_while_sending(update: Update, context: BotContext) -> bool:
    """Tell the coordinator an appeal is on its way; ``True`` if one is."""
    if await context.services.broadcasts.authored_active():
        await answer(
            update,
            _(
                "An appeal is being sent right now. Wait until it ends, or stop it with "
                "the button under its progress."
            ),
        )
        return True
    return False


@allow(*STAFF)
async def start_appeal(update: Update, context: BotContext) -> int:
    """Begin a new draft, unless an appeal is on its way."""
    if await _refuse_while_sending(update, context):
        return END
    DRAFT.start(context, kind=Kind.APPEAL, texts={}, next=0)
    await _ask_for_text(update, context, WRITING_ORDER[0])
    return WRITING


@allow(*STAFF)
async def start_news(update: Update, context: BotContext) -> int:
    """``/update [NAME]``: news of a case; first, which case."""
    if await _refuse_while_sending(update, context):
        return END
    DRAFT.start(context, kind=Kind.NEWS, texts={}, next=0)
    if context.args:
        return await _offer_cases(update, context, " ".join(context.args))
    await answer(update, _("Which case is the news about? Send a name."))
    return CHOOSING_CASE


async def _offer_cases(update: Update, context: BotContext, query: str) -> int:
    await offer_cases(update, context, query, NEWS_CASE, _("Which case is the news about?"))
    return CHOOSING_CASE


@allow(*STAFF)
async def case_named(update: Update, context: BotContext) -> int:
    """A name typed while choosing the case of the news."""
    assert update.effective_message is not None
    return await _offer_cases(update, context, update.effective_message.text or "")


@allow(*STAFF)
async def case_chosen(update: Update, context: BotContext) -> int:
    """The case of the news; now its texts."""
    query = update.callback_query
    assert query is not None and query.data is not None
    (case_id,) = NEWS_CASE.parse(query.data)
    if await context.services.cases.get(case_id) is None:
        await refuse_stale_button(query)
        return CHOOSING_CASE
    draft = DRAFT.of(context)
    draft["case"] = case_id
    draft["audience"] = CASE_AUDIENCE + case_id
    await close_keyboard(update)
    await _ask_for_text(update, context, WRITING_ORDER[0])
    return WRITING


async def _next_text_or_fallback(update: Update, context: BotContext) -> int:
    draft = DRAFT.of(context)
    draft["next"] += 1
    if draft["next"] < len(WRITING_ORDER):
        await _ask_for_text(update, context, WRITING_ORDER[draft["next"]])
        return WRITING
    texts: dict[str, str] = draft["texts"]
    if not texts:
        draft["next"] = 0
        await answer(update, _("At least one text is needed. Let us start again."))
        await _ask_for_text(update, context, WRITING_ORDER[0])
        return WRITING
    if _is_news(context):  # readers of a missing language get a note with another's text
        draft["fallback"] = next(code for code in FALLBACK_ORDER if code in texts)
        return await _preview(update, context)
    if len(texts) == len(LOCALES) or len(texts) == 1:
        draft["fallback"] = next(iter(texts))
        return await _ask_for_audience(update, context)
    keyboard = [
        [FALLBACK.button(language_in_current_locale(code, capitalized=True), code)]
        for code in WRITING_ORDER
        if code in texts
    ]
    await answer(
        update,
        _("Which text should readers of the other languages receive?"),
        reply_markup=InlineKeyboardMarkup(keyboard),
    )
    return CHOOSING_FALLBACK


@allow(*STAFF)
async def text_received(update: Update, context: BotContext) -> int | None:
    """Check one language's text; keep it, or explain what Telegram would refuse."""
    assert update.effective_message is not None
    draft = DRAFT.of(context)
    locale = WRITING_ORDER[draft["next"]]
    try:
        if _is_news(context):
            text = (update.effective_message.text or "").strip()
            await _check_news(context, text, locale)
        else:
            text = check_text(_as_html(update.effective_message))
    except TextProblem as problem:
        await answer(update, _explain(problem))
        return None
    draft["texts"][locale] = text
    return await _next_text_or_fallback(update, context)


def _news_event(texts: dict[str, str]) -> Event:
    return Event(date=datetime.now(UTC).date().isoformat(), event=texts)


async def _check_news(context: BotContext, text: str, locale: str) -> None:
    """Raise a :class:`TextProblem` unless the message of this news would go through."""
    if not text:
        raise EmptyText("empty")
    case = await context.services.cases.get(DRAFT.of(context)["case"])
    if case is not None:
        check_text(news_message(case, _news_event({locale: text}), locale))


def _explain(problem: TextProblem) -> str:
    if isinstance(problem, TextTooLong):
        return _(
            "This text is {length} characters long; Telegram allows {limit}. Shorten it "
            "and send it again."
        ).format(length=problem.length, limit=MAX_MESSAGE_LENGTH)
    if isinstance(problem, EmptyText):
        return _("This text is empty. Send the text, or /skip.")
    assert isinstance(problem, BadHtml)
    return _("Telegram cannot show this text: {error}. Correct it and send it again.").format(
        error=html.escape(str(problem))
    )


@allow(*STAFF)
async def skip_text(update: Update, context: BotContext) -> int:
    """No text in this language."""
    return await _next_text_or_fallback(update, context)


@allow(*STAFF)
async def text_expected(update: Update, context: BotContext) -> None:
    """A photo, sticker or the like where a text was asked for."""
    await answer(update, _("Please send a text message, or /skip."))


@allow(*STAFF)
async def fallback_chosen(update: Update, context: BotContext) -> int | None:
    """The language whose text goes to readers of the languages left without one."""
    query = update.callback_query
    assert query is not None and query.data is not None
    (locale,) = FALLBACK.parse(query.data)
    draft = DRAFT.of(context)
    if locale not in draft["texts"]:
        await query.answer(_("This button is no longer valid. Please start again."))
        return None
    draft["fallback"] = locale
    await close_keyboard(update)
    return await _ask_for_audience(update, context)


async def _ask_for_audience(update: Update, context: BotContext) -> int:
    services = context.services
    options = [(ALL_LOCALES, _("Everyone"))] + [
        (code, language_in_current_locale(code, capitalized=True)) for code in WRITING_ORDER
    ]
    for case in await services.cases.get_many(await services.subscriptions.followed_cases()):
        name = case.name[current_locale()]
        options.append((CASE_AUDIENCE + case.id, _("Followers of {case}").format(case=name)))
    keyboard = []
    for audience, label in options:
        size = await services.broadcasts.audience_size(audience)
        keyboard.append([AUDIENCE.button(f"{label} ({size})", audience)])
    await answer(
        update, _("Who should receive the appeal?"), reply_markup=InlineKeyboardMarkup(keyboard)
    )
    return CHOOSING_AUDIENCE


@allow(*STAFF)
async def audience_chosen(update: Update, context: BotContext) -> int:
    """Show the appeal exactly as its recipients will see it, and ask for confirmation."""
    query = update.callback_query
    assert query is not None and query.data is not None
    draft = DRAFT.of(context)
    (draft["audience"],) = AUDIENCE.parse(query.data)
    case_id = draft["audience"].removeprefix(CASE_AUDIENCE)
    if draft["audience"].startswith(CASE_AUDIENCE):
        if await context.services.cases.get(case_id) is None:
            await refuse_stale_button(query)
            return CHOOSING_AUDIENCE
        draft["case"] = case_id  # the appeal is tied to the case whose followers it reaches
    await close_keyboard(update)
    return await _preview(update, context)


async def _preview(update: Update, context: BotContext) -> int:
    """Each language's message as its readers will see it, and the question to send."""
    draft = DRAFT.of(context)
    texts: dict[str, str] = draft["texts"]
    news = _is_news(context)
    case = await context.services.cases.get(draft["case"]) if news else None
    if news and case is None:
        await answer(update, _("This case no longer exists. The news was not sent."))
        return END
    for locale in WRITING_ORDER:
        if locale in texts:
            message = news_message(case, _news_event(texts), locale) if case else texts[locale]
            await answer(update, message)
    size = await context.services.broadcasts.audience_size(draft["audience"])
    summary = render(
        "appeal_confirm.html",
        news=news,
        size=size,
        written=[language_in_current_locale(code) for code in WRITING_ORDER if code in texts],
        missing=[language_in_current_locale(code) for code in WRITING_ORDER if code not in texts],
        fallback=language_in_current_locale(draft["fallback"]),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [SEND.button(_("Send to {count}").format(count=size))],
            [DROP.button(_("Cancel"))],
        ]
    )
    await answer(update, summary, reply_markup=keyboard)
    return CONFIRMING


@allow(*STAFF)
async def confirmed(update: Update, context: BotContext) -> int:
    """Queue the appeal and show its progress."""
    assert update.effective_user is not None
    await close_keyboard(update)
    if await _refuse_while_sending(update, context):
        return END
    draft = DRAFT.of(context)
    services = context.services
    if draft.get("kind") == Kind.NEWS:
        posted = await post_news(
            services.db,
            services.cases,
            services.broadcasts,
            case_id=draft["case"],
            texts=draft["texts"],
            author_id=update.effective_user.id,
            day=datetime.now(UTC).date(),
        )
        if posted is None:
            await answer(update, _("This case no longer exists. The news was not sent."))
            return END
        broadcast_id, _queued = posted
    else:
        broadcast_id, _queued = await services.broadcasts.create(
            kind=Kind.APPEAL,
            author_id=update.effective_user.id,
            audience=draft["audience"],
            html_by_locale=texts_for_every_locale(draft["texts"], draft["fallback"]),
            details={
                key: draft[key] for key in ("texts", "fallback", "audience", "case") if key in draft
            },
        )
    services.delivery.wake()
    await send_progress_message(context, broadcast_id, update.effective_user.id)
    return END


@allow(*STAFF)
async def cancelled(update: Update, context: BotContext) -> int:
    """Drop the draft."""
    await close_keyboard(update)
    if _is_news(context):
        await answer(update, _("The news was not sent."))
    else:
        await answer(update, _("The appeal was not sent."))
    return END


APPEAL = Command("appeal", start_appeal, lazy_gettext("Send an urgent appeal"), APPEALS)
UPDATE = Command(
    "update", start_news, lazy_gettext("Post news of a case to its followers"), APPEALS
)


def appeal_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """The whole ``/appeal`` flow, persisted across restarts."""
    return private_conversation(
        "appeal",
        entry_points=[APPEAL, UPDATE],
        states={
            CHOOSING_CASE: [
                MessageHandler(TEXT, case_named),
                NEWS_CASE.handler(case_chosen),
            ],
            WRITING: [
                MessageHandler(TEXT, text_received),
                CommandHandler("skip", skip_text, PRIVATE_MESSAGE),
                MessageHandler(PRIVATE_MESSAGE & ~filters.COMMAND, text_expected),
            ],
            CHOOSING_FALLBACK: [FALLBACK.handler(fallback_chosen)],
            CHOOSING_AUDIENCE: [AUDIENCE.handler(audience_chosen)],
            CONFIRMING: [SEND.handler(confirmed), DROP.handler(cancelled)],
        },
        drafts=[DRAFT],
    )


FEATURE = Feature(commands=(APPEAL, UPDATE), conversation=appeal_conversation)
