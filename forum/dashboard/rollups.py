"""Daily rollups: what one UTC day contributes to every dashboard figure, computed from the source tables in
one statement, folded in Python, stored by `refresh()` (the `flask forum refresh-stats` command).

Why samples, not histogram buckets: the page promises percentile_cont's exact value (the median of 1,800 and
7,200 s is 4,500 s, not a bucket edge), identical on SQLite and PostgreSQL. Each day keeps the sorted whole
seconds of its questions' first and accepted answers, escalations' first staff replies and flags' handling:
one number per answered question, so a 90-day period at 100k questions a year reads about 25k integers
(a few milliseconds to parse and merge), bounded by the period's length and the community's daily volume,
never by its history. Percentiles are then computed in Python with percentile_cont's interpolation, so both
backends give the same number by construction.

Everything else is a count that adds across days and categories. The SLA's "decided" depends on the clock
(an unanswered escalation is decided once its due time passes), so a day keeps the due times of its
escalations not met within SLA and the reader counts those already past.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from forum.clock import utcnow
from forum.dashboard.sql import day_of, seconds_between
from forum.extensions import db
from forum.models import (AuditEntry, DashboardAnswererDay, DashboardDay, DashboardDirtyDay, DashboardIdeaDay,
                          Escalation, EscalationStatus, Flag, Idea, IdeaStatusChange, IdeaVote, Post, Thread,
                          ThreadStatus)

HIDE_ACTIONS = ("post.hide", "post.auto_hide")
NO_CATEGORY = 0
_NONE = sa.literal_column(str(NO_CATEGORY))  # inline, so PostgreSQL sees GROUP BY and SELECT as one expression
CHUNK_DAYS = 31
Range = tuple[datetime, datetime]
EPOCH = datetime(1970, 1, 1)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def micros(moment: datetime) -> int:
    """Epoch microseconds: due times compared with `now` to the microsecond, like the SQL `due_at <= now`."""
    delta = moment - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass
class DayFigures:
    """One (day, category) cell, or the sum of several: counts add, samples concatenate."""

    asked: int = 0
    answered: int = 0
    solved: int = 0
    first_known: int = 0
    first_staff: int = 0
    first_seconds: list[int] = field(default_factory=list)
    accepted_staff: int = 0
    accepted_seconds: list[int] = field(default_factory=list)
    escalations_opened: int = 0
    escalations_met: int = 0
    escalation_unmet_due: list[int] = field(default_factory=list)
    escalation_reply_seconds: list[int] = field(default_factory=list)
    escalations_resolved: int = 0
    flags_raised: int = 0
    flag_handling_seconds: list[int] = field(default_factory=list)
    posts_hidden: int = 0
    ideas_submitted: int = 0
    idea_votes: int = 0
    idea_status_changes: int = 0

    def add(self, other: DayFigures) -> DayFigures:
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in _LISTS:
            getattr(self, name).extend(getattr(other, name))
        return self

    def add_row(self, row: Any) -> DayFigures:
        """Add a stored row (its samples still text) without building another cell."""
        mine = self.__dict__  # about 20 fields times every category of every day: plain dict access
        for name in _COUNTS:
            mine[name] += getattr(row, name)
        for name in _LISTS:
            text = getattr(row, name)
            if text:
                mine[name].extend(map(int, text.split(",")))
        return self

    def columns(self) -> dict[str, Any]:
        return {f.name: ",".join(map(str, sorted(value))) if isinstance(value := getattr(self, f.name), list)
                else value for f in fields(self)}


_LISTS = tuple(f.name for f in fields(DayFigures) if f.default_factory is list)
_COUNTS = tuple(f.name for f in fields(DayFigures) if f.name not in _LISTS)


# -- the one statement over the source tables ----------------------------------------------------------

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
    asked = [within(Thread.created_at, ranges), Thread.is_hidden.is_(False)]
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
        branches.append(query.where(within(column, ranges), Idea.is_hidden.is_(False)).group_by(day, Idea.category_id))
    return branches


def answerer_branch(ranges: Sequence[Range], category_id: int | None = None) -> sa.Select:
    """Answers per day, category, author and badge, with how many are the accepted answer now."""
    day = day_of(Post.created_at)
    accepted = sa.func.sum(sa.case((Thread.accepted_post_id == Post.id, 1), else_=0))
    where = [within(Post.created_at, ranges), Post.position > 0, Post.is_hidden.is_(False)]
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
    unanswered = [Thread.answer_count == 0, Thread.is_hidden.is_(False), Thread.status != ThreadStatus.CLOSED]
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


# -- folding the rows -------------------------------------------------------------------------------

@dataclass
class Folded:
    days: dict[tuple[str, int], DayFigures] = field(default_factory=lambda: defaultdict(DayFigures))
    answerers: dict[tuple[str, int, int, bool], list[int]] = field(default_factory=dict)
    idea_votes: dict[tuple[str, int], int] = field(default_factory=dict)
    breached: dict[int, int] = field(default_factory=dict)
    backlog: dict[tuple[str, int], int] = field(default_factory=dict)


def fold(rows: Iterable[Any]) -> Folded:
    out = Folded()
    for row in rows:
        kind, tag, cat = row.kind, row.tag, row.cat
        cell = out.days[(tag, cat)] if kind not in ("an", "vi", "br", "bk") else None
        if kind == "q":
            cell.asked += row.x
            cell.answered += row.y
            cell.solved += row.z
        elif kind == "fa":
            cell.first_seconds.append(row.x)
            cell.first_known += row.y is not None
            cell.first_staff += row.y or 0
        elif kind == "aa":
            cell.accepted_seconds.append(row.x)
            cell.accepted_staff += row.y or 0
        elif kind == "eo":
            cell.escalations_opened += 1
            cell.escalations_met += row.x
            if not row.x:
                cell.escalation_unmet_due.append(micros(row.at))
            if row.y is not None:
                cell.escalation_reply_seconds.append(row.y)
        elif kind == "er":
            cell.escalations_resolved += row.x
        elif kind == "fl":
            cell.flags_raised += 1
            if row.x is not None:
                cell.flag_handling_seconds.append(row.x)
        elif kind in ("hd", "is", "iv", "ic"):
            name = {"hd": "posts_hidden", "is": "ideas_submitted", "iv": "idea_votes",
                    "ic": "idea_status_changes"}[kind]
            setattr(cell, name, getattr(cell, name) + row.x)
        elif kind == "an":
            out.answerers[(tag, cat, row.x, bool(row.y))] = [row.z, row.w]
        elif kind == "vi":
            out.idea_votes[(tag, row.x)] = row.y
        elif kind == "br":
            out.breached[cat] = out.breached.get(cat, 0) + row.x
        elif kind == "bk":
            out.backlog[(tag, cat)] = row.x
    return out


# -- storing ---------------------------------------------------------------------------------------

def _day_ranges(days: Iterable[date]) -> list[Range]:
    return merge((day_start(day), day_start(day) + timedelta(days=1)) for day in days)


def _store(days: list[date], folded: Folded, now: datetime) -> None:
    """Replace the days' rows; every day gets its category-0 row, the mark that it is rolled up."""
    for model in (DashboardDay, DashboardAnswererDay, DashboardIdeaDay):
        db.session.execute(sa.delete(model).where(model.day.in_(days)))
    wanted = {day.isoformat() for day in days}
    cells = dict(folded.days)
    for day in wanted:
        cells.setdefault((day, NO_CATEGORY), DayFigures())
    db.session.execute(sa.insert(DashboardDay), [
        {"day": date.fromisoformat(day), "category_id": cat, "computed_at": now, **cell.columns()}
        for (day, cat), cell in cells.items() if day in wanted])
    if folded.answerers:
        db.session.execute(sa.insert(DashboardAnswererDay), [
            {"day": date.fromisoformat(day), "category_id": cat, "author_id": author, "is_staff": staff,
             "answers": n, "accepted": accepted} for (day, cat, author, staff), (n, accepted) in folded.answerers.items()])
    if folded.idea_votes:
        db.session.execute(sa.insert(DashboardIdeaDay), [
            {"day": date.fromisoformat(day), "idea_id": idea, "votes": n} for (day, idea), n in folded.idea_votes.items()])


