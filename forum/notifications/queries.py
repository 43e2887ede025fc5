"""Read side: a member's notifications (two queries per page), the unread count, watch state, email choices."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import Idea, Notification, Post, Subscription, Thread, User
from forum.notifications import kinds
from forum.notifications.services import preferences_of
from forum.pagination import Page
from forum.policy import Policy

PER_PAGE = 30


def _visible(user: User, query: Any) -> Any:
    """Only what the member may see now: a post or thread hidden after the fact drops out of the list."""
    return (query.outerjoin(Post, Post.id == Notification.post_id)
            .outerjoin(Thread, Thread.id == Notification.thread_id)
            .outerjoin(Idea, Idea.id == Notification.idea_id)
            .where(Notification.user_id == user.id, Policy(user).visible_notifications()))


def list_notifications(user: User, *, page: int = 1, per_page: int = PER_PAGE, unread_only: bool = False) -> Page:
    base = _visible(user, sa.select(Notification))
    if unread_only:
        base = base.where(Notification.read_at.is_(None))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    items = list(db.session.scalars(base.options(joinedload(Notification.actor))
                                    .order_by(Notification.created_at.desc(), Notification.id.desc())
                                    .limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)


def unread_count(user: User | None) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    query = _visible(user, sa.select(sa.func.count(Notification.id))).where(Notification.read_at.is_(None))
    return db.session.scalar(query) or 0


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
            for g in (*kinds.GROUPS, kinds.OTHER)]
