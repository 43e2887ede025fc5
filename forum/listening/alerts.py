"""Spike alerts: `detect-spikes` compares each watch's and tag's last hour with the same hour of the week before,
and staff acknowledge and resolve what it opened.

One run is one transaction under a lock (PostgreSQL: an advisory transaction lock; SQLite: the IMMEDIATE write
transaction every non-request connection begins with, forum/database.py), so runs from several servers at once
queue behind each other and the second sees the first's alert: one spike is one alert.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from flask import current_app
from flask_babel import format_decimal
from flask_babel.speaklater import LazyString

from forum.clock import utcnow
from forum.errors import Conflict, Invalid, NotFound
from forum.extensions import db
from forum.i18n import _, _l
from forum.links import path_for, thread_path
from forum.listening import matches
from forum.models import (AlertState, Match, Post, Role, SpikeAlert, Tag, TagFollower, Thread, User, Watch,
                          WatchFollower, thread_tags)
from forum.notifications.services import notify_all
from forum.pagination import Page, clamp, in_order, page_of_ids
from forum.policy import Policy
from forum.validation import FieldErrors

HOUR = timedelta(hours=1)
BASELINE_DAYS = 7
# A burst that was seen less than this long ago is the same burst: its alert is updated (or, resolved, left
# resolved) rather than a new one opened.
SAME_BURST = timedelta(hours=1)
CHART_HOURS = 48
MATCHING_POSTS = 50
_LOCK_KEY = 815_015  # the advisory lock's number: any constant shared by every server


@dataclass
class SpikeRun:
    """What one run did, for the command's output and the tests."""
    opened: list[SpikeAlert] = field(default_factory=list)
    updated: list[SpikeAlert] = field(default_factory=list)
    subjects: int = 0


def detect_spikes(*, now: datetime | None = None) -> SpikeRun:
    """Open or update an alert for every watch and tag whose last hour reached SPIKE_MIN_POSTS posts and
    SPIKE_FACTOR times its baseline; notify the staff who follow it, at once. Commits once."""
    now = now or utcnow()
    minimum = max(1, int(current_app.config.get("SPIKE_MIN_POSTS", 5)))  # 0 would make every post a spike
    factor = float(current_app.config.get("SPIKE_FACTOR", 3))
    _lock()
    windows = [(now - HOUR - timedelta(days=d), now - timedelta(days=d)) for d in range(BASELINE_DAYS + 1)]
    counts = [{**_watch_counts(start, end), **_tag_counts(start, end)} for start, end in windows]
    run = SpikeRun(subjects=len(counts[0]))
    spiking = {}
    for key, count in counts[0].items():
        baseline = sum(day.get(key, 0) for day in counts[1:]) / BASELINE_DAYS
        if count >= minimum and count >= factor * baseline:
            spiking[key] = (count, baseline)
    if spiking:
        _record(spiking, now, run)
    db.session.commit()
    return run


def _lock() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    else:
        db.session.execute(sa.text("SELECT 1"))  # begins the IMMEDIATE transaction: the write lock, now


def _watch_counts(start: datetime, end: datetime) -> dict[str, int]:
    """Matches per watch in [start, end): read from (posted_at, watch_id), the index alone."""
    rows = db.session.execute(sa.select(Match.watch_id, sa.func.count()).where(
        Match.posted_at >= start, Match.posted_at < end).group_by(Match.watch_id))
    return {f"watch:{watch_id}": n for watch_id, n in rows}


def _tag_counts(start: datetime, end: datetime) -> dict[str, int]:
    """Community posts (questions and answers, not staff replies, nothing hidden) per tag of their thread."""
    rows = db.session.execute(
        sa.select(thread_tags.c.tag_id, sa.func.count())
        .select_from(Post).join(Thread, Thread.id == Post.thread_id)
        .join(thread_tags, thread_tags.c.thread_id == Post.thread_id)
        .where(Post.created_at >= start, Post.created_at < end, Policy.public_posts(),
               Post.is_staff_reply.is_(False), Policy.public_threads())
        .group_by(thread_tags.c.tag_id))
    return {f"tag:{tag_id}": n for tag_id, n in rows}


def _record(spiking: dict[str, tuple[int, float]], now: datetime, run: SpikeRun) -> None:
    current: dict[str, SpikeAlert] = {}
    for found in db.session.scalars(sa.select(SpikeAlert).where(
            SpikeAlert.subject_key.in_(spiking), SpikeAlert.last_spike_at >= now - SAME_BURST)
            .order_by(SpikeAlert.last_spike_at)):
        current[found.subject_key] = found  # the latest wins
    names = _subject_names([key for key in spiking if key not in current])
    for key, (count, baseline) in sorted(spiking.items()):
        alert = current.get(key)
        if alert is not None:  # the same burst: a resolved alert stays resolved, yet the burst is followed
            alert.last_spike_at, alert.hour_count = now, count
            alert.peak_count, alert.baseline = max(alert.peak_count, count), baseline
            run.updated.append(alert)
            continue
        if key not in names:  # the watch or tag was deleted between the count and now
            continue
        kind, subject_id = key.split(":")
        alert = SpikeAlert(subject_key=key, subject_name=names[key][:80], opened_at=now, last_spike_at=now,
                           hour_count=count, peak_count=count, baseline=baseline, state=AlertState.OPEN,
                           watch_id=int(subject_id) if kind == "watch" else None,
                           tag_id=int(subject_id) if kind == "tag" else None)
        db.session.add(alert)
        run.opened.append(alert)
    db.session.flush()
    for alert in run.opened:
        _tell_followers(alert)


