"""Charts drawn on the server as SVG: no script, no library, the theme's colours by CSS class
(``console.css``), labels in the reader's language. Three kinds: stacked bars (a broadcast's
messages per minute), a rising line against a target (signatures against the quorum), and a
grid of counts per row and period, shaded by count (acts per case and week)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 900, 240
MAX_BAR = 40.0
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 26


def nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 25, 50… at least ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value and float(step * power).is_integer():
            return int(step * power)
    return int(10 * power)


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label and its parts, bottom first."""

    label: str
    parts: tuple[int, ...]


def _frame(
    title: str, top: int, labels: Sequence[tuple[float, str]], ends: bool = False
) -> list[str]:
    """The SVG's start, its grid and labels; with ``ends``, the first and last labels of x are
    aligned to the plot's edges, not centred on them."""
    plot_h = HEIGHT - TOP - BOTTOM
    lines = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - fraction)
        value = round(top * fraction)
        lines.append(
            f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        lines.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    for index, (x, label) in enumerate(labels):
        anchor = "middle"
        if ends and index == 0:
            anchor = "start"
        elif ends and index == len(labels) - 1:
            anchor = "end"
        lines.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}">{escape(label)}</text>'
        )
    return lines


def bar_chart(title: str, bars: Sequence[Bar], classes: Sequence[str]) -> Markup:
    """Stacked bars, one per entry of ``bars``, parts coloured by ``classes``."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = nice_ceiling(max((sum(bar.parts) for bar in bars), default=0))
    slot = plot_w / max(len(bars), 1)
    every = max(1, math.ceil(len(bars) / 8))
    labels = [
        (LEFT + slot * (index + 0.5), bar.label)
        for index, bar in enumerate(bars)
        if index % every == 0
    ]
    lines = _frame(title, top, labels)
    width = min(MAX_BAR, max(1.0, slot * 0.8))
    for index, bar in enumerate(bars):
        x = LEFT + slot * index + (slot - width) / 2
        base = TOP + plot_h
        for part, css in zip(bar.parts, classes, strict=False):
            if part <= 0:
                continue
            height = plot_h * part / top
            base -= height
            lines.append(
                f'<rect class="{css}" x="{x:.1f}" y="{base:.1f}" width="{width:.1f}" '
                f'height="{height:.1f}"><title>{escape(bar.label)}: {part}</title></rect>'
            )
    lines.append("</svg>")
    return Markup("".join(lines))


def rising_chart(
    title: str,
    points: Sequence[tuple[float, int]],
    labels: Sequence[tuple[float, str]],
    target: int,
    target_label: str,
) -> Markup:
    """A step line through ``points`` (x from 0 to 1, y a count) with a dashed line at
    ``target``; ``labels`` are placed along x (from 0 to 1)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = nice_ceiling(max([target * 1.15, *(y for _x, y in points)]))

    def at(x: float, y: float) -> tuple[float, float]:
        return LEFT + plot_w * min(max(x, 0.0), 1.0), TOP + plot_h * (1 - y / top)

    lines = _frame(title, top, [(at(x, 0)[0], label) for x, label in labels], ends=True)
    if points:
        path: list[tuple[float, float]] = []
        previous = 0
        for x, y in points:
            path.append(at(x, previous))
            path.append(at(x, y))
            previous = y
        path.append(at(1.0, previous))
        line = " ".join(f"{px:.1f},{py:.1f}" for px, py in path)
        first_x, bottom = at(points[0][0], 0)
        last_x, _ = at(1.0, 0)
        lines.append(
            f'<polygon class="area" points="{first_x:.1f},{bottom:.1f} {line} '
            f'{last_x:.1f},{bottom:.1f}"/>'
        )
        lines.append(f'<polyline class="line" points="{line}"/>')
    _, target_y = at(0, target)
    lines.append(
        f'<line class="quorum" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{target_y:.1f}" '
        f'y2="{target_y:.1f}"/>'
    )
    lines.append(
        f'<text class="quorum-label" x="{LEFT + 6}" y="{target_y - 5:.1f}">'
        f"{escape(target_label)}</text>"
    )
    lines.append("</svg>")
    return Markup("".join(lines))


HEAT_LABEL = 230
HEAT_ROW = 26
HEAT_GAP = 10
HEAT_NAME = 32
"""Characters of a row's name shown; the whole name is the row's tooltip."""


def _heat_row(y: float, name: str, counts: Sequence[int], slot: float, peak: int) -> list[str]:
    shown = name if len(name) <= HEAT_NAME else name[: HEAT_NAME - 1] + "…"
    lines = [
        f'<text x="{HEAT_LABEL - 8}" y="{y + HEAT_ROW / 2 + 4:.1f}" text-anchor="end" '
        f'class="row-name">{escape(shown)}<title>{escape(name)}</title></text>'
    ]
    for index, count in enumerate(counts):
        x = HEAT_LABEL + slot * index
        level = count / peak if peak else 0.0
        css, opacity = ("heat", 0.18 + 0.72 * level) if count > 0 else ("cold", 1.0)
        lines.append(
            f'<rect class="{css}" x="{x + 1:.1f}" y="{y + 1:.1f}" width="{slot - 2:.1f}" '
            f'height="{HEAT_ROW - 2}" rx="3" fill-opacity="{opacity:.2f}">'
            f"<title>{escape(name)}: {count}</title></rect>"
        )
        if count > 0:
            ink = "on-heat" if level > 0.5 else "in-heat"
            lines.append(
                f'<text class="{ink}" x="{x + slot / 2:.1f}" y="{y + HEAT_ROW / 2 + 4:.1f}" '
                f'text-anchor="middle">{count}</text>'
            )
    return lines


def heat_chart(
    title: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    columns: Sequence[str],
    total: tuple[str, Sequence[int]] | None = None,
) -> Markup:
    """A grid: one row per entry of ``rows`` (a name and a count per column), ``columns``
    labelled below, each cell shaded by its count against the largest of the rows; ``total``,
    if given, is a last row apart, shaded against itself."""
    plot_w = WIDTH - HEAT_LABEL - RIGHT
    slot = plot_w / max(len(columns), 1)
    height = TOP + HEAT_ROW * len(rows) + (HEAT_GAP + HEAT_ROW if total else 0) + BOTTOM
    lines = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    peak = max((max(counts, default=0) for _name, counts in rows), default=0)
    for index, (name, counts) in enumerate(rows):
        lines += _heat_row(TOP + HEAT_ROW * index, name, counts, slot, peak)
    if total is not None:
        y = TOP + HEAT_ROW * len(rows) + HEAT_GAP
        lines += _heat_row(y, total[0], total[1], slot, max(total[1], default=0))
    every = max(1, math.ceil(len(columns) / 6))
    for index, label in enumerate(columns):
        if (len(columns) - 1 - index) % every == 0:  # the latest week is always labelled
            x = HEAT_LABEL + slot * (index + 0.5)
            lines.append(
                f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle">{escape(label)}</text>'
            )
    lines.append("</svg>")
    return Markup("".join(lines))
