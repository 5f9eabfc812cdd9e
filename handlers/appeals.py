"""``/appeal``: a coordinator writes an urgent appeal per language, picks the audience, sees a
preview exactly as recipients will, and confirms; the delivery engine does the rest.

One conversation with ``/update`` (:mod:`handlers.news`): either command, sent during the
other, starts over. The conversation is persisted: a restart in the middle of writing loses
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from telegram import InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.ext import ConversationHandler

from bot.domain.actions import StoredAction
from bot.domain.appeals import (
    WRITING_ORDER,
    TextProblem,
    check_text,
    texts_for_every_locale,
    typed_html,
)
from bot.domain.broadcasts import ALL_LOCALES, CASE_AUDIENCE, Keyboard, Kind
from bot.domain.languages import LOCALES
from bot.domain.roles import STAFF
from bot.text.formatting import capitalized
from bot.text.i18n import (
    current_locale,
    language_in_current_locale,
    lazy_gettext,
    pgettext,
    use_locale,
)
from bot.text.i18n import gettext as _
from bot.text.names import in_language, readers_of
from handlers import news
from handlers.access import allow
from handlers.actions import CARD
from handlers.broadcasts import (
    DROP,
    SEND,
    ask_to_send,
    deliver,
    explain,
    hold_while_sending,
    refuse_while_sending,
)
from handlers.buttons import CASE_ID, Buttons, Field, choice, digits
from handlers.commands import APPEALS, Command, Feature
from handlers.context import BotContext
from handlers.conversation import END, Draft, State, close_keyboard, private_conversation
from handlers.replies import answer, refuse_stale_button
from handlers.writing import TextsByLanguage

WRITING, CHOOSING_FALLBACK, CHOOSING_AUDIENCE, CHOOSING_ACTION, CONFIRMING = (
    "appeal:writing",
    "appeal:fallback",
    "appeal:audience",
    "appeal:action",
    "appeal:confirming",
)
"""States of the appeal."""

DRAFT = Draft("appeal")
"""The texts per locale, the next locale, the fallback, the audience and its case."""

FALLBACK = Buttons("appeal:fallback", choice(*LOCALES))
"""The text that readers of the languages without one receive."""
AUDIENCE = Buttons(
    "appeal:to",
    Field(f"{choice(ALL_LOCALES, *LOCALES).regex}|{re.escape(CASE_AUDIENCE)}{CASE_ID.regex}"),
)
"""Everyone, the readers of one language, or the followers of one case."""
OFFER_ACTIONS = Buttons("appeal:acts")
"""Under the confirmation: choose an action for recipients to take."""
ATTACH = Buttons("appeal:act", digits(12))
"""An action recipients are asked to take, by its key; 0: none."""
ACTIONS_OFFERED = 8

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


@allow(*STAFF)
async def start_appeal(update: Update, context: BotContext) -> State:
    """Begin a new draft, unless an appeal is on its way."""
    if await refuse_while_sending(update, context):
        return END
    DRAFT.start(context)
    return await TEXTS.begin(update, context)


def _as_html(message: Message) -> str:
    """Telegram HTML of a message: its formatting if the coordinator applied Telegram's own
    (the rest escaped), else the text as written, where only what reads as markup is markup."""
    if any(entity.type in FORMATTING for entity in message.entities):
        return message.text_html
    return typed_html(message.text or "")


async def _ask_for_text(update: Update, context: BotContext, locale: str) -> None:
    # TRANSLATORS: %(in_language)s is "in Kazakh" as this catalog writes it (msgctxt "in a
    # language").
    text = _(
        "Send the text of the appeal %(in_language)s, or /skip if there is none in this "
        "language. Format it with Telegram's own tools, or write HTML such as "
        "&lt;b&gt;bold&lt;/b&gt;.",
        in_language=in_language(locale),
    )
    await answer(update, text)


@allow(*STAFF)
async def appeal_text_received(update: Update, context: BotContext) -> State | None:
    """Check one language's text; keep it, or explain what Telegram would refuse."""
    assert update.effective_message is not None
    try:
        text = check_text(_as_html(update.effective_message))
    except TextProblem as problem:
        await answer(update, explain(problem))
        return None
    return await TEXTS.keep(update, context, text)


