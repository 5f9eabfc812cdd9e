"""The console's charts: SVG drawn on the server, escaped labels, sensible scales."""

from __future__ import annotations

from bot.web.console.charts import Bar, bar_chart, heat_chart, nice_ceiling, rising_chart


def test_scales_end_on_round_numbers() -> None:
    values = (0, 1, 3, 7, 10, 11, 23, 49, 51, 230)
    expected = [1, 1, 5, 10, 10, 20, 25, 50, 100, 250]
    assert [nice_ceiling(value) for value in values] == expected


def test_labels_are_escaped_and_parts_stacked() -> None:
    svg = bar_chart(
        "<b>title</b>",
        [Bar("<x>", (3, 1, 0)), Bar("10:01", (0, 0, 2))],
        ("sent", "blocked", "failed"),
    )
    assert "<b>" not in svg and "&lt;b&gt;title" in svg and "&lt;x&gt;" in svg
    assert svg.count('class="sent"') == 1 and svg.count('class="failed"') == 1
    assert 'class="blocked"' in svg


def test_the_rising_line_meets_the_quorum_line() -> None:
    svg = rising_chart("signatures", [(0.0, 2), (0.5, 5)], [(0.0, "a"), (1.0, "b")], 4, "q: 4")
    assert 'class="quorum"' in svg and "q: 4" in svg and 'class="line"' in svg
    assert 'text-anchor="start">a<' in svg and 'text-anchor="end">b<' in svg


def test_the_grid_shades_counts_and_escapes_names() -> None:
    svg = heat_chart(
        "acts",
        [("<i>Long name of a person held for years</i>", (0, 2, 4)), ("B", (0, 0, 0))],
        ["w1", "w2", "w3"],
        ("All", (1, 5, 9)),
    )
    assert "<i>" not in svg and "&lt;i&gt;Long name of a person held f…" in svg
    assert svg.count('class="cold"') == 4 and svg.count('class="heat"') == 5
    assert 'fill-opacity="0.90"' in svg  # the largest count of the rows, and of the total
    assert ">w3</text>" in svg
