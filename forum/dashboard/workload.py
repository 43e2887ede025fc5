"""The dashboard's staff-side figures in SQL: escalations against their SLA, moderation, the idea board."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from forum.dashboard.period import Period
from forum.dashboard.sql import day_of, percentiles, seconds_between
from forum.extensions import db
from forum.links import idea_path
from forum.models import (AuditEntry, Category, Escalation, EscalationStatus, Flag, Idea, IdeaStatus, IdeaStatusChange,
                          IdeaVote, Post, Thread)
from forum.policy import Policy

HIDE_ACTIONS = ("post.hide", "post.auto_hide")
TOP_IDEAS = 10


def _in(column: Any, period: Period) -> sa.ColumnElement:
    return sa.and_(column >= period.since, column < period.until)


def _whole(value: Any) -> int | None:
    return None if value is None else round(float(value))


def _share(part: int | None, whole: int | None) -> float | None:
    return None if not whole else round((part or 0) / whole, 4)


def _median(values: sa.Select) -> int | None:
    return _whole(db.session.execute(percentiles(values.subquery(), (0.5,))).scalar())


def _thread_in_category(thread_id: Any, period: Period) -> list[sa.ColumnElement]:
    """A correlated EXISTS: the rows of a period are few, the threads of a category many."""
    if period.category is None:
        return []
    return [sa.exists().where(Thread.id == thread_id, Thread.category_id == period.category.id)]


def _escalation_in_category(period: Period) -> list[sa.ColumnElement]:
    """An escalation is about a question or, for personal details sent privately, an idea: either can match."""
    if period.category is None:
        return []
    return [sa.or_(*_thread_in_category(Escalation.thread_id, period),
                   sa.exists().where(Idea.id == Escalation.idea_id, Idea.category_id == period.category.id))]


def _post_in_category(post_id: Any, period: Period) -> list[sa.ColumnElement]:
    if period.category is None:
        return []
    return [sa.exists().where(Post.id == post_id, Thread.id == Post.thread_id,
                              Thread.category_id == period.category.id)]


# -- escalations -----------------------------------------------------------------------------------

def _sla(now: datetime) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """(met, decided): met when the first staff reply (or the resolution) came by due_at; decided once met
    or once due_at has passed. One rule with forum.escalations.queries.is_breached."""
    answered_at = sa.func.coalesce(Escalation.first_staff_reply_at, Escalation.resolved_at)
    met = sa.and_(answered_at.is_not(None), answered_at <= Escalation.due_at)
    return met, sa.or_(met, Escalation.due_at <= now)


def escalation_figures(period: Period, now: datetime) -> dict[str, Any]:
    opened_where = [_in(Escalation.created_at, period), *_escalation_in_category(period)]
    met, decided = _sla(now)
    opened, met_n, decided_n = db.session.execute(sa.select(
        sa.func.count(), sa.func.sum(sa.case((met, 1), else_=0)), sa.func.sum(sa.case((decided, 1), else_=0))
    ).where(*opened_where)).one()
    resolved = db.session.scalar(sa.select(sa.func.count()).select_from(Escalation).where(
        _in(Escalation.resolved_at, period), *_escalation_in_category(period)))
    reply = _median(sa.select(seconds_between(Escalation.created_at, Escalation.first_staff_reply_at).label("v"))
                    .where(*opened_where, Escalation.first_staff_reply_at.is_not(None)))
    return {"escalations_opened": opened, "escalations_resolved": resolved,
            "escalation_first_reply_median_seconds": reply,
            "escalations_within_sla_share": _share(met_n, decided_n),
            "_sla": {"met": met_n or 0, "decided": decided_n or 0}}


def breached_now(period: Period, now: datetime) -> int:
    """Waiting for staff past their due time right now: the same count as the escalation queue's."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Escalation).where(
        Escalation.status.in_((EscalationStatus.OPEN, EscalationStatus.ASSIGNED)),
        Escalation.first_staff_reply_at.is_(None), Escalation.due_at < now,
        *_escalation_in_category(period))) or 0


