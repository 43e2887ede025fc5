"""Flags, the auto-hide threshold, every moderator action with its audit entry, suspensions."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.errors import Conflict, Invalid, PermissionDenied
from forum.extensions import db
from forum.models import AuditEntry, Flag, Notification, Role, Thread
from forum.moderation import queries, services
from forum.questions import queries as question_queries
from forum.questions import services as questions
from tests.factories import make_answer, make_category, make_flag, make_thread, make_user

T0 = datetime(2026, 3, 2, 9, 0, 0)


def audit_rows() -> list[tuple]:
    return [(e.action, e.actor_id, e.target_type, e.target_id, e.note)
            for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def open_flags(post_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Flag).where(
        Flag.post_id == post_id, Flag.status == "open"))


# -- flags -----------------------------------------------------------------------------------------

def test_member_flags_a_post_once(ctx):
    answer = make_answer(make_thread())
    reporter = make_user()
    flag = services.flag_post(actor=reporter, post=answer, reason="off_topic", note="About another product")
    assert (flag.status, flag.reason, flag.reporter_id) == ("open", "off_topic", reporter.id)
    with pytest.raises(Conflict):
        services.flag_post(actor=reporter, post=answer, reason="spam")
    assert open_flags(answer.id) == 1


def test_own_post_cannot_be_flagged(ctx):
    answer = make_answer(make_thread())
    with pytest.raises(PermissionDenied, match="own post"):
        services.flag_post(actor=answer.author, post=answer, reason="spam")
    assert open_flags(answer.id) == 0


@pytest.mark.parametrize("reason, note, field", [("rude", "", "reason"), (None, "", "reason"),
                                                 ("other", "", "note"), ("spam", "x" * 1001, "note")])
def test_flag_input_is_checked(ctx, reason, note, field):
    answer = make_answer(make_thread())
    with pytest.raises(Invalid) as error:
        services.flag_post(actor=make_user(), post=answer, reason=reason, note=note)
    assert field in error.value.fields
    assert open_flags(answer.id) == 0


def test_suspended_member_cannot_flag(ctx):
    answer = make_answer(make_thread())
    member = make_user()
    services.suspend_user(actor=make_user(role=Role.MODERATOR), user=member, days=3, reason="Spamming links")
    with pytest.raises(PermissionDenied, match="suspended until .* Spamming links"):
        services.flag_post(actor=member, post=answer, reason="spam")


def test_three_spam_or_offensive_flags_hide_the_post_at_once(ctx):
    answer = make_answer(make_thread())
    make_flag(answer, reason="spam")
    make_flag(answer, reason="off_topic")  # does not count toward the threshold
    make_flag(answer, reason="offensive")
    assert not answer.is_hidden
    make_flag(answer, reason="spam")
    db.session.refresh(answer)
    assert answer.is_hidden and "flagged" in answer.hidden_reason
    assert audit_rows()[-1][:4] == ("post.auto_hide", None, "post", answer.id)
    kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == answer.author_id)).all()
    assert "post_hidden" in kinds
    assert open_flags(answer.id) == 4  # still pending review in the queue
    item = queries.flag_queue().items[0]
    assert item.post.id == answer.id and len(item.flags) == 4


def test_flag_queue_is_oldest_first_with_flags_grouped(ctx):
    clock.freeze(T0)
    thread = make_thread()
    first, second = make_answer(thread), make_answer(thread)
    clock.freeze(T0 + timedelta(minutes=5))
    make_flag(second, reason="spam")
    clock.freeze(T0 + timedelta(minutes=10))
    make_flag(first, reason="other", note="Wrong")
    make_flag(second, reason="offensive")
    page = queries.flag_queue()
    assert [item.post.id for item in page.items] == [second.id, first.id]
    assert [f.reason for f in page.items[0].flags] == ["spam", "offensive"]
    assert page.total == 2


def test_dismiss_flag_and_all_flags_on_a_post(ctx):
    mod = make_user(role=Role.MODERATOR)
    answer = make_answer(make_thread())
    one, two = make_flag(answer), make_flag(answer, reason="off_topic")
    assert services.dismiss_flag(actor=mod, flag=one, note="Looks fine") == 1
    assert (one.status, one.handler_id) == ("dismissed", mod.id)
    with pytest.raises(Conflict):
        services.dismiss_flag(actor=mod, flag=one)
    three = make_flag(answer)
    assert services.dismiss_flag(actor=mod, flag=two, whole_post=True) == 2
    assert three.status == "dismissed" and open_flags(answer.id) == 0
    assert [row[0] for row in audit_rows()] == ["flag.dismiss", "flag.dismiss"]


# -- posts -----------------------------------------------------------------------------------------

def test_hide_and_restore_a_post(ctx):
    mod = make_user(role=Role.MODERATOR)
    thread = make_thread()
    answer = make_answer(thread)
    flag = make_flag(answer)
    services.hide_post(actor=mod, post=answer, note="Advertising")
    assert answer.is_hidden and answer.hidden_reason == "Advertising" and flag.status == "upheld"
    with pytest.raises(Conflict):
        services.hide_post(actor=mod, post=answer, note="again")
    reader, page = make_user(), None
    page = question_queries.thread_page(thread, reader)
    assert answer.id not in [p.id for p in page.answers]
    author_page = question_queries.thread_page(thread, answer.author)
    assert answer.id in [p.id for p in author_page.answers]  # the author still sees it, with the reason
    services.restore_post(actor=mod, post=answer, note="Appeal accepted")
    assert not answer.is_hidden and answer.hidden_reason is None
    with pytest.raises(Conflict):
        services.restore_post(actor=mod, post=answer)
    assert audit_rows() == [("post.hide", mod.id, "post", answer.id, "Advertising"),
                            ("post.restore", mod.id, "post", answer.id, "Appeal accepted")]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF])
def test_non_moderators_cannot_hide(ctx, role):
    answer = make_answer(make_thread())
    with pytest.raises(PermissionDenied):
        services.hide_post(actor=make_user(role=role), post=answer, note="no")
    assert not answer.is_hidden and audit_rows() == []


# -- threads ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("action, attribute, value, undo", [
    ("lock", "is_locked", True, "unlock"), ("pin", "is_pinned", True, "unpin"), ("hide", "is_hidden", True, "restore")])
def test_thread_toggles_are_audited_and_refuse_repeats(ctx, action, attribute, value, undo):
    mod = make_user(role=Role.MODERATOR)
    thread = make_thread()
    getattr(services, f"{action}_thread")(actor=mod, thread=thread, note="why")
    assert getattr(thread, attribute) is value
    with pytest.raises(Conflict):
        getattr(services, f"{action}_thread")(actor=mod, thread=thread)
    getattr(services, f"{undo}_thread")(actor=mod, thread=thread)
    assert getattr(thread, attribute) is not value
    with pytest.raises(Conflict):
        getattr(services, f"{undo}_thread")(actor=mod, thread=thread)
    assert [(row[0], row[1], row[3]) for row in audit_rows()] == [
        (f"thread.{action}", mod.id, thread.id), (f"thread.{undo}", mod.id, thread.id)]


def test_locked_thread_takes_no_answers_or_votes(ctx):
    mod = make_user(role=Role.MODERATOR)
    thread = make_thread()
    answer = make_answer(thread)
    services.lock_thread(actor=mod, thread=thread)
    with pytest.raises(PermissionDenied, match="locked"):
        questions.post_answer(actor=make_user(), thread=thread, body="Late answer")
    with pytest.raises(PermissionDenied):
        questions.vote_post(actor=make_user(), post=answer, value=1)


def test_pinned_thread_comes_first_in_its_category(ctx):
    clock.freeze(T0)
    older = make_thread(category="wifi")
    clock.freeze(T0 + timedelta(hours=1))
    newer = make_thread(category="wifi")
    services.pin_thread(actor=make_user(role=Role.MODERATOR), thread=older)
    page = question_queries.list_questions(question_queries.ListFilters(category="wifi"), None)
    assert [t.id for t in page.items] == [older.id, newer.id]


def test_hidden_thread_leaves_the_list_for_members(ctx):
    mod = make_user(role=Role.MODERATOR)
    thread = make_thread()
    services.hide_thread(actor=mod, thread=thread)
    assert question_queries.list_questions(question_queries.ListFilters(), make_user()).total == 0
    assert question_queries.list_questions(question_queries.ListFilters(), mod).total == 1


def test_move_thread(ctx):
    mod = make_user(role=Role.MODERATOR)
    thread = make_thread(category="general")
    make_category("billing", "Billing")
    services.move_thread(actor=mod, thread=thread, category="billing", note="About invoices")
    assert thread.category.slug == "billing"
    assert audit_rows()[-1][0] == "thread.move" and "to Billing" in audit_rows()[-1][4]
    with pytest.raises(Conflict):
        services.move_thread(actor=mod, thread=thread, category="billing")
    with pytest.raises(Invalid) as error:
        services.move_thread(actor=mod, thread=thread, category="nope")
    assert "category" in error.value.fields


def test_close_as_duplicate_links_both_ways(ctx):
    mod = make_user(role=Role.MODERATOR)
    original, dup, dup_of_dup = make_thread(), make_thread(), make_thread()
    services.close_as_duplicate(actor=mod, thread=dup, of=original.id)
    assert dup.duplicate_of_id == original.id and dup.status == "closed"
    services.close_as_duplicate(actor=mod, thread=dup_of_dup, of=str(dup.id))  # chains resolve to the original
    assert dup_of_dup.duplicate_of_id == original.id
    page = question_queries.thread_page(original, None)
    assert [t.id for t in page.duplicates] == [dup.id, dup_of_dup.id] and page.duplicate_of is None
    assert question_queries.thread_page(dup, None).duplicate_of.id == original.id
    with pytest.raises(Conflict):
        services.close_as_duplicate(actor=mod, thread=dup, of=original.id)
    assert audit_rows()[0][0] == "thread.duplicate"


@pytest.mark.parametrize("of", ["", "abc", 999, True, None])
def test_duplicate_target_is_checked(ctx, of):
    mod = make_user(role=Role.MODERATOR)
    thread = make_thread()
    with pytest.raises(Invalid) as error:
        services.close_as_duplicate(actor=mod, thread=thread, of=of)
    assert "of" in error.value.fields and thread.duplicate_of_id is None


def test_duplicate_of_itself_is_refused(ctx):
    mod = make_user(role=Role.MODERATOR)
    original, dup = make_thread(), make_thread()
    services.close_as_duplicate(actor=mod, thread=dup, of=original.id)
    with pytest.raises(Invalid):
        services.close_as_duplicate(actor=mod, thread=original, of=dup.id)  # would loop back to itself


# -- members ---------------------------------------------------------------------------------------

def test_suspend_and_lift(ctx):
    clock.freeze(T0)
    mod, member = make_user(role=Role.MODERATOR), make_user()
    thread = make_thread()
    services.suspend_user(actor=mod, user=member, days=7, reason="Repeated spam")
    assert member.suspended_until == T0 + timedelta(days=7) and member.is_suspended
    with pytest.raises(PermissionDenied, match="9 Mar 2026, 09:00 UTC.*Repeated spam"):
        questions.post_answer(actor=member, thread=thread, body="Buy my stuff")
    assert question_queries.thread_page(thread, member).thread.id == thread.id  # reading still works
    services.unsuspend_user(actor=mod, user=member, note="Apologised")
    assert not member.is_suspended
    with pytest.raises(Conflict):
        services.unsuspend_user(actor=mod, user=member)
    assert [row[0] for row in audit_rows()] == ["user.suspend", "user.unsuspend"]
    make_answer(thread, member)


@pytest.mark.parametrize("days, reason, field", [(0, "x", "days"), ("ten", "x", "days"), (3651, "x", "days"),
                                                 (True, "x", "days"), (3, "", "reason")])
def test_suspension_input_is_checked(ctx, days, reason, field):
    mod, member = make_user(role=Role.MODERATOR), make_user()
    with pytest.raises(Invalid) as error:
        services.suspend_user(actor=mod, user=member, days=days, reason=reason)
    assert field in error.value.fields and not member.is_suspended


def test_who_may_be_suspended(ctx):
    mod, admin, staff = make_user(role=Role.MODERATOR), make_user(role=Role.ADMIN), make_user(role=Role.STAFF)
    with pytest.raises(PermissionDenied):
        services.suspend_user(actor=mod, user=staff, days=1, reason="no")
    with pytest.raises(PermissionDenied):
        services.suspend_user(actor=mod, user=mod, days=1, reason="no")
    services.suspend_user(actor=admin, user=staff, days=1, reason="Admins may")
    assert staff.is_suspended


def test_audit_log_filters(ctx):
    clock.freeze(T0)
    mod, other = make_user("modanna", role=Role.MODERATOR), make_user("modbob", role=Role.MODERATOR)
    thread = make_thread()
    answer = make_answer(thread, make_user())
    services.lock_thread(actor=mod, thread=thread)
    clock.freeze(T0 + timedelta(days=2))
    services.pin_thread(actor=other, thread=thread)
    for _ in range(3):
        make_flag(answer)
    find = lambda **kw: [e.action for e in queries.audit_log(queries.AuditFilters(**kw)).items]
    assert find() == ["post.auto_hide", "thread.pin", "thread.lock"]
    assert find(actor="MODANNA") == ["thread.lock"]
    assert find(actor="system") == ["post.auto_hide"]
    assert find(action="thread") == ["thread.pin", "thread.lock"]
    assert find(action="thread.pin") == ["thread.pin"]
    assert find(since="2026-03-03") == ["post.auto_hide", "thread.pin"]
    assert find(since="2026-03-02T10:00:00Z") == ["post.auto_hide", "thread.pin"]
    with pytest.raises(Invalid):
        find(since="yesterday")


def test_audit_entries_are_never_changed_by_later_actions(ctx):
    mod = make_user(role=Role.MODERATOR)
    thread = make_thread()
    services.lock_thread(actor=mod, thread=thread, note="Heated")
    before = audit_rows()
    services.unlock_thread(actor=mod, thread=thread)
    db.session.delete(db.session.get(Thread, thread.id))  # even deleting the target keeps its history
    db.session.commit()
    assert audit_rows()[0] == before[0] and len(audit_rows()) == 2
