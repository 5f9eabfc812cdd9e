"""Co-signing a written declaration by message, and binding an account to a member first.

``/sign``, or an invitation's deep link ``/start m_…``: pick the declaration, read it in your
language (the authoritative text one tap away), see how your name will be listed, confirm with
the warning that a signature cannot be withdrawn, get a receipt with its time and number. The
signature that completes the quorum is announced to the tabler and the coordinators.

The conversation is persisted, so a restart in the middle loses nothing. A press on an old or
forged button is refused; a second press on "Sign" finds the signature already made.
"""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.declarations import DIGEST_START, Declaration, Refusal, Signature, text_digest
from bot.domain.members import INVITATION_PREFIX, BindingRefused, Member
from bot.domain.roles import EVERYONE, STAFF, Role, effective_role
from bot.domain.signatory_block import listed_name
from bot.domain.telegram_html import split_paragraphs
from bot.text.formatting import ReaderZone, reader_moment
from bot.text.i18n import (
    current_locale,
    language_in_current_locale,
    lazy_gettext,
    pgettext,
    use_locale,
)
from bot.text.i18n import gettext as _
from bot.text.names import in_language
from bot.text.render import render
from handlers.access import allow
from handlers.buttons import Buttons, Field, digits
from handlers.commands import DECLARATIONS, Command, Feature
from handlers.context import BotContext
from handlers.conversation import END, Draft, close_keyboard, private_conversation
from handlers.reminders import reader_zone
from handlers.replies import PRIVATE_MESSAGE, answer, client, refuse_stale_button
from handlers.roles import refresh_role

logger = logging.getLogger(__name__)

PICKING, READING, CONFIRMING = range(3)
"""States of the signing conversation."""

DRAFT = Draft("signing")
"""The declaration being read and the language of its text."""

INVITATION_LINK = PRIVATE_MESSAGE & filters.Regex(
    rf"^/start {INVITATION_PREFIX}[A-Za-z0-9_-]{{1,62}}$"
)
"""An invitation's deep link opened in the private chat."""

PICK = Buttons("sign:pick", digits(9))
"""A declaration to read, by its number."""
ORIGINAL = Buttons("sign:original", digits(9))
"""The authoritative text of the declaration being read."""
LISTING = Buttons("sign:name", digits(9))
"""On to how the member's name will be listed under the declaration being read."""
CONFIRM = Buttons("sign:confirm", digits(9), Field(f"[0-9a-f]{{{DIGEST_START}}}"))
"""The signature: the declaration's number and the start of the digest of the text read."""
DROP = Buttons("sign:cancel")


async def _bound_member(update: Update, context: BotContext) -> Member | None:
    """The member this account is bound to; otherwise say how to become one."""
    assert update.effective_user is not None
    member = await context.services.members.member_of(update.effective_user.id)
    if member is None:
        await answer(
            update,
            _(
                "Only members of parliament can sign declarations here. If you are one, ask a "
                "coordinator for your personal invitation link and open it."
            ),
        )
    return member


BUTTON_TEXT_LENGTH = 60
"""Characters of a button's label before it is cut short: long titles stay readable."""


def _shortened(label: str) -> str:
    return label if len(label) <= BUTTON_TEXT_LENGTH else label[: BUTTON_TEXT_LENGTH - 1] + "…"


async def _offer_declarations(update: Update, context: BotContext, member: Member) -> int:
    """List the open declarations the member has not signed yet."""
    declarations = context.services.declarations
    now = context.services.clock.now()
    unsigned = [
        declaration
        for declaration in await declarations.open_for_signing()
        if declaration.assembly == member.assembly
        and declaration.accepts_signatures(now)
        and await declarations.signature(declaration.number, member.id) is None
    ]
    if not unsigned:
        await answer(update, _("No declaration is open for your signature right now."))
        return END
    locale = current_locale()
    keyboard = [
        [
            PICK.button(
                _shortened(
                    _(
                        "No. %(number)s: %(title)s",
                        number=declaration.number,
                        title=declaration.title_in(locale),
                    )
                ),
                declaration.number,
            )
        ]
        for declaration in unsigned
    ]
    await answer(
        update,
        _("Which declaration do you want to read and sign?"),
        reply_markup=InlineKeyboardMarkup(keyboard),
    )
    return PICKING


@allow(*EVERYONE)
async def start_signing(update: Update, context: BotContext) -> int:
    """``/sign``: a bound member picks a declaration."""
    member = await _bound_member(update, context)
    if member is None:
        return END
    return await _offer_declarations(update, context, member)


def _binding_refusal(reason: BindingRefused) -> str:
    """Why an invitation link did not bind, and what to do, in the current locale."""
    messages = {
        BindingRefused.UNKNOWN: _(
            "This invitation link is not valid. Ask the coordinator for a new one."
        ),
        BindingRefused.USED: _(
            "This invitation link has already been used. Each link works once; ask the "
            "coordinator for a new one."
        ),
        BindingRefused.EXPIRED: _(
            "This invitation link has expired. Ask the coordinator for a new one."
        ),
        BindingRefused.ACCOUNT_TAKEN: _(
            "This Telegram account is already registered for another member of parliament. "
            "Ask a coordinator to unbind it first."
        ),
    }
    return messages[reason]


