"""Coverage: how much attention each case gets (actions taken, letters sent), as a table and
a chart over time.

The figures come from the take-action feature (issue 13), which records actions per case;
until it lands, this page says so. The seam: :func:`coverage_rows` returns the table's rows
(``name``, ``actions``, ``people``) and :func:`coverage_series` the chart's weeks; fill them
from its storage, and the page shows both (the chart is drawn by :mod:`.charts`).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.text.i18n import gettext as _
from bot.web.console.auth import Caller, api_route, same_as
from bot.web.console.charts import Bar, bar_chart
from bot.web.console.render import html
from handlers.news import start_news

READERS = same_as(start_news)
"""Who sees coverage: the staff who publish cases."""


async def coverage_rows(request: web.Request) -> list[dict[str, Any]]:
    """One row per case: its name, the actions taken and the people who took them (issue 13)."""
    return []


async def coverage_series(request: web.Request) -> list[tuple[str, int]]:
    """Actions taken per week, oldest first (issue 13)."""
    return []


@api_route("GET", "/coverage", READERS)
async def coverage(request: web.Request, caller: Caller) -> web.Response:
    """The attention per case, or the word that it is not recorded yet."""
    rows = await coverage_rows(request)
    series = await coverage_series(request)
    chart = (
        bar_chart(_("Actions per week"), [Bar(week, (count,)) for week, count in series], ("sent",))
        if series
        else None
    )
    return html("coverage.html", rows=rows, chart=chart)


ROUTES = (coverage,)
