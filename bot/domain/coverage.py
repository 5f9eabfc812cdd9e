"""Coverage: which cases lack attention for their urgency, for coordinators.

A case's attention is what people did for it lately: acts reported in the last 30 days, those
of the last 7 days counted twice (they are in both), and its followers. A case's need is its
urgency turned around (urgency 1, the most urgent, needs 5; urgency 5 needs 1). Cases are
listed by attention per need, lowest first; ties go to the more urgent case, then to the one
updated longest ago. A case with no open action and no update for 30 days is flagged: nobody
is asked to do anything for it, and nothing new is known.

Over time, the acts of each case are counted per week (:func:`weekly`): seven days ending on
today, and the seven before them, and so on, as "the last 7 days" of the list counts them.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.domain.actions import KINDS

STALE = timedelta(days=30)
"""No update for this long, and no open action: the case is flagged."""

WEEKS = 12
"""Weeks counted over time."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula in a CSV cell."""


@dataclass(frozen=True, slots=True)
class CaseCoverage:
    """What coordinators see of one case."""

    case_id: str
    name: str
    urgency: int
    followers: int
    updated: date
    open_actions: int
    next_deadline: datetime | None = None
    acts_7: Counter[str] = field(default_factory=Counter)
    """Acts reported in the last 7 days, by kind of action."""
    acts_30: Counter[str] = field(default_factory=Counter)
    """Acts reported in the last 30 days, by kind of action."""

    @property
    def attention(self) -> int:
        """Acts of the last 30 days, those of the last 7 counted twice, and followers."""
        return sum(self.acts_30.values()) + sum(self.acts_7.values()) + self.followers

    @property
    def need(self) -> int:
        """5 for the most urgent case (urgency 1), 1 for the least (urgency 5)."""
        return max(1, 6 - self.urgency)

    def flagged(self, today: date) -> bool:
        """No open action and no update for :data:`STALE`."""
        return self.open_actions == 0 and today - self.updated >= STALE


def least_attention_first(cases: Iterable[CaseCoverage]) -> list[CaseCoverage]:
    """The cases by attention per need, lowest first; then the more urgent, then the one
    updated longest ago, then by id."""
    return sorted(
        cases,
        key=lambda case: (case.attention / case.need, case.urgency, case.updated, case.case_id),
    )


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """The first day of each of the last ``weeks`` weeks, oldest first; the last week ends
    ``today``."""
    return [today - timedelta(days=7 * (weeks - 1 - index) + 6) for index in range(weeks)]


def weekly(
    counts: Iterable[tuple[str, date, int]], today: date, weeks: int = WEEKS
) -> dict[str, list[int]]:
    """Acts per case in each of the last ``weeks`` weeks, oldest first, from counts per case
    and day; days after ``today`` or before the first week are left out."""
    per_case: dict[str, list[int]] = {}
    for case_id, day, count in counts:
        back = (today - day).days // 7
        if 0 <= back < weeks and day <= today:
            per_case.setdefault(case_id, [0] * weeks)[weeks - 1 - back] += count
    return per_case


def neutralised(cell: object) -> str:
    """A CSV cell that no spreadsheet runs as a formula: a leading ``=``, ``+``, ``-``, ``@``,
    tab or carriage return gets a ``'`` before it (OWASP's advice on CSV injection)."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


CSV_COLUMNS = (
    "case",
    "name",
    "urgency",
    "followers",
    *(f"acts_7d_{kind}" for kind in KINDS),
    *(f"acts_30d_{kind}" for kind in KINDS),
    "open_actions",
    "updated",
    "next_deadline_utc",
    "flagged",
)


def coverage_csv(cases: Sequence[CaseCoverage], today: date) -> str:
    """The coverage as CSV, one row per case in the given order, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for case in cases:
        deadline = case.next_deadline.strftime("%Y-%m-%d %H:%M") if case.next_deadline else ""
        row = [
            case.case_id,
            case.name,
            case.urgency,
            case.followers,
            *(case.acts_7[kind] for kind in KINDS),
            *(case.acts_30[kind] for kind in KINDS),
            case.open_actions,
            case.updated.isoformat(),
            deadline,
            "yes" if case.flagged(today) else "",
        ]
        writer.writerow([neutralised(cell) for cell in row])
    return buffer.getvalue()