@allow(*EVERYONE)
async def bind_from_link(update: Update, context: BotContext) -> int:
    """An invitation's deep link: bind this account to the member, then offer the
    declarations to sign."""
    message = update.effective_message
    assert update.effective_user is not None and message is not None and message.text
    services = context.services
    payload = message.text.split(maxsplit=1)[1]
    result = await services.members.bind(payload, update.effective_user.id)
    if isinstance(result, BindingRefused):
        logger.info("an invitation link was refused: %s", result.value)
        await answer(update, _binding_refusal(result))
        return END
    logger.info("a member of parliament bound their account")
    user_id = update.effective_user.id
    for account in (user_id, result.replaced):
        if account is not None:
            await refresh_role(context, account)
    record = await services.users.get(user_id)
    context.role = effective_role(
        user_id, record.role if record else None, services.settings.admins
    )
    await answer(
        update,
        # TRANSLATORS: %(name)s is the member of parliament as a declaration lists them: "SUTTER
        # Petra, De, Belgium, SOC".
        _(
            "Welcome. This account is now registered for %(name)s. Only you can sign in this "
            "name, so keep this chat to yourself.",
            name=html.escape(listed_name(result.member)),
        ),
    )
    return await _offer_declarations(update, context, result.member)


async def _declaration_for(
    update: Update, context: BotContext, buttons: Buttons
) -> Declaration | None:
    """The declaration a button names, if it is the one being read; else refuse the press."""
    query = update.callback_query
    assert query is not None
    (number,) = buttons.parse(query.data)
    declaration = await context.services.declarations.get(number)
    if declaration is None or DRAFT.of(context).get("number", number) != number:
        await refuse_stale_button(query)
        return None
    return declaration


@allow(*EVERYONE)
async def declaration_picked(update: Update, context: BotContext) -> int | None:
    """Show the declaration in the member's language, the authoritative text one tap away."""
    query = update.callback_query
    assert query is not None
    DRAFT.drop(context)
    declaration = await _declaration_for(update, context, PICK)
    if declaration is None:
        return None
    if not declaration.accepts_signatures(context.services.clock.now()):
        await query.answer(_refusal_text(Refusal.NOT_OPEN), show_alert=True)
        return None
    await close_keyboard(update)
    language = declaration.language_for(current_locale())
    DRAFT.start(context, number=declaration.number, language=language)
    buttons = []
    if language != declaration.authoritative:
        buttons.append(
            ORIGINAL.button(
                _(
                    "Authoritative text (%(language)s)",
                    language=language_in_current_locale(declaration.authoritative),
                ),
                declaration.number,
            )
        )
    buttons.append(
        LISTING.button(pgettext("button: go on to signing", "Continue"), declaration.number)
    )
    await _send_text(
        update, declaration, language, InlineKeyboardMarkup([[button] for button in buttons])
    )
    return READING


