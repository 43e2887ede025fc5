"""Read side: a member's notifications (two queries per page), the unread count, watch state, email choices."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum import pagecache
from forum.extensions import db
from forum.models import Idea, Notification, Post, Subscription, Thread, User
from forum.notifications import kinds
from forum.notifications.services import preferences_of
from forum.pagination import Page, clamp, page_of_ids
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


def email_choices(user: User, submitted: Any = None) -> list[dict[str, str]]:
    """Rows for the settings form: each group's key, label, help and delivery (the submitted one on an error)."""
    current = preferences_of(user.id)
    submitted = submitted or {}
    return [{"key": g.key, "label": g.label, "help": g.help, "value": submitted.get(g.key, current[g.key]),
             "default": g.default}
            for g in (*kinds.GROUPS, kinds.OTHER) if not g.staff_only or user.is_staff]
