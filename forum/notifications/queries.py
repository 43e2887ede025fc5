"""Read side: a member's notifications (two queries per page), the unread count, watch state, email choices."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum import pagecache
from forum.extensions import db
from forum.links import idea_path, thread_path
from forum.models import Idea, Notification, NotificationPreference, Post, Subscription, Thread, User
from forum.notifications import kinds
from forum.pagination import Page, clamp, count_rows, page_of_ids
from forum.policy import Policy

PER_PAGE = 30


def _visible(user: User, query: Any) -> Any:
    """Only what the member may see now: a post or thread hidden after the fact drops out of the list."""
    return (query.outerjoin(Post, Post.id == Notification.post_id)
            .outerjoin(Thread, Thread.id == Notification.thread_id)
            .outerjoin(Idea, Idea.id == Notification.idea_id)
            .where(Notification.user_id == user.id, Policy(user).visible_notifications()))


def _scopes(user: User) -> list[str]:
    """What a member's counts follow: their own notifications, and the questions and ideas (a post hidden or
    deleted after the fact drops out of the list)."""
    return [pagecache.notifications_scope(user.id), pagecache.QUESTIONS, pagecache.IDEAS]


def list_notifications(user: User, *, page: int = 1, per_page: int = PER_PAGE, unread_only: bool = False) -> Page:
    """Newest first. A member's notifications pile up for years: the totals are counted once per change
    (pagecache.memo), a page is read from the (user, created_at, id) index, from the far end past the middle."""
    rows = _visible(user, sa.select(Notification))
    if unread_only:
        rows = rows.where(Notification.read_at.is_(None))
    total = counts(user)[1 if unread_only else 0]
    page = clamp(page, total, per_page)
    # the rows are small (text and url fixed at creation): read whole, actors joined, in one statement
    items = page_of_ids(rows.options(joinedload(Notification.actor)),
                        [(Notification.created_at, True), (Notification.id, True)], page, total, per_page)
    return Page(items, page, per_page, total)


def unread_count(user: User | None) -> int:
    """The bell on every page a member reads: counted once per change, not per page."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return counts(user)[1]


def counts(user: User) -> tuple[int, int]:
    """(all, unread) of what the member may see now, in one statement once per change to their notifications
    or to the questions and ideas (a post hidden or deleted after the fact drops out of the list)."""
    def count() -> tuple[int, int]:
        unread = sa.func.coalesce(sa.func.sum(sa.case((Notification.read_at.is_(None), 1), else_=0)), 0)
        found = db.session.execute(_visible(user, sa.select(sa.func.count(Notification.id), unread))).one()
        return int(found[0]), int(found[1])

    key = f"count:notifications:{user.id}:{int(Policy(user).can_view_hidden())}"  # a role changes what shows
    return pagecache.memo(key, count_scopes(user), count)


def count_scopes(user: User) -> list[str]:
    """The versions the counts are kept under (the header prefetches them with the site settings' version)."""
    return [pagecache.notifications_scope(user.id), pagecache.QUESTIONS, pagecache.IDEAS]


def is_watching(user: User | None, *, thread_id: int | None = None, idea_id: int | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    column, target = (Subscription.thread_id, thread_id) if thread_id is not None else (Subscription.idea_id, idea_id)
    return db.session.scalar(sa.select(Subscription.id).where(Subscription.user_id == user.id,
                                                              column == target).limit(1)) is not None


FOLLOWING_PER_PAGE = 20
FOLLOWING_PREVIEW = 10  # on /settings; the rest on /settings/following


@dataclass
class Followed:
    """One thread or idea a member follows, as the settings list shows it."""

    kind: str           # "question" | "idea"
    target_id: int
    title: str
    url: str
    since: datetime


def followed(user: User, *, page: int = 1, per_page: int = FOLLOWING_PER_PAGE) -> Page:
    """Every question and idea the member watches, newest watch first, a page at a time (a long-time member
    may follow thousands). Read from the user_id index, whose entries are in id order already; a question or
    idea the member may no longer see (hidden since) drops out of the list."""
    see_hidden = Policy(user).can_view_hidden()
    rows = (sa.select(Subscription.id, Subscription.thread_id, Subscription.idea_id, Subscription.created_at,
                      Thread.title.label("thread_title"), Thread.slug, Idea.title.label("idea_title"))
            .outerjoin(Thread, Thread.id == Subscription.thread_id).outerjoin(Idea, Idea.id == Subscription.idea_id)
            .where(Subscription.user_id == user.id))
    if not see_hidden:  # an outer join: a follow of the other kind has no row to filter
        rows = rows.where(sa.or_(Thread.id.is_(None), Policy.public_threads()),
                          sa.or_(Idea.id.is_(None), Policy.public_ideas()))
    total = count_rows(rows)
    page = clamp(page, total, per_page)
    found = db.session.execute(rows.order_by(Subscription.id.desc()).offset((page - 1) * per_page).limit(per_page))
    items = [Followed("question", row.thread_id, row.thread_title, thread_path(row.thread_id, row.slug),
                      row.created_at) if row.thread_id is not None else
             Followed("idea", row.idea_id, row.idea_title, idea_path(row.idea_id), row.created_at)
             for row in found]
    return Page(items, page, per_page, total)


def watched_idea_ids(user: User | None, idea_ids: list[int]) -> set[int]:
    """Which of a page's ideas the member watches, in one statement (the board's Watch buttons)."""
    if user is None or not getattr(user, "is_authenticated", False) or not idea_ids:
        return set()
    return set(db.session.scalars(sa.select(Subscription.idea_id).where(
        Subscription.user_id == user.id, Subscription.idea_id.in_(idea_ids))))


def email_choices(user: User, submitted: Any = None) -> list[dict[str, str]]:
    """Rows for the settings form: each group's key, label, help and delivery (the submitted one on an error)."""
    current = preferences_of(user.id)
    submitted = submitted or {}
    return [{"key": g.key, "label": g.label, "help": g.help, "value": submitted.get(g.key, current[g.key]),
             "default": g.default}
            for g in (*kinds.GROUPS, kinds.OTHER) if not g.staff_only or user.is_staff]


def preferences_of(user_id: int) -> dict[str, str]:
    """Every group's effective delivery for one member (one query)."""
    chosen = dict(db.session.execute(sa.select(NotificationPreference.kind, NotificationPreference.delivery)
                                     .where(NotificationPreference.user_id == user_id)).tuples().all())
    return {key: chosen.get(key, group.default) for key, group in kinds.BY_KEY.items()}
