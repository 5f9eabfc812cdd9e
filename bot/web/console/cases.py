"""Cases in the console: the list and search, and the editor of every field of the content
format, three languages side by side.

A case is edited as the document its file would hold, its deadlines and its actions (with
their targets, chosen among those stored, and their model letters) included, and checked by
the same rules as import (:func:`bot.domain.content.check_case`); the problems are shown at
their fields, a model letter's at its line. The preview is the card of the bot
(:func:`handlers.cases.card_text`) in each language. Saving stores the case with its
deadlines and actions, re-plans their reminders, updates the search and writes an audit
entry, in one transaction; a version read with the editor refuses to
overwrite another coordinator's change and shows it instead. A change of status can go to
the case's followers as news, through the delivery engine, as ``/update`` sends it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from babel.support import LazyProxy

from bot.domain.actions import KINDS
from bot.domain.appeals import TextProblem, check_text
from bot.domain.broadcasts import CASE_AUDIENCE
from bot.domain.content import STATUSES, TAGS, Case, Event, case_document, check_case
from bot.domain.files import Problems
from bot.domain.languages import LOCALES
from bot.domain.letters import PLACEHOLDERS
from bot.news import news_message, tell_followers
from bot.text.formatting import long_date
from bot.text.i18n import current_locale, lazy_gettext, lazy_pgettext, ngettext, use_locale
from bot.text.i18n import gettext as _
from bot.text.names import action_kind_name, status_name
from bot.web.console.auth import Caller, api_route, same_as
from bot.web.console.problems import FIELD_NAMES, ShownProblem, shown
from bot.web.console.render import html
from bot.web.keys import BOT
from handlers.cases import card_text
from handlers.news import start_news
from storage.cases import VersionConflict, case_version, changed_fields

EDITORS = same_as(start_news)
"""Who edits cases: whoever may post news of a case in the bot (``/update``)."""

PAGE_SIZE = 25
SEARCH_RESULTS = 50
MAX_QUERY = 100

TAG_NAMES: dict[str, LazyProxy] = {
    "torture": lazy_pgettext("console: a tag of a case", "torture"),
    "ill-treatment": lazy_pgettext("console: a tag of a case", "ill-treatment"),
    "denied-medical-care": lazy_gettext("denied medical care"),
    "reprisal-against-relatives": lazy_gettext("reprisals against relatives"),
    "political-prisoner": lazy_gettext("political prisoner"),
    "un-decision": lazy_gettext("decision of a UN body"),
    "asylum": lazy_pgettext("console: a tag of a case", "asylum"),
    "health-at-risk": lazy_gettext("health at risk"),
}
TRANSLATED = ("name", "brief", "account", "detention", "charges", "sentence")


def _page_number(request: web.Request) -> int:
    text = request.query.get("page", "1")
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 100_000 else 1


@api_route("GET", "/cases", EDITORS)
async def list_cases(request: web.Request, caller: Caller) -> web.Response:
    """The cases, most urgent first, a page at a time; or those matching a search."""
    cases = request.app[BOT].services.cases
    query = request.query.get("q", "").strip()[:MAX_QUERY]
    page, pages = _page_number(request), 1
    if query:
        hits = await cases.index.search(query, limit=SEARCH_RESULTS)
        found = await cases.get_many([hit.case_id for hit in hits])
        total = len(found)
    else:
        total = await cases.count()
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(page, pages)
        found = await cases.most_urgent((page - 1) * PAGE_SIZE, PAGE_SIZE)
    locale = current_locale()
    rows = [
        {
            "id": case.id,
            "name": case.name[locale],
            "status": status_name(case.status),
            "urgency": case.urgency,
            "updated": long_date(case.updated),
        }
        for case in found
    ]
    return html("cases.html", rows=rows, query=query, page=page, pages=pages, total=total)


def _texts(value: Any) -> dict[str, str]:
    given = value if isinstance(value, dict) else {}
    return {locale: str(given.get(locale) or "") for locale in LOCALES}


def _lines(value: Any) -> str:
    items = value if isinstance(value, list) else []
    return "\n".join(str(item) for item in items if item is not None)


def _rows(value: Any) -> list[dict[str, Any]]:
    return [
        row if isinstance(row, dict) else {} for row in (value if isinstance(value, list) else [])
    ]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _action_values(row: dict[str, Any]) -> dict[str, Any]:
    points = row.get("points") if isinstance(row.get("points"), dict) else {}
    targets = row.get("targets") if isinstance(row.get("targets"), list) else []
    return {
        "id": _text(row.get("id")),
        "kind": _text(row.get("kind")),
        "title": _texts(row.get("title")),
        "why": _texts(row.get("why")),
        "points": {locale: _lines(points.get(locale)) for locale in LOCALES},
        "targets": [str(target) for target in targets if isinstance(target, str)],
        "letter": {k: v.rstrip("\n") for k, v in _texts(row.get("letter")).items()},
        "until": _text(row.get("until")),
        "zone": _text(row.get("zone")),
    }


def form_values(document: dict[str, Any]) -> dict[str, Any]:
    """Whatever was submitted, in the shape the editor shows (a value of a wrong type shows
    as text, or empty: its problem is reported at the field)."""
    form: dict[str, Any] = {
        "id": _text(document.get("id")),
        "aliases": _lines(document.get("aliases")),
        "status": _text(document.get("status")),
        "urgency": _text(document.get("urgency")),
        "tags": {str(tag) for tag in document.get("tags") or () if isinstance(tag, str)},
        "related": _lines(document.get("related")),
        "updated": _text(document.get("updated")),
        "timeline": [
            {
                "date": _text(row.get("date")),
                "source": _text(row.get("source")),
                "event": _texts(row.get("event")),
            }
            for row in _rows(document.get("timeline"))
        ],
        "deadlines": [
            {
                "id": _text(row.get("id")),
                "title": _texts(row.get("title")),
                "moment": _text(row.get("moment")),
                "zone": _text(row.get("zone")),
                "action": _texts(row.get("action")),
                "link": _text(row.get("link")),
                "source": _text(row.get("source")),
                "cancelled": row.get("cancelled") is True,
            }
            for row in _rows(document.get("deadlines"))
        ],
        "actions": [_action_values(row) for row in _rows(document.get("actions"))],
    }
    for name in TRANSLATED:
        form[name] = _texts(document.get(name))
    return form


def given(value: Any) -> Any:
    """A submitted value as a file would give it: texts trimmed, and an empty text, or a
    mapping with nothing given, left out ("a key left empty counts as not given")."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        kept = {str(key): v for key, item in value.items() if (v := given(item)) is not None}
        return kept or None
    if isinstance(value, list):
        return [given(item) for item in value]
    return value


