"""Chart geometry as plain data: where each gridline, bar, dot, line and label goes, and what it says.

templates/_macros/charts.html draws a Chart as accessible inline SVG (role="img", <title>, <desc>, axis labels,
a legend): HTML is written in templates only. No style="" attributes (the CSP forbids them): colours are SVG
presentation attributes, fonts come from dashboard.css. The page puts each chart's numbers in a table behind a
<details> toggle as well.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from flask_babel import format_date, format_decimal, format_number

from forum.i18n import _

WIDE, HALF, H = 1160, 580, 300  # viewBox widths near the drawn size, so 12-13 px text stays 12-13 px
LEFT, RIGHT, TOP, BOTTOM = 60, 20, 44, 52
PLOT_H = H - TOP - BOTTOM
INK, MUTED, GRID = "#121a2b", "#586376", "#e1e6ee"
BAR, BLUE, GREEN, PURPLE, RED = "#bcd0fb", "#1747b8", "#157f3b", "#5b21b6", "#b42318"


# -- what a chart is made of (coordinates in viewBox units, rounded to a tenth) ------------------------------
@dataclass(frozen=True)
class Line:
    kind: ClassVar[str] = "line"
    x1: float
    x2: float
    y1: float
    y2: float
    stroke: str
    width: float | None = 1  # None leaves SVG's default (1)
    dash: str = ""


@dataclass(frozen=True)
class Rect:
    kind: ClassVar[str] = "rect"
    x: float
    y: float
    width: float
    height: float
    fill: str
    tip: str = ""  # the tooltip (an SVG <title>)


@dataclass(frozen=True)
class Dot:
    kind: ClassVar[str] = "dot"
    cx: float
    cy: float
    r: float
    fill: str
    tip: str


@dataclass(frozen=True)
class Polyline:
    """Joined points, drawn as one path; separate runs of points leave a gap between them."""
    kind: ClassVar[str] = "path"
    runs: list[list[tuple[float, float]]]
    stroke: str
    dash: str = ""


@dataclass(frozen=True)
class Label:
    kind: ClassVar[str] = "text"
    x: float
    y: float
    text: str
    fill: str = MUTED
    size: int = 12
    anchor: str = ""  # text-anchor: "", "start", "middle" or "end"
    role: str = ""  # the CSS class's tail: tick, axis, legend, empty
    rotate: bool = False  # a y-axis title, read bottom to top


Mark = Line | Rect | Dot | Polyline | Label


@dataclass
class Chart:
    """One chart, drawn in order: the macro writes each mark as the SVG element of its kind."""
    id: str
    title: str
    desc: str
    width: int
    height: int = H
    marks: list[Mark] = field(default_factory=list)


def _r(value: float) -> float:
    return round(value, 1)


def day_label(name: str) -> str:
    return str(format_date(date.fromisoformat(name), "d MMM"))


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


class Plot:
    """Lays out one chart over n slots (days or hours): gridlines, axes, then the series and legend added."""

    def __init__(self, chart_id: str, title: str, desc: str, slots: Sequence[str], top: float, step: float,
                 y_label: str, y_format: Callable[[float], str] = _num, width: int = HALF, *,
                 x_label: str | None = None, every: int | None = None, axis_later: bool = False) -> None:
        """`axis_later` leaves the x axis for the caller's axis(), to draw it over the series."""
        self.top, self.w, self.count, self.x_label = top, width, len(slots), x_label or _("Day (UTC)")
        self.chart = Chart(chart_id, title, desc, width)
        marks = self.chart.marks
        for n in range(round(top / step) + 1):
            y = self.y(n * step)
            marks += [Line(LEFT, width - RIGHT, _r(y), _r(y), GRID),
                      Label(LEFT - 8, _r(y + 4), y_format(n * step), anchor="end", role="tick")]
        if y_label:
            marks.append(Label(16, round(TOP + PLOT_H / 2), y_label, anchor="middle", role="axis", rotate=True))
        every = every or max(1, math.ceil(self.count / (14 if width == WIDE else 7)))
        for i, name in enumerate(slots):
            if i % every == 0 or i == self.count - 1 and self.count <= 10:
                marks.append(Label(_r(self.x(i)), TOP + PLOT_H + 18, name, anchor="middle", role="tick"))
        if not axis_later:
            self.axis()
        self.legend_x: float = LEFT

    def axis(self) -> None:
        self.chart.marks += [Line(LEFT, self.w - RIGHT, TOP + PLOT_H, TOP + PLOT_H, MUTED),
                             Label(round(LEFT + (self.w - LEFT - RIGHT) / 2), H - 8, self.x_label, anchor="middle",
                                   role="axis")]

    @property
    def slot(self) -> float:
        return (self.w - LEFT - RIGHT) / max(1, self.count)

    def x(self, index: int) -> float:
        return LEFT + self.slot * (index + .5)

    def y(self, value: float) -> float:
        return TOP + PLOT_H - PLOT_H * min(value, self.top) / self.top

    def bars(self, values: Sequence[float | None], colour: str | Sequence[str], tips: Sequence[str],
             zero: str | None = None) -> None:
        """`zero` draws a short mark in that colour where the value is 0, so 0 differs from no data; `colour`
        may give each bar its own."""
        width = max(1.0, self.slot * .7)
        for i, value in enumerate(values):
            if value is None:
                continue
            fill = colour if isinstance(colour, str) else colour[i]
            if value == 0 and zero:
                self.chart.marks.append(Rect(_r(self.x(i) - width / 2), TOP + PLOT_H - 4, _r(width), 4, zero, tips[i]))
                continue
            y = self.y(value)
            self.chart.marks.append(Rect(_r(self.x(i) - width / 2), _r(y), _r(width), _r(TOP + PLOT_H - y), fill,
                                         tips[i]))

    def line(self, values: Sequence[float | None], colour: str, tips: Sequence[str], dashed: bool = False) -> None:
        """Gaps (None) break the line; each point is a dot with its own tooltip."""
        runs: list[list[tuple[float, float]]] = []
        pen_down = False
        for i, value in enumerate(values):
            if value is None:
                pen_down = False
                continue
            if not pen_down:
                runs.append([])
            runs[-1].append((_r(self.x(i)), _r(self.y(value))))
            pen_down = True
        if runs:
            self.chart.marks.append(Polyline(runs, colour, "6 4" if dashed else ""))
        radius = 3.5 if self.count <= 45 else 2
        self.chart.marks += [Dot(_r(self.x(i)), _r(self.y(value)), radius, colour, tips[i])
                             for i, value in enumerate(values) if value is not None]

    def rule(self, value: float, colour: str) -> None:
        """A dashed level across the plot (a baseline)."""
        self.chart.marks.append(Line(LEFT, self.w - RIGHT, _r(self.y(value)), _r(self.y(value)), colour, 2, "6 4"))

    def legend(self, label: str, colour: str, kind: str = "line", dashed: bool = False) -> None:
        x, y = self.legend_x, 18
        if kind == "bar":
            self.chart.marks.append(Rect(x, y - 9, 14, 12, colour))
        else:
            self.chart.marks.append(Line(x, x + 18, y - 3, y - 3, colour, 3, "5 3" if dashed else ""))
        self.chart.marks.append(Label(x + 24, y + 2, label, fill=INK, size=13, role="legend"))
        self.legend_x += 34 + 7.5 * len(label)

    def note(self, text: str) -> None:
        self.chart.marks.append(Label(round(LEFT + (self.w - LEFT - RIGHT) / 2), round(TOP + PLOT_H / 2), text,
                                      size=15, anchor="middle", role="empty"))


