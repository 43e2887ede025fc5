"""Read side of the idea board: lists, the idea page, the roadmap and top participants, in few queries."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, load_only

from forum import pagecache
from forum.clock import utcnow
from forum.extensions import db
from forum.models import (Category, Idea, IdeaComment, IdeaQuestion, IdeaStatus, IdeaStatusChange, IdeaVote,
                          ReputationEvent, Thread, User)
from forum.notifications.queries import watched_idea_ids
from forum.pagination import clamp, count_rows, in_order, last_page, page_of_ids, slice_of_ids
from forum.policy import Policy
from forum.search import service as search
from forum.validation import parse_int

SORTS = ("top", "trending", "new")
SORT_LABELS = {"top": "Top", "trending": "Trending", "new": "New"}
TRENDING_DAYS = 14
PER_PAGE = 20
ROADMAP_COLUMNS = (IdeaStatus.PLANNED, IdeaStatus.IN_PROGRESS, IdeaStatus.SHIPPED)
ROADMAP_LIMIT = 30


@dataclass
class IdeaFilters:
    """Query-string filters, cleaned: unknown values fall back rather than fail (a board is browsed, not scripted)."""

    sort: str = "top"
    status: str | None = None
    category: str | None = None
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args: Any, *, max_per_page: int = 100) -> IdeaFilters:
        sort, status = args.get("sort", "top"), args.get("status") or None
        return cls(sort=sort if sort in SORTS else "top", status=status if status in IdeaStatus.ALL else None,
                   category=args.get("category") or None, page=parse_int(args.get("page"), 1, maximum=100_000),
                   per_page=parse_int(args.get("per_page"), PER_PAGE, maximum=max_per_page))


@dataclass
class IdeaList:
    items: list[Idea]
    page: int
    per_page: int
    total: int
    my_votes: set[int] = field(default_factory=set)
    recent_votes: dict[int, int] = field(default_factory=dict)
    my_watches: set[int] = field(default_factory=set)  # the Watch / Watching buttons: one query for the page

    @property
    def pages(self) -> int:
        return last_page(self.total, self.per_page)


def _visible(query: sa.Select, viewer: Any) -> sa.Select:
    return query.where(Policy(viewer).visible_ideas())


# what a row of the board shows: not the body (the excerpt stands for it)
LIST_COLUMNS = (Idea.id, Idea.title, Idea.excerpt, Idea.status, Idea.category_id, Idea.author_id, Idea.vote_count,
                Idea.comment_count, Idea.is_hidden, Idea.created_at, Idea.merged_into_id)
ORDERS: dict[str, list[tuple[Any, bool]]] = {"new": [(Idea.created_at, True)], "top": [(Idea.vote_count, True), (Idea.created_at, True)]}


def list_ideas(filters: IdeaFilters, viewer: Any, *, bodies: bool = False) -> IdeaList:
    """Duplicates stay out of the board unless asked for: their votes already count on the merged idea.

    As for questions: the total is counted once per change to the board, a page's ids come from an index
    (from the far end past the middle), then its rows. The board shows an excerpt and loads no body; the API
    (`bodies=True`) returns each idea's HTML."""
    policy = Policy(viewer)
    see_hidden = policy.can_view_hidden()
    ids = _filtered(sa.select(Idea.id), filters, policy)
    total = pagecache.memo(f"count:ideas:{see_hidden}:{filters.status}:{filters.category}", [pagecache.IDEAS],
                           lambda: count_rows(ids))
    page = clamp(filters.page, total, filters.per_page)
    if filters.sort == "trending":
        first = pagecache.memo(f"trending:{see_hidden}:{filters.status}:{filters.category}", [pagecache.IDEAS],
                               lambda: _trending_first(ids))
        page_ids = _trending_ids(ids, first, page, total, filters.per_page)
    else:
        page_ids = page_of_ids(ids, [*ORDERS[filters.sort], (Idea.id, True)], page, total, filters.per_page)
    options = [joinedload(Idea.author), joinedload(Idea.category)]
    if not bodies:
        options.append(load_only(*LIST_COLUMNS))
    rows = in_order(db.session.scalars(sa.select(Idea).where(Idea.id.in_(page_ids)).options(*options)).all(),
                    page_ids) if page_ids else []
    return IdeaList(items=rows, page=page, per_page=filters.per_page, total=total,
                    my_votes=my_idea_votes(viewer, page_ids), recent_votes=_recent_counts(page_ids),
                    my_watches=watched_idea_ids(viewer, page_ids))


def _filtered(query: sa.Select, filters: IdeaFilters, policy: Policy) -> sa.Select:
    query = query.where(policy.visible_ideas())
    query = query.where(Idea.status == filters.status) if filters.status else \
        query.where(Idea.status != IdeaStatus.DUPLICATE)
    if filters.category:
        category = sa.select(Category.id).where(Category.slug == filters.category).scalar_subquery()
        query = query.where(Idea.category_id == category)
    return query