def _subject_names(keys: list[str]) -> dict[str, str]:
    watch_ids = [int(k.split(":")[1]) for k in keys if k.startswith("watch:")]
    tag_ids = [int(k.split(":")[1]) for k in keys if k.startswith("tag:")]
    names = {}
    if watch_ids:
        names.update({f"watch:{i}": name for i, name in db.session.execute(
            sa.select(Watch.id, Watch.name).where(Watch.id.in_(watch_ids)))})
    if tag_ids:
        names.update({f"tag:{i}": f"#{name}" for i, name in db.session.execute(
            sa.select(Tag.id, Tag.name).where(Tag.id.in_(tag_ids)))})
    return names


def _tell_followers(alert: SpikeAlert) -> None:
    if alert.watch_id is not None:
        followers = sa.select(WatchFollower.user_id).where(WatchFollower.watch_id == alert.watch_id)
    else:
        followers = sa.select(TagFollower.user_id).where(TagFollower.tag_id == alert.tag_id)
    staff = db.session.scalars(sa.select(User.id).where(User.id.in_(followers),
                                                        User.role.in_(Role.ORDER[1:]))).all()
    if alert.baseline:
        text = _l("Spike: %(count)d posts on %(subject)s in the last hour (usually %(usual)s).",
                  count=alert.hour_count, subject=alert.subject_name,
                  usual=LazyString(format_decimal, round(alert.baseline, 1), "0.0"))
    else:
        text = _l("Spike: %(count)d posts on %(subject)s in the last hour (usually none).", count=alert.hour_count,
                  subject=alert.subject_name)
    notify_all(user_ids=staff, kind="spike_alert", url=path_for("listening.alert_show", alert_id=alert.id), text=text)


# -- staff use cases ---------------------------------------------------------------------------
def list_alerts(*, actor: User, state: str | None = None, page: int = 1, per_page: int = 25) -> Page:
    """Newest first; `state` one of open, acknowledged, resolved (anything else is a 422)."""
    policy = Policy(actor)
    policy.ensure(policy.can_work_alerts(), _("Only staff see spike alerts."))
    where = []
    if state:
        if state not in AlertState.ALL:
            errors = FieldErrors()
            errors.add("state", _("Choose open, acknowledged or resolved."))
            errors.check()
        where.append(SpikeAlert.state == state)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(SpikeAlert).where(*where)) or 0
    page = clamp(page, total, per_page)
    ids = page_of_ids(sa.select(SpikeAlert.id).where(*where), [(SpikeAlert.opened_at, True), (SpikeAlert.id, True)],
                      page, total, per_page)
    rows = db.session.scalars(sa.select(SpikeAlert).where(SpikeAlert.id.in_(ids))).all() if ids else []
    return Page(items=in_order(rows, ids), page=page, per_page=per_page, total=total)


def get_alert(*, actor: User, alert_id: int) -> SpikeAlert:
    policy = Policy(actor)
    policy.ensure(policy.can_work_alerts(), _("Only staff see spike alerts."))
    alert = db.session.get(SpikeAlert, alert_id)
    if alert is None:
        raise NotFound(_("That alert does not exist."))
    return alert


def acknowledge_alert(*, actor: User, alert_id: int) -> SpikeAlert:
    """Someone is looking at it: open becomes acknowledged, with who and when (a dashboard figure, set once).
    Acknowledging an acknowledged alert changes nothing; a resolved one is a conflict."""
    alert = get_alert(actor=actor, alert_id=alert_id)
    now = utcnow()
    moved = _move(alert_id, frm=[AlertState.OPEN], state=AlertState.ACKNOWLEDGED, acknowledged_at=now,
                  acknowledged_by_id=actor.id)
    db.session.commit()
    db.session.refresh(alert)
    if not moved and alert.state == AlertState.RESOLVED:
        raise Conflict(_("That alert is already resolved."))
    return alert


def resolve_alert(*, actor: User, alert_id: int) -> SpikeAlert:
    """Done; the same burst never reopens it (detect_spikes), a later one opens a new alert. Resolving is also
    looking at it: an alert nobody acknowledged is acknowledged now."""
    get_alert(actor=actor, alert_id=alert_id)
    now = utcnow()
    moved = _move(alert_id, frm=[AlertState.OPEN, AlertState.ACKNOWLEDGED], state=AlertState.RESOLVED,
                  resolved_at=now, resolved_by_id=actor.id,
                  acknowledged_at=sa.func.coalesce(SpikeAlert.acknowledged_at, now),
                  acknowledged_by_id=sa.case((SpikeAlert.acknowledged_at.is_(None), actor.id),
                                             else_=SpikeAlert.acknowledged_by_id))
    if not moved:
        db.session.rollback()
        raise Conflict(_("That alert is already resolved."))
    db.session.commit()
    return get_alert(actor=actor, alert_id=alert_id)


