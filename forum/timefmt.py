"""Times on pages and in mail: a <time datetime> in UTC whose text is written in the page's language and the
reader's time zone (a member's chosen zone; UTC for visitors), which static/js/localtime.js then rewrites in the
browser's locale and zone (or the member's chosen zone). Visitors' pages are cached whole (forum/pagecache), so
for them neither the zone nor "3 hours ago" can be decided on the server; the text inside the element is what a
reader without scripts sees."""
from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from babel import dates as babel_dates
from flask import has_app_context
from flask_babel import get_locale, get_timezone
from markupsafe import Markup, escape

from forum.i18n import _, ngettext

# style -> the CLDR pattern of the text shown without scripts (month names in the page's language); "zone" styles
# end with the zone's abbreviation (UTC, CET, CEST), since the reader must know which clock it is
STYLES = {
    "datetime": ("d MMM y, HH:mm", True),   # 6 Dec 2026, 18:51 UTC · 6 dec 2026, 19:51 CET
    "date": ("d MMM y", False),             # 6 Dec 2026
    "month": ("LLLL y", False),             # December 2026 · december 2026
    "relative": ("d MMM y, HH:mm", True),   # "3 hours ago" in the browser, the exact time in its title
    "short": ("d MMM, HH:mm", True),        # 6 Dec, 18:51 UTC (queues and tables)
}


def isodate(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@functools.cache
def _pattern(pattern: str) -> babel_dates.DateTimePattern:
    return babel_dates.parse_pattern(pattern)


def format_moment(moment: datetime, style: str = "datetime") -> str:
    """A naive UTC moment as the reader reads it: their language, their zone (Flask-Babel's selectors, or
    forum.i18n.as_member inside mail)."""
    if not has_app_context():  # a script or a unit test: English, UTC
        pattern, with_zone = STYLES.get(style, STYLES["datetime"])
        text = babel_dates.format_datetime(moment, pattern, locale="en")
        return f"{text} UTC" if with_zone else text
    zone = get_timezone()
    return _formatted(_aware(moment).astimezone(zone), style, get_locale(), zone)


def _formatted(local: datetime, style: str, locale: Any, zone: Any) -> str:
    """The pattern applied directly, as babel's format_datetime does once it has the locale and zone: a queue
    of 25 rows formats 50-90 times, and Flask-Babel's wrapper looked both up again each time (15 us, now 5)."""
    pattern, with_zone = STYLES.get(style, STYLES["datetime"])
    text = _pattern(pattern).apply(local, locale)
    return f"{text} {local.tzname() or zone}" if with_zone else text


def local_time(moment: datetime | None, style: str = "datetime", label: str = "") -> Markup:
    """`<time datetime="…Z" data-local="style">text</time>`; `label` ("asked") goes before the time, inside
    the element, so the script keeps it. Nothing for a missing moment. Built from escaped parts rather than
    Markup.format, which escapes through string.Formatter at several times the cost."""
    if moment is None:
        return Markup("")
    style = style if style in STYLES else "datetime"
    if has_app_context():
        zone, locale = get_timezone(), get_locale()
        local = _aware(moment).astimezone(zone)
        title, text = _formatted(local, "datetime", locale, zone), _formatted(local, style, locale, zone)
    else:
        title, text = format_moment(moment, "datetime"), format_moment(moment, style)
    label = escape(label)
    prefix = f"{label} " if label else ""
    return Markup(f'<time datetime="{isodate(moment)}" data-local="{style}" data-label="{label}" '
                  f'title="{escape(title)}">{prefix}{escape(text)}</time>')


def duration(delta: timedelta) -> str:
    """"45 min", "5 h 10 min", "2 days 3 h": precise enough for an SLA, short enough for a queue row."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days and hours:
        return ngettext("%(num)d day %(hours)d h", "%(num)d days %(hours)d h", days, hours=hours)
    if days:
        return ngettext("%(num)d day", "%(num)d days", days)
    if hours:
        return _("%(hours)d h %(mins)d min", hours=hours, mins=mins) if mins else _("%(hours)d h", hours=hours)
    return _("%(mins)d min", mins=mins)
