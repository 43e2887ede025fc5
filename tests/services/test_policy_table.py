"""The one permission policy, as a table: every can_* in forum/policy.py against every kind of user.

Columns, in order: visitor, member, author, suspended member, staff, moderator, admin ("1" allowed, "0" refused).
"author" wrote the thread and its own answer; "member" is someone else. The objects are plain, unsaved models:
the policy reads attributes only, so no database is needed and every rule is checked in isolation."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from forum import clock
from forum.models import Escalation, Idea, IdeaComment, Post, Role, Thread, User
from forum.policy import Policy

NOW = datetime(2026, 3, 10, 12, 0, 0)
WHO = ("visitor", "member", "author", "suspended", "staff", "moderator", "admin")


def _user(user_id: int, role: str = Role.MEMBER, suspended: bool = False, confirmed: bool = True) -> User:
    """Everyone in the table confirmed their address; the unconfirmed newcomer has rows of its own below."""
    return User(id=user_id, username=f"u{user_id}", role=role, is_deleted=False,
                suspended_until=NOW + timedelta(days=3) if suspended else None, suspension_reason="spam",
                email_confirmed_at=NOW - timedelta(days=1) if confirmed else None)


PEOPLE = {"visitor": None, "member": _user(2), "author": _user(3), "suspended": _user(4, suspended=True),
          "staff": _user(5, Role.STAFF), "moderator": _user(6, Role.MODERATOR), "admin": _user(7, Role.ADMIN)}
AUTHOR, OTHER = PEOPLE["author"], _user(8)


def thread(*, age_hours: float = 1, locked: bool = False, hidden: bool = False, solved: bool = False) -> Thread:
    made = Thread(id=10, author_id=AUTHOR.id, author=AUTHOR, is_locked=locked, is_hidden=hidden, is_pinned=False,
                  created_at=NOW - timedelta(hours=age_hours), accepted_post_id=99 if solved else None)
    return made


def post(*, by: User = AUTHOR, position: int = 1, hidden: bool = False, score: int = 0, **thread_kw) -> Post:
    parent = thread(**thread_kw)
    return Post(id=20 + position, thread_id=parent.id, thread=parent, author_id=by.id, author=by, position=position,
                is_hidden=hidden, score=score)


def accepted_answer() -> Post:
    made = post()
    made.thread.accepted_post_id = made.id
    return made


def idea(**kw) -> Idea:
    values = {"is_hidden": False, "status": "new", "merged_into_id": None} | kw
    return Idea(id=30, author_id=AUTHOR.id, **values)


def author_with(visibility: str) -> User:
    twin = _user(AUTHOR.id)
    twin.profile_visibility = visibility
    return twin


def escalation_for_staff() -> Escalation:
    """The author's escalation, assigned to the staff member of the table."""
    return Escalation(id=50, thread_id=10, requested_by_id=AUTHOR.id, assignee_id=PEOPLE["staff"].id, status="assigned")


def answer_on(parent: Thread, by: User = OTHER) -> Post:
    return Post(id=40, thread_id=parent.id, thread=parent, author_id=by.id, position=1, is_hidden=False, score=0)


def with_answer(parent: Thread) -> tuple[Thread, Post]:
    return parent, answer_on(parent)


