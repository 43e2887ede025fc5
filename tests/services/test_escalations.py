"""Escalation lifecycle with a controlled clock: SLA, joining, assignment, staff reply, resolve, auto-escalation."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.errors import Conflict, Invalid, PermissionDenied
from forum.escalations import queries, services
from forum.extensions import db
from forum.models import AuditEntry, Escalation, Notification, Role
from forum.moderation import services as moderation
from tests.factories import make_answer, make_escalation, make_thread, make_user

T0 = datetime(2026, 3, 2, 9, 0, 0)


def kinds(user_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == user_id)))


def test_escalation_lifecycle_with_sla(ctx):
    clock.freeze(T0)
    asker, staff = make_user(), make_user(role=Role.STAFF)
    thread = make_thread(asker)
    escalation, joined = services.escalate_thread(actor=asker, thread=thread, reason="Router bricked after update")
    assert not joined and escalation.status == "open" and escalation.source == "member"
    assert escalation.due_at == T0 + timedelta(hours=24)
    assert not queries.is_breached(escalation, T0 + timedelta(hours=23, minutes=59))
    assert queries.is_breached(escalation, T0 + timedelta(hours=24, seconds=1))

    clock.freeze(T0 + timedelta(hours=2))
    services.assign_escalation(actor=staff, escalation=escalation)
    assert escalation.status == "assigned" and escalation.assignee_id == staff.id

    clock.freeze(T0 + timedelta(hours=3))
    reply = make_answer(thread, staff, body="Staff here: hold reset for 10 seconds.")
    db.session.refresh(escalation)
    assert reply.is_staff_reply
    assert escalation.first_staff_reply_at == T0 + timedelta(hours=3)
    assert escalation.first_staff_reply_by_id == staff.id
    assert "escalation_answered" in kinds(asker.id)
    assert not queries.is_breached(escalation, T0 + timedelta(days=5))  # answered in time stays met

    clock.freeze(T0 + timedelta(hours=4))
    services.resolve_escalation(actor=staff, escalation=escalation, note="Fixed by a reset.")
    assert escalation.status == "resolved" and escalation.resolved_at == T0 + timedelta(hours=4)
    assert "escalation_resolved" in kinds(asker.id)
    with pytest.raises(Conflict):
        services.resolve_escalation(actor=staff, escalation=escalation, note="again")
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["escalation.assign", "escalation.resolve"]


def test_late_staff_reply_is_a_breach(ctx):
    clock.freeze(T0)
    asker, staff = make_user(), make_user(role=Role.STAFF)
    thread = make_thread(asker)
    escalation = make_escalation(thread)
    clock.freeze(T0 + timedelta(hours=30))
    make_answer(thread, staff)
    db.session.refresh(escalation)
    assert queries.is_breached(escalation)
    assert queries.breached_active_count(T0 + timedelta(hours=30)) == 0  # answered, so no longer waiting


def test_member_answer_does_not_stop_the_clock(ctx):
    clock.freeze(T0)
    thread = make_thread()
    escalation = make_escalation(thread)
    make_answer(thread, make_user())
    db.session.refresh(escalation)
    assert escalation.first_staff_reply_at is None


def test_second_request_joins_the_open_escalation(ctx):
    clock.freeze(T0)
    asker = make_user()
    thread = make_thread(asker)
    first = make_escalation(thread)
    clock.freeze(T0 + timedelta(hours=25))
    second, joined = services.escalate_thread(actor=make_user(), thread=thread, reason="Same problem here!")
    assert joined and second.id == first.id and second.request_count == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Escalation)) == 1


def test_assign_to_another_staff_member_notifies_them(ctx):
    lead, agent = make_user(role=Role.STAFF), make_user("agent", role=Role.MODERATOR)
    escalation = make_escalation(make_thread())
    services.assign_escalation(actor=lead, escalation=escalation, assignee="AGENT")
    assert escalation.assignee_id == agent.id
    assert kinds(agent.id) == ["escalation_assigned"]
    with pytest.raises(Conflict):
        services.assign_escalation(actor=lead, escalation=escalation, assignee="agent")


@pytest.mark.parametrize("assignee, message", [("nobody", "no user"), ("member1x", "not on staff"), (5, "username")])
def test_assign_refuses_a_non_staff_assignee(ctx, assignee, message):
    make_user("member1x")
    staff = make_user(role=Role.STAFF)
    escalation = make_escalation(make_thread())
    with pytest.raises(Invalid) as error:
        services.assign_escalation(actor=staff, escalation=escalation, assignee=assignee)
    assert message in error.value.fields["assignee"]
    db.session.refresh(escalation)
    assert escalation.status == "open" and escalation.assignee_id is None


def test_members_cannot_work_the_queue(ctx):
    member = make_user()
    escalation = make_escalation(make_thread())
    with pytest.raises(PermissionDenied):
        services.assign_escalation(actor=member, escalation=escalation)
    with pytest.raises(PermissionDenied):
        services.resolve_escalation(actor=escalation.thread.author, escalation=escalation, note="done")


def test_only_the_asker_escalates_a_young_question(ctx):
    clock.freeze(T0)
    thread = make_thread()
    other = make_user()
    with pytest.raises(PermissionDenied):
        services.escalate_thread(actor=other, thread=thread, reason="Please help us")
    clock.freeze(T0 + timedelta(hours=24))
    escalation, _ = services.escalate_thread(actor=other, thread=thread, reason="Please help us")
    assert escalation.requested_by_id == other.id


def test_escalating_a_hidden_thread_is_refused(ctx):
    mod = make_user(role=Role.MODERATOR)
    thread = make_thread()
    moderation.hide_thread(actor=mod, thread=thread, note="spam")
    with pytest.raises(PermissionDenied):
        services.escalate_thread(actor=thread.author, thread=thread, reason="Please look")
    with pytest.raises(PermissionDenied):
        services.escalate_thread(actor=mod, thread=thread, reason="Please look")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Escalation)) == 0


@pytest.mark.parametrize("reason", ["", "hey", "x" * 1001, "bad\x00char", None, 42])
def test_escalation_reason_is_checked(ctx, reason):
    thread = make_thread()
    with pytest.raises(Invalid) as error:
        services.escalate_thread(actor=thread.author, thread=thread, reason=reason)
    assert "reason" in error.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Escalation)) == 0


def test_moderator_escalation_is_audited(ctx):
    mod = make_user(role=Role.MODERATOR)
    thread = make_thread()
    escalation, _ = services.escalate_thread(actor=mod, thread=thread, reason="Billing complaint, urgent")
    assert escalation.source == "moderator"
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.target_id) == ("thread.escalate", mod.id, thread.id)


@pytest.mark.config(AUTO_ESCALATE_AFTER_HOURS=48, ESCALATION_SLA_HOURS=8)
def test_auto_escalation_is_idempotent(ctx):
    clock.freeze(T0)
    old_unanswered = make_thread(title="Old question nobody answered")
    answered = make_thread(title="Old question with an answer")
    make_answer(answered)
    hidden = make_thread(title="Old hidden question here")
    moderation.hide_thread(actor=make_user(role=Role.MODERATOR), thread=hidden)
    clock.freeze(T0 + timedelta(hours=47))
    young = make_thread(title="Young question, not yet due")
    clock.freeze(T0 + timedelta(hours=48))
    assert services.escalate_overdue_questions() == 1
    escalation = db.session.scalar(sa.select(Escalation))
    assert (escalation.thread_id, escalation.source, escalation.requested_by_id) == (old_unanswered.id, "auto", None)
    assert escalation.due_at == T0 + timedelta(hours=56)
    assert services.escalate_overdue_questions() == 0
    clock.freeze(T0 + timedelta(hours=96))
    assert services.escalate_overdue_questions() == 1  # now `young` is due, the first is not repeated
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Escalation)) == 2
    assert young.id in set(db.session.scalars(sa.select(Escalation.thread_id)))
    autos = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "escalation.auto")).all()
    assert len(autos) == 2 and all(entry.actor_id is None for entry in autos)


def test_cli_escalate_overdue(app):
    with app.app_context():
        clock.freeze(T0)
        make_thread()
    clock.freeze(T0 + timedelta(days=3))
    runner = app.test_cli_runner()
    assert "Escalated 1 unanswered question." in runner.invoke(args=["forum", "escalate-overdue"]).output
    assert "Escalated 0 unanswered questions." in runner.invoke(args=["forum", "escalate-overdue"]).output


def test_queue_filters_and_order(ctx):
    clock.freeze(T0)
    staff = make_user(role=Role.STAFF)
    first = make_escalation(make_thread())
    clock.freeze(T0 + timedelta(hours=1))
    second = make_escalation(make_thread())
    clock.freeze(T0 + timedelta(hours=2))
    third = make_escalation(make_thread())
    services.assign_escalation(actor=staff, escalation=second)
    services.resolve_escalation(actor=staff, escalation=third, note="ok")
    ids = lambda status: [e.id for e in queries.list_escalations(queries.QueueFilters(status=status), staff).items]
    assert ids("active") == [first.id, second.id]
    assert ids("open") == [first.id]
    assert ids("assigned") == ids("mine") == [second.id]
    assert ids("resolved") == [third.id]
    assert queries.counts() == {"open": 1, "assigned": 1, "resolved": 1}