async def _send_text(
    update: Update,
    declaration: Declaration,
    language: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """The declaration in ``language``, in as many messages as Telegram needs (a long text
    under rules with a higher word limit), the buttons under the last."""
    messages = split_paragraphs(_text_message(declaration, language).split("\n\n"))
    for message in messages[:-1]:
        await answer(update, message)
    await answer(update, messages[-1], reply_markup=keyboard)


def _text_message(declaration: Declaration, language: str) -> str:
    return render(
        "declaration_text.html",
        number=declaration.number,
        title=declaration.title_in(language),
        text=declaration.text[language],
        translation=language != declaration.authoritative,
        authoritative=in_language(declaration.authoritative),
    )


@allow(*EVERYONE)
async def show_original(update: Update, context: BotContext) -> None:
    """The authoritative text, for a member reading a translation."""
    query = update.callback_query
    assert query is not None
    declaration = await _declaration_for(update, context, ORIGINAL)
    if declaration is None:
        return
    await query.answer()
    await _send_text(update, declaration, declaration.authoritative)


@allow(*EVERYONE)
async def show_listing(update: Update, context: BotContext) -> int | None:
    """How the member's name will be listed, and the last step: sign or cancel."""
    query = update.callback_query
    assert query is not None
    declaration = await _declaration_for(update, context, LISTING)
    if declaration is None:
        return None
    member = await _bound_member(update, context)
    if member is None:
        await query.answer()
        return END
    await close_keyboard(update)
    language = DRAFT.of(context)["language"]
    digest = text_digest(declaration.text[language])[:DIGEST_START]
    keyboard = InlineKeyboardMarkup(
        [
            [
                CONFIRM.button(
                    _("Sign declaration No. %(number)s", number=declaration.number),
                    declaration.number,
                    digest,
                )
            ],
            [DROP.button(pgettext("button: do not sign", "Cancel"))],
        ]
    )
    await answer(
        update,
        render("signature_confirm.html", number=declaration.number, listing=listed_name(member)),
        reply_markup=keyboard,
    )
    return CONFIRMING


def _refusal_text(refusal: Refusal) -> str:
    if refusal is Refusal.TEXT_CHANGED:
        return _("The text of this declaration has changed since you read it. Send /sign again.")
    if refusal is Refusal.OTHER_ASSEMBLY:
        return _("Only members of its assembly can sign this declaration. Nothing was signed.")
    return _("This declaration is not open for signatures now. Nothing was signed.")


@allow(*EVERYONE)
async def record_signature(update: Update, context: BotContext) -> int | None:
    """Record the signature (once, however often it is pressed); the message that asked
    becomes the receipt."""
    query = update.callback_query
    assert query is not None
    number, digest_start = CONFIRM.parse(query.data)
    draft = DRAFT.of(context)
    if draft.get("number") != number:
        await refuse_stale_button(query)
        return None
    member = await _bound_member(update, context)
    if member is None:
        await query.answer()
        return END
    services = context.services
    result = await services.declarations.sign(
        number, member.id, draft["language"], digest_start, services.clock.now()
    )
    if isinstance(result, Refusal):
        await _conclude(update, _refusal_text(result))
        return END
    if result.new:
        services.metrics.signatures.inc()
    assert update.effective_user is not None
    await _conclude(update, _receipt(result, await reader_zone(context, update.effective_user.id)))
    if result.quorum_reached:
        await _announce_quorum(context, number)
    return END


async def _conclude(update: Update, text: str) -> None:
    """Answer the press and turn the message with "Sign" into ``text``, its buttons gone; if
    Telegram no longer lets it be edited, send ``text`` after it (a receipt is never lost)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    try:
        await client(update).replace_text(query, text)
    except BadRequest:
        logger.info("a signing message could not be edited; the outcome is sent anew")
        await answer(update, text)


async def _announce_quorum(context: BotContext, number: int) -> None:
    """Message the tabler's account (if bound), the coordinators and the administrators,
    each in their language."""
    services = context.services
    declaration = await services.declarations.get(number)
    assert declaration is not None
    recipients = {
        *services.settings.admins,
        *await services.users.ids_with_role(Role.COORDINATOR),
    }
    tabler = await services.members.user_of(declaration.tabler_id)
    if tabler is not None:
        recipients.add(tabler)
    for user_id in sorted(recipients):
        record = await services.users.get(user_id)
        if record is None or record.blocked:
            continue
        with use_locale(record.locale):
            text = _(
                "Written declaration No. %(number)s has reached its quorum: the signatures, "
                "national delegations and political groups the rules require.",
                number=declaration.number,
            )
        try:
            await context.bot.send_message(user_id, text)
        except (BadRequest, Forbidden):
            logger.info("a quorum notice could not be delivered")


def _receipt(signature: Signature, reader: ReaderZone) -> str:
    return render(
        "signature_receipt.html",
        new=signature.new,
        number=signature.declaration,
        sequence=signature.sequence,
        moment=reader_moment(signature.signed_at, reader) if signature.signed_at else None,
        digest=signature.text_sha256,
    )


@allow(*EVERYONE)
async def drop_signature(update: Update, context: BotContext) -> int:
    """Leave without signing: the message that asked says so."""
    await _conclude(update, _("Nothing was signed."))
    return END


@allow(*EVERYONE)
async def late_press(update: Update, context: BotContext) -> None:
    """The "Sign" button outside the conversation: an old message, a second device, or forged
    data. A member who signed is told so; anything else is a stale button."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    number, _digest_start = CONFIRM.parse(query.data)
    services = context.services
    member = await services.members.member_of(update.effective_user.id)
    signature = member and await services.declarations.signature(number, member.id)
    if not signature:
        await refuse_stale_button(query)
        return
    await query.answer(
        _(
            "You have already signed declaration No. %(number)s: signature No. %(sequence)s.",
            number=signature.declaration,
            sequence=signature.sequence,
        ),
        show_alert=True,
    )


SIGN = Command(
    "sign",
    start_signing,
    lazy_gettext("Co-sign a written declaration"),
    DECLARATIONS,
    listed_for=frozenset({Role.MEMBER, *STAFF}),
)


def signing_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """The whole signing flow, persisted across restarts, private chats only."""
    return private_conversation(
        "signing",
        entry_points=[SIGN, MessageHandler(INVITATION_LINK, bind_from_link)],
        states={
            PICKING: [PICK.handler(declaration_picked)],
            READING: [
                ORIGINAL.handler(show_original),
                LISTING.handler(show_listing),
                PICK.handler(declaration_picked),
            ],
            CONFIRMING: [CONFIRM.handler(record_signature), DROP.handler(drop_signature)],
        },
        drafts=[DRAFT],
    )


FEATURE = Feature(
    commands=(SIGN,),
    conversation=signing_conversation,
    # "Sign" outside the conversation: an old message, a second device, or forged data.
    handlers=(CONFIRM.handler(late_press),),
)