def _days(daily: list[dict[str, Any]]) -> list[str]:
    return [day_label(row["date"]) for row in daily]


def questions_chart(daily: list[dict[str, Any]]) -> Chart:
    """Bars: questions asked per day; lines: how many of them are answered and solved."""
    days = [row["date"] for row in daily]
    asked, answered, solved = ([row[key] for row in daily] for key in ("asked", "answered", "solved"))
    top, step = _nice_max(max(asked, default=0))
    total = sum(asked)
    busiest = max(daily, key=lambda row: row["asked"], default=None)
    desc = _("%(total)s questions asked from %(first)s to %(last)s; %(answered)s answered and %(solved)s solved so "
             "far.", total=format_number(total), first=day_label(days[0]), last=day_label(days[-1]),
             answered=format_number(sum(answered)), solved=format_number(sum(solved)))
    if total and busiest is not None:
        desc += " " + _("Busiest day: %(day)s with %(count)d.", day=day_label(busiest["date"]), count=busiest["asked"])
    plot = Plot("chart-questions", _("Questions per day, with how many were answered and solved"), desc,
                 _days(daily), top, step, _("Questions"), width=WIDE)
    plot.bars(asked, BAR, [_("%(day)s: %(count)d asked", day=day_label(d), count=n) for d, n in zip(days, asked)])
    plot.line(answered, BLUE, [_("%(day)s: %(count)d answered", day=day_label(d), count=n)
                               for d, n in zip(days, answered)])
    plot.line(solved, GREEN, [_("%(day)s: %(count)d solved", day=day_label(d), count=n)
                              for d, n in zip(days, solved)])
    plot.legend(_("Asked"), BAR, "bar")
    plot.legend(_("Answered"), BLUE)
    plot.legend(_("Solved"), GREEN)
    if not total:
        plot.note(_("No questions were asked in this period."))
    return plot.chart


