"""The alert page's chart: posts per hour over 48 hours as accessible inline SVG (the dashboard's look, hour
labels instead of days); the page shows the same numbers in a table."""
from __future__ import annotations

from markupsafe import Markup, escape

from forum.dashboard.charts import BAR, BOTTOM, GRID, H, INK, LEFT, MUTED, PLOT_H, RED, RIGHT, TOP, WIDE, _nice_max


def hourly_chart(hours: list, baseline: float) -> Markup:
    """Bars per hour (the last one, where the spike is counted, in red) and the baseline as a dashed line."""
    counts = [hour.count for hour in hours]
    top, step = _nice_max(max([*counts, baseline, 1]))
    plot_w = WIDE - LEFT - RIGHT
    slot = plot_w / max(1, len(hours))
    first, last = hours[0].start, hours[-1].start
    desc = (f"{sum(counts)} posts from {first:%d %b %H:00} to {last:%d %b %H:00} UTC; the busiest hour had "
            f"{max(counts, default=0)}; the baseline is {baseline:.1f} an hour.")

    def y(value: float) -> float:
        return TOP + PLOT_H - PLOT_H * min(value, top) / top

    parts = [f'<svg class="chart__svg" viewBox="0 0 {WIDE} {H}" role="img" aria-labelledby="chart-alert-title '
             f'chart-alert-desc" xmlns="http://www.w3.org/2000/svg"><title id="chart-alert-title">Posts per hour, '
             f'last 48 hours</title><desc id="chart-alert-desc">{escape(desc)}</desc>']
    for n in range(int(round(top / step)) + 1):
        ty = y(n * step)
        parts.append(f'<line x1="{LEFT}" x2="{WIDE - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{GRID}"/>'
                     f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end" fill="{MUTED}" font-size="12">'
                     f'{n * step:g}</text>')
    for i, hour in enumerate(hours):
        x = LEFT + slot * i
        colour = RED if i == len(hours) - 1 else BAR
        if hour.count:
            parts.append(f'<rect x="{x + slot * .15:.1f}" y="{y(hour.count):.1f}" width="{slot * .7:.1f}" '
                         f'height="{TOP + PLOT_H - y(hour.count):.1f}" fill="{colour}"><title>'
                         f'{hour.start:%d %b %H:00}: {hour.count} posts</title></rect>')
        if i % 6 == 0:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{TOP + PLOT_H + 18}" text-anchor="middle" fill="{MUTED}" '
                         f'font-size="12">{hour.start:%d %b %H:00}</text>')
    by = y(baseline)
    parts.append(f'<line x1="{LEFT}" x2="{WIDE - RIGHT}" y1="{by:.1f}" y2="{by:.1f}" stroke="{INK}" stroke-width="2" '
                 f'stroke-dasharray="6 4"/><line x1="{LEFT}" x2="{WIDE - RIGHT}" y1="{TOP + PLOT_H}" '
                 f'y2="{TOP + PLOT_H}" stroke="{MUTED}"/><text x="{LEFT + plot_w / 2:.0f}" y="{H - BOTTOM + 44}" '
                 f'text-anchor="middle" fill="{MUTED}" font-size="12">Hour (UTC)</text>'
                 f'<rect x="{LEFT}" y="9" width="14" height="12" fill="{BAR}"/><text x="{LEFT + 20}" y="20" '
                 f'fill="{INK}" font-size="13">Posts per hour</text><line x1="{LEFT + 150}" x2="{LEFT + 168}" y1="15" '
                 f'y2="15" stroke="{INK}" stroke-width="2" stroke-dasharray="5 3"/><text x="{LEFT + 174}" y="20" '
                 f'fill="{INK}" font-size="13">Baseline (same hour, last 7 days)</text></svg>')
    return Markup("".join(parts))
