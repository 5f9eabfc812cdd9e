"""Declarations in the console: progress against the assembly's rule (signatures,
delegations, political groups and what is missing), signatures over time against the quorum
line, the signatory block to read and download, and opening and closing, each with the same
authorisation as its command in the bot. Members of parliament see the declarations open to
their assembly, and whether they signed."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, time, timedelta

from aiohttp import web

from bot.documents import MEDIA_TYPES
from bot.documents import render as render_document
from bot.domain.declarations import Declaration, Status
from bot.domain.roles import Role
from bot.domain.signatory_block import block, block_csv
from bot.text.documents import declaration_document
from bot.text.formatting import closing_line, long_date, reader_end, reader_moment
from bot.text.i18n import current_locale, lazy_gettext, lazy_pgettext, ngettext
from bot.text.i18n import gettext as _
from bot.web.console.auth import Caller, api_route, same_as
from bot.web.console.charts import rising_chart
from bot.web.console.render import caller_zone, html
from bot.web.keys import BOT
from handlers.declarations import (
    close_declaration,
    declaration_document_command,
    open_declaration,
    progress,
    signatories,
)

logger = logging.getLogger(__name__)

READERS = same_as(progress)
"""Who follows a declaration's progress: as ``/progress`` (members and staff)."""
EXPORTERS = same_as(signatories)
OPENERS = same_as(open_declaration)
CLOSERS = same_as(close_declaration)
DOCUMENT_READERS = same_as(declaration_document_command)
"""Who downloads the declaration as a document: as ``/declarationdoc``."""

STATUS_NAMES = {
    Status.DRAFT: lazy_pgettext("console: a declaration's status", "draft"),
    Status.OPEN: lazy_gettext("open for signatures"),
    Status.CLOSED: lazy_pgettext("console: a declaration's status", "closed"),
}


def _number(request: web.Request) -> int:
    text = request.match_info["number"]
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 9):
        raise web.HTTPNotFound
    return int(text)


async def _visible(request: web.Request, caller: Caller, number: int) -> Declaration:
    """The declaration, if the caller may see it: staff all; a member those of their
    assembly that are open or closed."""
    services = request.app[BOT].services
    declaration = await services.declarations.get(number)
    if declaration is None:
        raise web.HTTPNotFound
    if caller.role is Role.MEMBER:
        member = await services.members.member_of(caller.user_id)
        if (
            member is None
            or member.assembly != declaration.assembly
            or declaration.status is Status.DRAFT
        ):
            raise web.HTTPNotFound
    return declaration


def _title(declaration: Declaration) -> str:
    return declaration.title_in(declaration.language_for(current_locale()))


@api_route("GET", "/declarations", READERS)
async def list_declarations(request: web.Request, caller: Caller) -> web.Response:
    """The declarations the caller may follow, with their progress."""
    services = request.app[BOT].services
    every = await services.declarations.every()
    member = None
    if caller.role is Role.MEMBER:
        member = await services.members.member_of(caller.user_id)
        every = [
            d
            for d in every
            if member is not None and d.assembly == member.assembly and d.status is Status.OPEN
        ]
    reader = await caller_zone(request, caller.user_id)
    rows = []
    for declaration in every:
        quorum = await services.declarations.quorum(declaration)
        signed = None
        if member is not None:
            signed = await services.declarations.signature(declaration.number, member.id)
        rows.append(
            {
                "number": declaration.number,
                "title": _title(declaration),
                "status": str(STATUS_NAMES[declaration.status]),
                "signatures": quorum.signatures,
                "needed": declaration.rules.min_signatures,
                "reached": quorum.reached,
                "closes": reader_end(declaration.closes_at, reader)
                if declaration.closes_at
                else "",
                "signed": signed is not None,
            }
        )
    return html("declarations.html", rows=rows, member=caller.role is Role.MEMBER)


def _chart(declaration: Declaration, times: list[datetime | None], now: datetime) -> object:
    """Signatures over time against the quorum line; undated (historical) signatures count
    from the start."""
    dated = sorted(moment for moment in times if moment is not None)
    start = declaration.opens_at or (dated[0] if dated else None)
    if start is None:
        return None
    end = declaration.closes_at or now
    end = max(end, *(dated or [start]))
    if end <= start:
        end = start + timedelta(days=1)
    span = (end - start).total_seconds()
    undated = len(times) - len(dated)
    points = [(0.0, undated)] if undated else []
    for index, moment in enumerate(dated, start=1):
        points.append(((moment - start).total_seconds() / span, undated + index))
    labels = [
        (fraction, long_date((start + (end - start) * fraction).date())) for fraction in (0, 0.5, 1)
    ]
    quorum = declaration.rules.min_signatures
    return rising_chart(
        _("Signatures over time"),
        points,
        labels,
        quorum,
        ngettext(
            "quorum: %(count)s signature", "quorum: %(count)s signatures", quorum, count=quorum
        ),
    )


