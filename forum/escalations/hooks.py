"""Called from other domains' services inside their transaction: no commit here."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from forum.extensions import db
from forum.i18n import _l
from forum.links import idea_path, thread_path
from forum.listening.matches import handle_on_staff_reply
from forum.models import Escalation, EscalationStatus, Idea, IdeaComment, Post, Thread, User
from forum.notifications.services import notify


def asker_id(escalation: Escalation) -> int | None:
    """Who hears how it goes: the member who asked, or for an automatic escalation the question's asker."""
    if escalation.requested_by_id is not None or escalation.source != "auto" or escalation.thread is None:
        return escalation.requested_by_id
    return escalation.thread.author_id


def record_staff_reply(thread: Thread, post: Post, now: datetime) -> None:
    """The first staff answer on an escalated thread stops the SLA clock; the requester hears of it."""
    if not post.is_staff_reply:
        return
    handle_on_staff_reply(thread_id=thread.id, staff=post.author, now=now)  # staff replied: its matches are handled
    escalation = _waiting(Escalation.thread_id == thread.id)
    if escalation is None:
        return
    _stop_clock(escalation, post.author, now)
    notify(user_id=asker_id(escalation), kind="escalation_answered", actor=post.author,
           thread_id=thread.id, post_id=post.id, url=thread_path(thread, post_id=post.id),
           text=_l("Staff answered “%(title)s”, which you escalated", title=thread.title))


def record_staff_idea_comment(idea: Idea, comment: IdeaComment, author: User, now: datetime) -> None:
    """An official comment is the staff reply on an idea whose author sent details privately to staff."""
    if not comment.is_official:
        return
    handle_on_staff_reply(idea_id=idea.id, staff=author, now=now)
    escalation = _waiting(Escalation.idea_id == idea.id)
    if escalation is None:
        return
    _stop_clock(escalation, author, now)
    notify(user_id=escalation.requested_by_id, kind="escalation_answered", actor=author, idea_id=idea.id,
           url=idea_path(idea, comment_id=comment.id),
           text=_l("Staff replied on “%(title)s”, where you sent details privately", title=idea.title))


def _waiting(subject: sa.ColumnElement[bool]) -> Escalation | None:
    return db.session.scalar(sa.select(Escalation).where(
        subject, Escalation.first_staff_reply_at.is_(None),
        Escalation.status.in_((EscalationStatus.OPEN, EscalationStatus.ASSIGNED))).order_by(Escalation.id).limit(1))


def _stop_clock(escalation: Escalation, author: User, now: datetime) -> None:
    escalation.first_staff_reply_at, escalation.first_staff_reply_by_id = now, author.id