@allow(*STAFF)
async def skip_appeal_text(update: Update, context: BotContext) -> State:
    """No text in this language."""
    return await TEXTS.skip(update, context)


async def _ask_for_fallback(update: Update, context: BotContext) -> State:
    """Which text readers of the other languages get, unless only one or all were written."""
    draft = DRAFT.of(context)
    texts: dict[str, str] = draft["texts"]
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


TEXTS = TextsByLanguage(DRAFT, WRITING, ask=_ask_for_text, written=_ask_for_fallback)


@allow(*STAFF)
async def appeal_fallback_chosen(update: Update, context: BotContext) -> State | None:
    """The language whose text goes to readers of the languages left without one."""
    query = update.callback_query
    assert query is not None
    (locale,) = FALLBACK.parse(query.data)
    draft = DRAFT.of(context)
    if locale not in draft["texts"]:
        await query.answer(_("This button is no longer valid. Please start again."))
        return None
    draft["fallback"] = locale
    await close_keyboard(update)
    return await _ask_for_audience(update, context)


async def _ask_for_audience(update: Update, context: BotContext) -> State:
    services = context.services
    options = [(ALL_LOCALES, pgettext("audience", "Everyone"))] + [
        (code, capitalized(readers_of(code))) for code in WRITING_ORDER
    ]
    for case in await services.cases.get_many(await services.subscriptions.followed_cases()):
        name = case.name[current_locale()]
        options.append((CASE_AUDIENCE + case.id, _("Followers of %(case)s", case=name)))
    keyboard = []
    for audience, label in options:
        size = await services.broadcasts.audience_size(audience)
        keyboard.append([AUDIENCE.button(f"{label} ({size})", audience)])
    await answer(
        update, _("Who should receive the appeal?"), reply_markup=InlineKeyboardMarkup(keyboard)
    )
    return CHOOSING_AUDIENCE


@allow(*STAFF)
async def appeal_audience_chosen(update: Update, context: BotContext) -> State:
    """Show the appeal exactly as its recipients will see it, and ask for confirmation."""
    query = update.callback_query
    assert query is not None
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


async def _actions_offered(context: BotContext) -> list[StoredAction]:
    """The open actions an appeal may attach: of its case, if it has one, else the most
    urgent."""
    services = context.services
    draft = DRAFT.of(context)
    now = services.clock.now()
    actions = services.cases.actions
    if "case" in draft:
        return (await actions.of_case(draft["case"], now))[:ACTIONS_OFFERED]
    return await actions.most_urgent(now, limit=ACTIONS_OFFERED)


@allow(*STAFF)
async def offer_actions(update: Update, context: BotContext) -> State:
    """ "Attach an action" under the confirmation: the open actions to choose from, or none."""
    services = context.services
    offered = await _actions_offered(context)
    await close_keyboard(update)
    cases = {c.id: c for c in await services.cases.get_many([i.case_id for i in offered])}
    locale = current_locale()
    keyboard = [
        [ATTACH.button(f"{cases[i.case_id].name[locale]}: {i.action.title[locale]}", i.key)]
        for i in offered[:ACTIONS_OFFERED]
        if i.case_id in cases
    ]
    # TRANSLATORS: a button: attach no action to the appeal.
    keyboard.append([ATTACH.button(_("No action"), 0)])
    await answer(
        update,
        _(
            "Should recipients be asked to act? Attach an action: a “Take action” button under "
            "the appeal opens its card, and the acts reported through it appear in the report."
        ),
        reply_markup=InlineKeyboardMarkup(keyboard),
    )
    return CHOOSING_ACTION