async def _page(
    request: web.Request,
    caller: Caller,
    declaration: Declaration,
    *,
    notice: str | None = None,
    problem: str | None = None,
    status: int = 200,
) -> web.Response:
    services = request.app[BOT].services
    number = declaration.number
    quorum = await services.declarations.quorum(declaration)
    times = await services.declarations.signing_times(number)
    staff = caller.role in EXPORTERS
    signers = await services.declarations.signers(number) if staff else []
    text = block(signers, declaration.tabler_id, await services.members.groups()) if signers else ""
    reader = await caller_zone(request, caller.user_id)
    signed = None
    if caller.role is Role.MEMBER:
        member = await services.members.member_of(caller.user_id)
        if member is not None:
            signed = await services.declarations.signature(number, member.id)
    reached_at = await services.declarations.quorum_reached_at(number)
    language = declaration.language_for(current_locale())
    return html(
        "declaration.html",
        http_status=status,
        declaration=declaration,
        title=_title(declaration),
        text=declaration.text.get(language, ""),
        state=str(STATUS_NAMES[declaration.status]),
        quorum=quorum,
        chart=_chart(declaration, times, datetime.now(UTC)),
        undated=sum(moment is None for moment in times),
        block=text,
        staff=staff,
        documents=caller.role in DOCUMENT_READERS,
        can_open=caller.role in OPENERS and declaration.status is not Status.CLOSED,
        can_close=caller.role in CLOSERS and declaration.status is not Status.CLOSED,
        closing=closing_line(declaration.closes_at, reader) if declaration.closes_at else None,
        reached=reader_moment(reached_at, reader) if reached_at else None,
        member=caller.role is Role.MEMBER,
        signed=signed,
        notice=notice,
        problem=problem,
        tomorrow=(datetime.now(reader.zone).date() + timedelta(days=1)).isoformat(),
    )


@api_route("GET", "/declarations/{number}", READERS)
async def show_declaration(request: web.Request, caller: Caller) -> web.Response:
    """One declaration's progress, chart and signatory block."""
    declaration = await _visible(request, caller, _number(request))
    return await _page(request, caller, declaration)


@api_route("GET", "/declarations/{number}/signatories.{format}", EXPORTERS)
async def download_signatories(request: web.Request, caller: Caller) -> web.Response:
    """The signatory block as text, or as CSV, to download."""
    number = _number(request)
    kind = request.match_info["format"]
    if kind not in ("txt", "csv"):
        raise web.HTTPNotFound
    services = request.app[BOT].services
    declaration = await _visible(request, caller, number)
    signers = await services.declarations.signers(number)
    if kind == "csv":
        body, content_type = block_csv(signers, declaration.tabler_id), "text/csv"
    else:
        groups = await services.members.groups()
        body, content_type = block(signers, declaration.tabler_id, groups) + "\n", "text/plain"
    name = f"declaration-{number}-signatories.{kind}"
    return web.Response(
        text=body,
        content_type=content_type,
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@api_route("GET", "/declarations/{number}/declaration.{format}", DOCUMENT_READERS)
async def download_document(request: web.Request, caller: Caller) -> web.Response:
    """The declaration as the assembly publishes it, with its signatory block, as PDF or DOCX
    in the caller's language (or the declaration's nearest), as ``/declarationdoc`` sends it."""
    number = _number(request)
    kind = request.match_info["format"]
    if kind not in ("pdf", "docx"):
        raise web.HTTPNotFound
    services = request.app[BOT].services
    declaration = await _visible(request, caller, number)
    language = declaration.language_for(current_locale())
    signers = await services.declarations.signers(number)
    layout = declaration_document(declaration, language, signers, await services.members.groups())
    body = await asyncio.to_thread(render_document, layout, kind)  # type: ignore[arg-type]
    name = f"declaration-{number}-{language}.{kind}"
    return web.Response(
        body=body,
        content_type=MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _fields(request: web.Request) -> dict[str, object]:
    try:
        body = await request.json() if request.can_read_body else {}
    except ValueError:
        raise web.HTTPBadRequest from None
    return body if isinstance(body, dict) else {}


@api_route("POST", "/declarations/{number}/open", OPENERS)
async def open_for_signatures(request: web.Request, caller: Caller) -> web.Response:
    """Open a declaration from now until the end of the chosen day (in the caller's time zone:
    their /timezone, else the bot's), as ``/opendeclaration`` does."""
    declaration = await _visible(request, caller, _number(request))
    services = request.app[BOT].services
    reader = await caller_zone(request, caller.user_id)
    zone = reader.zone
    if declaration.status is Status.CLOSED:
        return await _page(
            request,
            caller,
            declaration,
            problem=_("This declaration is closed for good."),
            status=409,
        )
    written = str((await _fields(request)).get("closes", "")).strip()
    try:
        last_day = date.fromisoformat(written)
        closes_at = datetime.combine(last_day + timedelta(days=1), time(), zone)
    except (ValueError, OverflowError):
        closes_at = None
    if closes_at is None or closes_at <= datetime.now(zone):
        problem = _("Choose the last day of signing, in the future.")
        return await _page(request, caller, declaration, problem=problem, status=422)
    await services.declarations.set_status(
        declaration.number, Status.OPEN, closes_at, actor_user_id=caller.user_id
    )
    logger.info("a coordinator opened a declaration in the console")
    opened = await services.declarations.get(declaration.number)
    assert opened is not None
    notice = _("Open for signatures.") + " " + closing_line(closes_at, reader)
    return await _page(request, caller, opened, notice=notice)


@api_route("POST", "/declarations/{number}/close", CLOSERS)
async def close_for_signatures(request: web.Request, caller: Caller) -> web.Response:
    """Close a declaration: no more signatures, as ``/closedeclaration`` does."""
    declaration = await _visible(request, caller, _number(request))
    services = request.app[BOT].services
    await services.declarations.set_status(
        declaration.number, Status.CLOSED, actor_user_id=caller.user_id
    )
    logger.info("a coordinator closed a declaration in the console")
    closed = await services.declarations.get(declaration.number)
    assert closed is not None
    return await _page(request, caller, closed, notice=_("Closed: it takes no more signatures."))


ROUTES = (
    list_declarations,
    download_signatories,
    download_document,
    show_declaration,
    open_for_signatures,
    close_for_signatures,
)
