"""Customer context (issue 15, item 5): what this community knows about a member, for staff, with limits: only
their posts' counts, solved questions, escalations and ideas voted for; a private profile only on an escalation;
never for members, never about staff accounts, never an email or a private note."""
from __future__ import annotations

from datetime import timedelta

from forum import clock, customer_context
from forum.escalations import services as escalations
from forum.ideas.services import vote_idea
from forum.models import Role
from forum.privacy.services import set_profile_visibility
from forum.questions import services as questions
from tests.conftest import login_as
from tests.factories import make_answer, make_escalation, make_idea, make_thread, make_user


def _member_with_history():
    member, helper = make_user("carla"), make_user()
    solved = make_thread(member, title="How do I reset the hub to factory settings?")
    answer = make_answer(solved, helper, body="Hold the button for ten seconds.")
    questions.accept_answer(actor=member, answer=answer)
    open_one = make_thread(member, title="Why does the hub go offline every night?")
    make_answer(make_thread(helper, title="Which batteries does the sensor take?"), member, body="Two AAA ones.")
    clock.freeze(clock.utcnow() + timedelta(days=2))
    escalation = make_escalation(open_one, member, reason="Still offline every night, please help.")
    staff = make_user(role=Role.STAFF)
    escalations.resolve_escalation(actor=staff, escalation=escalation, note="Replaced the hub.")
    vote_idea(actor=member, idea=make_idea(title="Please add a night mode schedule"), value=1)
    return member, staff


def test_staff_see_counts_escalations_and_ideas(ctx):
    member, staff = _member_with_history()
    found = customer_context.context_for(actor=staff, member=member, purpose=customer_context.PROFILE)
    assert (found.questions, found.solved, found.answers, found.accepted_answers) == (2, 1, 1, 0)
    assert found.escalation_count == 1 and found.escalations[0].status == "resolved"
    assert found.ideas_voted == 1 and [i.title for i in found.recent_ideas] == ["Please add a night mode schedule"]


def test_members_and_staff_accounts_get_no_context(ctx):
    member, staff = _member_with_history()
    assert customer_context.context_for(actor=make_user(), member=member, purpose=customer_context.PROFILE) is None
    assert customer_context.context_for(actor=staff, member=make_user(role=Role.STAFF), purpose=customer_context.PROFILE) is None


def test_a_private_profile_shows_only_what_an_escalation_needs(ctx):
    member, staff = _member_with_history()
    set_profile_visibility(actor=member, visibility="private")
    on_profile = customer_context.context_for(actor=staff, member=member, purpose=customer_context.PROFILE)
    assert on_profile.limited and on_profile.questions == 0 and on_profile.escalations == []
    on_listening = customer_context.contexts_for(actor=staff, members=[member], purpose=customer_context.LISTENING)[member.id]
    assert on_listening.limited
    on_escalation = customer_context.context_for(actor=staff, member=member, purpose=customer_context.ESCALATION)
    assert not on_escalation.limited and on_escalation.questions == 2 and on_escalation.escalation_count == 1
    assert not on_escalation.show_ideas and on_escalation.ideas_voted == 0 and on_escalation.recent_ideas == []


def test_profile_and_escalation_queue_show_it_to_staff_only(app, client):
    with app.app_context():
        member, staff = _member_with_history()
        other = make_thread(member, title="Can the hub run on battery power at all?")
        clock.freeze(clock.utcnow() + timedelta(days=2))
        make_escalation(other, member, reason="Nobody knows, please help me.")
        ids = {"member": member.id, "staff": staff.id, "viewer": make_user().id}
    login_as(client, ids["staff"])
    page = client.get("/users/carla").get_data(as_text=True)
    assert "What this community knows" in page and "3 questions (1 solved)" in page
    assert "Please add a night mode schedule" in page and "carla@example.com" not in page
    queue = client.get("/staff/escalations").get_data(as_text=True)
    assert "3 questions (1 solved)" in queue and "resolved (Replaced the hub.)" in queue
    login_as(client, ids["viewer"])
    assert "What this community knows" not in client.get("/users/carla").get_data(as_text=True)
