"""Coverage: which cases lack attention for their urgency, as ``/coverage`` shows it in the
bot and from the same ranking (:mod:`bot.domain.coverage`) and storage; a grid of acts per
week for the cases listed first; and the same CSV file. Counts only: the bot does not know
who acted, and nothing here could tell."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from aiohttp import web
from markupsafe import Markup

from bot.domain.actions import KINDS
from bot.domain.coverage import (
    CaseCoverage,
    coverage_csv,
    least_attention_first,
    week_starts,
    weekly,
)
from bot.text.formatting import ReaderZone, day_and_month, long_date, number, reader_moment
from bot.text.i18n import current_locale
from bot.text.i18n import gettext as _
from bot.text.names import action_kind_plural
from bot.web.console import cases
from bot.web.console.auth import Caller, api_route, same_as
from bot.web.console.charts import heat_chart
from bot.web.console.render import caller_zone, html
from bot.web.keys import BOT
from handlers.coverage import send_coverage_csv, show_coverage
from storage.actions import coverage as stored_coverage

READERS = same_as(show_coverage)
"""Who sees coverage: as ``/coverage`` in the bot."""
EXPORTERS = same_as(send_coverage_csv)
"""Who downloads it as CSV: as the bot's "The same as CSV" button."""

SHOWN = 50
"""Cases in the table; the CSV has them all."""
CHARTED = 12
"""Cases in the chart over time: the first of the table."""


async def _ranked(request: web.Request) -> tuple[list[CaseCoverage], datetime]:
    services = request.app[BOT].services
    now = services.clock.now()
    ranked = least_attention_first(await stored_coverage(services.db, now, current_locale()))
    return ranked, now


def _acts(counts: Counter[str]) -> dict[str, Any]:
    return {
        "total": sum(counts.values()),
        "kinds": ", ".join(
            f"{action_kind_plural(kind)} {number(counts[kind])}" for kind in KINDS if counts[kind]
        ),
    }


def coverage_rows(
    ranked: list[CaseCoverage], reader: ReaderZone, today: date
) -> list[dict[str, Any]]:
    """The table's rows: the first :data:`SHOWN` cases of the ranking, times as ``reader``
    sees them."""
    return [
        {
            "id": case.case_id,
            "name": case.name,
            "urgency": case.urgency,
            "followers": case.followers,
            "acts_7": _acts(case.acts_7),
            "acts_30": _acts(case.acts_30),
            "open_actions": case.open_actions,
            "updated": long_date(case.updated),
            "deadline": reader_moment(case.next_deadline, reader) if case.next_deadline else "",
            "flagged": case.flagged(today),
        }
        for case in ranked[:SHOWN]
    ]


async def coverage_chart(
    request: web.Request, ranked: list[CaseCoverage], now: datetime
) -> Markup | None:
    """Acts per week over the last weeks: the first :data:`CHARTED` cases of the ranking,
    then all cases together."""
    if not ranked:
        return None
    actions = request.app[BOT].services.cases.actions
    today = now.astimezone(UTC).date()
    starts = week_starts(today)
    charted = ranked[:CHARTED]
    per_case = weekly(await actions.acts_by_day(starts[0], [c.case_id for c in charted]), today)
    every = weekly(await actions.acts_by_day(starts[0]), today).get("", [0] * len(starts))
    empty = [0] * len(starts)
    return heat_chart(
        _("Acts per week"),
        [(case.name, per_case.get(case.case_id, empty)) for case in charted],
        [day_and_month(start) for start in starts],
        (_("All cases"), every),
    )


@api_route("GET", "/coverage", READERS)
async def coverage(request: web.Request, caller: Caller) -> web.Response:
    """The cases with the least attention for their urgency first, and acts over time."""
    services = request.app[BOT].services
    ranked, now = await _ranked(request)
    today = now.astimezone(services.settings.timezone).date()
    return html(
        "coverage.html",
        rows=coverage_rows(ranked, await caller_zone(request, caller.user_id), today),
        more=max(0, len(ranked) - SHOWN),
        chart=await coverage_chart(request, ranked, now),
        weeks=len(week_starts(today)),
        charted=min(CHARTED, len(ranked)),
        editable=caller.role in cases.EDITORS,
        csv=caller.role in EXPORTERS,
    )


@api_route("GET", "/coverage.csv", EXPORTERS)
async def coverage_file(request: web.Request, caller: Caller) -> web.Response:
    """Every case's coverage as CSV, in the same order, every cell neutralised."""
    services = request.app[BOT].services
    ranked, now = await _ranked(request)
    today = now.astimezone(services.settings.timezone).date()
    return web.Response(
        text=coverage_csv(ranked, today),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="coverage.csv"'},
    )


ROUTES = (coverage, coverage_file)
