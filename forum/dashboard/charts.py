"""Server-rendered charts: accessible inline SVG (role="img", <title>, <desc>, axis labels, a legend).

No style="" attributes (the CSP forbids them): colours are SVG presentation attributes, fonts come from
dashboard.css. The page puts each chart's numbers in a table behind a <details> toggle as well.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from markupsafe import Markup, escape

WIDE, HALF, H = 1160, 580, 300  # viewBox widths near the drawn size, so 12-13 px text stays 12-13 px
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 44, 52
PLOT_H = H - TOP - BOTTOM
INK, MUTED, GRID = "#121a2b", "#586376", "#e1e6ee"
BAR, BLUE, GREEN, PURPLE, RED = "#bcd0fb", "#1747b8", "#157f3b", "#5b21b6", "#b42318"


def day_label(name: str) -> str:
    day = date.fromisoformat(name)
    return f"{day.day} {day:%b}"


def _nice_max(value: float) -> tuple[float, float]:
    """An axis top and tick step of 1, 2 or 5 times a power of ten, with four or five ticks."""
    if value <= 0:
        return 4.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(value / step), step


def _num(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


class _Chart:
    """Collects SVG elements for one chart over n day slots."""

    def __init__(self, chart_id: str, title: str, desc: str, days: Sequence[str], top: float, step: float,
                 y_label: str, y_format: Any = _num, width: int = HALF) -> None:
        self.id, self.days, self.top, self.w = chart_id, list(days), top, width
        W, PLOT_W = width, width - LEFT - RIGHT  # noqa: N806
        self.parts: list[str] = [
            f'<svg class="chart__svg" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{chart_id}-title '
            f'{chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>']
        ticks = int(round(top / step))
        for n in range(ticks + 1):
            y = self.y(n * step)
            self.parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" '
                              f'stroke-width="1"/><text class="chart__tick" x="{LEFT - 8}" y="{y + 4:.1f}" '
                              f'text-anchor="end" fill="{MUTED}" font-size="12">{escape(y_format(n * step))}</text>')
        self.parts.append(f'<text class="chart__axis" transform="translate(16 {TOP + PLOT_H / 2:.0f}) rotate(-90)" '
                          f'text-anchor="middle" fill="{MUTED}" font-size="12">{escape(y_label)}</text>')
        every = max(1, math.ceil(len(self.days) / (14 if width == WIDE else 7)))
        for i, name in enumerate(self.days):
            if i % every == 0 or i == len(self.days) - 1 and len(self.days) <= 10:
                self.parts.append(f'<text class="chart__tick" x="{self.x(i):.1f}" y="{TOP + PLOT_H + 18}" '
                                  f'text-anchor="middle" fill="{MUTED}" font-size="12">{day_label(name)}</text>')
        self.parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{TOP + PLOT_H}" y2="{TOP + PLOT_H}" '
                          f'stroke="{MUTED}" stroke-width="1"/>'
                          f'<text class="chart__axis" x="{LEFT + PLOT_W / 2:.0f}" y="{H - 8}" text-anchor="middle" '
                          f'fill="{MUTED}" font-size="12">Day (UTC)</text>')
        self.legend_x = LEFT

    @property
    def slot(self) -> float:
        return (self.w - LEFT - RIGHT) / max(1, len(self.days))

    def x(self, index: int) -> float:
        return LEFT + self.slot * (index + .5)

    def y(self, value: float) -> float:
        return TOP + PLOT_H - PLOT_H * min(value, self.top) / self.top

    def bars(self, values: Sequence[float | None], colour: str, tips: Sequence[str], zero: str | None = None) -> None:
        """`zero` draws a short mark in that colour where the value is 0, so 0 differs from no data."""
        width = max(1.0, self.slot * .7)
        for i, value in enumerate(values):
            if value is None:
                continue
            if value == 0 and zero:
                self.parts.append(f'<rect x="{self.x(i) - width / 2:.1f}" y="{TOP + PLOT_H - 4}" width="{width:.1f}" '
                                  f'height="4" fill="{zero}"><title>{escape(tips[i])}</title></rect>')
                continue
            y = self.y(value)
            self.parts.append(f'<rect x="{self.x(i) - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" '
                              f'height="{TOP + PLOT_H - y:.1f}" fill="{colour}"><title>{escape(tips[i])}</title></rect>')

    def line(self, values: Sequence[float | None], colour: str, tips: Sequence[str], dashed: bool = False) -> None:
        """Gaps (None) break the line; each point is a dot with its own tooltip."""
        path, pen_down = [], False
        for i, value in enumerate(values):
            if value is None:
                pen_down = False
                continue
            path.append(f'{"L" if pen_down else "M"}{self.x(i):.1f} {self.y(value):.1f}')
            pen_down = True
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        if path:
            self.parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2.5" '
                              f'stroke-linejoin="round" stroke-linecap="round"{dash}/>')
        radius = 3.5 if len(self.days) <= 45 else 2
        for i, value in enumerate(values):
            if value is not None:
                self.parts.append(f'<circle cx="{self.x(i):.1f}" cy="{self.y(value):.1f}" r="{radius}" '
                                  f'fill="{colour}"><title>{escape(tips[i])}</title></circle>')

    def legend(self, label: str, colour: str, kind: str = "line", dashed: bool = False) -> None:
        x, y = self.legend_x, 18
        if kind == "bar":
            self.parts.append(f'<rect x="{x}" y="{y - 9}" width="14" height="12" fill="{colour}"/>')
        else:
            dash = ' stroke-dasharray="5 3"' if dashed else ""
            self.parts.append(f'<line x1="{x}" x2="{x + 18}" y1="{y - 3}" y2="{y - 3}" stroke="{colour}" '
                              f'stroke-width="3"{dash}/>')
        self.parts.append(f'<text class="chart__legend" x="{x + 24}" y="{y + 2}" fill="{INK}" '
                          f'font-size="13">{escape(label)}</text>')
        self.legend_x += 34 + 7.5 * len(label)

    def note(self, text: str) -> None:
        self.parts.append(f'<text class="chart__empty" x="{LEFT + (self.w - LEFT - RIGHT) / 2:.0f}" y="{TOP + PLOT_H / 2:.0f}" '
                          f'text-anchor="middle" fill="{MUTED}" font-size="15">{escape(text)}</text>')

    def render(self) -> Markup:
        return Markup("".join(self.parts) + "</svg>")


def questions_chart(daily: list[dict[str, Any]]) -> Markup:
    """Bars: questions asked per day; lines: how many of them are answered and solved."""
    days = [row["date"] for row in daily]
    asked, answered, solved = ([row[key] for row in daily] for key in ("asked", "answered", "solved"))
    top, step = _nice_max(max(asked, default=0))
    total = sum(asked)
    busiest = max(daily, key=lambda row: row["asked"], default=None)
    desc = (f"{total:,} questions asked from {day_label(days[0])} to {day_label(days[-1])}; "
            f"{sum(answered):,} answered and {sum(solved):,} solved so far."
            + (f" Busiest day: {day_label(busiest['date'])} with {busiest['asked']}." if total else ""))
    chart = _Chart("chart-questions", "Questions per day, with how many were answered and solved", desc, days,
                   top, step, "Questions", width=WIDE)
    chart.bars(asked, BAR, [f"{day_label(d)}: {n} asked" for d, n in zip(days, asked)])
    chart.line(answered, BLUE, [f"{day_label(d)}: {n} answered" for d, n in zip(days, answered)])
    chart.line(solved, GREEN, [f"{day_label(d)}: {n} solved" for d, n in zip(days, solved)])
    chart.legend("Asked", BAR, "bar")
    chart.legend("Answered", BLUE)
    chart.legend("Solved", GREEN)
    if not total:
        chart.note("No questions were asked in this period.")
    return chart.render()


def _hours(seconds: int | None) -> float | None:
    return None if seconds is None else seconds / 3600


def duration(seconds: int | float | None) -> str:
    """"42 min", "3.5 h", "2.1 days": short enough for an axis or a tile."""
    if seconds is None:
        return "–"
    if seconds < 3600:
        return f"{max(0, round(seconds / 60))} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def first_answer_chart(daily: list[dict[str, Any]]) -> Markup:
    """Median and 90th-percentile time to first answer of each day's questions, in hours."""
    days = [row["date"] for row in daily]
    median = [_hours(row["first_answer_median_seconds"]) for row in daily]
    p90 = [_hours(row["first_answer_p90_seconds"]) for row in daily]
    known = [value for value in median + p90 if value is not None]
    top, step = _nice_max(max(known, default=0))
    desc = (f"Median time to first answer per day from {day_label(days[0])} to {day_label(days[-1])}: "
            f"between {duration(min(v for v in median if v is not None) * 3600)} and "
            f"{duration(max(v for v in median if v is not None) * 3600)}." if known
            else "No question asked in this period has an answer yet.")
    chart = _Chart("chart-first-answer", "Time to first answer, by the day the question was asked", desc, days,
                   top, step, "Hours")
    chart.line(p90, PURPLE, [f"{day_label(d)}: 90% answered within {duration(None if v is None else v * 3600)}"
                             for d, v in zip(days, p90)], dashed=True)
    chart.line(median, BLUE, [f"{day_label(d)}: median {duration(None if v is None else v * 3600)}"
                              for d, v in zip(days, median)])
    chart.legend("Median", BLUE)
    chart.legend("90th percentile", PURPLE, dashed=True)
    if not known:
        chart.note("No answered questions in this period yet.")
    return chart.render()


def sla_chart(daily: list[dict[str, Any]]) -> Markup:
    """Share of each day's escalations answered within their SLA (days with none due are left empty)."""
    days = [row["date"] for row in daily]
    shares = [None if row["sla_share"] is None else row["sla_share"] * 100 for row in daily]
    decided = sum(row["escalations_decided"] for row in daily)
    met = sum(row["escalations_met"] for row in daily)
    desc = (f"{met} of {decided} escalations opened from {day_label(days[0])} to {day_label(days[-1])} were "
            f"answered within their SLA ({met / decided:.0%})." if decided
            else "No escalation opened in this period has reached its due time yet.")
    chart = _Chart("chart-sla", "Escalations answered within SLA, by the day they were opened", desc, days,
                   100.0, 25.0, "Within SLA", lambda v: f"{v:.0f}%")
    chart.bars(shares, GREEN, [f"{day_label(d)}: {row['escalations_met']} of {row['escalations_decided']} within "
                               f"SLA" for d, row in zip(days, daily)], zero=RED)
    chart.legend("Share within SLA", GREEN, "bar")
    if any(share == 0 for share in shares):
        chart.legend("None within SLA", RED, "bar")
    if not decided:
        chart.note("No escalations were due in this period.")
    return chart.render()