def _move(alert_id: int, *, frm: list[str], **values: Any) -> bool:
    """One conditional UPDATE (… WHERE state IN frm): of two staff acting at once, the second sees the first's
    state, never a copy read before it, so a state never goes back (resolved to acknowledged) nor is left twice.
    True when this call moved it."""
    result = cast(CursorResult[Any], db.session.execute(  # an UPDATE's result has a rowcount
        sa.update(SpikeAlert).where(SpikeAlert.id == alert_id, SpikeAlert.state.in_(frm))
        .values(**values).execution_options(synchronize_session=False)))
    return result.rowcount == 1


# -- the alert page ------------------------------------------------------------------------------
@dataclass
class HourCount:
    start: datetime
    count: int


def hourly_counts(alert: SpikeAlert, *, now: datetime | None = None) -> list[HourCount]:
    """The subject's posts per hour over the last 48 hours, oldest first; the times are read (bounded by the
    window and a LIMIT) and bucketed here, which every dialect does alike."""
    end = (now or utcnow()).replace(minute=0, second=0, microsecond=0) + HOUR
    start = end - CHART_HOURS * HOUR
    if alert.watch_id is not None:
        times = sa.select(Match.posted_at).where(Match.watch_id == alert.watch_id, Match.posted_at >= start,
                                                 Match.posted_at < end)
    else:
        times = (sa.select(Post.created_at).join(thread_tags, thread_tags.c.thread_id == Post.thread_id)
                 .where(thread_tags.c.tag_id == alert.tag_id, Post.created_at >= start, Post.created_at < end,
                        Policy.public_posts(), Post.is_staff_reply.is_(False)))
    buckets: dict[int, int] = defaultdict(int)
    for moment in db.session.scalars(times.limit(100_000)):
        buckets[int((moment - start) / HOUR)] += 1
    return [HourCount(start + i * HOUR, buckets.get(i, 0)) for i in range(CHART_HOURS)]


@dataclass
class AlertPost:
    title: str
    excerpt: str
    url: str
    posted_at: datetime
    kind: str = "question"  # MatchKind
    terms: list[str] = field(default_factory=list)  # a watch's words found in it, marked in the excerpt
    thread_id: int | None = None  # a question or answer's thread: the notice form's default updates thread


def matching_posts(alert: SpikeAlert, *, viewer: User | None = None, now: datetime | None = None) -> list[AlertPost]:
    """The newest posts behind the alert (public ones only: a watch's matches a moderator has hidden since are
    left out for a viewer who may not see hidden posts), at most MATCHING_POSTS."""
    since = (now or utcnow()) - CHART_HOURS * HOUR
    if alert.watch_id is not None:
        found = list(db.session.scalars(sa.select(Match).where(Match.watch_id == alert.watch_id,
                                                               Match.posted_at >= since)
                                        .order_by(Match.posted_at.desc()).limit(MATCHING_POSTS)))
        hidden = matches.hidden_since(found, viewer) if viewer is not None else set()
        return [AlertPost(m.title, m.excerpt, matches.source_url(m), m.posted_at, m.kind, list(m.terms or []),
                          m.thread_id) for m in found if m.id not in hidden]
    rows = db.session.execute(
        sa.select(Thread.title, Post.excerpt, Post.thread_id, Post.created_at, Post.position)
        .select_from(Post).join(Thread, Thread.id == Post.thread_id)
        .join(thread_tags, thread_tags.c.thread_id == Post.thread_id)
        .where(thread_tags.c.tag_id == alert.tag_id, Post.created_at >= since, Policy.public_posts(),
               Post.is_staff_reply.is_(False), Policy.public_threads())
        .order_by(Post.created_at.desc()).limit(MATCHING_POSTS))
    return [AlertPost(title, excerpt or "", thread_path(thread_id), at, "question" if position == 0 else "answer",
                      thread_id=thread_id) for title, excerpt, thread_id, at, position in rows]


def follow_tag(*, actor: User, tag_name: str, follow: bool = True) -> Tag:
    """Be told at once when a tag spikes (or stop)."""
    policy = Policy(actor)
    policy.ensure(policy.can_work_alerts(), _("Only staff follow tags for spike alerts."))
    tag = db.session.scalar(sa.select(Tag).where(Tag.name == (tag_name or "").strip().lower()))
    if tag is None:
        raise Invalid(_("Some fields need attention."), {"tag": _("No tag has that name.")})
    exists = db.session.get(TagFollower, (tag.id, actor.id))
    if follow and exists is None:
        db.session.add(TagFollower(tag_id=tag.id, user_id=actor.id))
    elif not follow and exists is not None:
        db.session.delete(exists)
    db.session.commit()
    return tag


def followed_tags(actor: User) -> list[Tag]:
    return list(db.session.scalars(sa.select(Tag).join(TagFollower, TagFollower.tag_id == Tag.id)
                                   .where(TagFollower.user_id == actor.id).order_by(Tag.name).limit(200)))
