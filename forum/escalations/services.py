"""Escalation use cases: ask staff for help, assign, resolve, and the cron sweep of unanswered questions."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from forum.clock import utcnow
from forum.errors import Conflict, Invalid
from forum.escalations.hooks import asker_id
from forum.escalations.queries import find_user
from forum.extensions import db
from forum.models import Category, Escalation, EscalationStatus, Thread, User
from forum.moderation.audit import record_audit
from forum.notifications.services import notify
from forum.policy import Policy
from forum.site import settings as site_settings, support_policy
# Module references: questions.services and ideas.services may still be initialising when this domain is imported.
from forum.ideas import services as idea_services
from forum.questions import services as question_services
from forum.validation import FieldErrors

REASON_MAX, NOTE_MAX = 1000, 2000
ACTIVE = (EscalationStatus.OPEN, EscalationStatus.ASSIGNED)


def escalate_thread(*, actor: User, thread: Thread, reason: object) -> tuple[Escalation, bool]:
    """Open an escalation, or join the one already open on the thread; returns (escalation, joined)."""
    policy = Policy(actor)
    policy.ensure_active()
    _ensure_can_escalate(policy, thread)
    errors = FieldErrors()
    reason = errors.text("reason", reason, label="Reason", min_len=5, max_len=REASON_MAX, multiline=True,
                         hint="Tell staff what you need from them and what you tried")
    errors.check()
    # Lock the thread row so two simultaneous requests cannot both open an escalation.
    thread = db.session.get(Thread, thread.id, with_for_update=True, populate_existing=True)
    _ensure_can_escalate(policy, thread)
    existing = _active_escalation(thread.id)
    if existing is not None:
        db.session.execute(sa.update(Escalation).where(Escalation.id == existing.id)
                           .values(request_count=Escalation.request_count + 1))
        db.session.commit()
        db.session.refresh(existing)
        return existing, True
    source = "moderator" if policy.is_moderator and actor.id != thread.author_id else "member"
    escalation = _open_escalation(thread, requested_by=actor, source=source, reason=reason)
    if source == "moderator":
        record_audit(actor=actor, action="thread.escalate", target_type="thread", target_id=thread.id,
                     label=thread.title, note=reason)
    db.session.commit()
    return escalation, False


def _ensure_can_escalate(policy: Policy, thread: Thread) -> None:
    policy.ensure(policy.can_escalate(thread), escalate_refusal(policy, thread))


def escalate_refusal(policy: Policy, thread: Thread) -> str:
    """Why this person cannot ask staff for help on this thread, in words for the page that would show the form."""
    if policy.viewer is not None and policy.viewer.is_suspended:
        until = policy.viewer.suspended_until.strftime("%Y-%m-%d %H:%M UTC")
        return f"Your account is suspended until {until}; you can read but not ask staff for help."
    if thread.is_hidden:
        return "This thread is hidden."
    if thread.is_solved:
        return "This question is solved, so only its asker or a moderator can ask staff for help on it."
    return ("Only the asker can ask staff for help before the question is a day old. If you need help with the "
            "same problem, ask your own question: staff see it too.")


def _active_escalation(thread_id: int) -> Escalation | None:
    return db.session.scalar(sa.select(Escalation).where(Escalation.thread_id == thread_id,
                                                         Escalation.status.in_(ACTIVE)))


def _open_escalation(thread: Thread, *, requested_by: User | None, source: str, reason: str,
                     now: datetime | None = None) -> Escalation:
    now = now or utcnow()
    escalation = Escalation(thread_id=thread.id, requested_by_id=requested_by.id if requested_by else None,
                            source=source, reason=reason, status=EscalationStatus.OPEN, created_at=now,
                            due_at=now + timedelta(hours=support_policy(thread.category)[0]))
    db.session.add(escalation)
    db.session.flush()
    return escalation


def subject_url(escalation: Escalation) -> str:
    """The page of the question or idea the escalation is about (a site-relative path)."""
    if escalation.thread_id is not None:
        return question_services.thread_url(escalation.thread)
    return idea_services.idea_url(escalation.idea_id)


def _about(escalation: Escalation) -> dict[str, object]:
    """What a notification about the escalation links to: its thread or its idea."""
    subject = {"thread_id": escalation.thread_id} if escalation.thread_id is not None else \
        {"idea_id": escalation.idea_id}
    return {**subject, "url": subject_url(escalation)}


def assign_escalation(*, actor: User, escalation: Escalation, assignee: object = None) -> Escalation:
    """Assign to a staff member by username (default: the actor); the assignee is notified."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.can_work_escalations(), "Only staff work the escalation queue.")
    if assignee is None or assignee == "":
        target = actor
    elif not isinstance(assignee, str):
        raise Invalid("Some fields need attention.", {"assignee": "Give the assignee's username."})
    else:
        target = find_user(assignee.strip())
        if target is None:
            raise Invalid("Some fields need attention.", {"assignee": f"There is no user named “{assignee[:30]}”."})
        if not policy.can_be_assigned(target):
            raise Invalid("Some fields need attention.", {"assignee": f"{target.username} is not on staff."})
    if escalation.status == EscalationStatus.RESOLVED:
        raise Conflict("This escalation is already resolved.")
    if escalation.assignee_id == target.id:
        raise Conflict(f"This escalation is already assigned to {target.username}.")
    previous = escalation.assignee_id
    escalation.assignee_id, escalation.status, escalation.assigned_at = target.id, EscalationStatus.ASSIGNED, utcnow()
    title = escalation.subject.title
    if previous is not None and previous != actor.id:  # a colleague took the case over: its holder is told
        notify(user_id=previous, kind="escalation_assigned", actor=actor, **_about(escalation),
               text=f"{actor.username} took over the escalation on “{title}” (now with {target.username})")
    notify(user_id=target.id, kind="escalation_assigned", actor=actor, **_about(escalation),
           text=f"{actor.username} assigned you the escalation on “{title}”")
    record_audit(actor=actor, action="escalation.assign", target_type="escalation", target_id=escalation.id,
                 label=title, note=f"assigned to {target.username}")
    db.session.commit()
    return escalation