async def _context(request: web.Request) -> dict[str, Any]:
    """What every editor needs: the sources, statuses, tags and the news suggestions."""
    services = request.app[BOT].services
    sources = await services.cases.sources()
    locale = current_locale()
    suggestions: dict[str, dict[str, str]] = {}
    for status in STATUSES:
        suggestions[status] = {}
        for language in LOCALES:
            with use_locale(language):
                suggestions[status][language] = _(
                    "New status: %(status)s.", status=status_name(status)
                )
    targets = await services.cases.actions.targets()
    return {
        "targets": [
            (key, f"{target.title[locale]}, {target.name[locale]}")
            for key, target in sorted(targets.items())
        ],
        "kinds": [(kind, action_kind_name(kind)) for kind in KINDS],
        "letter_hint": _(
            "For letters and postcards, in the languages the addressees read. Paragraphs are "
            "separated by a blank line; a paragraph wrapped in *…* is set in italics. "
            "Placeholders: %(placeholders)s.",
            placeholders=", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS),
        ),
        "sources": [(key, source.title[locale]) for key, source in sorted(sources.items())],
        "statuses": [(status, status_name(status)) for status in STATUSES],
        "tags": [(tag, str(TAG_NAMES[tag])) for tag in TAGS],
        "field_names": {name: str(label) for name, label in FIELD_NAMES.items()},
        "suggestions": json.dumps(suggestions, ensure_ascii=False),
    }


async def _editor(
    request: web.Request,
    *,
    document: dict[str, Any],
    version: str | None,
    status: int = 200,
    problems: list[ShownProblem] = (),  # type: ignore[assignment]
    notice: str | None = None,
    conflict: dict[str, Any] | None = None,
    original_status: str | None = None,
    news: dict[str, Any] | None = None,
) -> web.Response:
    services = request.app[BOT].services
    form = form_values(document)
    is_new = version is None
    followers = 0 if is_new else await services.broadcasts.audience_size(CASE_AUDIENCE + form["id"])
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(_field_path(problem.path), []).append(problem.message)
    return html(
        "case_editor.html",
        http_status=status,
        form=form,
        version=version or "",
        is_new=is_new,
        errors=errors,
        problems=problems,
        notice=notice,
        conflict=conflict,
        followers=followers,
        original_status=original_status if original_status is not None else form["status"],
        news=news or {"notify": False, "texts": _texts({})},
        **await _context(request),
    )


