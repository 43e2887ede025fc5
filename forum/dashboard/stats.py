"""The dashboard's figures by definition, each computed in SQL over the source tables (aggregates, GROUP BY day,
percentiles). One function per section; `scan_dashboard()` assembles them: the reference that the daily
rollups (rollups.py, read.py) are tested against. `read.dashboard()`, what the page and the API call, reads the
rollups instead, in five statements whatever the size of the community.

Definitions (what staff read on the page, in one place):
- a question belongs to the period it was asked in; hidden questions are left out everywhere;
- answered / solved: the question has an answer / an accepted answer today;
- time to first answer: the question's first_answer_at minus its created_at; time to accepted answer: from
  the question to the moment an answer was accepted (solved_at); whole seconds;
- first (accepted) answers by members vs staff: the post's staff badge (is_staff_reply), set when written;
- an escalation is within SLA when its first staff reply (or, failing that, its resolution) came by due_at;
  escalations still waiting and not yet due are not counted either way;
- the unanswered backlog is the state now: open questions with no answer, by age.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from forum.clock import isoformat, utcnow
from forum.dashboard import workload
from forum.dashboard.period import Period
from forum.dashboard.sql import day_of, percentiles, seconds_between
from forum.extensions import db
from forum.i18n import _l
from forum.links import questions_path, thread_path
from forum.models import Post, Role, Thread, ThreadStatus, User
from forum.policy import Policy

BUCKETS = (("lt_1h", _l("Under 1 hour"), None, 1), ("1_4h", _l("1–4 hours"), 1, 4),
           ("4_24h", _l("4–24 hours"), 4, 24), ("gt_24h", _l("Over 24 hours"), 24, None))
OLDEST_PER_BUCKET = 5
TOP = 10

# key, label, unit (count | share | seconds), which way is better
FIGURES = (
    ("questions_asked", _l("Questions asked"), "count", "up"),
    ("answered_share", _l("Answered"), "share", "up"),
    ("solved_share", _l("Solved (accepted answer)"), "share", "up"),
    ("first_answer_median_seconds", _l("Median time to first answer"), "seconds", "down"),
    ("first_answer_p90_seconds", _l("90th percentile time to first answer"), "seconds", "down"),
    ("accepted_answer_median_seconds", _l("Median time to accepted answer"), "seconds", "down"),
    ("accepted_answer_p90_seconds", _l("90th percentile time to accepted answer"), "seconds", "down"),
    ("first_answers_by_members_share", _l("First answers written by members"), "share", "up"),
    ("accepted_answers_by_members_share", _l("Accepted answers written by members"), "share", "up"),
    ("escalations_opened", _l("Escalations opened"), "count", None),
    ("escalations_resolved", _l("Escalations resolved"), "count", "up"),
    ("escalation_first_reply_median_seconds", _l("Median time to first staff reply"), "seconds", "down"),
    ("escalations_within_sla_share", _l("Escalations answered within SLA"), "share", "up"),
    ("flags_raised", _l("Flags raised"), "count", None),
    ("flag_handling_median_seconds", _l("Median time to handle a flag"), "seconds", "down"),
    ("posts_hidden", _l("Posts hidden"), "count", None),
    ("ideas_submitted", _l("Ideas submitted"), "count", "up"),
    ("idea_votes_cast", _l("Idea votes cast"), "count", "up"),
    ("idea_status_changes", _l("Idea status changes"), "count", "up"),
)


def _share(part: int | None, whole: int | None) -> float | None:
    return None if not whole else round((part or 0) / whole, 4)


def _whole(value: Any) -> int | None:
    return None if value is None else round(float(value))


def _in(column: Any, period: Period) -> sa.ColumnElement:
    return sa.and_(column >= period.since, column < period.until)


def _questions(period: Period) -> list[sa.ColumnElement]:
    where = [_in(Thread.created_at, period), Policy.public_threads()]
    if period.category is not None:
        where.append(Thread.category_id == period.category.id)
    return where


# -- questions and answers -----------------------------------------------------------------------

def question_figures(period: Period) -> dict[str, Any]:
    """Counts, then two passes that time the first and the accepted answers and count who wrote them.

    Who wrote the first answer (the lowest position above 0) comes from the (thread_id, position,
    is_staff_reply) index alone; the accepted answer is fetched by its id."""
    asked, answered, solved = db.session.execute(sa.select(
        sa.func.count(), sa.func.count(Thread.first_answer_at), sa.func.count(Thread.accepted_post_id)
    ).where(*_questions(period))).one()
    first_by_staff = (sa.select(Post.is_staff_reply).where(Post.thread_id == Thread.id, Post.position > 0)
                      .order_by(Post.position).limit(1).correlate(Thread).scalar_subquery())
    first = sa.select(seconds_between(Thread.created_at, Thread.first_answer_at).label("v"),
                      first_by_staff.label("staff")).where(*_questions(period), Thread.first_answer_at.is_not(None))
    accepted = (sa.select(seconds_between(Thread.created_at, Thread.solved_at).label("v"),
                          Post.is_staff_reply.label("staff")).select_from(Thread)
                .join(Post, sa.and_(Post.thread_id == Thread.id, Post.id == Thread.accepted_post_id))
                .where(*_questions(period), Thread.solved_at.is_not(None)))
    result = {"questions_asked": asked, "answered_share": _share(answered, asked),
              "solved_share": _share(solved, asked)}
    for name, query in (("first", first), ("accepted", accepted)):
        median, p90, total, by_staff = db.session.execute(
            percentiles(query.subquery(), (0.5, 0.9), staff=True)).one()
        split = {"members": total - by_staff, "staff": by_staff, "total": total}
        result.update({f"{name}_answer_median_seconds": _whole(median), f"{name}_answer_p90_seconds": _whole(p90),
                       f"{name}_answers_by_members_share": _share(split["members"], total),
                       f"_{name}_answers": split})
    return result


def daily_questions(period: Period) -> list[dict[str, Any]]:
    """Per day asked: questions, how many are answered and solved, median and p90 time to first answer."""
    day = day_of(Thread.created_at).label("day")
    counts = {row.day: row for row in db.session.execute(
        sa.select(day, sa.func.count().label("asked"), sa.func.count(Thread.first_answer_at).label("answered"),
                  sa.func.count(Thread.accepted_post_id).label("solved"))
        .where(*_questions(period)).group_by(day))}
    values = (sa.select(day, seconds_between(Thread.created_at, Thread.first_answer_at).label("v"))
              .where(*_questions(period), Thread.first_answer_at.is_not(None)).subquery())
    times = {str(row[0]): row[1:] for row in db.session.execute(percentiles(values, (0.5, 0.9), group="day"))}
    rows = []
    for name in period.day_list():
        row, (median, p90) = counts.get(name), times.get(name, (None, None))
        rows.append({"date": name, "asked": row.asked if row else 0, "answered": row.answered if row else 0,
                     "solved": row.solved if row else 0, "first_answer_median_seconds": _whole(median),
                     "first_answer_p90_seconds": _whole(p90)})
    return rows


def backlog(period: Period, now: datetime) -> dict[str, Any]:
    """Open questions with no answer now, counted by age, with the oldest few of each age linked.
    One count by bucket, then the oldest of each bucket in index order (ix_threads_unanswered)."""
    where = [Thread.answer_count == 0, Policy.public_threads(), Thread.status != ThreadStatus.CLOSED]
    if period.category is not None:
        where.append(Thread.category_id == period.category.id)
    edges = {key: (now - timedelta(hours=hi) if hi else None, now - timedelta(hours=lo) if lo else None)
             for key, _, lo, hi in BUCKETS}  # key -> (asked after, asked at or before)
    bucket = sa.case(*[(Thread.created_at > after, key) for key, (after, _) in edges.items() if after],
                     else_=BUCKETS[-1][0])
    counts = dict(db.session.execute(sa.select(bucket, sa.func.count()).where(*where).group_by(bucket)).tuples().all())
    oldest = []
    for key, (after, before) in edges.items():
        if not counts.get(key):
            continue
        bounds = [Thread.created_at > after] if after else []
        bounds += [Thread.created_at <= before] if before else []
        for row in db.session.execute(sa.select(Thread.id, Thread.title, Thread.slug, Thread.created_at)
                                      .where(*where, *bounds).order_by(Thread.created_at, Thread.id)
                                      .limit(OLDEST_PER_BUCKET)):
            oldest.append({"id": row.id, "title": row.title, "url": thread_path(row.id, row.slug),
                           "created_at": isoformat(row.created_at),
                           "age_seconds": int((now - row.created_at).total_seconds()), "bucket": key})
    url = questions_path(sort="unanswered", **({"category": period.category.slug} if period.category else {}))
    return {"buckets": [{"key": key, "label": str(label), "count": counts.get(key, 0)}
                        for key, label, _, _ in BUCKETS],
            "total": sum(counts.values()), "oldest": sorted(oldest, key=lambda q: (q["created_at"], q["id"])),
            "url": url}


def top_answerers(period: Period) -> dict[str, list[dict[str, Any]]]:
    """Most answers written in the period, members and staff ranked separately, with how many were accepted."""
    where = [_in(Post.created_at, period), Post.position > 0, Policy.public_posts()]
    if period.category is not None:
        where.append(Post.thread_id.in_(sa.select(Thread.id).where(Thread.category_id == period.category.id)))
        top = _top_by_grouping(where)
    else:
        top = _top_by_author(where)
    ids = {author for _, author, _ in top}
    accepted = {(bool(staff), author): n for staff, author, n in db.session.execute(
        sa.select(Post.is_staff_reply, Post.author_id, sa.func.count())
        .join(Thread, Thread.accepted_post_id == Post.id)
        .where(*where, Post.author_id.in_(ids)).group_by(Post.is_staff_reply, Post.author_id))} if ids else {}
    users = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))} if ids else {}
    result: dict[str, list[dict[str, Any]]] = {"members": [], "staff": []}
    for staff, author, count in top:
        result["staff" if staff else "members"].append({
            "username": _name(users.get(author), author), "answers": count,
            "accepted": accepted.get((bool(staff), author), 0)})
    return result


def _top_by_author(where: list[sa.ColumnElement]) -> list[tuple[bool, int, int]]:
    """Count each person's answers through ix_posts_author_created (a range per author, no sort of every
    answer: four times faster than GROUP BY on SQLite). Staff answers are looked for among staff accounts."""
    top = []
    for staff in (False, True):
        answers = (sa.select(sa.func.count()).select_from(Post)
                   .where(Post.author_id == User.id, *where, Post.is_staff_reply.is_(staff))
                   .correlate(User).scalar_subquery().label("n"))
        query = sa.select(User.id, answers).order_by(sa.desc("n"), User.id).limit(TOP)
        if staff:
            query = query.where(User.role.in_([role for role in Role.ORDER if Role.rank(role) >= Role.rank(Role.STAFF)]))
        top += [(staff, author, n) for author, n in db.session.execute(query) if n]
    return top


def _top_by_grouping(where: list[sa.ColumnElement]) -> list[tuple[bool, int, int]]:
    """One GROUP BY over the period's answers (with a category, the per-author ranges would each need
    their threads looked up)."""
    counts = (sa.select(Post.is_staff_reply.label("staff"), Post.author_id.label("author_id"),
                        sa.func.count().label("n")).where(*where)
              .group_by(Post.is_staff_reply, Post.author_id).subquery())
    ranked = sa.select(counts, sa.func.row_number().over(
        partition_by=counts.c.staff, order_by=(counts.c.n.desc(), counts.c.author_id)).label("rank")).subquery()
    return [(bool(row.staff), row.author_id, row.n) for row in db.session.execute(
        sa.select(ranked).where(ranked.c.rank <= TOP).order_by(ranked.c.staff, ranked.c.rank))]


def _name(user: User | None, user_id: int) -> str:
    return f"deleted user {user_id}" if user is None or user.is_deleted else user.username


# -- the whole dashboard ---------------------------------------------------------------------------

def figures(period: Period, now: datetime) -> dict[str, Any]:
    """The headline figures of one period (the page compares two of these)."""
    return {**question_figures(period), **workload.escalation_figures(period, now),
            **workload.moderation_figures(period), **workload.idea_figures(period)}


def compare(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{key: {value, previous, change}}; change is None when either side has no value."""
    result = {}
    for key, _, unit, _ in FIGURES:
        value, before = current[key], previous[key]
        change = None if value is None or before is None else round(value - before, 4 if unit == "share" else 0)
        result[key] = {"value": value, "previous": before, "change": change, "unit": unit}
    return result


