"""Called from other domains' services inside their transaction: no commit here."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Escalation, EscalationStatus, Post, Thread
from forum.notifications.services import notify


def record_staff_reply(thread: Thread, post: Post, now: datetime) -> None:
    """The first staff answer on an escalated thread stops the SLA clock; the requester hears of it."""
    if not post.is_staff_reply:
        return
    escalation = db.session.scalar(sa.select(Escalation).where(
        Escalation.thread_id == thread.id, Escalation.first_staff_reply_at.is_(None),
        Escalation.status.in_((EscalationStatus.OPEN, EscalationStatus.ASSIGNED))))
    if escalation is None:
        return
    escalation.first_staff_reply_at, escalation.first_staff_reply_by_id = now, post.author_id
    notify(user_id=escalation.requested_by_id, kind="escalation_answered", actor=post.author,
           thread_id=thread.id, post_id=post.id, url=f"/questions/{thread.id}/{thread.slug}#post-{post.id}",
           text=f"Staff answered “{thread.title}”, which you escalated")
