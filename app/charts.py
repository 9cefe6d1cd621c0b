"""Charts drawn on the server as accessible SVG: columns, horizontal bars, a funnel, a weekly line.

Pure Python: each builder takes labels and numbers and returns SVG markup (a `Markup` string)
with a `<title>` and `<desc>` the image is labelled by. Every label is escaped; colours are SVG
attributes, never `style`, so the page keeps its strict content security policy.
"""

import re
from collections.abc import Callable, Sequence

from flask_babel import format_decimal
from markupsafe import Markup, escape

PALETTE = ("#1f5fa8", "#2e8540", "#c77700", "#7a4fa0")
INK = "#1d2733"
MUTED = "#5b6775"
GRID = "#d9dee4"
FONT = 'font-family="system-ui, sans-serif"'
WIDTH = 640
LABEL_CHARS = 32

Formatter = Callable[[float], str]


def plain(value: float) -> str:
    """A number as text: integers without decimals, others with one."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def local_number(value: float) -> str:
    """A number as the reader writes it: "63,6" in ru and kk, "63.6" in en."""
    return format_decimal(value, format="#,##0.#")


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe_id(chart_id: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", chart_id.lower()) or "chart"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> Markup:
    cid = _safe_id(chart_id)
    # Every label and number was escaped as the parts were built.
    return Markup(  # noqa: S704  # nosec B704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} '
        f'{_number(height)}" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'focusable="false" {FONT}>'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, content: str, anchor: str = "start", size: int = 12,
          fill: str = INK, weight: str | None = None) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{bold}>{escape(content)}</text>'
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, value: float, label: str) -> str:
    return (
        f'<rect x="{_number(x)}" y="{_number(y)}" width="{_number(max(w, 0))}" '
        f'height="{_number(h)}" fill="{fill}" data-value="{escape(plain(value))}">'
        f"<title>{escape(label)}</title></rect>"
    )


def _description(labels: Sequence[str], values: Sequence[float], fmt: Formatter) -> str:
    return "; ".join(f"{label}: {fmt(value)}" for label, value in zip(labels, values, strict=True))


def _legend(series_names: Sequence[str], y: float) -> list[str]:
    parts, x = [], 8.0
    for index, name in enumerate(series_names):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{_number(x)}" y="{_number(y - 10)}" width="12" height="12" '
                     f'fill="{colour}"/>')
        parts.append(_text(x + 18, y, name, size=12))
        x += 30 + 7 * len(name)
    return parts


def horizontal_bars(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    fmt: Formatter = local_number,
    max_value: float | None = None,
) -> Markup:
    """One bar per label, longest for the largest value (or relative to `max_value`)."""
    row, label_w, top = 26, 230, 8
    bar_area = WIDTH - label_w - 70
    top_value = max_value if max_value else max([*values, 0]) or 1
    body = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + index * row
        width = bar_area * min(value, top_value) / top_value
        body.append(_text(label_w - 8, y + 16, _short(label), anchor="end", size=11))
        body.append(_rect(label_w, y + 4, width, row - 10, PALETTE[0], value,
                          f"{label}: {fmt(value)}"))
        body.append(_text(label_w + width + 6, y + 16, fmt(value), size=11, fill=MUTED))
    height = top * 2 + max(len(labels), 1) * row
    return _svg(chart_id, title, _description(labels, values, fmt), height, body)


def _series_frame(series: Sequence[tuple[str, Sequence[float]]], left: float, top: float,
                  plot_w: float, plot_h: float, fmt: Formatter) -> tuple[float, list]:
    """The scale's top value and the legend plus grid that multi-series charts start from."""
    top_value = max([v for _, values in series for v in values] + [0]) or 1
    body = _legend([name for name, _ in series], 16) + _grid(left, top, plot_w, plot_h,
                                                            top_value, fmt)
    return top_value, body


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    fmt: Formatter = local_number,
) -> Markup:
    """Vertical columns: one group per label, one column per series, with a legend."""
    height, top, bottom, left = 280, 30, 40, 64
    plot_h, plot_w = height - top - bottom, WIDTH - left - 12
    top_value, body = _series_frame(series, left, top, plot_w, plot_h, fmt)
    group_w = plot_w / max(len(labels), 1)
    column_w = min(48.0, group_w * 0.8 / max(len(series), 1))
    for index, label in enumerate(labels):
        x0 = left + index * group_w + (group_w - column_w * len(series)) / 2
        for s_index, (name, values) in enumerate(series):
            value = values[index]
            h = plot_h * value / top_value
            x = x0 + s_index * column_w
            body.append(_rect(x, top + plot_h - h, column_w - 2, h,
                              PALETTE[s_index % len(PALETTE)], value,
                              f"{label}, {name}: {fmt(value)}"))
        body.append(_text(left + index * group_w + group_w / 2, height - bottom + 18,
                          _short(label, 14), anchor="middle"))
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{name} {fmt(values[i])}" for name, values in series)
        for i, label in enumerate(labels)
    )
    return _svg(chart_id, title, desc, height, body)