_ACTION_FIELD = re.compile(r"(actions\.\d+\.(?:targets|(?:title|why|points|letter)\.[a-z]+))\.")


def _field_path(path: str) -> str:
    """Where the editor shows a problem: a point of an action at its language's list, a
    target at the action's choice of targets."""
    found = _ACTION_FIELD.match(path)
    return found[1] if found else path


@api_route("GET", "/cases/new", EDITORS)
async def new_case(request: web.Request, caller: Caller) -> web.Response:
    """An empty editor for a new case."""
    today = datetime.now(UTC).date().isoformat()
    document = {"status": "detained", "urgency": 3, "updated": today}
    return await _editor(request, document=document, version=None)


@api_route("GET", "/cases/{case_id}", EDITORS)
async def edit_case(request: web.Request, caller: Caller) -> web.Response:
    """The editor of a stored case."""
    case = await request.app[BOT].services.cases.whole(request.match_info["case_id"])
    if case is None:
        return html("message.html", http_status=404, text=_("There is no such case any more."))
    return await _editor(request, document=case_document(case), version=case_version(case))


async def _submission(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="the body is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("case"), dict):
        raise web.HTTPBadRequest(text="expected {case: {...}}")
    return body


async def _checked(
    request: web.Request, document: dict[str, Any], case_id: str
) -> Case | list[ShownProblem]:
    cases = request.app[BOT].services.cases
    related = document.get("related")
    named = [str(item) for item in related] if isinstance(related, list) else []
    try:
        return check_case(
            given(document) or {},
            await cases.sources(),
            await cases.existing(named),
            case_id,
            await cases.actions.targets(),
        )
    except Problems as problems:
        return [
            # A missing letter is said of the action: it is shown at the action's letter.
            dataclasses.replace(each, path=each.path + ".letter")
            if problem.code == "no_letter"
            else each
            for problem in problems.problems
            for each in shown(problem)
        ]


@api_route("POST", "/cases/preview", EDITORS)
async def preview(request: web.Request, caller: Caller) -> web.Response:
    """The card of the case in each language, as the bot will show it; or its problems."""
    document = (await _submission(request))["case"]
    case_id = _text(document.get("id"))
    checked = await _checked(request, document, case_id)
    if isinstance(checked, list):
        return html("case_preview.html", http_status=422, cards=[], problems=checked)
    cards = []
    for locale in LOCALES:
        with use_locale(locale):
            cards.append((locale, card_text(checked)))
    return html("case_preview.html", cards=cards, problems=[])


def _news_texts(body: dict[str, Any]) -> tuple[bool, dict[str, str]]:
    news = body.get("news") if isinstance(body.get("news"), dict) else {}
    texts = given(news.get("texts")) if isinstance(news.get("texts"), dict) else None
    kept = {k: v for k, v in (texts or {}).items() if k in LOCALES and isinstance(v, str)}
    return news.get("notify") is True, kept


async def _news_problems(
    request: web.Request, case: Case, event: Event, texts: dict[str, str]
) -> list[ShownProblem]:
    label = str(FIELD_NAMES["news"])
    if not texts:
        return [ShownProblem("news", label, _("Write the news in at least one language."))]
    problems = []
    for locale in texts:
        try:
            check_text(news_message(case, event, locale))
        except TextProblem:
            problems.append(
                ShownProblem(
                    f"news.{locale}", label, _("Telegram cannot send this text: shorten it.")
                )
            )
    if await request.app[BOT].services.broadcasts.authored_active():
        problems.append(
            ShownProblem(
                "news",
                label,
                _("An appeal is being sent right now. Save without news, or wait until it ends."),
            )
        )
    return problems


async def _save(request: web.Request, caller: Caller, case_id: str | None) -> web.Response:
    body = await _submission(request)
    document: dict[str, Any] = body["case"]
    expected = body.get("version") if isinstance(body.get("version"), str) else None
    if case_id is not None and expected is None:
        raise web.HTTPBadRequest(text="an edit names the version it was made on")
    stem = case_id if case_id is not None else _text(document.get("id"))
    original_status = _text(body.get("original_status"))
    notify, news_texts = _news_texts(body)
    news = {"notify": notify, "texts": _texts(news_texts)}
    keep = {
        "document": document,
        "version": expected,
        "original_status": original_status,
        "news": news,
    }
    checked = await _checked(request, document, stem)
    if isinstance(checked, list):
        return await _editor(request, status=422, problems=checked, **keep)
    services = request.app[BOT].services
    today = datetime.now(UTC).date()
    case = checked
    stored = await services.cases.whole(case.id) if case_id is not None else None
    case = in_stored_order(case, stored)
    if changed_fields(stored, case) and case.updated < today:
        case = dataclasses.replace(case, updated=today)
    event = Event(date=today.isoformat(), event=news_texts)
    if notify:
        problems = await _news_problems(request, case, event, news_texts)
        if problems:
            return await _editor(request, status=422, problems=problems, **keep)
        timeline = tuple(sorted((*case.timeline, event), key=lambda e: e.date))
        case = dataclasses.replace(case, timeline=timeline, updated=max(case.updated, today))
    try:
        async with services.db.transaction():
            saved, fields = await services.cases.save(
                case, expected=expected, actor_user_id=caller.user_id
            )
            queued = 0
            if notify:
                _broadcast, queued = await tell_followers(
                    services.broadcasts, case, event, caller.user_id
                )
    except VersionConflict as conflict:
        return await _conflict(request, case, conflict.current, keep)
    if notify:
        services.delivery.wake()
    return await _editor(
        request,
        document=case_document(saved),
        version=case_version(saved),
        notice=_saved_notice(fields, notify, queued),
    )


def _ordered(chosen: tuple[str, ...], before: tuple[str, ...]) -> tuple[str, ...]:
    return (*(item for item in before if item in chosen), *(i for i in chosen if i not in before))


def in_stored_order(case: Case, stored: Case | None) -> Case:
    """``case`` with its tags, and each kept action's targets, in the order stored: the
    editor's checkboxes list them in a fixed order, and ticking none of them anew is no
    change (new ones come after those kept)."""
    if stored is None:
        return case
    before = {action.id: action.targets for action in stored.actions}
    actions = tuple(
        dataclasses.replace(action, targets=_ordered(action.targets, before[action.id]))
        if action.id in before
        else action
        for action in case.actions
    )
    return dataclasses.replace(case, tags=_ordered(case.tags, stored.tags), actions=actions)


def _saved_notice(fields: list[str], notify: bool, queued: int) -> str:
    if not fields:
        return _("Nothing was changed.")
    names = ", ".join(str(FIELD_NAMES.get(name, name)) for name in fields)
    text = _("Saved. Changed: %(fields)s.", fields=names)
    if notify:
        text += " " + ngettext(
            "The news goes to %(count)s follower.",
            "The news goes to %(count)s followers.",
            queued,
            count=queued,
        )
    return text


async def _conflict(
    request: web.Request, mine: Case, theirs: Case | None, keep: dict[str, Any]
) -> web.Response:
    """The editor with the coordinator's own values, told what the other changed: nothing is
    overwritten until they save again, having seen it."""
    services = request.app[BOT].services
    if theirs is None:
        text = _("A case with this identifier was created meanwhile. Choose another identifier.")
        return await _editor(
            request,
            status=409,
            notice=None,
            conflict={"text": text, "fields": [], "theirs": {}},
            **keep | {"version": None},
        )
    fields = changed_fields(theirs, mine)
    entries = await services.audit.of_case(theirs.id, limit=1)
    when = entries[0].at.replace("T", " ").removesuffix("Z") + " UTC" if entries else ""
    text = _(
        "Someone else saved this case while you were editing it%(when)s. The fields that differ "
        "from yours show the saved text below yours. Save again to keep yours, or load the "
        "saved case.",
        when=f" ({when})" if when else "",
    )
    return await _editor(
        request,
        status=409,
        conflict={
            "text": text,
            "fields": fields,
            "names": [str(FIELD_NAMES.get(name, name)) for name in fields],
            "theirs": form_values(case_document(theirs)),
            "case_id": theirs.id,
        },
        **keep | {"version": case_version(theirs)},
    )


@api_route("POST", "/cases", EDITORS)
async def create_case(request: web.Request, caller: Caller) -> web.Response:
    """Store a new case."""
    return await _save(request, caller, None)


@api_route("PUT", "/cases/{case_id}", EDITORS)
async def save_case(request: web.Request, caller: Caller) -> web.Response:
    """Store the edit of a case, unless another's change came first."""
    return await _save(request, caller, request.match_info["case_id"])


ROUTES = (list_cases, new_case, preview, create_case, edit_case, save_case)
"""The order matters: ``/cases/new`` before ``/cases/{case_id}``."""
