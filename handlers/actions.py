"""Taking action: ``/act`` lists what a reader can do today; an action card says what to do,
why, the points to raise, whom to address and how; "The letter" gives the model letter as
text, "As a document" as an editable ``.docx`` and a ``.pdf`` signed with a name given for that
document only; "I did it" counts the act.

Privacy: nothing here stores who acts. An act is a count (storage/actions.py); the card's
"I did it" buttons carry a one-time token whose digest is kept until the card expires
(bot/domain/actions.py). The name to sign with lives in memory only, for the minutes between
the question and the document, and is never logged: the document conversation is not
persisted and touches no ``user_data``.
"""

from __future__ import annotations

import asyncio
import html
import re
import warnings
from dataclasses import dataclass
from datetime import timedelta

from telegram import (
    CopyTextButton,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler
from telegram.warnings import PTBUserWarning

from bot.documents import render
from bot.domain.actions import (
    ALL_OUTCOMES,
    OUTCOMES,
    TOKEN_LENGTH,
    WRITTEN_KINDS,
    StoredAction,
    Target,
    card_expiry,
    day_number,
    issue_token,
    token_digest,
)
from bot.domain.documents import Signer
from bot.domain.roles import EVERYONE
from bot.text.documents import letter_document, letter_html, letter_paragraphs
from bot.text.formatting import ReaderZone, listed, number, reader_end
from bot.text.i18n import (
    current_locale,
    language_in_current_locale,
    lazy_gettext,
    pgettext,
)
from bot.text.i18n import gettext as _
from bot.text.names import action_kind_name, outcome_name
from bot.text.render import render as render_html
from handlers.access import allow
from handlers.buttons import Buttons, Field, choice, digits, optional
from handlers.cases import TAKE_ACTION
from handlers.commands import CASES, Command, Feature
from handlers.context import BotContext
from handlers.conversation import END, TEXT, State
from handlers.reminders import reader_zone
from handlers.replies import PRIVATE_MESSAGE, answer, refuse_stale_button
from storage.actions import week_start

SHOWN = 10
"""Actions listed by ``/act``."""

CARD = Buttons("act", digits(12), digits(12))
"""An action's card: the action's key and the origin (0, or the appeal that offered it)."""
LETTER = Buttons("act:letter", digits(12), digits(2), optional(choice("en", "ru", "kk")))
"""The model letter for one of the action's targets, in a language that target reads."""
DOCUMENT = Buttons("act:doc", digits(12), digits(2), choice("en", "ru", "kk"))
"""The letter as a document: asks for the name to sign with."""
DID = Buttons(
    "did",
    digits(12),
    digits(12),
    digits(6),
    Field(f"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}"),
    optional(choice(*ALL_OUTCOMES)),
)
""""I did it": the action, the origin, the card's last day, its one-time token, the outcome."""

ASKING_SIGNER = "act:signer"
"""The one state of the document conversation: waiting for the name to sign with."""

MAX_NAME = 120
MAX_SIGNER_TITLE = 250
MAX_PLACE = 80
ASKED_FOR = timedelta(minutes=15)
"""How long the bot waits for the name to sign with; then it forgets the question."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


# The list and the card.


def _action_line(item: StoredAction, case_name: str) -> str:
    return f"{case_name}: {item.action.title[current_locale()]}"


@allow(*EVERYONE)
async def list_actions(update: Update, context: BotContext) -> None:
    """``/act``: the open actions of the followed cases (else of all cases), most urgent
    first."""
    assert update.effective_user is not None
    services = context.services
    now = services.clock.now()
    followed = await services.subscriptions.cases_of(update.effective_user.id)
    actions = services.cases.actions
    items = await actions.most_urgent(
        now, user_id=update.effective_user.id if followed else None, limit=SHOWN
    )
    if not items and followed:  # nothing to do for the followed cases: for the others, then
        followed = []
        items = await actions.most_urgent(now, limit=SHOWN)
    if not items:
        await answer(update, _("No action is open right now. Thank you for asking!"))
        return
    cases = {case.id: case for case in await services.cases.get_many([i.case_id for i in items])}
    locale = current_locale()
    rows = [
        [CARD.button(_action_line(item, cases[item.case_id].name[locale]), item.key, 0)]
        for item in items
        if item.case_id in cases
    ]
    heading = (
        _("<b>What you can do today</b> for the cases you follow, most urgent first:")
        if followed
        else _("<b>What you can do today</b>, most urgent first (follow a case to see its own):")
    )
    await answer(update, heading, reply_markup=InlineKeyboardMarkup(rows))


@allow(*EVERYONE)
async def actions_of_case(update: Update, context: BotContext) -> None:
    """ "Take action" under a case's card: its one open action's card, or a list of them."""
    query = update.callback_query
    assert query is not None
    (case_id,) = TAKE_ACTION.pressed(update)
    services = context.services
    case = await services.cases.get(case_id)
    items = await services.cases.actions.of_case(case_id, services.clock.now())
    if case is None or not items:
        await query.answer(_("This case has no open action now."), show_alert=True)
        return
    await query.answer()
    if len(items) == 1:
        await _send_card(update, context, items[0], 0)
        return
    rows = [[CARD.button(item.action.title[current_locale()], item.key, 0)] for item in items]
    await answer(
        update,
        _("What you can do for %(case)s:", case=html.escape(case.name[current_locale()])),
        reply_markup=InlineKeyboardMarkup(rows),
    )


def _channels(target: Target) -> dict[str, object]:
    locale = current_locale()
    return {
        "title": target.title[locale],
        "name": target.name[locale],
        "address": list(target.address),
        "email": target.email,
        "fax": target.fax,
        "phone": target.phone,
        "web_form": target.web_form,
        "languages": listed([language_in_current_locale(code) for code in target.languages]),
    }


async def _card(
    context: BotContext, item: StoredAction, origin: int, reader: ReaderZone
) -> tuple[str, InlineKeyboardMarkup]:
    services = context.services
    locale = current_locale()
    action = item.action
    targets = await services.cases.actions.targets()
    case = await services.cases.get(item.case_id)
    assert case is not None
    until = None
    if action.until is not None:
        until = reader_end(action.until, reader)
    text = render_html(
        "action_card.html",
        title=action.title[locale],
        case=case.name[locale],
        kind=action_kind_name(action.kind),
        why=action.why[locale],
        points=action.points[locale],
        targets=[_channels(targets[t]) for t in action.targets if t in targets],
        until=until,
    )
    rows: list[list[InlineKeyboardButton]] = []
    for index, target_id in enumerate(action.targets):
        target = targets.get(target_id)
        if target is None:
            continue
        if action.kind in WRITTEN_KINDS and action.letter_languages(target):
            label = (
                _("The letter")
                if len(action.targets) == 1
                else _("The letter to %(target)s", target=target.title[locale])
            )
            rows.append([LETTER.button(label, item.key, index)])
        if target.email and len(target.email) <= 256:
            rows.append(
                [
                    InlineKeyboardButton(
                        _("Copy the email address"), copy_text=CopyTextButton(target.email)
                    )
                ]
            )
    now = services.clock.now()
    expires = card_expiry(action, now)
    token = issue_token(await services.cases.actions.secret(), item.key, origin, expires)
    rows.append([DID.button(_("I did it"), item.key, origin, expires, token)])
    return text, InlineKeyboardMarkup(rows)


async def _send_card(update: Update, context: BotContext, item: StoredAction, origin: int) -> None:
    assert update.effective_user is not None
    reader = await reader_zone(context, update.effective_user.id)
    text, keyboard = await _card(context, item, origin, reader)
    await answer(update, text, reply_markup=keyboard)


async def _open(context: BotContext, key: int) -> StoredAction | None:
    """The action of ``key`` if it is still open."""
    item = await context.services.cases.actions.get(key)
    if item is None or not item.action.is_open(context.services.clock.now()):
        return None
    return item


@allow(*EVERYONE)
async def show_card(update: Update, context: BotContext) -> None:
    """An action's card, from /act, a case's card or an appeal."""
    query = update.callback_query
    assert query is not None
    key, origin = CARD.pressed(update)
    item = await _open(context, key)
    if item is None:
        await query.answer(_("This action is closed: it is no longer offered."), show_alert=True)
        return
    await query.answer()
    await _send_card(update, context, item, origin)


# The letter, as text and as a document.


def _letter_languages(item: StoredAction, target: Target) -> list[str]:
    """The letter's languages the target reads, the reader's own first."""
    languages = item.action.letter_languages(target)
    locale = current_locale()
    return sorted(languages, key=lambda code: code != locale)


async def _target(context: BotContext, item: StoredAction, index: int) -> Target | None:
    if index >= len(item.action.targets):
        return None
    return (await context.services.cases.actions.targets()).get(item.action.targets[index])


@allow(*EVERYONE)
async def send_letter(update: Update, context: BotContext) -> None:
    """The model letter as text, in a language chosen among those the target reads."""
    query = update.callback_query
    assert query is not None
    key, index, language = LETTER.pressed(update)
    item = await _open(context, key)
    target = await _target(context, item, index) if item else None
    languages = _letter_languages(item, target) if item and target else []
    if item is None or target is None or not languages or (language and language not in languages):
        await refuse_stale_button(query)
        return
    await query.answer()
    if language is None and len(languages) > 1:
        rows = [
            [LETTER.button(language_in_current_locale(code, capitalized=True), key, index, code)]
            for code in languages
        ]
        await answer(
            update,
            _(
                "In which language? %(target)s reads these:",
                target=html.escape(target.title[current_locale()]),
            ),
            reply_markup=InlineKeyboardMarkup(rows),
        )
        return
    language = language or languages[0]
    today = context.services.clock.now().astimezone(context.services.settings.timezone).date()
    paragraphs = letter_paragraphs(item.action, target, language, Signer(), today)
    await answer(update, letter_html(paragraphs))
    await answer(
        update,
        _(
            "Copy the letter above, put your name in it and send it. Or get it as a document "
            "to print or edit:"
        ),
        reply_markup=InlineKeyboardMarkup(
            [[DOCUMENT.button(_("As a document (.docx and .pdf)"), key, index, language)]]
        ),
    )


@dataclass(frozen=True, slots=True)
class _Asked:
    """A document whose signer the bot asked for: in memory only."""

    key: int
    target: int
    language: str
    until: float


def _asked(context: BotContext) -> dict[int, _Asked]:
    """The questions waiting for a name, by user, of this application: never persisted."""
    application = context.application
    asked: dict[int, _Asked] | None = getattr(application, "_documents_asked", None)
    if asked is None:
        asked = {}
        application._documents_asked = asked  # type: ignore[attr-defined]
    return asked


@allow(*EVERYONE)
async def ask_for_signer(update: Update, context: BotContext) -> State:
    """Ask for the name (and title, place) to sign with, for this document only."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    key, index, language = DOCUMENT.pressed(update)
    item = await _open(context, key)
    target = await _target(context, item, index) if item else None
    if item is None or target is None or language not in _letter_languages(item, target):
        await refuse_stale_button(query)
        return END
    await query.answer()
    until = context.services.clock.now() + ASKED_FOR
    _asked(context)[update.effective_user.id] = _Asked(key, index, language, until.timestamp())
    await answer(
        update,
        _(
            "Send the name to sign the letter with. You may add your title on a second line "
            "and your town on a third. They are used for this document only: the bot neither "
            "stores nor logs them.\n\n/skip: a document without a name, to sign by hand. "
            "/cancel: no document."
        ),
    )
    return ASKING_SIGNER


def _clean(text: str) -> str:
    return " ".join(_CONTROL.sub("", text).split())


async def _send_documents(update: Update, context: BotContext, signer: Signer) -> State:
    assert update.effective_user is not None and update.effective_chat is not None
    asked = _asked(context).pop(update.effective_user.id, None)
    services = context.services
    now = services.clock.now()
    item = await _open(context, asked.key) if asked and asked.until > now.timestamp() else None
    target = await _target(context, item, asked.target) if item and asked else None
    if item is None or target is None or asked is None:
        await answer(update, _("This request has expired. Open the action again with /act."))
        return END
    today = now.astimezone(services.settings.timezone).date()
    layout = letter_document(item.action, target, asked.language, signer, today)
    stem = f"letter-{item.case_id}-{asked.language}"
    for file_format in ("docx", "pdf"):
        await context.bot.send_document(
            update.effective_chat.id,
            InputFile(
                await asyncio.to_thread(render, layout, file_format),
                filename=f"{stem}.{file_format}",
            ),
        )
    await answer(
        update,
        _(
            "Here is the letter: the .docx to edit, the .pdf to print. When you have sent it, "
            "press “I did it” on the action's card."
        ),
    )
    return END


@allow(*EVERYONE)
async def signer_received(update: Update, context: BotContext) -> State | None:
    """The name, and perhaps title and place, to sign with: checked, used, forgotten."""
    assert update.effective_message is not None
    lines = [_clean(line) for line in (update.effective_message.text or "").splitlines()]
    lines = [line for line in lines if line]
    limits = (MAX_NAME, MAX_SIGNER_TITLE, MAX_PLACE)
    if not lines:
        await answer(update, _("This is empty. Send a name, or /skip."))
        return None
    if len(lines) > len(limits) or any(
        len(line) > limit for line, limit in zip(lines, limits, strict=False)
    ):
        await answer(
            update,
            _(
                "That is too long to sign with: a name of at most %(name)s characters, a title of "
                "at most %(title)s and a town of at most %(place)s, one per line. Send them again.",
                name=MAX_NAME,
                title=MAX_SIGNER_TITLE,
                place=MAX_PLACE,
            ),
        )
        return None
    name, title, place = [*lines, "", ""][:3]
    return await _send_documents(update, context, Signer(name, title, place))


@allow(*EVERYONE)
async def sign_without_name(update: Update, context: BotContext) -> State:
    """A document without a name, to sign by hand."""
    return await _send_documents(update, context, Signer())


@allow(*EVERYONE)
async def no_document(update: Update, context: BotContext) -> State:
    """``/cancel`` while the bot waits for a name: forget the question."""
    assert update.effective_user is not None
    _asked(context).pop(update.effective_user.id, None)
    await answer(update, pgettext("answer to /cancel", "Cancelled."))
    return END


def document_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """The question for a name: kept in memory, never persisted (``persistent=False``), so
    neither the question nor the answer reaches the database."""
    cancel = CommandHandler("cancel", no_document, PRIVATE_MESSAGE)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=[DOCUMENT.handler(ask_for_signer)],
            states={
                ASKING_SIGNER: [
                    MessageHandler(TEXT, signer_received),
                    CommandHandler("skip", sign_without_name, PRIVATE_MESSAGE),
                ]
            },
            fallbacks=[cancel],
            name="act-document",
            persistent=False,
            allow_reentry=True,
            conversation_timeout=ASKED_FOR,
        )


