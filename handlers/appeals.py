"""``/appeal``: a coordinator writes an urgent appeal per language, picks the audience, sees
a preview exactly as recipients will, and confirms; the delivery engine does the rest.

The conversation is persisted: a restart in the middle of writing loses nothing.
"""

from __future__ import annotations

import html
import warnings
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.appeals import (
    WRITING_ORDER,
    BadHtml,
    EmptyText,
    TextProblem,
    TextTooLong,
    check_text,
    texts_for_every_locale,
)
from bot.i18n import LOCALES, current_locale
from bot.i18n import gettext as _
from bot.render import render
from bot.roles import STAFF
from bot.telegram_html import MAX_MESSAGE_LENGTH
from handlers.access import allow
from handlers.broadcast_progress import send_progress_message
from handlers.cancel import cancel_conversation
from handlers.context import BotContext
from handlers.language import language_in_current_locale
from handlers.replies import PRIVATE_MESSAGE, answer, refuse_stale_button
from storage.broadcasts import ALL_LOCALES, CASE_AUDIENCE

WRITING, CHOOSING_FALLBACK, CHOOSING_AUDIENCE, CONFIRMING = range(4)
"""States of the appeal conversation."""

DRAFT = "appeal"
"""Key of the draft in ``user_data``: texts per locale, the next locale, fallback, audience."""

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


def _draft(context: BotContext) -> dict[str, Any]:
    assert context.user_data is not None
    return context.user_data.setdefault(DRAFT, {"texts": {}})


def _as_html(message: Message) -> str:
    """Telegram HTML of a message: its formatting if it has any, else the text as written."""
    if any(entity.type in FORMATTING for entity in message.entities):
        return message.text_html
    return message.text or ""


async def _ask_for_text(update: Update, locale: str) -> None:
    await answer(
        update,
        _(
            "Send the text of the appeal in {language}, or /skip if there is none in this "
            "language. Format it with Telegram's own tools, or write HTML such as "
            "&lt;b&gt;bold&lt;/b&gt;."
        ).format(language=language_in_current_locale(locale)),
    )


async def _refuse_while_sending(update: Update, context: BotContext) -> bool:
    """Tell the coordinator an appeal is on its way; ``True`` if one is."""
    if await context.services.broadcasts.active("appeal"):
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
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data[DRAFT] = {"texts": {}, "next": 0}
    await _ask_for_text(update, WRITING_ORDER[0])
    return WRITING


async def _next_text_or_fallback(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    draft["next"] += 1
    if draft["next"] < len(WRITING_ORDER):
        await _ask_for_text(update, WRITING_ORDER[draft["next"]])
        return WRITING
    texts: dict[str, str] = draft["texts"]
    if not texts:
        draft["next"] = 0
        await answer(update, _("An appeal needs at least one text. Let us start again."))
        await _ask_for_text(update, WRITING_ORDER[0])
        return WRITING
    if len(texts) == len(LOCALES) or len(texts) == 1:
        draft["fallback"] = next(iter(texts))
        return await _ask_for_audience(update, context)
    keyboard = [
        [
            InlineKeyboardButton(
                language_in_current_locale(code, capitalized=True),
                callback_data=f"appeal:fallback:{code}",
            )
        ]
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
    try:
        html = check_text(_as_html(update.effective_message))
    except TextProblem as problem:
        await answer(update, _explain(problem))
        return None
    draft = _draft(context)
    draft["texts"][WRITING_ORDER[draft["next"]]] = html
    return await _next_text_or_fallback(update, context)


def _explain(problem: TextProblem) -> str:
    if isinstance(problem, TextTooLong):
        return _(
            "This text is {length} characters long; Telegram allows {limit}. Shorten it "
            "and send it again."
        ).format(length=problem.length, limit=MAX_MESSAGE_LENGTH)
    if isinstance(problem, EmptyText):
        return _("This text is empty. Send the text of the appeal.")
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
    await answer(update, _("Please send the appeal as a text message, or /skip."))


@allow(*STAFF)
async def fallback_chosen(update: Update, context: BotContext) -> int | None:
    """The language whose text goes to readers of the languages left without one."""
    query = update.callback_query
    assert query is not None and query.data is not None
    locale = query.data.rsplit(":", 1)[-1]
    draft = _draft(context)
    if locale not in draft["texts"]:
        await query.answer(_("This button is no longer valid. Please start again."))
        return None
    draft["fallback"] = locale
    await query.answer()
    await query.edit_message_reply_markup(None)
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
        keyboard.append(
            [InlineKeyboardButton(f"{label} ({size})", callback_data=f"appeal:to:{audience}")]
        )
    await answer(
        update, _("Who should receive the appeal?"), reply_markup=InlineKeyboardMarkup(keyboard)
    )
    return CHOOSING_AUDIENCE


@allow(*STAFF)
async def audience_chosen(update: Update, context: BotContext) -> int:
    """Show the appeal exactly as its recipients will see it, and ask for confirmation."""
    query = update.callback_query
    assert query is not None and query.data is not None
    draft = _draft(context)
    draft["audience"] = query.data.removeprefix("appeal:to:")
    case_id = draft["audience"].removeprefix(CASE_AUDIENCE)
    if draft["audience"].startswith(CASE_AUDIENCE):
        if await context.services.cases.get(case_id) is None:
            await refuse_stale_button(query)
            return CHOOSING_AUDIENCE
        draft["case"] = case_id  # the appeal is tied to the case whose followers it reaches
    await query.answer()
    await query.edit_message_reply_markup(None)
    texts: dict[str, str] = draft["texts"]
    for locale in WRITING_ORDER:
        if locale in texts:
            await answer(update, texts[locale])
    size = await context.services.broadcasts.audience_size(draft["audience"])
    summary = render(
        "appeal_confirm.html",
        size=size,
        written=[language_in_current_locale(code) for code in WRITING_ORDER if code in texts],
        missing=[language_in_current_locale(code) for code in WRITING_ORDER if code not in texts],
        fallback=language_in_current_locale(draft["fallback"]),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("Send to {count}").format(count=size), callback_data="appeal:send"
                )
            ],
            [InlineKeyboardButton(_("Cancel"), callback_data="appeal:cancel")],
        ]
    )
    await answer(update, summary, reply_markup=keyboard)
    return CONFIRMING


