"""What the profile and settings pages read about a member: public activity, API tokens, a deleted account's
name. Auth's pages, the notification settings form and privacy's API all show them, so it sits below them."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum import pagecache
from forum.extensions import db
from forum.models import ApiToken, Post, Thread, User
from forum.policy import Policy


def deleted_account(username: str) -> User | None:
    """The deleted account behind a link to its placeholder name (deleted-N: mentions are renamed to it), for a
    page that says the account was deleted rather than a bare 404."""
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.lower(),
                                                   User.is_deleted.is_(True)))


def activity(user: User, limit: int = 10) -> dict:
    """The member's latest visible questions and answers, for the profile page (each from an index by author and
    time), and their totals, counted once per change to the questions rather than per view."""
    questions = db.session.scalars(
        sa.select(Thread).where(Thread.author_id == user.id, Policy.public_threads())
        .order_by(Thread.created_at.desc()).limit(limit)).all()
    answers = db.session.scalars(
        sa.select(Post).join(Thread, Post.thread_id == Thread.id)
        .where(Post.author_id == user.id, Post.position > 0, Policy.public_posts(),
               Policy.public_threads())
        .options(joinedload(Post.thread)).order_by(Post.created_at.desc()).limit(limit)).all()
    counts = pagecache.memo(f"profile-counts:{user.id}", [pagecache.QUESTIONS], lambda: _counts(user))
    return {"questions": questions, "answers": answers,
            "counts": {"questions": counts[0], "answers": counts[1], "accepted": counts[2]}}


def _counts(user: User) -> tuple[int, int, int]:
    """Questions asked, answers given (both visible) and answers accepted."""
    return tuple(db.session.execute(sa.select(
        sa.select(sa.func.count()).where(Thread.author_id == user.id, Policy.public_threads())
        .scalar_subquery(),
        sa.select(sa.func.count()).where(Post.author_id == user.id, Post.position > 0,
                                         Policy.public_posts()).scalar_subquery(),
        sa.select(sa.func.count()).select_from(Thread).join(Post, Post.id == Thread.accepted_post_id)
        .where(Post.author_id == user.id).scalar_subquery(),
    )).one())


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc())))