def scan_dashboard(period: Period, now: datetime | None = None) -> dict[str, Any]:
    """The same figures straight from the source tables (about 40 statements over the whole period): the
    reference the rollups are tested against, and the benchmark's "before"."""
    now = now or utcnow()
    current, previous = figures(period, now), figures(period.previous, now)
    sla = workload.daily_sla(period, now)
    daily = [{**row, **sla.get(row["date"], {"escalations_opened": 0, "escalations_met": 0,
                                             "escalations_decided": 0, "sla_share": None})}
             for row in daily_questions(period)]
    return {
        "period": _period_json(period), "previous_period": _period_json(period.previous),
        "generated_at": isoformat(now), "figures": compare(current, previous),
        "first_answers": current["_first_answers"], "accepted_answers": current["_accepted_answers"],
        "sla": current["_sla"], "escalations_breached_now": workload.breached_now(period, now),
        "backlog": backlog(period, now), "top_ideas": workload.top_ideas(period),
        "top_answerers": top_answerers(period), "daily": daily,
    }


def _period_json(period: Period) -> dict[str, Any]:
    return {"since": isoformat(period.since), "until": isoformat(period.until), "days": period.days,
            "first_day": period.first_day.isoformat(), "last_day": period.last_day.isoformat(),
            "category": period.category.slug if period.category is not None else None, "label": period.label}
