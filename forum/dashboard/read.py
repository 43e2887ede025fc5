"""The dashboard read from the daily rollups: five statements whatever the size of the community.

1. the rollup rows of both periods' days, each with whether a write has marked its day since;
2. one UNION over the source tables for the days not rolled up or marked (usually today, at most a day's
   rows each), the partial first day of the previous period (it starts at the current time of day), and
   the state now (escalations past due, the unanswered backlog by age);
3. top answerers: the stored per-author totals of the preset's window (or the stored days) plus today's and
   the live days' answers, ranked in SQL;
4. top ideas: the stored votes per idea and day plus the live days' votes, joined to the ideas as they are now;
5. the oldest unanswered questions of each age bucket.
The figures equal a scan of the source tables (tests/services/test_dashboard_rollups.py checks it): the only
assumption is that nothing is dated after now, so today's stored row stands for "today until now".
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from forum import pagecache
from forum.clock import isoformat, utcnow
from forum.dashboard import rollups, source, stats
from forum.dashboard.period import PRESETS, Period, parse_period
from forum.dashboard.rollups import DayFigures, day_start, micros
from forum.dashboard.source import Range, within
from forum.extensions import db
from forum.i18n import _
from forum.links import idea_path, questions_path, thread_path
from forum.models import (Category, DashboardAnswererDay, DashboardAnswererWindow, DashboardDay, DashboardDirtyDay,
                          DashboardIdeaDay, Idea, IdeaStatus, IdeaVote, Post, Role, Thread, ThreadStatus, User)
from forum.policy import Policy

ONE_DAY = timedelta(days=1)


def percentile(values: Sequence[int], fraction: float) -> float | None:
    """percentile_cont over sorted values: the value at fraction * (n - 1), interpolated linearly."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    first = int(position)
    low = values[first]
    high = values[first + 1] if first + 1 < len(values) else low
    return low + (high - low) * (position - first)


def _median_p90(values: list[int]) -> tuple[int | None, int | None]:
    values = sorted(values)
    return stats._whole(percentile(values, .5)), stats._whole(percentile(values, .9))


@dataclass
class Plan:
    """Which days come from the rollups and which from the source tables (`ranges`, live)."""

    cells: dict[date, DayFigures]     # rolled-up days, already filtered by category
    live_days: set[date]
    ranges: list[Range]


def _keep(category_id: int, period: Period) -> bool:
    return category_id == period.category.id if period.category is not None else True


def plan(period: Period) -> Plan:
    """Statement 1. A day is read from the rollups when its category-0 row (its total) exists, no marker is newer,
    and the periods cover all of it (the previous period's first day usually starts mid-day)."""
    first, last = period.previous.first_day, period.last_day
    dirty = sa.exists().where(DashboardDirtyDay.day == DashboardDay.day)
    wanted = period.category.id if period.category is not None else source.NO_CATEGORY  # 0: all categories
    query = (sa.select(*DashboardDay.__table__.c, dirty.label("dirty")).where(DashboardDay.day.between(first, last))
             .where(DashboardDay.category_id.in_({source.NO_CATEGORY, wanted})))
    cells: dict[date, DayFigures] = {}
    clean: set[date] = set()
    for row in db.session.execute(query):
        if row.category_id == source.NO_CATEGORY and not row.dirty:
            clean.add(row.day)
        if row.category_id == wanted:
            cells.setdefault(row.day, DayFigures()).add_row(row)
    start = period.previous.since
    if start != day_start(first):
        clean.discard(first)
    live_days = {first + timedelta(days=n) for n in range((last - first).days + 1)} - clean
    ranges = source.merge((max(day_start(day), start), day_start(day) + ONE_DAY) for day in live_days)
    return Plan({day: cell for day, cell in cells.items() if day in clean}, live_days, ranges)


def _buckets(now: datetime) -> list[tuple[str, datetime | None]]:
    return [(key, now - timedelta(hours=hi) if hi else None) for key, _, _, hi in stats.BUCKETS]


def live(period: Period, steps: Plan, now: datetime) -> tuple[dict[date, DayFigures], rollups.Folded]:
    """Statement 2: the live days' cells (filtered by category) and the state now."""
    folded = rollups.fold(source.run([*source.day_branches(steps.ranges),
                                      *source.state_branches(now, _buckets(now))]))
    cells: dict[date, DayFigures] = {}
    for (day, category_id), cell in folded.days.items():
        if _keep(category_id, period):
            cells.setdefault(date.fromisoformat(day), DayFigures()).add(cell)
    return cells, folded


