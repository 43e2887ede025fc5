"""The privacy rules of the policy as a table: visitor, member, owner, suspended member, staff, moderator, admin."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from forum import clock
from forum.models import Escalation, Role, User
from forum.policy import Policy

NOW = datetime(2026, 3, 10, 12, 0, 0)
WHO = ("visitor", "member", "owner", "suspended", "staff", "moderator", "admin")


def _user(user_id: int, role: str = Role.MEMBER, suspended: bool = False, visibility: str = "public") -> User:
    return User(id=user_id, username=f"u{user_id}", role=role, is_deleted=False, profile_visibility=visibility,
                suspended_until=NOW + timedelta(days=3) if suspended else None)


PEOPLE = {"visitor": None, "member": _user(2), "owner": _user(3), "suspended": _user(4, suspended=True),
          "staff": _user(5, Role.STAFF), "moderator": _user(6, Role.MODERATOR), "admin": _user(7, Role.ADMIN)}
OWNER = PEOPLE["owner"]


def owner(visibility: str) -> User:
    return _user(3, visibility=visibility)


def escalation(assignee_id: int | None) -> Escalation:
    return Escalation(id=1, thread_id=1, requested_by_id=OWNER.id, assignee_id=assignee_id)


TABLE = [
    ("public profile", "can_view_profile", lambda: (owner("public"),), "1111111"),
    ("members-only profile", "can_view_profile", lambda: (owner("members"),), "0111111"),
    ("private profile", "can_view_profile", lambda: (owner("private"),), "0010001"),
    ("owner's email", "can_see_email", lambda: (OWNER,), "0010000"),
    ("reveal the owner's email (audited)", "can_reveal_email", lambda: (OWNER,), "0000001"),
    ("reveal an admin's own email", "can_reveal_email", lambda: (PEOPLE["admin"],), "0000000"),
    ("owner's email on an escalation assigned to staff", "can_see_email", lambda: (OWNER, escalation(5)), "0010101"),
    ("owner's email on an unassigned escalation", "can_see_email", lambda: (OWNER, escalation(None)), "0010001"),
    ("owner's email on someone else's escalation", "can_see_email", lambda: (OWNER, escalation(6)), "0010011"),
    ("private note, assigned to staff", "can_read_private_note", lambda: (escalation(5),), "0000101"),
    ("private note, unassigned", "can_read_private_note", lambda: (escalation(None),), "0000001"),
    ("the owner's account", "can_delete_account", lambda: (OWNER,), "0010001"),
    ("an admin's account", "can_delete_account", lambda: (_user(9, Role.ADMIN),), "0000000"),
    ("a staff account", "can_delete_account", lambda: (_user(10, Role.STAFF),), "0000001"),
]


@pytest.mark.parametrize("label, action, args, who, allowed", [
    (label, action, args, who, expected[i] == "1") for label, action, args, expected in TABLE
    for i, who in enumerate(WHO)],
    ids=lambda value: value if isinstance(value, str) else None)
def test_privacy_policy(label, action, args, who, allowed):
    clock.freeze(NOW)
    try:
        assert getattr(Policy(PEOPLE[who]), action)(*args()) is allowed, f"{who} / {action} / {label}"
    finally:
        clock.freeze(None)


@pytest.mark.parametrize("who", ["member", "suspended"])
def test_member_can_delete_own_account_even_when_suspended(who):
    clock.freeze(NOW)
    try:
        assert Policy(PEOPLE[who]).can_delete_account(PEOPLE[who])
    finally:
        clock.freeze(None)


def test_nobody_sees_a_deleted_profile_or_email():
    gone = User(id=11, username="deleted-11", role=Role.MEMBER, is_deleted=True, profile_visibility="public")
    assert not Policy(PEOPLE["admin"]).can_view_profile(gone)
    assert not Policy(PEOPLE["admin"]).can_see_email(gone)
    assert not Policy(PEOPLE["admin"]).can_delete_account(gone)