# "I did it".


@allow(*EVERYONE)
async def did_it(update: Update, context: BotContext) -> None:
    """Ask how it went (when the kind has several outcomes), then count the act once."""
    query = update.callback_query
    assert query is not None
    key, origin, expires, token, outcome = DID.pressed(update)
    services = context.services
    actions = services.cases.actions
    item = await actions.get(key)
    digest = token_digest(await actions.secret(), key, origin, expires, token)
    if item is None or digest is None or (outcome and outcome not in OUTCOMES[item.action.kind]):
        await refuse_stale_button(query)
        return
    now = services.clock.now()
    if expires < day_number(now.date()) or not item.action.is_open(now):
        await query.answer(
            _("This card has expired: open the action again with /act."), show_alert=True
        )
        return
    outcomes = OUTCOMES[item.action.kind]
    if outcome is None and len(outcomes) > 1:
        await query.answer()
        rows = [
            [DID.button(outcome_name(choice_), key, origin, expires, token, choice_)]
            for choice_ in outcomes
        ]
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
        return
    counted = await actions.report(
        item, outcome=outcome or outcomes[0], origin=origin, digest=digest, expires=expires
    )
    if not counted:
        await query.answer(_("This act is already counted. Thank you!"), show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    week = await actions.acts_of_case(item.case_id, week_start(now))
    await answer(
        update,
        _("Thank you! Every letter and call shows the authorities that people are watching.")
        + "\n\n"
        # TRANSLATORS: after "Thank you!": how many acts (letters, calls…) readers reported on
        # this case in the last 7 days, a number.
        + _("Acts reported on this case in the last 7 days: %(count)s.", count=number(week)),
    )


FEATURE = Feature(
    commands=(Command("act", list_actions, lazy_gettext("What you can do today"), CASES),),
    conversation=document_conversation,
    handlers=(
        CARD.handler(show_card),
        TAKE_ACTION.handler(actions_of_case),
        LETTER.handler(send_letter),
        DID.handler(did_it),
    ),
)