def _days_of(period: Period) -> list[date]:
    return [period.first_day + timedelta(days=n) for n in range((period.last_day - period.first_day).days + 1)]


def _decided(cell: DayFigures, now: datetime) -> int:
    cutoff = micros(now)
    return cell.escalations_met + sum(1 for due in cell.escalation_unmet_due if due <= cutoff)


def period_figures(cell: DayFigures, now: datetime) -> dict[str, Any]:
    """The headline figures from one period's summed cell: the same keys as stats.figures()."""
    share = stats._share
    first_median, first_p90 = _median_p90(cell.first_seconds)
    accepted_median, accepted_p90 = _median_p90(cell.accepted_seconds)
    first = {"members": cell.first_known - cell.first_staff, "staff": cell.first_staff, "total": cell.first_known}
    total = len(cell.accepted_seconds)
    accepted = {"members": total - cell.accepted_staff, "staff": cell.accepted_staff, "total": total}
    decided = _decided(cell, now)
    return {
        "questions_asked": cell.asked, "answered_share": share(cell.answered, cell.asked),
        "solved_share": share(cell.solved, cell.asked),
        "first_answer_median_seconds": first_median, "first_answer_p90_seconds": first_p90,
        "first_answers_by_members_share": share(first["members"], first["total"]), "_first_answers": first,
        "accepted_answer_median_seconds": accepted_median, "accepted_answer_p90_seconds": accepted_p90,
        "accepted_answers_by_members_share": share(accepted["members"], total), "_accepted_answers": accepted,
        "escalations_opened": cell.escalations_opened, "escalations_resolved": cell.escalations_resolved,
        "escalation_first_reply_median_seconds": _median_p90(cell.escalation_reply_seconds)[0],
        "escalations_within_sla_share": share(cell.escalations_met, decided),
        "_sla": {"met": cell.escalations_met, "decided": decided},
        "flags_raised": cell.flags_raised, "flag_handling_median_seconds": _median_p90(cell.flag_handling_seconds)[0],
        "posts_hidden": cell.posts_hidden, "ideas_submitted": cell.ideas_submitted,
        "idea_votes_cast": cell.idea_votes, "idea_status_changes": cell.idea_status_changes,
    }


def daily(period: Period, cells: dict[date, DayFigures], now: datetime) -> list[dict[str, Any]]:
    rows = []
    for day in _days_of(period):
        cell = cells.get(day, DayFigures())
        median, p90 = _median_p90(cell.first_seconds)
        decided = _decided(cell, now)
        rows.append({"date": day.isoformat(), "asked": cell.asked, "answered": cell.answered, "solved": cell.solved,
                     "first_answer_median_seconds": median, "first_answer_p90_seconds": p90,
                     "escalations_opened": cell.escalations_opened, "escalations_met": cell.escalations_met,
                     "escalations_decided": decided, "sla_share": stats._share(cell.escalations_met, decided)})
    return rows


def _rolled_days(model: Any, period: Period, steps: Plan) -> list[sa.ColumnElement]:
    where = [model.day.between(period.first_day, period.last_day)]
    return where + ([model.day.not_in(sorted(steps.live_days))] if steps.live_days else [])


def _current_ranges(period: Period, steps: Plan) -> list[Range]:
    return [(max(start, period.since), min(end, period.until)) for start, end in steps.ranges
            if end > period.since and start < period.until]


