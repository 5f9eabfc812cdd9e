"""A broadcast in its author's chat, from the question to send it to the report: what
``/appeal`` and ``/update`` share before sending (the texts' problems, the confirmation); the
progress, edited in place every few seconds, with its Stop button; the final report, with the
choice about messages that failed or whose fate is unknown; and ``/appeals``, the list of
recent ones. What the progress is comes from :mod:`bot.delivery.broadcasts`."""

from __future__ import annotations

import html
import logging
import math
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden

from bot.domain.actions import total
from bot.domain.appeals import WRITING_ORDER, BadHtml, EmptyText, TextProblem, TextTooLong
from bot.domain.broadcasts import (
    ALL_LOCALES,
    AUTHORED,
    Broadcast,
    Kind,
    Progress,
    may_direct,
    progress_bar,
)
from bot.domain.roles import STAFF, Role
from bot.domain.telegram_html import MAX_MESSAGE_LENGTH
from bot.text.formatting import duration, listed, number, percent, reader_moment
from bot.text.i18n import (
    current_locale,
    language_in_current_locale,
    lazy_gettext,
    ngettext,
    pgettext,
    use_locale,
)
from bot.text.i18n import gettext as _
from bot.text.names import failure_name, in_language, outcome_name, readers_of
from bot.text.render import render
from handlers.access import allow
from handlers.buttons import Buttons, choice, digits
from handlers.commands import APPEALS, Command, Feature
from handlers.context import BotContext
from handlers.conversation import close_keyboard
from handlers.reminders import reader_zone
from handlers.replies import answer, refuse_stale_button

logger = logging.getLogger(__name__)

SEND = Buttons("appeal:send")
DROP = Buttons("appeal:cancel")
ACTION = Buttons("appeal", choice("stop", "resend", "leave"), digits(18))
"""Stop a broadcast; resend its messages of unknown fate, or leave them unsent."""


async def _being_sent(context: BotContext) -> list[Broadcast]:
    """The appeals and news written in the bot that are being sent: one at a time. News
    imported from files has no author and waits for no one, nor does anyone wait for it."""
    active = await context.services.broadcasts.authored_active()
    return [broadcast for broadcast in active if broadcast.author_id is not None]


async def _when_free(context: BotContext, sending: list[Broadcast]) -> str:
    """When the broadcasts being sent should end, at the configured pace, in words."""
    rate = context.services.settings.broadcast_rate
    if not rate:
        return ""
    left = 0
    for broadcast in sending:
        progress = await context.services.outbox.progress(broadcast.id)
        left += progress.pending + progress.in_flight
    minutes = math.ceil(left / rate / 60)
    if minutes <= 1:
        return _("It should end within a minute.")
    return ngettext(
        "It should end in about %(count)s minute.",
        "It should end in about %(count)s minutes.",
        minutes,
        count=number(minutes),
    )


async def refuse_while_sending(update: Update, context: BotContext) -> bool:
    """Tell the coordinator an appeal is on its way, and when it should end; ``True`` if one
    is."""
    sending = await _being_sent(context)
    if not sending:
        return False
    text = _(
        "An appeal is being sent right now. Wait until it ends, or stop it with "
        "the button under its progress."
    )
    await answer(update, f"{text} {await _when_free(context, sending)}".strip())
    return True


async def hold_while_sending(update: Update, context: BotContext) -> bool:
    """At "Send": if another appeal is being sent, send nothing, keep the draft and the
    buttons, and say when to press again; ``True`` if so."""
    sending = await _being_sent(context)
    if not sending:
        return False
    assert update.callback_query is not None
    await update.callback_query.answer()
    text = _(
        "Another appeal is being sent right now, so yours was not sent. It is kept: "
        "press Send again once that one has ended."
    )
    await answer(update, f"{text} {await _when_free(context, sending)}".strip())
    return True


def explain(problem: TextProblem) -> str:
    """Why Telegram would refuse a text, and what to do, in the current locale."""
    if isinstance(problem, TextTooLong):
        return ngettext(
            "This text is %(count)s character long; Telegram allows %(limit)s. Shorten it "
            "and send it again.",
            "This text is %(count)s characters long; Telegram allows %(limit)s. Shorten it "
            "and send it again.",
            problem.length,
            count=number(problem.length),
            limit=number(MAX_MESSAGE_LENGTH),
        )
    if isinstance(problem, EmptyText):
        return _("This text is empty. Send the text, or /skip.")
    assert isinstance(problem, BadHtml)
    return _(
        "Telegram cannot show this text: %(error)s. Correct it and send it again.",
        error=html.escape(str(problem)),
    )