@allow(*STAFF)
async def appeal_action_chosen(update: Update, context: BotContext) -> State:
    """Attach the action chosen (or none), then show the preview again."""
    query = update.callback_query
    assert query is not None
    (key,) = ATTACH.parse(query.data)
    if key and key not in {item.key for item in await _actions_offered(context)}:
        await refuse_stale_button(query)
        return CHOOSING_ACTION
    DRAFT.of(context)["action"] = key
    await close_keyboard(update)
    return await _preview(update, context)


async def _preview(update: Update, context: BotContext) -> State:
    """The appeal exactly as recipients will see it, and the question to send it."""
    draft = DRAFT.of(context)
    texts: dict[str, str] = draft["texts"]
    key = draft.get("action", 0)
    for locale in WRITING_ORDER:
        if locale in texts:
            with use_locale(locale):
                keyboard = InlineKeyboardMarkup([[CARD.button(_("Take action"), key, 0)]])
            await answer(update, texts[locale], reply_markup=keyboard if key else None)
    attach = []
    if await _actions_offered(context):
        label = _("Change the action") if key else _("Ask recipients to act…")
        attach = [[OFFER_ACTIONS.button(label)]]
    await ask_to_send(
        update,
        context,
        news=False,
        texts=texts,
        fallback=draft["fallback"],
        audience=draft["audience"],
        extra_rows=attach,
    )
    return CONFIRMING


@allow(*STAFF)
async def send_appeal(update: Update, context: BotContext) -> State | None:
    """Queue the appeal and show its progress."""
    assert update.effective_user is not None
    if await hold_while_sending(update, context):
        return None  # the draft and its buttons stay: the coordinator presses Send again
    await close_keyboard(update)
    draft = DRAFT.of(context)
    broadcast_id, _queued = await context.services.broadcasts.create(
        kind=Kind.APPEAL,
        author_id=update.effective_user.id,
        audience=draft["audience"],
        html_by_locale=texts_for_every_locale(draft["texts"], draft["fallback"]),
        details={
            key: draft[key]
            for key in ("texts", "fallback", "audience", "case", "action")
            if draft.get(key)
        },
        buttons=_take_action_buttons(draft.get("action", 0)),
    )
    await deliver(context, broadcast_id, update.effective_user.id)
    return END


def _take_action_buttons(key: int) -> Callable[[int], dict[str, Keyboard]] | None:
    """Each language's "Take action" button, whose data names the appeal once it exists."""
    if not key:
        return None

    def buttons(broadcast_id: int) -> dict[str, Keyboard]:
        keyboards = {}
        for locale in LOCALES:
            with use_locale(locale):
                keyboards[locale] = (((_("Take action"), CARD.data(key, broadcast_id)),),)
        return keyboards

    return buttons


@allow(*STAFF)
async def drop_appeal(update: Update, context: BotContext) -> State:
    """Leave without sending."""
    await close_keyboard(update)
    await answer(update, _("The appeal was not sent."))
    return END


APPEAL = Command("appeal", start_appeal, lazy_gettext("Send an urgent appeal"), APPEALS)


def appeal_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """``/appeal`` and ``/update``, persisted across restarts."""
    return private_conversation(
        "appeal",
        entry_points=[APPEAL, news.UPDATE],
        states={
            WRITING: TEXTS.handlers(appeal_text_received, skip_appeal_text),
            CHOOSING_FALLBACK: [FALLBACK.handler(appeal_fallback_chosen)],
            CHOOSING_AUDIENCE: [AUDIENCE.handler(appeal_audience_chosen)],
            CHOOSING_ACTION: [ATTACH.handler(appeal_action_chosen)],
            CONFIRMING: [
                SEND.handler(send_appeal),
                DROP.handler(drop_appeal),
                OFFER_ACTIONS.handler(offer_actions),
            ],
            **news.news_states(),
        },
        drafts=[DRAFT, news.DRAFT],
    )


FEATURE = Feature(commands=(APPEAL,), conversation=appeal_conversation)