def _answerer_rows(period: Period, steps: Plan) -> list[sa.Select]:
    """(author, staff, n, acc) rows that sum to the period's counts. A preset period reads its stored window
    (all days but today) corrected for the days changed since (minus their stored rows, plus them live),
    then today; any other period reads the stored days. Either way the live days come from the posts."""
    A, W = DashboardAnswererDay, DashboardAnswererWindow
    cat = period.category.id if period.category is not None else None

    def stored(*where: Any, sign: int = 1) -> sa.Select:
        return sa.select(A.author_id, A.is_staff, sign * A.answers, sign * A.accepted).where(
            *where, *([A.category_id == cat] if cat is not None else []))

    branches = []
    ranges = _current_ranges(period, steps)
    if ranges:
        live_answers = (sa.select(Post.author_id, Post.is_staff_reply, sa.literal(1),
                                  sa.case((Thread.accepted_post_id == Post.id, 1), else_=0))
                        .join(Thread, Thread.id == Post.thread_id)
                        .where(within(Post.created_at, ranges), Post.position > 0, Policy.public_posts()))
        branches.append(live_answers.where(Thread.category_id == cat) if cat is not None else live_answers)
    if period.days in PRESETS and period.first_day < period.last_day:
        last = period.last_day - ONE_DAY
        window = [W.days == period.days, W.last_day == last]
        valid = sa.exists().where(*window)
        changed = sorted(day for day in steps.live_days if period.first_day <= day <= last)
        branches.append(sa.select(W.author_id, W.is_staff, W.answers, W.accepted)
                        .where(*window, W.category_id == (cat or 0)))
        branches.append(stored(A.day.between(period.first_day, last), ~valid,
                               *([A.day.not_in(changed)] if changed else [])))
        if changed:
            branches.append(stored(A.day.in_(changed), valid, sign=-1))
        if period.last_day not in steps.live_days:
            branches.append(stored(A.day == period.last_day))
    else:
        branches.append(stored(*_rolled_days(A, period, steps)))
    return branches


def top_answerers(period: Period, steps: Plan) -> dict[str, list[dict[str, Any]]]:
    """Statement 3. Ranked like stats.top_answerers: by answers, then user id; without a category, the staff
    list holds only people who are staff now (that function's rule)."""
    rows = sa.union_all(*_answerer_rows(period, steps)).subquery()
    author, staff, n, acc = rows.c
    counts = (sa.select(author.label("author"), staff.label("staff"), sa.func.sum(n).label("n"),
                        sa.func.sum(acc).label("acc")).group_by(author, staff).having(sa.func.sum(n) > 0).subquery())
    query = sa.select(counts, sa.func.row_number().over(partition_by=counts.c.staff,
                                                        order_by=(counts.c.n.desc(), counts.c.author)).label("rank"))
    if period.category is None:
        staff_roles = [role for role in Role.ORDER if Role.rank(role) >= Role.rank(Role.STAFF)]
        query = query.join(User, User.id == counts.c.author).where(
            sa.or_(counts.c.staff.is_(False), User.role.in_(staff_roles)))
    ranked = query.subquery()
    result: dict[str, list[dict[str, Any]]] = {"members": [], "staff": []}
    for row in db.session.execute(sa.select(ranked, User).outerjoin(User, User.id == ranked.c.author)
                                  .where(ranked.c.rank <= stats.TOP).order_by(ranked.c.staff, ranked.c.rank)):
        result["staff" if row.staff else "members"].append({
            "username": stats._name(row.User, row.author), "answers": int(row.n), "accepted": int(row.acc)})
    return result


def top_ideas(period: Period, steps: Plan) -> list[dict[str, Any]]:
    """Statement 4: votes gained per idea in the period (rolled-up days plus live ones), still standing."""
    I = DashboardIdeaDay
    rolled = sa.select(I.idea_id.label("idea"), I.votes.label("n")).where(*_rolled_days(I, period, steps))
    ranges = _current_ranges(period, steps)
    live_votes = sa.select(IdeaVote.idea_id, sa.literal(1)).where(within(IdeaVote.created_at, ranges))
    both = sa.union_all(rolled, live_votes).subquery() if ranges else rolled.subquery()
    gained = sa.select(both.c.idea, sa.func.sum(both.c.n).label("gained")).group_by(both.c.idea).subquery()
    where = [Policy.public_ideas()]
    if period.category is not None:
        where.append(Idea.category_id == period.category.id)
    rows = db.session.execute(
        sa.select(Idea.id, Idea.title, Idea.status, Idea.vote_count, Category.slug, gained.c.gained)
        .join(gained, gained.c.idea == Idea.id).join(Category, Category.id == Idea.category_id).where(*where)
        .order_by(gained.c.gained.desc(), Idea.vote_count.desc(), Idea.id).limit(10)).all()
    return [{"id": row.id, "title": row.title, "status": row.status,
             "status_label": IdeaStatus.LABELS.get(row.status, row.status), "category": row.slug,
             "votes_gained": int(row.gained), "votes_total": row.vote_count, "url": idea_path(row.id)}
            for row in rows]