# (label, action, arguments built lazily, expected for WHO in order)
TABLE = [
    ("any thread", "can_view_thread", lambda: (thread(),), "1111111"),
    ("hidden thread", "can_view_thread", lambda: (thread(hidden=True),), "0000011"),
    ("any thread's page", "can_open_thread", lambda: (thread(),), "1111111"),
    ("hidden thread's page (its asker reads the reason)", "can_open_thread", lambda: (thread(hidden=True),),
     "0010011"),
    ("visible answer", "can_view_post", lambda: (post(),), "1111111"),
    ("hidden answer (author sees it)", "can_view_post", lambda: (post(hidden=True),), "0010011"),
    ("hidden content", "can_view_hidden", lambda: (), "0000011"),
    ("a question", "can_ask", lambda: (), "0110111"),
    ("open thread", "can_answer", lambda: (thread(),), "0110111"),
    ("locked thread", "can_answer", lambda: (thread(locked=True),), "0000011"),
    ("hidden thread", "can_answer", lambda: (thread(hidden=True),), "0000000"),
    ("own answer", "can_edit_post", lambda: (post(),), "0010111"),
    ("own answer, locked", "can_edit_post", lambda: (post(locked=True),), "0000111"),
    ("own hidden answer", "can_edit_post", lambda: (post(hidden=True),), "0000111"),
    ("earlier version, no personal data", "can_read_earlier_version", lambda: (post(), False), "1111111"),
    ("earlier version with personal data", "can_read_earlier_version", lambda: (post(), True), "0010011"),
    ("own unvoted answer", "can_delete_post", lambda: (post(),), "0010011"),
    # votes are the answer's state, not the person's: delete_answer counts them and answers 409 for everyone
    # (tests/services/test_questions.py, tests/views, tests/api), so a score does not change who may delete
    ("own answer with a score", "can_delete_post", lambda: (post(score=2),), "0010011"),
    ("own answer on a locked thread", "can_delete_post", lambda: (post(locked=True),), "0000011"),
    ("own accepted answer", "can_delete_post", lambda: (accepted_answer(),), "0000000"),
    ("the question itself", "can_delete_post", lambda: (post(position=0),), "0000000"),
    ("author's answer", "can_vote", lambda: (post(),), "0100111"),
    ("answer on locked thread", "can_vote", lambda: (post(locked=True),), "0000000"),
    ("hidden answer", "can_vote", lambda: (post(hidden=True),), "0000000"),
    ("answer on own question", "can_accept_answer", lambda: with_answer(thread()), "0010111"),
    ("answer on locked thread", "can_accept_answer", lambda: with_answer(thread(locked=True)), "0000000"),
    ("another thread's answer", "can_accept_answer",
     lambda: (thread(), Post(id=41, thread_id=999, position=1, is_hidden=False)), "0000000"),
    ("author's email", "can_see_email", lambda: (AUTHOR,), "0010000"),
    ("reveal the author's email (audited)", "can_reveal_email", lambda: (AUTHOR,), "0000001"),
    ("requester's email on the assigned escalation", "can_see_email", lambda: (AUTHOR, escalation_for_staff()),
     "0010101"),
    # -- escalations
    ("young question", "can_escalate", lambda: (thread(age_hours=2),), "0010011"),
    ("day-old unsolved question", "can_escalate", lambda: (thread(age_hours=24),), "0110111"),
    ("day-old solved question", "can_escalate", lambda: (thread(age_hours=30, solved=True),), "0010011"),
    ("hidden thread", "can_escalate", lambda: (thread(age_hours=48, hidden=True),), "0000000"),
    ("the queue", "can_work_escalations", lambda: (), "0000111"),
    ("a staff assignee", "can_be_assigned", lambda: (PEOPLE["staff"],), "1111111"),
    ("a member assignee", "can_be_assigned", lambda: (OTHER,), "0000000"),
    # -- moderation
    ("author's answer", "can_flag", lambda: (post(),), "0100111"),
    ("hidden answer", "can_flag", lambda: (post(hidden=True),), "0000000"),
    ("answer on hidden thread", "can_flag", lambda: (answer_on(thread(hidden=True)),), "0000000"),
    ("moderator tools", "can_moderate", lambda: (), "0000011"),
    ("a member", "can_suspend", lambda: (OTHER,), "0000011"),
    ("the author (a member)", "can_suspend", lambda: (AUTHOR,), "0000011"),
    ("a staff member", "can_suspend", lambda: (PEOPLE["staff"],), "0000001"),
    ("a moderator", "can_suspend", lambda: (PEOPLE["moderator"],), "0000001"),
    ("an admin (only other admins could)", "can_suspend", lambda: (PEOPLE["admin"],), "0000000"),
    # -- ideas
    ("visible idea", "can_view_idea", lambda: (idea(),), "1111111"),
    ("hidden idea", "can_view_idea", lambda: (idea(is_hidden=True),), "0000011"),
    ("held idea (its author too)", "can_view_idea",
     lambda: (idea(is_hidden=True, held_at=NOW, hidden_reason="Waiting for a moderator"),), "0010011"),
    ("visible idea comment", "can_view_idea_comment",
     lambda: (IdeaComment(id=40, idea_id=30, author_id=AUTHOR.id, is_hidden=False),), "1111111"),
    ("held idea comment (its author only)", "can_view_idea_comment",
     lambda: (IdeaComment(id=40, idea_id=30, author_id=AUTHOR.id, is_hidden=True, held_at=NOW,
                          hidden_reason="Waiting for a moderator"),), "0010000"),
    ("an idea", "can_submit_idea", lambda: (), "0110111"),
    ("open idea", "can_vote_idea", lambda: (idea(),), "0110111"),
    ("shipped idea", "can_vote_idea", lambda: (idea(status="shipped"),), "0000000"),
    ("open idea", "can_comment_idea", lambda: (idea(),), "0110111"),
    ("merged idea", "can_comment_idea", lambda: (idea(merged_into_id=1),), "0000000"),
    ("official comment", "can_pin_idea_comment", lambda: (IdeaComment(is_official=True),), "0000111"),
    ("member comment", "can_pin_idea_comment", lambda: (IdeaComment(is_official=False),), "0000000"),
    ("idea status", "can_set_idea_status", lambda: (idea(),), "0000111"),
    ("merged idea's status", "can_set_idea_status", lambda: (idea(merged_into_id=1),), "0000000"),
    ("ideas", "can_merge_ideas", lambda: (), "0000111"),
    ("ideas export", "can_export_ideas", lambda: (), "0000111"),
    ("an unsolved question to an idea", "can_convert_question", lambda: (thread(),), "0010111"),
    ("a solved question to an idea", "can_convert_question", lambda: (thread(solved=True),), "0000111"),
    ("a locked question to an idea", "can_convert_question", lambda: (thread(locked=True),), "0000000"),
    ("a hidden question to an idea", "can_convert_question", lambda: (thread(hidden=True),), "0000000"),
    ("a question linked to an idea", "can_link_question", lambda: (), "0000111"),
    # -- dashboard
    ("the community dashboard", "can_view_dashboard", lambda: (), "0000111"),
    # -- listening watches and matches
    ("keyword watches and their matches", "can_listen", lambda: (), "0000111"),
    ("a member's customer context", "can_view_customer_context", lambda: (OTHER,), "0000111"),
    ("a staff member's customer context", "can_view_customer_context", lambda: (PEOPLE["staff"],), "0000000"),
    # -- listening alerts and notices
    ("spike alerts", "can_work_alerts", lambda: (), "0000111"),
    ("publish and resolve known-issue notices", "can_publish_notice", lambda: (), "0000111"),
    ("dismiss a notice banner", "can_dismiss_notice", lambda: (), "0111111"),
    # -- admin
    ("categories", "can_manage_categories", lambda: (), "0000001"),
    ("people and roles", "can_manage_people", lambda: (), "0000001"),
    ("the site settings", "can_edit_site_settings", lambda: (), "0000001"),
    ("the search synonym list", "can_manage_synonyms", lambda: (), "0000001"),
    # -- privacy
    ("a public profile", "can_view_profile", lambda: (author_with("public"),), "1111111"),
    ("a members-only profile", "can_view_profile", lambda: (author_with("members"),), "0111111"),
    ("a private profile", "can_view_profile", lambda: (author_with("private"),), "0010001"),
    ("the private note of an escalation", "can_read_private_note", lambda: (escalation_for_staff(),), "0000101"),
    ("the author's account", "can_delete_account", lambda: (AUTHOR,), "0010001"),
    ("an admin's account (only its owner)", "can_delete_account", lambda: (PEOPLE["admin"],), "0000001"),
    # -- notifications
    ("a thread or idea", "can_watch", lambda: (), "0111111"),
]
KW_TABLE = [  # keyword-only actions
    ("an answer notice on a hidden post", "can_be_told_about", lambda: {"kind": "answer", "post": post(hidden=True)},
     "0010011"),
    ("the hidden-post notice", "can_be_told_about", lambda: {"kind": "post_hidden", "post": post(hidden=True)},
     "0111111"),
    ("a visible thread", "can_be_told_about", lambda: {"kind": "answer", "thread": thread()}, "0111111"),
]
CASES = [(label, action, args, who, expected[i] == "1", False) for label, action, args, expected in TABLE
         for i, who in enumerate(WHO)] + \
        [(label, action, args, who, expected[i] == "1", True) for label, action, args, expected in KW_TABLE
         for i, who in enumerate(WHO)]


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.mark.parametrize("label, action, args, who, allowed, keywords", CASES,
                         ids=[f"{c[3]}-{'can' if c[4] else 'cannot'}-{c[1]}-{c[0]}" for c in CASES])