def daily_sla(period: Period, now: datetime) -> dict[str, dict[str, Any]]:
    """Per day opened: escalations decided, met within SLA, and the share."""
    day = day_of(Escalation.created_at).label("day")
    met, decided = _sla(now)
    rows = db.session.execute(sa.select(day, sa.func.count().label("opened"),
                                        sa.func.sum(sa.case((met, 1), else_=0)).label("met"),
                                        sa.func.sum(sa.case((decided, 1), else_=0)).label("decided"))
                              .where(_in(Escalation.created_at, period),
                                     *_escalation_in_category(period)).group_by(day))
    return {str(row.day): {"escalations_opened": row.opened, "escalations_met": row.met or 0,
                           "escalations_decided": row.decided or 0,
                           "sla_share": _share(row.met, row.decided)} for row in rows}


# -- moderation ------------------------------------------------------------------------------------

def moderation_figures(period: Period) -> dict[str, Any]:
    raised_where = [_in(Flag.created_at, period), *_post_in_category(Flag.post_id, period)]
    raised = db.session.scalar(sa.select(sa.func.count()).select_from(Flag).where(*raised_where))
    handling = _median(sa.select(seconds_between(Flag.created_at, Flag.handled_at).label("v"))
                       .where(*raised_where, Flag.handled_at.is_not(None)))
    hidden = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        _in(AuditEntry.created_at, period), AuditEntry.action.in_(HIDE_ACTIONS),
        *_post_in_category(AuditEntry.target_id, period)))
    return {"flags_raised": raised, "flag_handling_median_seconds": handling, "posts_hidden": hidden}


# -- ideas -----------------------------------------------------------------------------------------

def _ideas(period: Period) -> list[sa.ColumnElement]:
    where = [Policy.public_ideas()]
    if period.category is not None:
        where.append(Idea.category_id == period.category.id)
    return where


def idea_figures(period: Period) -> dict[str, Any]:
    submitted = db.session.scalar(sa.select(sa.func.count()).select_from(Idea)
                                  .where(_in(Idea.created_at, period), *_ideas(period)))
    votes = db.session.scalar(sa.select(sa.func.count()).select_from(IdeaVote).join(Idea, Idea.id == IdeaVote.idea_id)
                              .where(_in(IdeaVote.created_at, period), *_ideas(period)))
    changes = db.session.scalar(sa.select(sa.func.count()).select_from(IdeaStatusChange)
                                .join(Idea, Idea.id == IdeaStatusChange.idea_id)
                                .where(_in(IdeaStatusChange.created_at, period), *_ideas(period)))
    return {"ideas_submitted": submitted, "idea_votes_cast": votes, "idea_status_changes": changes}


def top_ideas(period: Period) -> list[dict[str, Any]]:
    """The ten ideas that gained the most votes in the period (still standing), ties by total votes."""
    gained = sa.func.count(IdeaVote.id).label("gained")
    rows = db.session.execute(
        sa.select(Idea.id, Idea.title, Idea.status, Idea.vote_count, Category.slug, gained)
        .join(IdeaVote, IdeaVote.idea_id == Idea.id).join(Category, Category.id == Idea.category_id)
        .where(_in(IdeaVote.created_at, period), *_ideas(period))
        .group_by(Idea.id, Idea.title, Idea.status, Idea.vote_count, Category.slug)
        .order_by(gained.desc(), Idea.vote_count.desc(), Idea.id).limit(TOP_IDEAS)).all()
    return [{"id": row.id, "title": row.title, "status": row.status,
             "status_label": IdeaStatus.LABELS.get(row.status, row.status), "category": row.slug,
             "votes_gained": row.gained, "votes_total": row.vote_count, "url": idea_path(row.id)} for row in rows]