def backlog(period: Period, folded: rollups.Folded, now: datetime) -> dict[str, Any]:
    """Counts from statement 2; statement 5 fetches the oldest few of each non-empty bucket in one UNION."""
    counts: dict[str, int] = {}
    for (key, category_id), n in folded.backlog.items():
        if period.category is None or category_id == period.category.id:
            counts[key] = counts.get(key, 0) + n
    where = [Thread.answer_count == 0, Policy.public_threads(), Thread.status != ThreadStatus.CLOSED]
    if period.category is not None:
        where.append(Thread.category_id == period.category.id)
    parts = []
    for key, _label, lo, hi in stats.BUCKETS:  # not `_`: that is gettext here
        if not counts.get(key):
            continue
        bounds = [Thread.created_at > now - timedelta(hours=hi)] if hi else []
        bounds += [Thread.created_at <= now - timedelta(hours=lo)] if lo else []
        bucket_oldest = (sa.select(Thread.id, Thread.title, Thread.slug, Thread.created_at,
                                   sa.literal(key).label("bucket"))
                         .where(*where, *bounds).order_by(Thread.created_at, Thread.id).limit(stats.OLDEST_PER_BUCKET))
        parts.append(sa.select(bucket_oldest.subquery()))
    rows = db.session.execute(sa.union_all(*parts) if len(parts) > 1 else parts[0]).all() if parts else []
    oldest = [{"id": row.id, "title": row.title, "url": thread_path(row.id, row.slug),
               "created_at": isoformat(row.created_at), "age_seconds": int((now - row.created_at).total_seconds()),
               "bucket": row.bucket} for row in rows]
    url = questions_path(sort="unanswered", **({"category": period.category.slug} if period.category else {}))
    return {"buckets": [{"key": key, "label": str(label), "count": counts.get(key, 0)}
                        for key, label, _, _ in stats.BUCKETS],
            "total": sum(counts.values()), "oldest": sorted(oldest, key=lambda q: (q["created_at"], q["id"])),
            "url": url}


def dashboard(period: Period, now: datetime) -> dict[str, Any]:
    steps = plan(period)
    live_cells, folded = live(period, steps, now)
    cells = {**steps.cells, **live_cells}

    def summed(of: Period) -> DayFigures:
        total = DayFigures()
        for day in _days_of(of):
            if day in cells:
                total.add(cells[day])
        return total

    current, previous = period_figures(summed(period), now), period_figures(summed(period.previous), now)
    breached = sum(n for category_id, n in folded.breached.items()
                   if period.category is None or category_id == period.category.id)
    return {
        "period": stats._period_json(period), "previous_period": stats._period_json(period.previous),
        "generated_at": isoformat(now), "figures": stats.compare(current, previous),
        "first_answers": current["_first_answers"], "accepted_answers": current["_accepted_answers"],
        "sla": current["_sla"], "escalations_breached_now": breached, "backlog": backlog(period, folded, now),
        "top_ideas": top_ideas(period, steps), "top_answerers": top_answerers(period, steps),
        "daily": daily(period, cells, now),
    }


def dashboard_for(*, actor: Any, args: Any) -> tuple[Period, dict[str, Any]]:
    """Staff only; the period and category come from the query string (Invalid with field messages)."""
    policy = Policy(actor)
    policy.ensure(policy.can_view_dashboard(), _("Only staff can see the community dashboard."))
    now = utcnow()
    period = parse_period(args, now)
    return period, pagecache.memo(_memo_key(period, now), DASHBOARD_SCOPES, lambda: dashboard(period, now),
                                  timeout=pagecache.MINUTE)


# Every write the figures count bumps one of these (questions, answers and votes; ideas and their votes;
# escalations; people and categories): the figures are computed again after any of them, and otherwise at most
# once a minute (the clock moves "today", ages and SLA breaches), however many staff look.
DASHBOARD_SCOPES = (pagecache.QUESTIONS, pagecache.IDEAS, pagecache.ESCALATIONS, pagecache.SITE)


def _memo_key(period: Period, now: datetime) -> str:
    # a preset's first day: it follows the reader's time zone (period.py)
    custom = period.first_day.isoformat() if period.days else f"{period.since.isoformat()}/{period.until.isoformat()}"
    category = period.category.id if period.category is not None else 0
    return f"dashboard:{period.days or 0}:{custom}:{category}:{now.strftime('%Y-%m-%dT%H:%M')}"
