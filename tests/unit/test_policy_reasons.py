"""The Policy's decisions carry their refusal reasons: each check_* agrees with its can_* on every row of the
policy table, every refusal says why, and each reason is the one the person can act on (issue 19)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from forum import clock
from forum.decision import ALLOWED, Decision
from forum.errors import PermissionDenied
from forum.models import IdeaComment
from forum.policy import Policy
from tests.services import test_policy_table as table
from tests.services.test_policy_table import NOW, PEOPLE, accepted_answer, answer_on, idea, post, thread

CHECKED = sorted({row[1] for row in table.TABLE + table.KW_TABLE
                  if hasattr(Policy, "check_" + row[1].removeprefix("can_"))})
ROWS = [(label, action, args, who) for label, action, args, _ in table.TABLE if action in CHECKED
        for who in table.WHO]


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _reason(who: str, check: str, *args) -> str:
    decision = getattr(Policy(PEOPLE[who] if isinstance(who, str) else who), check)(*args)
    assert isinstance(decision, Decision) and not decision.allowed and not decision
    return decision.reason


def test_the_services_rules_all_have_a_decision():
    """The rules the question, moderation, escalation and idea services enforce answer with their reasons."""
    assert set(CHECKED) >= {"can_answer", "can_edit_post", "can_delete_post", "can_vote", "can_accept_answer",
                            "can_flag", "can_moderate", "can_suspend", "can_escalate", "can_work_escalations",
                            "can_vote_idea", "can_comment_idea", "can_pin_idea_comment", "can_set_idea_status",
                            "can_merge_ideas", "can_convert_question", "can_link_question", "can_export_ideas"}


@pytest.mark.parametrize("label, action, args, who", ROWS, ids=[f"{r[3]}-{r[1]}-{r[0]}" for r in ROWS])
def test_check_and_can_are_one_rule(label, action, args, who):
    policy = Policy(PEOPLE[who])
    built = args()
    decision = getattr(policy, "check_" + action.removeprefix("can_"))(*built)
    assert decision.allowed is getattr(policy, action)(*built)
    assert decision.allowed or (isinstance(decision.reason, str) and decision.reason.strip()), \
        f"{who} is refused {action} on {label} without a reason"
    assert not decision.allowed or decision == ALLOWED


def test_ensure_raises_with_the_decisions_own_reason():
    with pytest.raises(PermissionDenied, match="^You cannot vote on your own post.$"):
        Policy(PEOPLE["author"]).ensure(Policy(PEOPLE["author"]).check_vote(post()))
    Policy(PEOPLE["member"]).ensure(Policy(PEOPLE["member"]).check_vote(post()))
    with pytest.raises(PermissionDenied, match="^Only staff work"):  # a bare bool still takes the caller's words
        Policy(None).ensure(False, "Only staff work here.")


def test_question_reasons():
    assert _reason("member", "check_answer", thread(locked=True)) == "This thread is locked: no new answers."
    assert _reason("member", "check_answer", thread(hidden=True)) == "You cannot answer this thread."
    assert _reason("member", "check_edit_post", post()) == "You can only edit your own posts."
    assert _reason("author", "check_vote", post()) == "You cannot vote on your own post."
    assert _reason("member", "check_vote", post(locked=True)) == "Voting is closed on this post."
    assert _reason("author", "check_delete_post", accepted_answer()) == \
        "The question and its accepted answer cannot be deleted."
    assert _reason("author", "check_delete_post", post(position=0)) == \
        "The question and its accepted answer cannot be deleted."
    assert _reason("member", "check_delete_post", post()) == \
        "Only its author can delete an answer, and not on a locked thread."
    assert _reason("author", "check_delete_post", post(locked=True)) == \
        "Only its author can delete an answer, and not on a locked thread."
    assert Policy(PEOPLE["author"]).check_delete_post(post(score=5)).allowed  # votes are delete_answer's 409
    parent = thread()
    assert _reason("member", "check_accept_answer", parent, answer_on(parent)) == \
        "Only the asker or staff can accept an answer here."
    assert _reason("member", "check_accept_answer", parent) == \
        "Only the asker or staff can change the accepted answer."


def test_escalation_reasons():
    suspended = _reason("suspended", "check_escalate", thread(age_hours=48))
    assert suspended == "Your account is suspended until 13 Mar 2026, 12:00 UTC; you can read but not ask staff for help."
    assert _reason("visitor", "check_escalate", thread()) == "Please log in first."
    assert _reason("author", "check_escalate", thread(hidden=True)) == "This thread is hidden."
    assert _reason("member", "check_escalate", thread(age_hours=30, solved=True)).startswith(
        "This question is solved, so only its asker or a moderator can ask staff")
    assert _reason("member", "check_escalate", thread(age_hours=2)).startswith(
        "Only the asker can ask staff for help before the question is a day old.")
    assert _reason("member", "check_work_escalations") == "Only staff work the escalation queue."


def test_moderation_reasons():
    assert _reason("author", "check_flag", post()) == "You cannot flag your own post."
    assert _reason("member", "check_flag", post(hidden=True)) == "This post cannot be flagged."
    assert _reason("staff", "check_moderate") == "Only moderators can do that."
    assert _reason("moderator", "check_suspend", PEOPLE["moderator"]) == "You cannot suspend yourself."
    staff_only = "Only moderators can suspend members or lift a suspension, and only an admin can for staff."
    assert _reason("moderator", "check_suspend", PEOPLE["staff"]) == staff_only
    assert _reason("member", "check_suspend", table.OTHER) == staff_only


def test_idea_reasons():
    assert _reason("member", "check_vote_idea", idea(status="shipped")) == "Voting is closed: this idea is shipped."
    assert _reason("member", "check_vote_idea", idea(status="declined")) == "Voting is closed: this idea is declined."
    assert _reason("member", "check_vote_idea", idea(is_hidden=True)) == "You cannot vote on this idea."
    assert _reason("member", "check_comment_idea", idea(merged_into_id=7)) == \
        "This idea was merged into #7; please comment there."
    assert _reason("member", "check_comment_idea", idea(is_hidden=True)) == "You cannot comment on this idea."
    assert _reason("staff", "check_pin_idea_comment", IdeaComment(is_official=False)) == \
        "Only staff can pin, and only official comments."
    assert _reason("member", "check_set_idea_status") == "Only staff can change an idea's status."
    assert _reason("staff", "check_set_idea_status", idea(merged_into_id=7)) == \
        "This idea was merged into #7; change that idea instead."
    assert _reason("member", "check_merge_ideas") == "Only staff can merge ideas."
    assert _reason("member", "check_link_question") == "Only staff can link a question to an idea."
    assert _reason("member", "check_export_ideas") == "Only staff can export ideas."
    assert _reason("staff", "check_convert_question", thread(locked=True)) == \
        "A locked or hidden question cannot become an idea."
    assert _reason("author", "check_convert_question", thread(solved=True)) == \
        "This question is solved, so it is not a feature request any more; staff can still move it."
    assert _reason("member", "check_convert_question", thread()) == \
        "Only staff and the asker can turn a question into an idea."


def test_reasons_follow_the_current_state_not_a_cached_one():
    """A Decision is made when asked: the same policy answers differently once the thread changes."""
    policy, parent = Policy(PEOPLE["member"]), thread(age_hours=2)
    assert not policy.check_escalate(parent)
    parent.created_at = NOW - timedelta(hours=25)
    assert policy.check_escalate(parent)
    parent.accepted_post_id = 99
    assert policy.check_escalate(parent).reason.startswith("This question is solved")
