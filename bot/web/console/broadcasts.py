"""Broadcasts in the console: every appeal, news and reminder broadcast with its report and a
chart of its delivery (messages settled per minute, failures by reason); Stop, Resend and
Leave unsent as in the bot, with the same authorisation (``handlers.broadcasts``)."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime

from aiohttp import web

from bot.domain.broadcasts import ALL_LOCALES, Broadcast, Kind
from bot.domain.telegram_html import HtmlError, parse_html
from bot.text.formatting import number, reader_moment
from bot.text.i18n import (
    current_locale,
    language_in_current_locale,
    lazy_gettext,
    lazy_pgettext,
    ngettext,
    pgettext,
)
from bot.text.i18n import gettext as _
from bot.text.names import failure_name
from bot.web.console.auth import Caller, api_route, same_as
from bot.web.console.charts import Bar, bar_chart
from bot.web.console.render import caller_zone, html
from bot.web.keys import BOT
from handlers.broadcasts import broadcast_action, list_appeals
from storage import audit_log

logger = logging.getLogger(__name__)

READERS = same_as(list_appeals)
"""Who sees broadcasts: whoever may list them in the bot (``/appeals``)."""
ACTORS = same_as(broadcast_action)
"""Who stops a broadcast or decides about its unknown messages: as the bot's buttons."""

PAGE_SIZE = 25
MAX_BARS = 60
MIN_BARS = 15
"""A short broadcast's chart still spans a quarter of an hour: one bar is not a chart."""

KIND_NAMES = {
    Kind.APPEAL: lazy_pgettext("console: a kind of broadcast", "appeal"),
    Kind.NEWS: lazy_gettext("news of a case"),
    Kind.REMINDER: lazy_pgettext("console: a kind of broadcast", "reminders"),
    Kind.DECLARATION_REMINDER: lazy_gettext("declaration reminders"),
}
STATUS_NAMES = {
    "sending": lazy_pgettext("console: a broadcast's status", "sending"),
    "stopped": lazy_pgettext("console: a broadcast's status", "stopped"),
    "done": lazy_pgettext("console: a broadcast's status", "done"),
}


def _number(request: web.Request, name: str) -> int:
    text = request.match_info[name]
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise web.HTTPNotFound
    return int(text)


async def _audience(request: web.Request, broadcast: Broadcast) -> str:
    audience = str(broadcast.details.get("audience", ""))
    if broadcast.kind in (Kind.REMINDER, Kind.DECLARATION_REMINDER):
        return _("each reader their own")
    if audience == ALL_LOCALES:
        return pgettext("console: an audience", "everyone")
    case = await request.app[BOT].services.cases.get(str(broadcast.details.get("case", "")))
    if case is not None:
        return _("followers of %(case)s", case=case.name[current_locale()])
    if audience in ("en", "ru", "kk"):
        return language_in_current_locale(audience)
    return "—"