def _trending_first(ids: sa.Select) -> list[int]:
    """The ideas voted on in the last TRENDING_DAYS, most such votes first, then votes, then newest: as many as
    recent activity, not as the board. Kept until the board changes (a vote, say), so a vote leaving the
    window may take up to the cache's timeout to drop out."""
    since = utcnow() - timedelta(days=TRENDING_DAYS)
    recent = (sa.select(IdeaVote.idea_id, sa.func.count().label("n"))
              .where(IdeaVote.created_at >= since, IdeaVote.idea_id.in_(ids)).group_by(IdeaVote.idea_id).subquery())
    rows = list(db.session.execute(sa.select(Idea.id, recent.c.n, Idea.vote_count, Idea.created_at)
                                   .join(recent, recent.c.idea_id == Idea.id)))
    rows.sort(key=lambda row: (row.n, row.vote_count, row.created_at, row.id), reverse=True)
    return [row.id for row in rows]


def _trending_ids(ids: sa.Select, first: list[int], page: int, total: int, per_page: int) -> list[int]:
    """A page of the trending order: the recently voted ideas (`first`), then the rest in the top order, read
    from its index skipping those."""
    start, end = (page - 1) * per_page, min(total, page * per_page)
    head = first[start:end]
    if len(head) == end - start:
        return head
    rest = ids.where(Idea.id.not_in(first)) if first else ids
    return head + slice_of_ids(rest, [*ORDERS["top"], (Idea.id, True)], max(0, start - len(first)),
                               end - len(first), total - len(first))


def _recent_counts(idea_ids: list[int]) -> dict[int, int]:
    """Votes of the last TRENDING_DAYS on the ideas shown, for their "+n in 14 days" badge."""
    if not idea_ids:
        return {}
    since = utcnow() - timedelta(days=TRENDING_DAYS)
    return dict(db.session.execute(sa.select(IdeaVote.idea_id, sa.func.count()).where(
        IdeaVote.idea_id.in_(idea_ids), IdeaVote.created_at >= since).group_by(IdeaVote.idea_id)).tuples().all())


def my_idea_votes(viewer: Any, idea_ids: list[int]) -> set[int]:
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not idea_ids:
        return set()
    return set(db.session.scalars(sa.select(IdeaVote.idea_id).where(
        IdeaVote.user_id == viewer.id, IdeaVote.idea_id.in_(idea_ids))))


@dataclass
class IdeaPage:
    idea: Idea
    comments: list[IdeaComment]
    history: list[IdeaStatusChange]
    my_vote: int
    merged_here: list[Idea]
    requests: list[IdeaQuestion] = field(default_factory=list)  # the questions that asked for it (issue 16)
    votes_from_questions: int = 0


def idea_page(idea: Idea, viewer: Any) -> IdeaPage:
    """Pinned official comments first, then the conversation in order; the status history oldest first."""
    comments = list(db.session.scalars(
        sa.select(IdeaComment).where(IdeaComment.idea_id == idea.id, Policy(viewer).visible_idea_comments())
        .options(joinedload(IdeaComment.author))
        .order_by(IdeaComment.is_pinned.desc(), IdeaComment.created_at, IdeaComment.id)))
    history = list(db.session.scalars(
        sa.select(IdeaStatusChange).where(IdeaStatusChange.idea_id == idea.id)
        .options(joinedload(IdeaStatusChange.actor)).order_by(IdeaStatusChange.created_at, IdeaStatusChange.id)))
    merged_here = list(db.session.scalars(_visible(sa.select(Idea), viewer).where(Idea.merged_into_id == idea.id)
                                          .order_by(Idea.id)))
    return IdeaPage(idea=idea, comments=comments, history=history, merged_here=merged_here,
                    my_vote=1 if idea.id in my_idea_votes(viewer, [idea.id]) else 0,
                    requests=linked_questions(idea.id, viewer), votes_from_questions=votes_from_questions(idea.id))


REQUESTS_SHOWN = 100


def linked_questions(idea_id: int, viewer: Any, limit: int = REQUESTS_SHOWN) -> list[IdeaQuestion]:
    """The questions whose demand this idea carries, oldest link first, with their threads; hidden questions
    only for those who may see them."""
    query = (sa.select(IdeaQuestion).join(Thread, Thread.id == IdeaQuestion.thread_id)
             .where(IdeaQuestion.idea_id == idea_id).options(contains_eager(IdeaQuestion.thread))
             .where(Policy(viewer).visible_threads())
             .order_by(IdeaQuestion.linked_at, IdeaQuestion.id).limit(limit))
    return list(db.session.scalars(query))