def refresh(days: Iterable[date]) -> int:
    """Recompute and store these days (in chunks of a month, one transaction each). Returns days stored."""
    todo, stored = sorted(set(days)), 0
    for start in range(0, len(todo), CHUNK_DAYS):
        chunk = todo[start:start + CHUNK_DAYS]
        ranges = _day_ranges(chunk)
        folded = fold(run([*day_branches(ranges), answerer_branch(ranges), idea_vote_branch(ranges)]))
        _store(chunk, folded, utcnow())
        db.session.commit()
        stored += len(chunk)
    return stored


def _first_day() -> date | None:
    """The earliest day any source table has a row for (each an indexed min())."""
    found = [db.session.scalar(sa.select(sa.func.min(column))) for column in (
        Thread.created_at, Post.created_at, Escalation.created_at, Flag.created_at, AuditEntry.created_at,
        Idea.created_at, IdeaVote.created_at, IdeaStatusChange.created_at)]
    moments = [moment for moment in found if moment is not None]
    return min(moments).date() if moments else None


def refresh_stats(*, everything: bool = False, today: date | None = None) -> dict[str, int]:
    """What cron runs every few minutes: the days marked dirty, today and yesterday, and every day not rolled
    up yet (all of history on the first run, or with `everything`). Markers are deleted by id, only those this
    run saw, so a write that commits meanwhile keeps its marker for the next run."""
    today = today or utcnow().date()
    seen = list(db.session.execute(sa.select(DashboardDirtyDay.id, DashboardDirtyDay.day)))
    days = {day for _, day in seen if day <= today} | {today, today - timedelta(days=1)}
    covered = db.session.scalar(sa.select(sa.func.max(DashboardDay.day)).where(
        DashboardDay.category_id == NO_CATEGORY))
    start = None if everything or covered is None else covered + timedelta(days=1)
    start = start or _first_day()
    if start is not None:
        days |= {start + timedelta(days=n) for n in range((today - start).days + 1)}
    stored = refresh(days)
    ids = [marker_id for marker_id, _ in seen]
    for chunk in range(0, len(ids), 500):
        db.session.execute(sa.delete(DashboardDirtyDay).where(DashboardDirtyDay.id.in_(ids[chunk:chunk + 500])))
    db.session.commit()
    return {"days": stored, "markers": len(ids)}