def test_policy_table(label, action, args, who, allowed, keywords):
    policy = Policy(PEOPLE[who])
    method = getattr(policy, action)
    result = method(**args()) if keywords else method(*args())
    assert result is allowed, f"{who} {'should' if allowed else 'should not'} pass {action} on {label}"


UNCONFIRMED = _user(9, confirmed=False)


def held_thread() -> Thread:
    made = thread(hidden=True)
    made.held_at = NOW
    return made


# Issue 17: an account whose address is not confirmed reads, but does not post, vote, flag or comment.
UNCONFIRMED_TABLE = [
    ("a question", "can_ask", lambda: (), False),
    ("open thread", "can_answer", lambda: (thread(),), False),
    ("author's answer", "can_vote", lambda: (post(),), False),
    ("author's answer", "can_flag", lambda: (post(),), False),
    ("an idea", "can_submit_idea", lambda: (), False),
    ("open idea", "can_vote_idea", lambda: (idea(),), False),
    ("open idea", "can_comment_idea", lambda: (idea(),), False),
    ("any thread", "can_view_thread", lambda: (thread(),), True),
    ("own profile", "can_view_profile", lambda: (UNCONFIRMED,), True),
    ("own account", "can_delete_account", lambda: (UNCONFIRMED,), True),
]