def votes_from_questions(idea_id: int) -> int:
    """How many of the idea's votes were carried from questions (read from ix_idea_votes_idea_source alone)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(IdeaVote).where(
        IdeaVote.idea_id == idea_id, IdeaVote.source_thread_id.is_not(None))) or 0


def similar_ideas(text: str, limit: int = 5) -> list[Idea]:
    """The best matches for a title being typed, from the search backend; hidden and merged ideas never appear."""
    ids = [hit.id for hit in search.similar(text, viewer=None, type="idea", limit=limit)]
    found = {idea.id: idea for idea in db.session.scalars(
        sa.select(Idea).where(Idea.id.in_(ids), Policy.public_ideas(), Idea.merged_into_id.is_(None)))} \
        if ids else {}
    return [found[idea_id] for idea_id in ids if idea_id in found]


def roadmap(viewer: Any, limit: int = ROADMAP_LIMIT) -> dict[str, list[Idea]]:
    """Planned and in progress by votes; shipped newest first (when it shipped, not when it was proposed).
    Each column shows its first `limit` ideas: a board with years of history links to the rest."""
    base = _visible(sa.select(Idea), viewer).options(joinedload(Idea.category))
    columns = {}
    for status in ROADMAP_COLUMNS:
        query = base.where(Idea.status == status)
        query = query.order_by(Idea.status_changed_at.desc(), Idea.id.desc()) \
            if status == IdeaStatus.SHIPPED else query.order_by(Idea.vote_count.desc(), Idea.id.desc())
        columns[status] = list(db.session.scalars(query.limit(limit)))
    return columns


def roadmap_totals(viewer: Any) -> dict[str, int]:
    """How many ideas each column holds, counted once per change to the board rather than per view."""
    policy = Policy(viewer)
    hidden_too = policy.can_view_hidden()

    def count() -> dict[str, int]:
        query = sa.select(Idea.status, sa.func.count()).where(Idea.status.in_(ROADMAP_COLUMNS),
                                                               policy.visible_ideas())
        found = dict(db.session.execute(query.group_by(Idea.status)).tuples().all())
        return {status: found.get(status, 0) for status in ROADMAP_COLUMNS}

    return pagecache.memo(f"roadmap-totals:{int(hidden_too)}", [pagecache.IDEAS], count)


def month_bounds(month: str | None) -> tuple[datetime, datetime]:
    """"2026-11" or None (this month) -> [first day, first day of next month); bad input means this month."""
    start = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if month:
        with contextlib.suppress(ValueError):
            start = datetime.strptime(month, "%Y-%m")
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


@dataclass
class Participants:
    start: datetime
    end: datetime
    contributors: list[tuple[User, int, int]]  # (user, ideas submitted, votes received)
    answerers: list[tuple[User, int]]  # (user, reputation gained)

    @property
    def previous_month(self) -> datetime:
        return (self.start - timedelta(days=1)).replace(day=1)

    @property
    def next_month(self) -> datetime | None:
        return self.end if self.end <= utcnow() else None


def top_participants(month: str | None = None, limit: int = 10) -> Participants:
    """The month's top idea contributors (votes received, then ideas submitted) and answerers (reputation gained).
    Members with a private profile are left out: a ranking by reputation gained would publish what they hid."""
    start, end = month_bounds(month)
    submitted = (sa.select(Idea.author_id.label("user_id"), sa.func.count().label("ideas"))
                 .where(Idea.created_at >= start, Idea.created_at < end, Policy.public_ideas())
                 .group_by(Idea.author_id).subquery())
    received = (sa.select(Idea.author_id.label("user_id"), sa.func.count().label("votes"))
                .join(IdeaVote, IdeaVote.idea_id == Idea.id)
                .where(IdeaVote.created_at >= start, IdeaVote.created_at < end, Policy.public_ideas(),
                       Idea.merged_into_id.is_(None), IdeaVote.user_id != Idea.author_id)
                .group_by(Idea.author_id).subquery())
    people = sa.union(sa.select(submitted.c.user_id), sa.select(received.c.user_id)).subquery()
    ideas_n, votes_n = sa.func.coalesce(submitted.c.ideas, 0), sa.func.coalesce(received.c.votes, 0)
    contributors = db.session.execute(
        sa.select(User, ideas_n, votes_n).join(people, people.c.user_id == User.id)
        .outerjoin(submitted, submitted.c.user_id == User.id).outerjoin(received, received.c.user_id == User.id)
        .where(User.is_deleted.is_(False), User.profile_visibility != "private")  # private means left out
        .order_by(votes_n.desc(), ideas_n.desc(), User.username).limit(limit)).all()
    gained = sa.func.sum(ReputationEvent.delta)
    answerers = db.session.execute(
        sa.select(User, gained).join(ReputationEvent, ReputationEvent.user_id == User.id)
        .where(ReputationEvent.created_at >= start, ReputationEvent.created_at < end, User.is_deleted.is_(False),
               User.profile_visibility != "private")
        .group_by(User.id).having(gained > 0).order_by(gained.desc(), User.username).limit(limit)).all()
    return Participants(start=start, end=end, contributors=[tuple(row) for row in contributors],
                        answerers=[tuple(row) for row in answerers])
