"""Times on pages: a <time datetime> in UTC that static/js/localtime.js rewrites in the reader's own time zone and
locale. Visitors' pages are cached whole (forum/pagecache), so neither the zone nor "3 hours ago" can be decided
on the server; the UTC text inside the element is what a reader without scripts sees."""
from __future__ import annotations

from datetime import datetime

from markupsafe import Markup, escape

# style -> the UTC text shown without scripts (and kept in the title); the script formats the same moment locally
STYLES = {
    "datetime": "%d %b %Y, %H:%M UTC",   # 06 Dec 2026, 18:51 UTC
    "date": "%d %b %Y",                  # 06 Dec 2026
    "month": "%B %Y",                    # December 2026
    "relative": "%d %b %Y, %H:%M UTC",   # "3 hours ago" in the browser, the exact time in its title
    "short": "%d %b, %H:%M UTC",         # 06 Dec, 18:51 UTC (queues and tables)
}


def isodate(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def local_time(moment: datetime | None, style: str = "datetime", label: str = "") -> Markup:
    """`<time datetime="…Z" data-local="style">UTC text</time>`; `label` ("asked") goes before the time, inside
    the element, so the script keeps it. Nothing for a missing moment."""
    if moment is None:
        return Markup("")
    text = moment.strftime(STYLES.get(style, STYLES["datetime"])).lstrip("0")
    prefix = f"{escape(label)} " if label else ""
    return Markup('<time datetime="{iso}" data-local="{style}" data-label="{label}" title="{title}">{prefix}{text}</time>').format(
        iso=isodate(moment), style=style if style in STYLES else "datetime", label=label,
        title=moment.strftime(STYLES["datetime"]).lstrip("0"), prefix=Markup(prefix), text=text)