@pytest.mark.parametrize("label, action, args, allowed", UNCONFIRMED_TABLE,
                         ids=[f"unconfirmed-{'can' if row[3] else 'cannot'}-{row[1]}-{row[0]}"
                              for row in UNCONFIRMED_TABLE])
def test_unconfirmed_member(label, action, args, allowed):
    assert getattr(Policy(UNCONFIRMED), action)(*args()) is allowed


@pytest.mark.parametrize("who, allowed", [("visitor", False), ("member", False), ("author", True),
                                          ("staff", False), ("moderator", True)])
def test_held_thread_is_seen_by_its_author_and_moderators_only(who, allowed):
    assert Policy(PEOPLE[who]).can_view_thread(held_thread()) is allowed


def test_unconfirmed_member_is_told_to_confirm():
    from forum.errors import PermissionDenied
    with pytest.raises(PermissionDenied, match="confirm your email address.*/settings"):
        Policy(UNCONFIRMED).ensure_contributor()
    Policy(PEOPLE["member"]).ensure_contributor()
    Policy(_user(10, Role.STAFF, confirmed=False)).ensure_contributor()  # staff are trusted by their admin


def test_table_covers_every_policy_action():
    actions = {name for name in dir(Policy) if name.startswith("can_")}
    covered = {row[1] for row in TABLE + KW_TABLE}
    assert actions - covered == set(), "add the new can_* action to this table"


def test_every_action_has_a_refusal_and_an_allowance_somewhere():
    for action in {row[1] for row in TABLE + KW_TABLE}:
        results = {row[3] for row in TABLE + KW_TABLE if row[1] == action}
        assert any("0" in r for r in results) and any("1" in r for r in results), action


def test_suspended_member_is_told_why_and_until_when():
    from forum.errors import PermissionDenied
    with pytest.raises(PermissionDenied, match="suspended until 13 Mar 2026, 12:00 UTC.*Reason: spam"):
        Policy(PEOPLE["suspended"]).ensure_active()
    with pytest.raises(PermissionDenied, match="log in"):
        Policy(None).ensure_active()
