"""Coordinators and declarations: create, open and close them, follow their progress, export
the signatory block and verify the audit log."""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import date, datetime, time, timedelta, tzinfo

from telegram import Update

from bot.documents import render as render_document
from bot.domain.declarations import (
    Declaration,
    DeclarationTooLong,
    RuleSettings,
    Status,
    check_length,
)
from bot.domain.files.fields import DECLARATION_TITLE
from bot.domain.languages import LOCALES
from bot.domain.roles import STAFF, Role
from bot.domain.signatory_block import block, block_csv
from bot.domain.telegram_html import MAX_MESSAGE_LENGTH
from bot.text.documents import declaration_document
from bot.text.formatting import closing_line, number
from bot.text.i18n import current_locale, lazy_gettext, ngettext
from bot.text.i18n import gettext as _
from bot.text.names import in_language
from bot.text.render import render
from handlers.access import allow
from handlers.commands import DECLARATIONS, Command, Feature
from handlers.context import BotContext
from handlers.reminders import reader_zone
from handlers.replies import answer

logger = logging.getLogger(__name__)


def _number_argument(text: str) -> int | None:
    """A positive number written in ASCII digits, at most 9 of them; else ``None``."""
    if not (text.isascii() and text.isdigit() and len(text) <= 9 and int(text) > 0):
        return None
    return int(text)


async def _declaration_argument(
    update: Update, context: BotContext, command: str
) -> Declaration | None:
    """The declaration whose number is the command's first argument; otherwise explain."""
    number = _number_argument(context.args[0]) if context.args else None
    if number is None:
        await answer(
            update,
            _("Send the declaration's number, e.g. /%(command)s 652.", command=command),
        )
        return None
    declaration = await context.services.declarations.get(number)
    if declaration is None:
        await answer(update, _("There is no declaration No. %(number)s.", number=number))
    return declaration


def _command_title_text(update: Update) -> tuple[list[str], str, str]:
    """A command's arguments on its first line, the title on the second, the text below."""
    message = update.effective_message
    assert message is not None and message.text is not None
    first, _newline, rest = message.text.partition("\n")
    title, _newline, text = rest.strip().partition("\n")
    return first.split()[1:], title.strip(), text.strip()


@allow(*STAFF)
async def new_declaration(update: Update, context: BotContext) -> None:
    """``/newdeclaration N MEMBER`` then, on the next lines, the title and the text: a draft
    in the coordinator's language, tabled by that member."""
    arguments, title, text = _command_title_text(update)
    numbers = [_number_argument(argument) for argument in arguments]
    if len(numbers) != 2 or None in numbers or not title or not text:
        await answer(update, render("new_declaration_usage.html"))
        return
    number, tabler_id = numbers
    assert number is not None and tabler_id is not None
    services = context.services
    tabler = await services.members.get(tabler_id)
    if tabler is None:
        await answer(update, _("There is no member No. %(number)s.", number=tabler_id))
        return
    rules = RuleSettings()
    if not await _title_fits(update, title) or not await _within_word_limit(update, text, rules):
        return
    locale = current_locale()
    declaration = Declaration(
        number=number,
        assembly=tabler.assembly,
        title={locale: title},
        text={locale: text},
        authoritative=locale,
        tabler_id=tabler.id,
        rules=rules,
    )
    if not await services.declarations.create(declaration):
        await answer(update, _("Declaration No. %(number)s exists already.", number=number))
        return
    logger.info("a coordinator created a declaration")
    await answer(
        update,
        _(
            "Declaration No. %(number)s is saved as a draft. Open it for signatures with "
            "/opendeclaration %(number)s and the closing date, e.g. 2026-12-31.",
            number=number,
        ),
    )