async def ask_to_send(
    update: Update,
    context: BotContext,
    *,
    news: bool,
    texts: dict[str, str],
    fallback: str,
    audience: str,
    extra_rows: list[list[InlineKeyboardButton]] | None = None,
) -> None:
    """After the preview: how many it goes to, in which languages, and Send or Cancel (and
    ``extra_rows``, such as an appeal's "Ask recipients to act…")."""
    size = await context.services.broadcasts.audience_size(audience)
    summary = render(
        "appeal_confirm.html",
        news=news,
        size=number(size),
        written=listed([language_in_current_locale(c) for c in WRITING_ORDER if c in texts]),
        missing=listed([language_in_current_locale(c) for c in WRITING_ORDER if c not in texts]),
        fallback=in_language(fallback),
    )
    keyboard = InlineKeyboardMarkup(
        [
            # TRANSLATORS: a button: send the appeal or news to %(count)s people.
            [SEND.button(_("Send to %(count)s", count=number(size)))],
            *(extra_rows or []),
            [DROP.button(pgettext("button: do not send", "Cancel"))],
        ]
    )
    await answer(update, summary, reply_markup=keyboard)


async def deliver(context: BotContext, broadcast_id: int, chat_id: int) -> None:
    """Wake the delivery engine for a broadcast just queued and show its progress."""
    context.services.delivery.wake()
    await send_progress_message(context, broadcast_id, chat_id)


def _progress_text(
    broadcast: Broadcast, progress: Progress, rate: float | None, left: float | None
) -> str:
    done = progress.sent + progress.blocked + progress.failed
    return render(
        "appeal_progress.html",
        broadcast_id=broadcast.id,
        news=broadcast.kind == Kind.NEWS,
        bar=progress_bar(progress.settled, progress.total),
        share=percent(progress.settled / progress.total if progress.total else 1),
        done=number(done),
        total=number(progress.total),
        rate=number(rate, 1) if rate is not None else None,
        left=duration(left) if left is not None else None,
    )


def _stop_button(broadcast_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[ACTION.button(pgettext("button: a broadcast", "Stop"), "stop", broadcast_id)]]
    )


async def _author_locale(context: BotContext, author_id: int) -> str:
    services = context.services
    record = await services.users.get(author_id)
    return record.locale if record else services.settings.default_locale


async def send_progress_message(context: BotContext, broadcast_id: int, chat_id: int) -> None:
    """Post the progress message of a new broadcast in its author's chat."""
    broadcast = await context.services.broadcasts.get(broadcast_id)
    assert broadcast is not None
    progress = await context.services.outbox.progress(broadcast_id)
    message = await context.bot.send_message(
        chat_id,
        _progress_text(broadcast, progress, None, None),
        reply_markup=_stop_button(broadcast_id) if not progress.finished else None,
    )
    await context.services.broadcasts.set_progress_message(broadcast_id, message.message_id)


async def refresh_progress(context: BotContext) -> None:
    """The repeating job: edit the progress of each appeal or news being sent, and report the
    ones that finished, in their author's language."""
    for snapshot in await context.services.broadcast_monitor.look():
        broadcast, progress = snapshot.broadcast, snapshot.progress
        if not snapshot.reported:
            continue
        assert broadcast.author_id is not None
        with use_locale(await _author_locale(context, broadcast.author_id)):
            if snapshot.finished:
                text = _progress_text(broadcast, progress, snapshot.rate, None)
                await _edit_progress(context, broadcast, text, None)
                await _send_report(context, broadcast, progress)
            elif broadcast.status == "sending":
                text = _progress_text(broadcast, progress, snapshot.rate, snapshot.seconds_left)
                await _edit_progress(context, broadcast, text, _stop_button(broadcast.id))


async def _edit_progress(
    context: BotContext,
    broadcast: Broadcast,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
) -> None:
    if broadcast.progress_message_id is None or broadcast.author_id is None:
        return
    try:
        await context.bot.edit_message_text(
            text, broadcast.author_id, broadcast.progress_message_id, reply_markup=keyboard
        )
    except BadRequest as error:
        if "not modified" not in error.message:
            logger.warning("progress message not updated: %s", error.message)
    except Forbidden:
        logger.info("progress message not updated: the author blocked the bot")


async def _send_report(
    context: BotContext,
    broadcast: Broadcast,
    progress: Progress,
) -> None:
    services = context.services
    text = render(
        "appeal_report.html",
        broadcast_id=broadcast.id,
        news=broadcast.kind == Kind.NEWS,
        sent=number(progress.sent),
        blocked=number(progress.blocked),
        failed=number(progress.failed),
        reasons=[
            (failure_name(failure), number(count))
            for failure, count in (await services.outbox.failure_reasons(broadcast.id)).items()
        ],
        cancelled=number(progress.cancelled),
        unknown=number(progress.unknown + progress.abandoned),
        awaiting=progress.unknown,
        failed_kept=progress.failed_kept,
        acts=await _acts(context, broadcast),
    )
    keyboard = None
    if resendable := progress.unknown + progress.failed_kept:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    ACTION.button(
                        # TRANSLATORS: a button: send again the %(count)s messages that failed or
                        # whose fate is unknown.
                        _("Resend %(count)s", count=number(resendable)),
                        "resend",
                        broadcast.id,
                    )
                ],
                [ACTION.button(_("Leave them unsent"), "leave", broadcast.id)],
            ]
        )
    assert broadcast.author_id is not None
    try:
        await context.bot.send_message(broadcast.author_id, text, reply_markup=keyboard)
    except (BadRequest, Forbidden):
        logger.info("report not sent: the author's chat is unavailable")


