"""Medians over rounds, the targets, a compact table and the JSON document."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from bench.rounds import DERIVED_FIELDS, RoundResult

MEDIAN_FIELDS = (*DERIVED_FIELDS, "startup_s")

TARGETS = {
    "cpu_per_update_ratio": ("<=", 1.0),
    "cpu_per_update_ratio_aiogram": ("<=", 1.0),
    "startup_s": ("<=", 1.5),
    "idle_cpu_percent": ("<", 1.0),
}
"""Targets for the full bot (the ratios are full over PTB's echo bot and over aiogram's)."""

BUSY_MACHINE_PERCENT = 10.0
"""Other processes' CPU, in percent of one core, above which a run is flagged as disturbed."""


def medians(rounds: Sequence[RoundResult]) -> dict[str, float | None]:
    """The median of every figure over the rounds (None when a figure was not measured)."""
    result: dict[str, float | None] = {}
    for name in MEDIAN_FIELDS:
        values = [value for value in (getattr(r, name) for r in rounds) if value is not None]
        result[name] = statistics.median(values) if values else None
    return result


def _met(value: float | None, operator: str, limit: float) -> bool | None:
    if value is None:
        return None
    return value <= limit if operator == "<=" else value < limit


def paired_ratios(full: Sequence[RoundResult], echo: Sequence[RoundResult]) -> list[float]:
    """Full over echo CPU per update, round by round: each pair ran back to back, so a
    machine that is faster or slower for a while affects both sides of a ratio alike."""
    return [
        f.bot_cpu_ms_per_update / e.bot_cpu_ms_per_update
        for f, e in zip(full, echo, strict=False)
        if e.bot_cpu_ms_per_update
    ]


def targets(
    full: Sequence[RoundResult], echo: Sequence[RoundResult], aiogram: Sequence[RoundResult] = ()
) -> dict[str, Any]:
    """Each target with the measured value (medians) and whether it is met; the ratios also
    list their value in every round."""
    ratios = {
        "cpu_per_update_ratio": paired_ratios(full, echo),
        "cpu_per_update_ratio_aiogram": paired_ratios(full, aiogram),
    }
    summary = medians(full)
    values = {
        **{name: statistics.median(each) if each else None for name, each in ratios.items()},
        "startup_s": summary["startup_s"],
        "idle_cpu_percent": summary["idle_cpu_percent"],
    }
    checks = {
        name: {"value": values[name], "target": f"{operator} {limit}"}
        | {"met": _met(values[name], operator, limit)}
        for name, (operator, limit) in TARGETS.items()
    }
    for name, each in ratios.items():
        checks[name]["rounds"] = each
    return checks


COLUMNS = (
    ("bot", "bot", "{}"),
    ("updates/s", "updates_per_s", "{:.0f}"),
    ("bot CPU ms/upd", "bot_cpu_ms_per_update", "{:.2f}"),
    ("bot CPU %", "bot_cpu_percent", "{:.0f}"),
    ("server CPU ms/upd", "server_cpu_ms_per_update", "{:.2f}"),
    ("server CPU %", "server_cpu_percent", "{:.0f}"),
    ("other CPU %", "other_cpu_percent", "{:.0f}"),
    ("start-up s", "startup_s", "{:.2f}"),
    ("idle CPU %", "idle_cpu_percent", "{:.2f}"),
)


def table(summary: dict[str, dict[str, float | None]], checks: dict[str, Any]) -> str:
    """A fixed-width table of the medians followed by the targets."""
    rows = [[title for title, _, _ in COLUMNS]]
    for bot, figures in summary.items():
        row = []
        for _, field, spec in COLUMNS:
            value = bot if field == "bot" else figures[field]
            row.append("-" if value is None else spec.format(value))
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    labels = {
        "cpu_per_update_ratio": "CPU per update, full / PTB echo",
        "cpu_per_update_ratio_aiogram": "CPU per update, full / aiogram echo",
        "startup_s": "start-up of the full bot, s",
        "idle_cpu_percent": "idle CPU of the full bot, %",
    }
    for name, check in checks.items():
        value = "-" if check["value"] is None else f"{check['value']:.2f}"
        verdict = {True: "met", False: "MISSED", None: "not measured"}[check["met"]]
        rounds = ", ".join(f"{ratio:.2f}" for ratio in check.get("rounds", ()))
        spread = f" [rounds: {rounds}]" if rounds else ""
        lines.append(f"{labels[name]}: {value}{spread} (target {check['target']}): {verdict}")
    busy = [
        bot
        for bot, figures in summary.items()
        if (figures["other_cpu_percent"] or 0.0) > BUSY_MACHINE_PERCENT
    ]
    if busy:
        lines.append(
            f"WARNING: other processes used more than {BUSY_MACHINE_PERCENT:.0f} % of a core "
            f"during the {', '.join(busy)} runs; rerun on a quiet machine"
        )
    return "\n".join(lines)