def _hours(seconds: int | None) -> float | None:
    return None if seconds is None else seconds / 3600


def duration(seconds: float | None) -> str:
    """"42 min", "3.5 h", "2.1 days": short enough for an axis or a tile."""
    if seconds is None:
        return "–"
    if seconds < 3600:
        return _("%(minutes)d min", minutes=max(0, round(seconds / 60)))
    if seconds < 172_800:
        return _("%(hours)s h", hours=format_decimal(seconds / 3600, "0.0"))
    return _("%(days)s days", days=format_decimal(seconds / 86400, "0.0"))


def first_answer_chart(daily: list[dict[str, Any]]) -> Chart:
    """Median and 90th-percentile time to first answer of each day's questions, in hours."""
    days = [row["date"] for row in daily]
    median = [_hours(row["first_answer_median_seconds"]) for row in daily]
    p90 = [_hours(row["first_answer_p90_seconds"]) for row in daily]
    known = [value for value in median + p90 if value is not None]
    top, step = _nice_max(max(known, default=0))
    desc = (_("Median time to first answer per day from %(first)s to %(last)s: between %(low)s and %(high)s.",
                first=day_label(days[0]), last=day_label(days[-1]),
                low=duration(min(v for v in median if v is not None) * 3600),
                high=duration(max(v for v in median if v is not None) * 3600)) if known
            else _("No question asked in this period has an answer yet."))
    plot = Plot("chart-first-answer", _("Time to first answer, by the day the question was asked"), desc,
                 _days(daily), top, step, _("Hours"))
    plot.line(p90, PURPLE, [_("%(day)s: 90%% answered within %(time)s", day=day_label(d),
                              time=duration(None if v is None else v * 3600)) for d, v in zip(days, p90)], dashed=True)
    plot.line(median, BLUE, [_("%(day)s: median %(time)s", day=day_label(d),
                               time=duration(None if v is None else v * 3600)) for d, v in zip(days, median)])
    plot.legend(_("Median"), BLUE)
    plot.legend(_("90th percentile"), PURPLE, dashed=True)
    if not known:
        plot.note(_("No answered questions in this period yet."))
    return plot.chart


def sla_chart(daily: list[dict[str, Any]]) -> Chart:
    """Share of each day's escalations answered within their SLA (days with none due are left empty)."""
    days = [row["date"] for row in daily]
    shares = [None if row["sla_share"] is None else row["sla_share"] * 100 for row in daily]
    decided = sum(row["escalations_decided"] for row in daily)
    met = sum(row["escalations_met"] for row in daily)
    desc = (_("%(met)d of %(decided)d escalations opened from %(first)s to %(last)s were answered within their SLA "
                "(%(share)s).", met=met, decided=decided, first=day_label(days[0]), last=day_label(days[-1]),
                share=f"{met / decided:.0%}") if decided
            else _("No escalation opened in this period has reached its due time yet."))
    plot = Plot("chart-sla", _("Escalations answered within SLA, by the day they were opened"), desc, _days(daily),
                 100.0, 25.0, _("Within SLA"), lambda v: f"{v:.0f}%")
    plot.bars(shares, GREEN, [_("%(day)s: %(met)d of %(decided)d within SLA", day=day_label(d),
                                met=row["escalations_met"], decided=row["escalations_decided"])
                              for d, row in zip(days, daily)], zero=RED)
    plot.legend(_("Share within SLA"), GREEN, "bar")
    if any(share == 0 for share in shares):
        plot.legend(_("None within SLA"), RED, "bar")
    if not decided:
        plot.note(_("No escalations were due in this period."))
    return plot.chart
