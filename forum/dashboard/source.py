"""The one statement that reads what some time ranges contribute to the dashboard from the source tables: a
UNION ALL of one branch per figure family, every branch the same shape (kind, a text tag such as the day,
category, four numbers, a time), so any number of days costs one round trip. rollups.fold() reads the rows.

Each branch is bounded by its table's created_at (or resolved_at) index over the ranges; counts are grouped
in SQL, durations come back one per row (they become the day's samples).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from forum.dashboard.sql import day_of, seconds_between
from forum.extensions import db
from forum.models import (AuditEntry, Escalation, EscalationStatus, Flag, Idea, IdeaStatusChange, IdeaVote, Post,
                          Thread, ThreadStatus)
from forum.policy import Policy

HIDE_ACTIONS = ("post.hide", "post.auto_hide")
NO_CATEGORY = 0
# inline, so PostgreSQL sees GROUP BY and SELECT as one expression
_NONE: sa.ColumnClause[Any] = sa.literal_column(str(NO_CATEGORY))
Range = tuple[datetime, datetime]


def merge(ranges: Iterable[Range]) -> list[Range]:
    """Sorted, with touching or overlapping ranges joined (fewer ORs for the planner)."""
    result: list[Range] = []
    for start, end in sorted(r for r in ranges if r[0] < r[1]):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        else:
            result.append((start, end))
    return result


def within(column: Any, ranges: Sequence[Range]) -> sa.ColumnElement:
    return sa.or_(sa.false(), *[sa.and_(column >= start, column < end) for start, end in ranges])


def _cols(kind: str, tag: Any = None, cat: Any = None, x: Any = None, y: Any = None, z: Any = None,
          w: Any = None, t: Any = None) -> list[sa.ColumnElement]:
    """The common shape of every branch of the UNION: kind, a text tag (the day), category, four numbers, a time."""
    def typed(value: Any, type_: Any) -> sa.ColumnElement:
        if value is None:
            return sa.cast(sa.null(), type_)
        # SQLite's CAST(... AS DATETIME) would turn the stored text into a number: only label the type
        return sa.type_coerce(value, type_) if type_ is sa.DateTime else sa.cast(value, type_)
    return [sa.literal(kind, sa.String).label("kind"), typed(tag, sa.String).label("tag"),
            typed(cat, sa.BigInteger).label("cat"), typed(x, sa.BigInteger).label("x"),
            typed(y, sa.BigInteger).label("y"), typed(z, sa.BigInteger).label("z"),
            typed(w, sa.BigInteger).label("w"), typed(t, sa.DateTime).label("at")]


def _flag(value: Any) -> sa.ColumnElement:
    return sa.case((value.is_(True), 1), (value.is_(False), 0))


def _question_branches(ranges: Sequence[Range]) -> list[sa.Select]:
    asked = [within(Thread.created_at, ranges), Policy.public_threads()]
    day = day_of(Thread.created_at)
    first_by_staff = (sa.select(Post.is_staff_reply).where(Post.thread_id == Thread.id, Post.position > 0)
                      .order_by(Post.position).limit(1).correlate(Thread).scalar_subquery())
    return [
        sa.select(*_cols("q", day, Thread.category_id, sa.func.count(), sa.func.count(Thread.first_answer_at),
                         sa.func.count(Thread.accepted_post_id))).where(*asked).group_by(day, Thread.category_id),
        sa.select(*_cols("fa", day, Thread.category_id, seconds_between(Thread.created_at, Thread.first_answer_at),
                         _flag(first_by_staff))).where(*asked, Thread.first_answer_at.is_not(None)),
        sa.select(*_cols("aa", day, Thread.category_id, seconds_between(Thread.created_at, Thread.solved_at),
                         _flag(Post.is_staff_reply))).select_from(Thread)
        .join(Post, sa.and_(Post.thread_id == Thread.id, Post.id == Thread.accepted_post_id))
        .where(*asked, Thread.solved_at.is_not(None)),
    ]


def _escalation_category() -> sa.ColumnElement:
    """An escalation is about a question or an idea (exactly one): its category is that subject's."""
    return sa.func.coalesce(Thread.category_id, Idea.category_id, _NONE)


def _escalations(*columns: Any) -> sa.Select:
    return (sa.select(*columns).select_from(Escalation)
            .outerjoin(Thread, Thread.id == Escalation.thread_id).outerjoin(Idea, Idea.id == Escalation.idea_id))


