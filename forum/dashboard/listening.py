"""The dashboard's listening figures (issue 15, item 7): matches per day, the median time from a matched post to
its thread's first staff reply, and the spike alerts opened with how long each took to acknowledge.

One statement, bounded: the period's matches (newest MAX_MATCHES, each with its first staff reply found through
(thread_id, position, is_staff_reply)) and its alerts, as one UNION ALL. Kept like the other figures until a
write or the next minute, so the page stays within its statement budget.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from forum import pagecache
from forum.dashboard.period import Period
from forum.extensions import db
from forum.models import Match, Post, SpikeAlert

MAX_MATCHES, MAX_ALERTS = 20_000, 500


@dataclass
class ListeningFigures:
    per_day: list[dict[str, Any]] = field(default_factory=list)  # {"date", "matches"} for every day of the period
    matches: int = 0
    capped: bool = False  # more matches than MAX_MATCHES: the counts are "at least"
    replied: int = 0
    median_reply_seconds: int | None = None
    alerts: list[dict[str, Any]] = field(default_factory=list)  # {"id", "name", "opened_at", "ack_seconds"}


def _statement(period: Period) -> sa.CompoundSelect:
    reply = (sa.select(sa.func.min(Post.created_at)).where(
        Post.thread_id == Match.thread_id, Post.position > 0, Post.is_staff_reply.is_(True),
        Post.created_at >= Match.posted_at).scalar_subquery())
    matches = (sa.select(sa.literal("m").label("kind"), sa.literal(0).label("id"), sa.literal("").label("name"),
                         Match.posted_at.label("at"), reply.label("then"))
               .where(Match.posted_at >= period.since, Match.posted_at < period.until)
               .order_by(Match.posted_at.desc()).limit(MAX_MATCHES + 1))
    if period.category is not None:
        matches = matches.where(Match.category_id == period.category.id)
    alerts = (sa.select(sa.literal("a").label("kind"), SpikeAlert.id, SpikeAlert.subject_name,
                        SpikeAlert.opened_at, SpikeAlert.acknowledged_at)
              .where(SpikeAlert.opened_at >= period.since, SpikeAlert.opened_at < period.until)
              .order_by(SpikeAlert.opened_at.desc()).limit(MAX_ALERTS))
    return sa.union_all(matches.subquery().select(), alerts.subquery().select())


def compute(period: Period) -> ListeningFigures:
    figures = ListeningFigures()
    per_day = dict.fromkeys(period.day_list(), 0)
    waits = []
    for kind, alert_id, name, at, then in db.session.execute(_statement(period)):
        at = _naive(at)
        then = _naive(then)
        if at is None:  # opened_at and posted_at are NOT NULL: never taken
            continue
        if kind == "a":
            figures.alerts.append({"id": alert_id, "name": name, "opened_at": at,
                                   "ack_seconds": None if then is None else int((then - at).total_seconds())})
            continue
        if figures.matches == MAX_MATCHES:
            figures.capped = True
            continue
        figures.matches += 1
        day = at.date().isoformat()
        if day in per_day:
            per_day[day] += 1
        if then is not None:
            waits.append(int((then - at).total_seconds()))
    figures.per_day = [{"date": day, "matches": n} for day, n in per_day.items()]
    figures.replied = len(waits)
    if waits:
        waits.sort()
        middle = len(waits) // 2
        figures.median_reply_seconds = waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) // 2
    figures.alerts.sort(key=lambda alert: alert["opened_at"], reverse=True)
    return figures


def _naive(moment: Any) -> datetime | None:
    """SQLite hands a UNION's datetimes back as text."""
    if moment is None or isinstance(moment, datetime):
        return moment
    return datetime.fromisoformat(str(moment))


def figures_for(period: Period, now: datetime) -> ListeningFigures:
    # a preset's first day: it follows the reader's time zone (period.py)
    custom = period.first_day.isoformat() if period.days else f"{period.since.isoformat()}/{period.until.isoformat()}"
    category = period.category.id if period.category is not None else 0
    key = f"dashboard-listening:{period.days or 0}:{custom}:{category}:{now.strftime('%Y-%m-%dT%H:%M')}"
    return pagecache.memo(key, (pagecache.QUESTIONS, pagecache.SITE), lambda: compute(period), timeout=pagecache.MINUTE)
