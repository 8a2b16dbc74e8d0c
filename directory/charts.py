"""Bar charts for the console's report pages, as SVG geometry computed on the server (no script, no CDN): stacked
or single bars per column, a value axis with round ticks and a title, and a label under every column.

Pure: plain values in, a dict for the `admin/console_chart.html` template out.
"""

from __future__ import annotations

import math

# (series key, value, colour) of one bar segment; a column stacks its segments upward from zero (or downward
# for negative values).
Segment = tuple[str, float, str]

WIDTH, HEIGHT = 960, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 46


def nice_step(span: float, ticks: int = 4) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) that covers `span` in about `ticks` steps."""
    raw = span / ticks if span > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _number(value: float) -> str:
    return f"{value:g}"


def bar_chart(
    columns: list[tuple[str, tuple[str, ...], list[Segment]]], *, y_label: str, x_label: str,
    low: float | None = None, high: float | None = None, unit: str = "", width: int = WIDTH,
) -> dict:  # fmt: skip
    """Columns are (key, label lines, segments). The value axis runs from `low` (default 0, or below the lowest
    negative value) to `high` (default: the tallest stack), rounded out to whole ticks."""
    tops = [sum(v for _, v, _ in segments if v > 0) for _, _, segments in columns]
    bottoms = [sum(v for _, v, _ in segments if v < 0) for _, _, segments in columns]
    top = max([*tops, 0]) if high is None else high
    bottom = min([*bottoms, 0]) if low is None else low
    step = nice_step(top - bottom)
    top = step * math.ceil(top / step) if top > 0 else 0
    bottom = step * math.floor(bottom / step) if bottom < 0 else 0
    if top == bottom:
        top = bottom + step
    plot_w, plot_h = width - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        return round(TOP + (top - value) / (top - bottom) * plot_h, 1)

    ticks = []
    value = bottom
    while value <= top + step / 2:
        ticks.append({"y": y_of(value), "label": f"{_number(value)}{unit}"})
        value += step
    slot = plot_w / max(len(columns), 1)
    bar_w = round(max(min(slot * 0.7, 48), 2), 1)
    # Label every column when they fit (a label takes about 44 units); otherwise every n-th, and the last.
    every = max(1, math.ceil(len(columns) * 44 / plot_w))
    out, labels = [], []
    for index, (column_key, lines, segments) in enumerate(columns):
        x = round(LEFT + index * slot + (slot - bar_w) / 2, 1)
        up = down = 0.0
        bars = []
        for key, amount, colour in segments:
            if not amount:
                continue
            if amount > 0:
                y1, y2 = y_of(up + amount), y_of(up)
                up += amount
            else:
                y1, y2 = y_of(down), y_of(down + amount)
                down += amount
            bars.append({"x": x, "y": y1, "w": bar_w, "h": round(max(y2 - y1, 1), 1), "colour": colour, "key": key,
                         "value": _number(amount), "column": " ".join(lines)})  # fmt: skip
        out.append({"key": column_key, "total": _number(sum(v for _, v, _ in segments)), "bars": bars})
        if index % every == 0 or (index == len(columns) - 1 and index % every >= every / 2):
            labels.append({"x": round(LEFT + index * slot + slot / 2, 1), "lines": lines})
    return {
        "width": width, "height": HEIGHT, "left": LEFT, "right": width - RIGHT, "top": TOP, "bottom": TOP + plot_h,
        "zero": y_of(0), "ticks": ticks, "columns": out, "labels": labels, "y_label": y_label, "x_label": x_label,
        "y_label_y": round(TOP + plot_h / 2, 1), "x_label_x": round(LEFT + plot_w / 2, 1),
    }  # fmt: skip


def day_lines(day) -> tuple[str, str]:
    """A day's label under its bar: weekday, then day and month ("Mon", "30 Nov")."""
    return day.strftime("%a"), f"{day.day} {day:%b}"