def _escalation_branches(ranges: Sequence[Range]) -> list[sa.Select]:
    answered_at = sa.func.coalesce(Escalation.first_staff_reply_at, Escalation.resolved_at)
    met = sa.case((sa.and_(answered_at.is_not(None), answered_at <= Escalation.due_at), 1), else_=0)
    resolved_day = day_of(Escalation.resolved_at)
    return [
        _escalations(*_cols("eo", day_of(Escalation.created_at), _escalation_category(), met,
                            seconds_between(Escalation.created_at, Escalation.first_staff_reply_at),
                            t=Escalation.due_at)).where(within(Escalation.created_at, ranges)),
        _escalations(*_cols("er", resolved_day, _escalation_category(), sa.func.count()))
        .where(within(Escalation.resolved_at, ranges)).group_by(resolved_day, _escalation_category()),
    ]


def _post_category() -> sa.ColumnElement:
    return sa.func.coalesce(Thread.category_id, _NONE)


def _moderation_branches(ranges: Sequence[Range]) -> list[sa.Select]:
    hide_day = day_of(AuditEntry.created_at)
    return [
        sa.select(*_cols("fl", day_of(Flag.created_at), _post_category(),
                         seconds_between(Flag.created_at, Flag.handled_at))).select_from(Flag)
        .outerjoin(Post, Post.id == Flag.post_id).outerjoin(Thread, Thread.id == Post.thread_id)
        .where(within(Flag.created_at, ranges)),
        sa.select(*_cols("hd", hide_day, _post_category(), sa.func.count())).select_from(AuditEntry)
        .outerjoin(Post, Post.id == AuditEntry.target_id).outerjoin(Thread, Thread.id == Post.thread_id)
        .where(within(AuditEntry.created_at, ranges), AuditEntry.action.in_(HIDE_ACTIONS))
        .group_by(hide_day, _post_category()),
    ]


def _idea_branches(ranges: Sequence[Range]) -> list[sa.Select]:
    branches = []
    for kind, column in (("is", Idea.created_at), ("iv", IdeaVote.created_at), ("ic", IdeaStatusChange.created_at)):
        day = day_of(column)
        query = sa.select(*_cols(kind, day, Idea.category_id, sa.func.count()))
        if column is not Idea.created_at:
            query = query.select_from(column.class_).join(Idea, Idea.id == column.class_.idea_id)
        branches.append(query.where(within(column, ranges), Policy.public_ideas()).group_by(day, Idea.category_id))
    return branches


def answerer_branch(ranges: Sequence[Range], category_id: int | None = None) -> sa.Select:
    """Answers per day, category, author and badge, with how many are the accepted answer now."""
    day = day_of(Post.created_at)
    accepted = sa.func.sum(sa.case((Thread.accepted_post_id == Post.id, 1), else_=0))
    where = [within(Post.created_at, ranges), Post.position > 0, Policy.public_posts()]
    if category_id is not None:
        where.append(Thread.category_id == category_id)
    return (sa.select(*_cols("an", day, Thread.category_id, Post.author_id, _flag(Post.is_staff_reply),
                             sa.func.count(), accepted))
            .join(Thread, Thread.id == Post.thread_id).where(*where)
            .group_by(day, Thread.category_id, Post.author_id, Post.is_staff_reply))


def idea_vote_branch(ranges: Sequence[Range]) -> sa.Select:
    day = day_of(IdeaVote.created_at)
    return (sa.select(*_cols("vi", day, None, IdeaVote.idea_id, sa.func.count()))
            .where(within(IdeaVote.created_at, ranges)).group_by(day, IdeaVote.idea_id))


def state_branches(now: datetime, buckets: Sequence[tuple[str, datetime | None]]) -> list[sa.Select]:
    """What is true now rather than on a day: escalations past due with no staff reply (the queue's count),
    and open unanswered questions by age bucket (newest bucket first; `buckets` is (key, asked after))."""
    bucket = sa.case(*[(Thread.created_at > after, key) for key, after in buckets if after], else_=buckets[-1][0])
    unanswered = [Thread.answer_count == 0, Policy.public_threads(), Thread.status != ThreadStatus.CLOSED]
    return [
        _escalations(*_cols("br", None, _escalation_category(), sa.func.count()))
        .where(Escalation.status.in_((EscalationStatus.OPEN, EscalationStatus.ASSIGNED)),
               Escalation.first_staff_reply_at.is_(None), Escalation.due_at < now)
        .group_by(_escalation_category()),
        sa.select(*_cols("bk", bucket, Thread.category_id, sa.func.count())).where(*unanswered)
        .group_by(bucket, Thread.category_id),
    ]


def day_branches(ranges: Sequence[Range]) -> list[sa.Select]:
    if not ranges:
        return []
    return [*_question_branches(ranges), *_escalation_branches(ranges), *_moderation_branches(ranges),
            *_idea_branches(ranges)]


def run(branches: Sequence[sa.Select]) -> list[Any]:
    if not branches:
        return []
    return list(db.session.execute(sa.union_all(*branches)))