@allow(*STAFF)
async def translate_declaration(update: Update, context: BotContext) -> None:
    """``/translatedeclaration N LANGUAGE`` then the title and the text: a translation, or a new
    authoritative text while the declaration is a draft."""
    arguments, title, text = _command_title_text(update)
    number = _number_argument(arguments[0]) if len(arguments) == 2 else None
    language = arguments[1] if len(arguments) == 2 else ""
    if number is None or language not in LOCALES or not title or not text:
        await answer(update, render("translate_declaration_usage.html"))
        return
    services = context.services
    declaration = await services.declarations.get(number)
    if declaration is None:
        await answer(update, _("There is no declaration No. %(number)s.", number=number))
        return
    if not await _title_fits(update, title):
        return
    if declaration.status is Status.CLOSED:
        await answer(update, _("Declaration No. %(number)s is closed for good.", number=number))
        return
    if language == declaration.authoritative:
        if declaration.status is not Status.DRAFT:
            await answer(
                update,
                _("The authoritative text can be changed only while the declaration is a draft."),
            )
            return
        if not await _within_word_limit(update, text, declaration.rules):
            return
    await services.declarations.set_text(number, language, title, text)
    await answer(
        update,
        # TRANSLATORS: %(in_language)s is "in Kazakh" as this catalog writes it (msgctxt "in a
        # language").
        _(
            "Declaration No. %(number)s now has its text %(in_language)s.",
            number=number,
            in_language=in_language(language),
        ),
    )


async def _title_fits(update: Update, title: str) -> bool:
    """Whether a declaration's title keeps to the length a file's would; if not, say so."""
    if len(title) <= DECLARATION_TITLE:
        return True
    await answer(
        update,
        _("The title is too long: at most %(limit)s characters.", limit=DECLARATION_TITLE),
    )
    return False


async def _within_word_limit(update: Update, text: str, rules: RuleSettings) -> bool:
    """Whether ``text`` keeps to the word limit; if not, say so."""
    try:
        check_length(text, rules)
    except DeclarationTooLong as error:
        await answer(
            update,
            ngettext(
                "This text has %(count)s word; the rules allow %(limit)s. Shorten it and send "
                "the command again.",
                "This text has %(count)s words; the rules allow %(limit)s. Shorten it and send "
                "the command again.",
                error.words,
                count=number(error.words),
                limit=number(error.limit),
            ),
        )
        return False
    return True


def _end_of_day(arguments: list[str], zone: tzinfo) -> datetime | None:
    """The end, in ``zone``, of the day the second argument names as YYYY-MM-DD."""
    if len(arguments) != 2:
        return None
    try:
        return datetime.combine(date.fromisoformat(arguments[1]) + timedelta(days=1), time(), zone)
    except (ValueError, OverflowError):
        return None


@allow(*STAFF)
async def open_declaration(update: Update, context: BotContext) -> None:
    """``/opendeclaration N YYYY-MM-DD``: signatures are taken from now until the end of that
    day in the coordinator's time zone (their /timezone, else the bot's)."""
    declaration = await _declaration_argument(update, context, "opendeclaration")
    if declaration is None:
        return
    if declaration.status is Status.CLOSED:
        await answer(
            update,
            _("Declaration No. %(number)s is closed for good.", number=declaration.number),
        )
        return
    assert update.effective_user is not None
    reader = await reader_zone(context, update.effective_user.id)
    closes_at = _end_of_day(context.args or [], reader.zone)
    if closes_at is None or closes_at <= context.services.clock.now():
        await answer(
            update,
            _(
                "Send the last day of signing, in the future, as YYYY-MM-DD, e.g. "
                "/opendeclaration %(number)s 2026-12-31.",
                number=declaration.number,
            ),
        )
        return
    await context.services.declarations.set_status(declaration.number, Status.OPEN, closes_at)
    await answer(
        update,
        _("Declaration No. %(number)s is open for signatures.", number=declaration.number)
        + "\n"
        + closing_line(closes_at, reader),
    )


@allow(*STAFF)
async def close_declaration(update: Update, context: BotContext) -> None:
    """``/closedeclaration N``: no more signatures."""
    declaration = await _declaration_argument(update, context, "closedeclaration")
    if declaration is None:
        return
    await context.services.declarations.set_status(declaration.number, Status.CLOSED)
    await answer(
        update,
        _(
            "Declaration No. %(number)s is closed: it takes no more signatures.",
            number=declaration.number,
        ),
    )


@allow(Role.MEMBER, *STAFF)
async def progress(update: Update, context: BotContext) -> None:
    """``/progress N``: signatures, delegations and groups against the rules; what is missing."""
    declaration = await _declaration_argument(update, context, "progress")
    if declaration is None:
        return
    quorum = await context.services.declarations.quorum(declaration)
    assert update.effective_user is not None
    reader = await reader_zone(context, update.effective_user.id)
    closes = declaration.closes_at
    await answer(
        update,
        render(
            "declaration_progress.html",
            number=declaration.number,
            status=declaration.status.value,
            closing=closing_line(closes, reader) if closes else None,
            quorum=quorum,
        ),
    )