def _grid(left: float, top: float, plot_w: float, plot_h: float, top_value: float,
          fmt: Formatter) -> list[str]:
    parts = []
    for step in (0, 0.5, 1):
        y = top + plot_h - plot_h * step
        parts.append(f'<line x1="{_number(left)}" y1="{_number(y)}" x2="{_number(left + plot_w)}" '
                     f'y2="{_number(y)}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(left - 6, y + 4, fmt(top_value * step), anchor="end", size=11,
                           fill=MUTED))
    return parts


def funnel(
    chart_id: str,
    title: str,
    stages: Sequence[tuple[str, float]],
    fmt: Formatter = local_number,
) -> Markup:
    """Stages as centred bars, each as wide as its share of the first stage."""
    row, label_w, value_w, top = 40, 190, 110, 6
    bar_area = WIDTH - label_w - value_w
    first = stages[0][1] if stages and stages[0][1] else max([v for _, v in stages] + [1])
    body = []
    for index, (label, value) in enumerate(stages):
        y = top + index * row
        width = max(bar_area * min(value / first, 1), 2 if value else 0)
        x = label_w + (bar_area - width) / 2
        share = f" ({local_number(round(100 * value / first, 1))}%)" if index and first else ""
        body.append(_text(label_w - 10, y + 24, _short(label, 26), anchor="end"))
        body.append(_rect(x, y + 6, width, row - 12, PALETTE[1], value,
                          f"{label}: {fmt(value)}{share}"))
        body.append(_text(WIDTH - value_w + 8, y + 24, f"{fmt(value)}{share}", fill=MUTED))
    height = top * 2 + max(len(stages), 1) * row
    labels = [label for label, _ in stages]
    return _svg(chart_id, title, _description(labels, [v for _, v in stages], fmt), height, body)


def weekly_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    fmt: Formatter = local_number,
) -> Markup:
    """A line per series over the weeks, with a point per week and a legend."""
    height, top, bottom, left = 260, 30, 36, 64
    plot_h, plot_w = height - top - bottom, WIDTH - left - 16
    top_value, body = _series_frame(series, left, top, plot_w, plot_h, fmt)
    count = len(labels)
    step_x = plot_w / max(count - 1, 1)

    def point(i: int, v: float) -> tuple[float, float]:
        x = left + (i * step_x if count > 1 else plot_w / 2)
        return x, top + plot_h - plot_h * v / top_value

    for s_index, (name, values) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        points = [point(i, v) for i, v in enumerate(values)]
        if len(points) > 1:
            path = " ".join(f"{_number(x)},{_number(y)}" for x, y in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                        f'stroke-width="2"/>')
        for (x, y), label, value in zip(points, labels, values, strict=True):
            body.append(
                f'<circle cx="{_number(x)}" cy="{_number(y)}" r="3" fill="{colour}" '
                f'data-value="{escape(plain(value))}"><title>{escape(label)}, {escape(name)}: '
                f"{escape(fmt(value))}</title></circle>"
            )
    every = max(1, -(-count // 8))
    for i in range(0, count, every):
        x, _ = point(i, 0)
        body.append(_text(x, height - bottom + 18, _short(labels[i], 10), anchor="middle",
                          size=11, fill=MUTED))
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{name} {fmt(values[i])}" for name, values in series)
        for i, label in enumerate(labels)
    )
    return _svg(chart_id, title, desc, height, body)
