"""Telling people things: notifications and watches. Functions here add rows and never commit."""
from __future__ import annotations

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Notification, Subscription, Thread, User


def notify(*, user_id: int | None, kind: str, text: str, url: str, actor: User | None = None,
           thread_id: int | None = None, post_id: int | None = None, idea_id: int | None = None) -> None:
    """Queue one notification in the caller's transaction; nobody is told of their own action."""
    if user_id is None or (actor is not None and actor.id == user_id):
        return
    db.session.add(Notification(user_id=user_id, kind=kind, text=text[:300], url=url[:300],
                                actor_id=actor.id if actor else None, thread_id=thread_id,
                                post_id=post_id, idea_id=idea_id))


def watch_thread(*, user: User, thread: Thread) -> None:
    """Idempotent: asking or answering watches the thread once."""
    exists = db.session.scalar(sa.select(Subscription.id).where(
        Subscription.user_id == user.id, Subscription.thread_id == thread.id))
    if exists is None:
        db.session.add(Subscription(user_id=user.id, thread_id=thread.id))


def thread_watcher_ids(thread_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(Subscription.user_id).where(Subscription.thread_id == thread_id)))


def watch_idea(*, user: User, idea_id: int) -> None:
    """Idempotent: creating or voting for an idea watches it."""
    exists = db.session.scalar(sa.select(Subscription.id).where(
        Subscription.user_id == user.id, Subscription.idea_id == idea_id))
    if exists is None:
        db.session.add(Subscription(user_id=user.id, idea_id=idea_id))


def idea_watcher_ids(idea_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(Subscription.user_id).where(Subscription.idea_id == idea_id)))