@api_route("GET", "/broadcasts", READERS)
async def list_broadcasts(request: web.Request, caller: Caller) -> web.Response:
    """Every broadcast, newest first, with its outcome."""
    services = request.app[BOT].services
    total = await services.broadcasts.count()
    pages = max(1, -(-total // PAGE_SIZE))
    text = request.query.get("page", "1")
    page = min(int(text) if text.isascii() and text.isdigit() and int(text) > 0 else 1, pages)
    rows = []
    reader = await caller_zone(request, caller.user_id)
    for broadcast in await services.broadcasts.page((page - 1) * PAGE_SIZE, PAGE_SIZE):
        progress = await services.outbox.progress(broadcast.id)
        rows.append(
            {
                "id": broadcast.id,
                "kind": str(KIND_NAMES[broadcast.kind]),
                "when": reader_moment(datetime.fromtimestamp(broadcast.created_at, UTC), reader),
                "audience": await _audience(request, broadcast),
                "status": str(STATUS_NAMES.get(broadcast.status, broadcast.status)),
                "sent": number(progress.sent),
                "total": number(progress.total),
            }
        )
    return html("broadcasts.html", rows=rows, page=page, pages=pages)


def _bars(minutes: list[tuple[int, int, int, int]], zone: object) -> list[Bar]:
    """Per-minute counts as at most :data:`MAX_BARS` bars, the quiet minutes included."""
    if not minutes:
        return []
    first, last = minutes[0][0], minutes[-1][0]
    last = max(last, first + MIN_BARS - 1)
    width = max(1, math.ceil((last - first + 1) / MAX_BARS))
    buckets: dict[int, list[int]] = {}
    for minute, sent, blocked, failed in minutes:
        bucket = buckets.setdefault((minute - first) // width, [0, 0, 0])
        bucket[0] += sent
        bucket[1] += blocked
        bucket[2] += failed
    bars = []
    for index in range((last - first) // width + 1):
        moment = datetime.fromtimestamp((first + index * width) * 60, UTC).astimezone(zone)  # type: ignore[arg-type]
        bars.append(Bar(moment.strftime("%H:%M"), tuple(buckets.get(index, [0, 0, 0]))))
    return bars


async def _report(
    request: web.Request, caller: Caller, broadcast_id: int, notice: str | None = None
) -> web.Response:
    services = request.app[BOT].services
    broadcast = await services.broadcasts.get(broadcast_id)
    if broadcast is None:
        return html("message.html", http_status=404, text=_("There is no such broadcast."))
    progress = await services.outbox.progress(broadcast_id)
    reader = await caller_zone(request, caller.user_id)
    bars = _bars(await services.outbox.minutes(broadcast_id), reader.zone)
    chart = (
        bar_chart(_("Messages per minute"), bars, ("sent", "blocked", "failed")) if bars else None
    )
    texts = broadcast.details.get("texts") if broadcast.kind is Kind.APPEAL else None
    if isinstance(texts, dict):
        texts = {locale: _plain(str(text)) for locale, text in texts.items()}
    return html(
        "broadcast.html",
        broadcast=broadcast,
        kind=str(KIND_NAMES[broadcast.kind]),
        status=str(STATUS_NAMES.get(broadcast.status, broadcast.status)),
        when=reader_moment(datetime.fromtimestamp(broadcast.created_at, UTC), reader),
        audience=await _audience(request, broadcast),
        progress=progress,
        reasons=[
            (failure_name(failure), count)
            for failure, count in (await services.outbox.failure_reasons(broadcast_id)).items()
        ],
        chart=chart,
        texts=texts if isinstance(texts, dict) else None,
        can_act=True,
        notice=notice,
    )


def _plain(html_text: str) -> str:
    """An appeal's text as its readers read it, without the markup."""
    try:
        return parse_html(html_text).text
    except HtmlError:
        return html_text


@api_route("GET", "/broadcasts/{broadcast_id}", READERS)
async def show_broadcast(request: web.Request, caller: Caller) -> web.Response:
    """One broadcast: its counts, failures by reason and delivery over time."""
    return await _report(request, caller, _number(request, "broadcast_id"))


async def _record(request: web.Request, caller: Caller, action: str, broadcast_id: int) -> None:
    db = request.app[BOT].services.db
    async with db.transaction() as conn:
        await audit_log.record(
            conn,
            action,
            {"broadcast": broadcast_id, "actor": await audit_log.actor(conn, caller.user_id)},
        )


@api_route("POST", "/broadcasts/{broadcast_id}/stop", ACTORS)
async def stop_broadcast(request: web.Request, caller: Caller) -> web.Response:
    """Cancel every message not yet sent."""
    broadcast_id = _number(request, "broadcast_id")
    services = request.app[BOT].services
    if await services.broadcasts.get(broadcast_id) is None:
        raise web.HTTPNotFound
    async with services.db.transaction():
        cancelled = await services.broadcasts.stop(broadcast_id)
        await _record(request, caller, "broadcast_stopped", broadcast_id)
    logger.info("a coordinator stopped a broadcast in the console")
    notice = ngettext(
        "Stopped: %(count)s message will not be sent.",
        "Stopped: %(count)s messages will not be sent.",
        cancelled,
        count=number(cancelled),
    )
    return await _report(request, caller, broadcast_id, notice)


@api_route("POST", "/broadcasts/{broadcast_id}/resend", ACTORS)
async def resend_unknown(request: web.Request, caller: Caller) -> web.Response:
    """Queue again the messages whose fate is unknown."""
    broadcast_id = _number(request, "broadcast_id")
    services = request.app[BOT].services
    if await services.broadcasts.get(broadcast_id) is None:
        raise web.HTTPNotFound
    async with services.db.transaction():
        count = await services.broadcasts.resend_unknown(broadcast_id)
        await _record(request, caller, "broadcast_resent", broadcast_id)
    services.delivery.wake()
    notice = ngettext(
        "Resending %(count)s message.", "Resending %(count)s messages.", count, count=number(count)
    )
    return await _report(request, caller, broadcast_id, notice)


@api_route("POST", "/broadcasts/{broadcast_id}/leave", ACTORS)
async def leave_unknown(request: web.Request, caller: Caller) -> web.Response:
    """Leave the messages whose fate is unknown unsent."""
    broadcast_id = _number(request, "broadcast_id")
    services = request.app[BOT].services
    if await services.broadcasts.get(broadcast_id) is None:
        raise web.HTTPNotFound
    async with services.db.transaction():
        count = await services.broadcasts.abandon_unknown(broadcast_id)
        await _record(request, caller, "broadcast_left_unsent", broadcast_id)
    notice = ngettext(
        "%(count)s message stays unsent.",
        "%(count)s messages stay unsent.",
        count,
        count=number(count),
    )
    return await _report(request, caller, broadcast_id, notice)


ROUTES = (list_broadcasts, show_broadcast, stop_broadcast, resend_unknown, leave_unknown)
