"""The alert page's chart as plain data: posts per hour over 48 hours, the dashboard's look with hour labels
instead of days (templates/_macros/charts.html draws it); the page shows the same numbers in a table."""
from __future__ import annotations

from forum.dashboard.charts import BAR, INK, LEFT, RED, WIDE, Chart, Label, Line, Plot, Rect, _nice_max
from forum.i18n import _


def hourly_chart(hours: list, baseline: float) -> Chart:
    """Bars per hour (the last one, where the spike is counted, in red) and the baseline as a dashed line."""
    counts = [hour.count for hour in hours]
    top, step = _nice_max(max([*counts, baseline, 1]))
    first, last = hours[0].start, hours[-1].start
    desc = _("%(posts)s posts from %(first)s to %(last)s UTC; the busiest hour had %(busiest)s; the baseline is "
             "%(baseline).1f an hour.", posts=sum(counts), first=f"{first:%d %b %H:00}", last=f"{last:%d %b %H:00}",
             busiest=max(counts, default=0), baseline=baseline)
    labels = [f"{hour.start:%d %b %H:00}" for hour in hours]
    plot = Plot("chart-alert", _("Posts per hour, last 48 hours"), desc, labels, top, step, "", lambda v: f"{v:g}",
                WIDE, x_label=_("Hour (UTC)"), every=6, axis_later=True)
    plot.bars([count or None for count in counts], [BAR] * (len(hours) - 1) + [RED],
              [_("%(hour)s: %(count)s posts", hour=label, count=count) for label, count in zip(labels, counts)])
    plot.rule(baseline, INK)
    plot.axis()  # over the bars' feet and a zero baseline, as this chart has always been drawn
    # the legend spaced by hand: the baseline's label is long, and the dashboard's spacing is for short ones
    plot.chart.marks += [Rect(LEFT, 9, 14, 12, BAR), Label(LEFT + 20, 20, _("Posts per hour"), fill=INK, size=13),
                         Line(LEFT + 150, LEFT + 168, 15, 15, INK, 2, "5 3"),
                         Label(LEFT + 174, 20, _("Baseline (same hour, last 7 days)"), fill=INK, size=13)]
    return plot.chart
