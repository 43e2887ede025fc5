"""Privacy services: profile visibility, the personal-data check on questions, private notes to staff."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum import links
from forum.errors import Invalid, PermissionDenied
from forum.escalations import services as escalations
from forum.extensions import db
from forum.models import AuditEntry, Escalation, Post, Role, Thread
from forum.pii_guard import PIIDetected
from forum.privacy import services
from forum.questions import services as questions
from tests.factories import make_answer, make_category, make_thread, make_user

PHONE = "You can reach me on +44 20 7946 0958 in the evening."


# -- visibility --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["public", "members", "private"])
def test_member_sets_profile_visibility(ctx, value):
    user = make_user()
    services.set_profile_visibility(actor=user, visibility=value)
    assert db.session.get(type(user), user.id).profile_visibility == value


@pytest.mark.parametrize("value", ["", "everyone", None, 1, ["public"]])
def test_bad_visibility_is_refused(ctx, value):
    user = make_user()
    with pytest.raises(Invalid) as caught:
        services.set_profile_visibility(actor=user, visibility=value)
    assert "profile_visibility" in caught.value.fields
    assert user.profile_visibility == "public"


def test_visitor_cannot_set_visibility(ctx):
    with pytest.raises(PermissionDenied):
        services.set_profile_visibility(actor=None, visibility="private")


# -- the personal-data check -------------------------------------------------------------------------------
def test_answer_with_a_phone_number_is_held_back(ctx):
    thread = make_thread()
    with pytest.raises(PIIDetected) as caught:
        questions.post_answer(actor=make_user(), thread=thread, body=PHONE)
    assert caught.value.code == "pii_detected" and caught.value.status == 422
    assert "phone number" in caught.value.fields["body"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post).where(Post.thread_id == thread.id)) == 1


def test_author_can_post_anyway(ctx):
    answer = questions.post_answer(actor=make_user(), thread=make_thread(), body=PHONE, confirm_public=True)
    assert "+44 20 7946 0958" in answer.body_md


@pytest.mark.parametrize("field, value", [("title", "Call me on 555-123-4567 about the hub"),
                                          ("body", "Card 4111 1111 1111 1111 was charged twice")])
def test_question_title_and_body_are_checked(ctx, field, value):
    make_category()
    values = {"title": "Hub keeps dropping off the network", "body": "It drops every night."} | {field: value}
    with pytest.raises(PIIDetected) as caught:
        questions.ask_question(actor=make_user(), category="general", **values)
    assert list(caught.value.fields) == [field]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 0


def test_an_edit_is_checked_but_an_unchanged_post_is_not(ctx):
    author = make_user()
    thread = make_thread(author)
    with pytest.raises(PIIDetected):
        questions.edit_post(actor=author, post=thread.question, body="Now with jo@example.org in it")
    questions.edit_post(actor=author, post=thread.question, body="Now with jo@example.org in it", confirm_public=True)
    assert questions.edit_post(actor=author, post=thread.question, body="Now with jo@example.org in it")


def test_ordinary_text_passes(ctx):
    answer = make_answer(make_thread(), body="Firmware 4.3.1 from 2024-03-15 fixed it; the hub was $129.99.")
    assert answer.id


@pytest.mark.config(PII_PATTERNS='[{"name": "order number", "pattern": "BW-\\\\d{7}"}]')
def test_company_pattern_is_checked(ctx):
    with pytest.raises(PIIDetected) as caught:
        make_answer(make_thread(), body="My order BW-1234567 never arrived")
    assert "an order number" in caught.value.fields["body"]


@pytest.mark.config(PII_PATTERNS='[{"name": "broken", "pattern": "(unclosed"}]')
def test_a_broken_company_pattern_never_breaks_posting(ctx):
    assert make_answer(make_thread(), body="Works fine (unclosed parenthesis").id


# -- sending it privately to staff -------------------------------------------------------------------------
def test_private_to_staff_redacts_the_post_and_keeps_a_private_note(ctx):
    member, thread = make_user(), make_thread()
    answer = questions.post_answer(actor=member, thread=thread, body=PHONE, private_to_staff=True)
    assert "7946" not in answer.body_md and "[removed]" in answer.body_md
    assert "7946" not in answer.body_html
    escalation = db.session.scalar(sa.select(Escalation).where(Escalation.thread_id == thread.id))
    assert escalation.requested_by_id == member.id and escalation.status == "open"
    assert "+44 20 7946 0958" in escalation.private_note
    assert "7946" not in escalation.reason


def test_private_question_creates_the_thread_redacted(ctx):
    make_category()
    thread = questions.ask_question(actor=make_user(), title="Refund for card 4111 1111 1111 1111 please",
                                    body="Mail me at jo@example.org", category="general", private_to_staff=True)
    assert thread.title == "Refund for card [removed] please"
    assert thread.question.body_md == "Mail me at [removed]"
    note = db.session.scalar(sa.select(Escalation.private_note).where(Escalation.thread_id == thread.id))
    assert "4111 1111 1111 1111" in note and "jo@example.org" in note


@pytest.fixture
def private_case(ctx):
    member, staff, other = make_user(), make_user(role=Role.STAFF), make_user(role=Role.STAFF)
    admin, moderator = make_user(role=Role.ADMIN), make_user(role=Role.MODERATOR)
    thread = make_thread()
    questions.post_answer(actor=member, thread=thread, body=PHONE, private_to_staff=True)
    escalation = db.session.scalar(sa.select(Escalation).where(Escalation.thread_id == thread.id))
    escalations.assign_escalation(actor=staff, escalation=escalation)
    return {"member": member, "staff": staff, "other": other, "admin": admin, "moderator": moderator,
            "escalation": escalation}


def test_assigned_staff_reads_the_note_and_email_and_it_is_audited(private_case):
    case = private_case
    details = services.read_private_details(actor=case["staff"], escalation_id=case["escalation"].id)
    assert "+44 20 7946 0958" in details["note"]
    assert details["email"] == case["member"].email
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "escalation.private_view"))
    assert entry.actor_id == case["staff"].id and entry.target_id == case["escalation"].id
    assert "email" in entry.note


@pytest.mark.parametrize("who", ["member", "other", "moderator"])
def test_others_cannot_read_the_private_note(private_case, who):
    with pytest.raises(PermissionDenied):
        services.read_private_details(actor=private_case[who], escalation_id=private_case["escalation"].id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "escalation.private_view")) == 0


def test_admin_reads_the_note(private_case):
    details = services.read_private_details(actor=private_case["admin"], escalation_id=private_case["escalation"].id)
    assert details["note"] and details["email"] == private_case["member"].email


# -- ideas -------------------------------------------------------------------------------------------------
def test_idea_and_comment_are_checked(ctx):
    from forum.ideas import services as ideas
    from tests.factories import make_idea
    make_category()
    author = make_user()
    with pytest.raises(PIIDetected) as caught:
        ideas.submit_idea(actor=author, title="Let support call me back on 555-123-4567",
                          body="A call-back button would be great.", category="general")
    assert list(caught.value.fields) == ["title"]
    idea = ideas.submit_idea(actor=author, title="Let support call me back on 555-123-4567",
                             body="A call-back button would be great.", category="general", confirm_public=True)
    assert "555-123-4567" in idea.title
    with pytest.raises(PIIDetected):
        ideas.comment_on_idea(actor=make_user(), idea=make_idea(), body="Mail me: fan@example.org")


@pytest.fixture
def idea_case(ctx):
    from tests.factories import make_idea
    make_category()
    return {"author": make_user(), "commenter": make_user(), "staff": make_user(role=Role.STAFF),
            "other_staff": make_user(role=Role.STAFF), "idea": make_idea()}


def test_private_idea_is_posted_redacted_with_a_note_on_the_idea(idea_case):
    from forum.ideas import services as ideas
    idea = ideas.submit_idea(actor=idea_case["author"], title="Let support call me back on 555-123-4567",
                             body="Or write to jo@example.org about the call-back button.", category="general",
                             private_to_staff=True)
    assert idea.title == "Let support call me back on [removed]"
    assert "jo@example.org" not in idea.body_md and "jo@example.org" not in idea.body_html
    escalation = db.session.scalar(sa.select(Escalation).where(Escalation.idea_id == idea.id))
    assert escalation.thread_id is None and escalation.requested_by_id == idea_case["author"].id
    assert "555-123-4567" in escalation.private_note and "jo@example.org" in escalation.private_note
    assert escalation.subject is idea and links.escalation_subject_path(escalation) == f"/ideas/{idea.id}"
    assert "555" not in escalation.reason


def test_private_idea_comment_keeps_the_note_for_assigned_staff_only(idea_case):
    from forum.ideas import services as ideas
    case, idea = idea_case, idea_case["idea"]
    comment = ideas.comment_on_idea(actor=case["commenter"], idea=idea, private_to_staff=True,
                                    body="Same here, my order is on card 4111-1111-1111-1111.")
    assert "4111" not in comment.body_md and "[removed]" in comment.body_md
    escalation = db.session.scalar(sa.select(Escalation).where(Escalation.idea_id == idea.id))
    with pytest.raises(PermissionDenied):
        services.read_private_details(actor=case["other_staff"], escalation_id=escalation.id)
    escalations.assign_escalation(actor=case["staff"], escalation=escalation)
    with pytest.raises(PermissionDenied):
        services.read_private_details(actor=case["other_staff"], escalation_id=escalation.id)
    details = services.read_private_details(actor=case["staff"], escalation_id=escalation.id)
    assert "4111-1111-1111-1111" in details["note"] and details["email"] == case["commenter"].email
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "escalation.private_view"))
    assert entry.target_label == idea.title


def test_an_official_comment_answers_an_idea_escalation_and_resolving_tells_the_requester(idea_case):
    from forum.ideas import services as ideas
    from forum.models import Notification
    case, idea = idea_case, idea_case["idea"]
    ideas.comment_on_idea(actor=case["commenter"], idea=idea, body="Call me on +44 20 7946 0958",
                          private_to_staff=True)
    escalation = db.session.scalar(sa.select(Escalation).where(Escalation.idea_id == idea.id))
    escalations.assign_escalation(actor=case["staff"], escalation=escalation)
    ideas.comment_on_idea(actor=case["staff"], idea=idea, body="Thanks, we will call you this week.")
    assert escalation.first_staff_reply_at is not None and escalation.first_staff_reply_by_id == case["staff"].id
    escalations.resolve_escalation(actor=case["staff"], escalation=escalation, note="Called back.")
    told = db.session.scalars(sa.select(Notification).where(Notification.user_id == case["commenter"].id,
                                                            Notification.kind.like("escalation_%"))).all()
    assert {n.kind for n in told} == {"escalation_answered", "escalation_resolved"}
    assert all(n.idea_id == idea.id and n.url.startswith(f"/ideas/{idea.id}") for n in told)
    assigned = db.session.scalar(sa.select(Notification).where(Notification.kind == "escalation_assigned"))
    assert assigned is None  # staff assigned themselves: nobody is told of their own action


def test_an_escalation_has_exactly_one_subject(idea_case):
    from datetime import timedelta

    from forum.clock import utcnow
    thread = make_thread()
    for subject in ({}, {"thread_id": thread.id, "idea_id": idea_case["idea"].id}):
        db.session.add(Escalation(**subject, reason="x", status="open", due_at=utcnow() + timedelta(hours=1)))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_deleting_the_author_removes_their_idea_notes(idea_case):
    from forum.ideas import services as ideas
    from tests.factories import PASSWORD
    case = idea_case
    ideas.comment_on_idea(actor=case["commenter"], idea=case["idea"], body="Mail me: fan@example.org",
                          private_to_staff=True)
    services.delete_account(actor=case["commenter"], target=case["commenter"], password=PASSWORD)
    assert db.session.scalar(sa.select(Escalation.private_note).where(Escalation.idea_id == case["idea"].id)) is None