def resolve_escalation(*, actor: User, escalation: Escalation, note: object = "") -> Escalation:
    """Close the escalation with a note; the requester is told. Resolving twice is a conflict."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.can_work_escalations(), "Only staff work the escalation queue.")
    errors = FieldErrors()
    note = errors.text("note", note, label="Note", min_len=0, max_len=NOTE_MAX, multiline=True)
    errors.check()
    if escalation.status == EscalationStatus.RESOLVED:
        raise Conflict("This escalation is already resolved.")
    now = utcnow()
    escalation.status, escalation.resolved_at, escalation.resolution_note = EscalationStatus.RESOLVED, now, note
    escalation.resolved_by_id = actor.id
    if escalation.assignee_id is None:
        escalation.assignee_id, escalation.assigned_at = actor.id, now
    title = escalation.subject.title
    notify(user_id=asker_id(escalation), kind="escalation_resolved", actor=actor, **_about(escalation),
           text=f"Staff resolved your request for help on “{title}”")
    record_audit(actor=actor, action="escalation.resolve", target_type="escalation", target_id=escalation.id,
                 label=title, note=note)
    db.session.commit()
    return escalation


def escalate_overdue_questions(*, now: datetime | None = None) -> int:
    """Escalate visible, unsolved questions nobody answered for their category's auto-escalation delay
    (forum/site.py: support_policy). A thread that was ever escalated is left alone, so running this twice (or
    every hour from cron) escalates nothing new."""
    now = now or utcnow()
    delays = {category.id: support_policy(category)[1] for category in db.session.scalars(sa.select(Category))}
    by_delay: dict[int, list[int]] = {}
    for category_id, hours in delays.items():
        by_delay.setdefault(hours, []).append(category_id)
    if not by_delay:
        return 0
    overdue = sa.or_(*(sa.and_(Thread.category_id.in_(ids), Thread.created_at <= now - timedelta(hours=hours))
                       for hours, ids in by_delay.items()))
    threads = db.session.scalars(sa.select(Thread).where(
        Thread.answer_count == 0, overdue, Thread.is_hidden.is_(False),
        Thread.accepted_post_id.is_(None), Thread.duplicate_of_id.is_(None),
        ~sa.exists().where(Escalation.thread_id == Thread.id)).order_by(Thread.created_at)).all()
    for thread in threads:
        hours = delays[thread.category_id]
        escalation = _open_escalation(thread, requested_by=None, source="auto", now=now,
                                      reason=f"No answer after {hours} hours.")
        notify(user_id=thread.author_id, kind="escalation_opened", thread_id=thread.id,
               url=question_services.thread_url(thread),
               text=f"Nobody answered “{thread.title}” within {hours} hours, so it went to "
                    f"{site_settings().staff_name}: they will reply in the thread")
        record_audit(actor=None, action="escalation.auto", target_type="escalation", target_id=escalation.id,
                     label=thread.title, note=f"unanswered for {hours} hours")
    db.session.commit()
    return len(threads)
