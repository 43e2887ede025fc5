"""The pending queue: new accounts' posts held for a moderator (forum/trust.py), approved or rejected here.

A held post is hidden (so no list, search, feed or cached page shows it) and nobody was told about it; approving
publishes it as if it had just been posted (counts, activity, notifications), rejecting leaves it hidden with
the moderator's reason for its author. Both are audited."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum.clock import utcnow
from forum.errors import Conflict
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import Post, Thread, User
from forum.moderation.audit import record_audit
from forum.notifications.mentions import MentionResolver, notify_mentions
from forum.notifications.services import notify
from forum.policy import Policy
# A module reference: questions.services may still be initialising when this domain is imported.
from forum.questions import services as question_services
from forum.validation import FieldErrors

PENDING_SHOWN = 50


def pending_posts(limit: int = PENDING_SHOWN) -> list[Post]:
    """The oldest held posts first (the held_at index; held posts are few)."""
    return list(db.session.scalars(
        sa.select(Post).where(Post.held_at.is_not(None)).order_by(Post.held_at, Post.id).limit(limit)
        .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.category))))


def _moderator_on(actor: User, post: Post) -> None:
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.can_moderate(), "Only moderators can review held posts.")
    if post.held_at is None:
        raise Conflict("This post is not waiting for review (another moderator may have handled it).")


def _label(post: Post) -> str:
    return f"{'Question' if post.is_question else 'Answer'} on “{post.thread.title}”"


def approve_held_post(*, actor: User, post: Post) -> Post:
    """Publish it now: visible, counted, dated, and the people who would have been told are told."""
    _moderator_on(actor, post)
    thread, author, now = post.thread, post.author, utcnow()
    post.is_hidden, post.hidden_reason, post.held_at = False, None, None
    if post.is_question:
        thread.is_hidden, thread.held_at, thread.last_activity_at = False, None, now
    else:
        db.session.execute(sa.update(Thread).where(Thread.id == thread.id).values(  # in SQL, as post_answer does
            answer_count=Thread.answer_count + 1, last_activity_at=now,
            first_answer_at=sa.func.coalesce(Thread.first_answer_at, now)))
        question_services._tell_about_answer(author, thread, post)  # noqa: SLF001
    mentions = MentionResolver()
    render_markdown(post.body_md, mention_resolver=mentions)
    notify_mentions(actor=author, resolver=mentions, thread=thread, post=post)
    record_audit(actor=actor, action="post.approve", target_type="post", target_id=post.id, label=_label(post),
                 note="Held post approved")
    notify(user_id=author.id, kind="post_restored", actor=actor, thread_id=thread.id, post_id=post.id,
           url=question_services.thread_url(thread, f"post-{post.id}"),
           text=f"Your post on “{thread.title}” was approved and is now public")
    db.session.commit()
    return post


def reject_held_post(*, actor: User, post: Post, note: object = "") -> Post:
    """It stays hidden, with the moderator's reason for its author; the queue no longer lists it."""
    _moderator_on(actor, post)
    errors = FieldErrors()
    note = errors.text("note", note, label="Reason", max_len=1000, multiline=True) or "Not approved by a moderator."
    errors.check()
    post.hidden_reason, post.held_at = note, None
    if post.is_question:
        post.thread.held_at = None  # the thread stays hidden; moderators can still restore it
    record_audit(actor=actor, action="post.reject", target_type="post", target_id=post.id, label=_label(post),
                 note=note)
    db.session.commit()
    return post