@allow(*STAFF)
async def confirmed(update: Update, context: BotContext) -> int:
    """Queue the appeal and show its progress."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    if await _refuse_while_sending(update, context):
        return ConversationHandler.END
    draft = _draft(context)
    services = context.services
    broadcast_id, _queued = await services.broadcasts.create(
        kind="appeal",
        author_id=update.effective_user.id,
        audience=draft["audience"],
        html_by_locale=texts_for_every_locale(draft["texts"], draft["fallback"]),
        details={
            key: draft[key] for key in ("texts", "fallback", "audience", "case") if key in draft
        },
    )
    assert context.user_data is not None
    del context.user_data[DRAFT]
    services.delivery.wake()
    await send_progress_message(context, broadcast_id, update.effective_user.id)
    return ConversationHandler.END


@allow(*STAFF)
async def cancelled(update: Update, context: BotContext) -> int:
    """Drop the draft."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    await answer(update, _("The appeal was not sent."))
    return ConversationHandler.END


@allow(*STAFF)
async def end_appeal_conversation(update: Update, context: BotContext) -> int:
    """``/cancel`` during the appeal: drop the draft."""
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    return await cancel_conversation(update, context)


def appeal_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """The whole ``/appeal`` flow, persisted across restarts."""
    text = PRIVATE_MESSAGE & filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():
        # The buttons are tracked per chat and user on purpose: only the current question's
        # buttons lead anywhere, and stale ones are answered by the catch-all.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("appeal", start_appeal, PRIVATE_MESSAGE)],
            states={
                WRITING: [
                    MessageHandler(text, text_received),
                    CommandHandler("skip", skip_text, PRIVATE_MESSAGE),
                    MessageHandler(PRIVATE_MESSAGE & ~filters.COMMAND, text_expected),
                ],
                CHOOSING_FALLBACK: [
                    CallbackQueryHandler(fallback_chosen, pattern=r"^appeal:fallback:(en|ru|kk)$")
                ],
                CHOOSING_AUDIENCE: [
                    CallbackQueryHandler(
                        audience_chosen, pattern=r"^appeal:to:(all|en|ru|kk|case:[a-z0-9-]{1,40})$"
                    )
                ],
                CONFIRMING: [
                    CallbackQueryHandler(confirmed, pattern=r"^appeal:send$"),
                    CallbackQueryHandler(cancelled, pattern=r"^appeal:cancel$"),
                ],
            },
            fallbacks=[CommandHandler("cancel", end_appeal_conversation, PRIVATE_MESSAGE)],
            name="appeal",
            persistent=True,
        )