@allow(*STAFF)
async def signatories(update: Update, context: BotContext) -> None:
    """``/signatories N``: the signatory block as a message, a text file and a CSV file."""
    declaration = await _declaration_argument(update, context, "signatories")
    if declaration is None:
        return
    services = context.services
    signers = await services.declarations.signers(declaration.number)
    if not signers:
        await answer(
            update,
            _("Declaration No. %(number)s has no signatures yet.", number=declaration.number),
        )
        return
    text = block(signers, declaration.tabler_id, await services.members.groups())
    message = f"<pre>{html.escape(text)}</pre>"
    if len(message) <= MAX_MESSAGE_LENGTH:
        await answer(update, message)
    chat = update.effective_chat
    assert chat is not None
    name = f"declaration-{declaration.number}-signatories"
    await chat.send_document(
        (text + "\n").encode("utf-8"),
        filename=f"{name}.txt",
        caption=_("Signatories of declaration No. %(number)s", number=declaration.number),
    )
    await chat.send_document(
        block_csv(signers, declaration.tabler_id).encode("utf-8"), filename=f"{name}.csv"
    )


@allow(Role.MEMBER, *STAFF)
async def declaration_document_command(update: Update, context: BotContext) -> None:
    """``/declarationdoc N [en|ru|kk]``: the declaration as the assembly publishes it, as a
    .pdf and an editable .docx, in the reader's language (or the one asked for)."""
    declaration = await _declaration_argument(update, context, "declarationdoc")
    if declaration is None:
        return
    args = context.args or []
    language = args[1].lower() if len(args) > 1 and args[1].lower() in LOCALES else None
    language = declaration.language_for(language or current_locale())
    services = context.services
    signers = await services.declarations.signers(declaration.number)
    layout = declaration_document(declaration, language, signers, await services.members.groups())
    chat = update.effective_chat
    assert chat is not None
    name = f"declaration-{declaration.number}-{language}"
    for file_format in ("pdf", "docx"):
        await chat.send_document(
            await asyncio.to_thread(render_document, layout, file_format),
            filename=f"{name}.{file_format}",
        )
    if language != (args[1].lower() if len(args) > 1 else current_locale()):
        await answer(
            update,
            # TRANSLATORS: the declaration follows as a document; %(in_language)s is "in English"
            # as this catalog writes it (msgctxt "in a language").
            _(
                "Declaration No. %(number)s has no text in that language: here it is "
                "%(in_language)s.",
                number=declaration.number,
                in_language=in_language(language),
            ),
        )


@allow(*STAFF)
async def verify_audit(update: Update, context: BotContext) -> None:
    """``/verifyaudit``: check every link of the audit log's hash chain."""
    count, broken = await context.services.audit.verify()
    if broken is None:
        await answer(update, _("The audit log is intact: %(count)s entries checked.", count=count))
    else:
        logger.warning("the audit log is broken at entry %d", broken)
        await answer(
            update,
            _(
                "The audit log is broken at entry %(entry)s of %(count)s: it was changed outside "
                "the bot. Keep a copy of the database and investigate.",
                entry=broken,
                count=count,
            ),
        )


FEATURE = Feature(
    commands=(
        Command("progress", progress, lazy_gettext("Signatures of a declaration"), DECLARATIONS),
        Command(
            "newdeclaration", new_declaration, lazy_gettext("Write a new declaration"), DECLARATIONS
        ),
        Command(
            "translatedeclaration",
            translate_declaration,
            lazy_gettext("Add a declaration's text in a language"),
            DECLARATIONS,
        ),
        Command(
            "opendeclaration", open_declaration, lazy_gettext("Open a declaration"), DECLARATIONS
        ),
        Command(
            "closedeclaration", close_declaration, lazy_gettext("Close a declaration"), DECLARATIONS
        ),
        Command(
            "declarationdoc",
            declaration_document_command,
            lazy_gettext("A declaration as a document (PDF, DOCX)"),
            DECLARATIONS,
        ),
        Command(
            "signatories",
            signatories,
            lazy_gettext("List who signed a declaration"),
            DECLARATIONS,
        ),
        Command("verifyaudit", verify_audit, lazy_gettext("Verify the audit log"), DECLARATIONS),
    )
)