def _may_direct(update: Update, context: BotContext, broadcast: Broadcast) -> bool:
    assert update.effective_user is not None
    return may_direct(broadcast, update.effective_user.id, admin=context.role is Role.ADMIN)


@allow(*STAFF)
async def broadcast_action(update: Update, context: BotContext) -> None:
    """Stop a broadcast, or decide about its failed messages and those of unknown fate: its
    author or an administrator."""
    query = update.callback_query
    assert query is not None and query.data is not None
    action, broadcast_id = ACTION.parse(query.data)
    broadcasts = context.services.broadcasts
    broadcast = await broadcasts.get(broadcast_id)
    if broadcast is None or broadcast.kind not in AUTHORED:  # reminders are nobody's to stop
        await refuse_stale_button(query)
        return
    if not _may_direct(update, context, broadcast):
        logger.info("a broadcast's action was refused to someone else than its author")
        await query.answer(
            _("Only the coordinator who sent it, or an administrator, can do this."),
            show_alert=True,
        )
        return
    if action == "stop":
        cancelled = await broadcasts.stop(broadcast_id)
        await close_keyboard(
            update,
            ngettext(
                "Stopped: %(count)s message will not be sent.",
                "Stopped: %(count)s messages will not be sent.",
                cancelled,
                count=number(cancelled),
            ),
        )
    elif action == "resend":
        count = await broadcasts.resend(broadcast_id)
        context.services.delivery.wake()
        await close_keyboard(update)
        await answer(
            update,
            ngettext(
                "Resending %(count)s message.",
                "Resending %(count)s messages.",
                count,
                count=number(count),
            ),
        )
        if count:
            assert update.effective_chat is not None
            await send_progress_message(context, broadcast_id, update.effective_chat.id)
    else:
        count = await broadcasts.leave_unsent(broadcast_id)
        await close_keyboard(update)
        await answer(
            update,
            ngettext(
                "%(count)s message stays unsent.",
                "%(count)s messages stay unsent.",
                count,
                count=number(count),
            ),
        )


async def _acts(context: BotContext, broadcast: Broadcast) -> dict[str, Any] | None:
    """The acts reported through an appeal's "Take action" button, if it had one."""
    if not broadcast.details.get("action"):
        return None
    counts = await context.services.cases.actions.acts_through(broadcast.id)
    return {
        "total": number(total(counts)),
        "outcomes": [(outcome_name(count.outcome), number(count.count)) for count in counts],
    }


def _audience_name(audience: str, case_name: str | None) -> str:
    """Who an appeal went to, in the current locale."""
    if audience == ALL_LOCALES:
        return pgettext("audience", "everyone")
    if case_name is not None:
        return _("followers of %(case)s", case=case_name)
    return readers_of(audience)


@allow(*STAFF)
async def list_appeals(update: Update, context: BotContext) -> None:
    """The ten most recent appeals and news, with their outcome; those being sent with their
    progress and a Stop button for who may stop them (news imported from files among them)."""
    services = context.services
    assert update.effective_user is not None
    reader = await reader_zone(context, update.effective_user.id)
    items: list[dict[str, Any]] = []
    stops = []
    for broadcast in await services.broadcasts.recent(10):
        progress = await services.outbox.progress(broadcast.id)
        audience = broadcast.details.get("audience", ALL_LOCALES)
        case = await services.cases.get(broadcast.details.get("case", ""))
        sending = broadcast.status == "sending"
        items.append(
            {
                "id": broadcast.id,
                "news": broadcast.kind == Kind.NEWS,
                "imported": broadcast.author_id is None and broadcast.kind == Kind.NEWS,
                "when": reader_moment(datetime.fromtimestamp(broadcast.created_at, UTC), reader),
                "audience": _audience_name(audience, case.name[current_locale()] if case else None),
                "status": broadcast.status,
                "sent": number(progress.sent),
                "total": number(progress.total),
                "acts": await _acts(context, broadcast),
                "bar": progress_bar(progress.settled, progress.total) if sending else None,
            }
        )
        if sending and _may_direct(update, context, broadcast):
            stops.append(
                [ACTION.button(_("Stop #%(number)s", number=broadcast.id), "stop", broadcast.id)]
            )
    await answer(
        update,
        render("appeals.html", appeals=items),
        reply_markup=InlineKeyboardMarkup(stops) if stops else None,
    )


FEATURE = Feature(
    commands=(
        Command("appeals", list_appeals, lazy_gettext("Recent appeals, news and reports"), APPEALS),
    ),
    handlers=(ACTION.handler(broadcast_action),),
)
