"""Escalation use cases: ask staff for help, assign, resolve, and the cron sweep of unanswered questions."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel.speaklater import LazyString

from forum import links, lookup
from forum.audit import record_audit
from forum.clock import utcnow
from forum.errors import Conflict, Invalid, NotFound
from forum.escalation_opening import open_escalation
from forum.escalations.hooks import asker_id
from forum.extensions import db
from forum.i18n import _, _l
from forum.models import Category, Escalation, EscalationStatus, Thread, User
from forum.notifications.services import notify
from forum.policy import Policy
from forum.site import settings as site_settings, support_policy
from forum.validation import FieldErrors

REASON_MAX, NOTE_MAX = 1000, 2000
ACTIVE = (EscalationStatus.OPEN, EscalationStatus.ASSIGNED)


def escalate_thread(*, actor: User, thread: Thread, reason: object) -> tuple[Escalation, bool]:
    """Open an escalation, or join the one already open on the thread; returns (escalation, joined)."""
    policy = Policy(actor)
    policy.ensure_active()
    _ensure_can_escalate(policy, thread)
    errors = FieldErrors()
    reason = errors.text("reason", reason, label=_("Reason"), min_len=5, max_len=REASON_MAX, multiline=True,
                         hint=_("Tell staff what you need from them and what you tried"))
    errors.check()
    # Lock the thread row so two simultaneous requests cannot both open an escalation.
    thread = db.session.get_one(Thread, thread.id, with_for_update=True, populate_existing=True)
    _ensure_can_escalate(policy, thread)
    existing = _active_escalation(thread.id)
    if existing is not None:
        db.session.execute(sa.update(Escalation).where(Escalation.id == existing.id)
                           .values(request_count=Escalation.request_count + 1))
        db.session.commit()
        db.session.refresh(existing)
        return existing, True
    source = "moderator" if policy.is_moderator and actor.id != thread.author_id else "member"
    escalation = open_escalation(thread=thread, requested_by=actor, source=source, reason=reason)
    if source == "moderator":
        record_audit(actor=actor, action="thread.escalate", target_type="thread", target_id=thread.id,
                     label=thread.title, note=reason)
    db.session.commit()
    return escalation, False


def _ensure_can_escalate(policy: Policy, thread: Thread) -> None:
    policy.ensure(policy.check_escalate(thread))


def _active_escalation(thread_id: int) -> Escalation | None:
    return db.session.scalar(sa.select(Escalation).where(Escalation.thread_id == thread_id,
                                                         Escalation.status.in_(ACTIVE)))


def _about(escalation: Escalation) -> dict[str, Any]:
    """What a notification about the escalation links to: its thread or its idea."""
    subject = {"thread_id": escalation.thread_id} if escalation.thread_id is not None else \
        {"idea_id": escalation.idea_id}
    return {**subject, "url": links.escalation_subject_path(escalation)}


def assign_escalation(*, actor: User, escalation: Escalation, assignee: object = None) -> Escalation:
    """Assign to a staff member by username (default: the actor); the assignee is notified."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_work_escalations())
    if assignee is None or assignee == "":
        target = actor
    elif not isinstance(assignee, str):
        raise Invalid(_("Some fields need attention."), {"assignee": _("Give the assignee's username.")})
    else:
        try:
            target = lookup.find_member(assignee)
        except NotFound:
            raise Invalid(_("Some fields need attention."), {"assignee": _("There is no user named “%(name)s”.",
                                                                          name=assignee[:30])}) from None
        if not policy.can_be_assigned(target):
            raise Invalid(_("Some fields need attention."), {"assignee": _("%(name)s is not on staff.",
                                                                          name=target.username)})
    if escalation.status == EscalationStatus.RESOLVED:
        raise Conflict(_("This escalation is already resolved."))
    if escalation.assignee_id == target.id:
        raise Conflict(_("This escalation is already assigned to %(name)s.", name=target.username))
    previous = escalation.assignee_id
    escalation.assignee_id, escalation.status, escalation.assigned_at = target.id, EscalationStatus.ASSIGNED, utcnow()
    title = escalation.subject.title
    if previous is not None and previous != actor.id:  # a colleague took the case over: its holder is told
        notify(user_id=previous, kind="escalation_assigned", actor=actor, **_about(escalation),
               text=_l("%(name)s took over the escalation on “%(title)s” (now with %(assignee)s)",
                       name=actor.username, title=title, assignee=target.username))
    notify(user_id=target.id, kind="escalation_assigned", actor=actor, **_about(escalation),
           text=_l("%(name)s assigned you the escalation on “%(title)s”", name=actor.username, title=title))
    record_audit(actor=actor, action="escalation.assign", target_type="escalation", target_id=escalation.id,
                 label=title, note=f"assigned to {target.username}")
    db.session.commit()
    return escalation


def resolve_escalation(*, actor: User, escalation: Escalation, note: object = "") -> Escalation:
    """Close the escalation with a note; the requester is told. Resolving twice is a conflict."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_work_escalations())
    errors = FieldErrors()
    note = errors.text("note", note, label=_("Note"), min_len=0, max_len=NOTE_MAX, multiline=True)
    errors.check()
    if escalation.status == EscalationStatus.RESOLVED:
        raise Conflict(_("This escalation is already resolved."))
    now = utcnow()
    escalation.status, escalation.resolved_at, escalation.resolution_note = EscalationStatus.RESOLVED, now, note
    escalation.resolved_by_id = actor.id
    if escalation.assignee_id is None:
        escalation.assignee_id, escalation.assigned_at = actor.id, now
    title = escalation.subject.title
    notify(user_id=asker_id(escalation), kind="escalation_resolved", actor=actor, **_about(escalation),
           text=_l("Staff resolved your request for help on “%(title)s”", title=title))
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
        Thread.answer_count == 0, overdue, Policy.public_threads(),
        Thread.accepted_post_id.is_(None), Thread.duplicate_of_id.is_(None),
        ~sa.exists().where(Escalation.thread_id == Thread.id)).order_by(Thread.created_at)).all()
    for thread in threads:
        hours = delays[thread.category_id]
        escalation = open_escalation(thread=thread, requested_by=None, source="auto", now=now,
                                     reason=f"No answer after {hours} hours.")
        notify(user_id=thread.author_id, kind="escalation_opened", thread_id=thread.id,
               url=links.thread_path(thread),
               text=_l("Nobody answered “%(title)s” within %(hours)d hours, so it went to %(staff)s: they will "
                       "reply in the thread", title=thread.title, hours=hours,
                       staff=LazyString(lambda: site_settings().staff_name)))
        record_audit(actor=None, action="escalation.auto", target_type="escalation", target_id=escalation.id,
                     label=thread.title, note=f"unanswered for {hours} hours")
    db.session.commit()
    return len(threads)
