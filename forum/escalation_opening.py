"""Opening an escalation: the one place a request for staff lands in the queue with its SLA clock started.

Three paths open one: a member or moderator asking for help (forum/escalations/services.py), the cron sweep of
unanswered questions (the same module), and personal details sent privately with a post (forum/pii_guard.py),
which the publishing domains call below escalations. Each adds and flushes, never commits: the caller's use case
commits it with everything else it changed.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from forum.clock import utcnow
from forum.extensions import db
from forum.models import Escalation, EscalationStatus, Idea, Thread, User
from forum.site import support_policy


def open_escalation(*, thread: Thread | None = None, idea: Idea | None = None, requested_by: User | None,
                    source: str, reason: str, private_note: str | None = None,
                    now: datetime | None = None) -> Escalation:
    """An open escalation on exactly one thread or idea, due within its category's response time (site settings:
    support_policy)."""
    subject = thread if thread is not None else idea
    if subject is None or (thread is not None and idea is not None):
        raise ValueError("An escalation belongs to exactly one thread or idea.")
    now = now or utcnow()
    escalation = Escalation(thread_id=thread.id if thread else None, idea_id=idea.id if idea else None,
                            requested_by_id=requested_by.id if requested_by else None, source=source,
                            reason=reason, private_note=private_note, status=EscalationStatus.OPEN,
                            created_at=now, due_at=now + timedelta(hours=support_policy(subject.category)[0]))
    db.session.add(escalation)
    db.session.flush()
    return escalation
