"""People services: finding members, changing roles (audited), the last admin, account deletion's rule."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.admin import people as services
from forum.clock import utcnow
from forum.errors import Conflict, Invalid, PermissionDenied
from forum.extensions import db
from forum.models import AuditEntry, Role, User
from forum.privacy import services as privacy
from tests.factories import PASSWORD, make_user


@pytest.fixture
def admin(ctx):
    return make_user("root", role=Role.ADMIN)


def _names(page) -> list[str]:
    return [user.username for user in page.items]


def test_find_by_username_prefix_any_case_in_name_order(admin):
    for name in ("Sam", "samantha", "sammy_2", "bob", "SAMUEL"):
        make_user(name)
    page = services.find_people(actor=admin, query="SAM")
    assert _names(page) == ["Sam", "samantha", "sammy_2", "SAMUEL"]
    assert (page.total, page.by_email) == (4, False)
    assert _names(services.find_people(actor=admin, query="samm")) == ["sammy_2"]
    assert _names(services.find_people(actor=admin, query="sam%")) == []  # LIKE wildcards are plain text
    assert _names(services.find_people(actor=admin, query="_")) == []


def test_find_by_exact_email_only(admin):
    make_user("casey")
    casey = db.session.scalar(sa.select(User).where(User.username == "casey"))
    page = services.find_people(actor=admin, query=casey.email.upper())
    assert _names(page) == ["casey"] and page.by_email
    assert _names(services.find_people(actor=admin, query=casey.email[:4] + "@")) == []  # no partial addresses


def test_find_by_role_and_everyone_paginated(admin):
    for n in range(25):
        make_user(f"member{n:02d}")
    make_user("helper", role=Role.STAFF)
    everyone = services.find_people(actor=admin)
    assert (everyone.total, len(everyone.items), everyone.pages) == (27, 20, 2)
    assert len(services.find_people(actor=admin, page=2).items) == 7
    assert _names(services.find_people(actor=admin, role=Role.STAFF)) == ["helper"]
    assert _names(services.find_people(actor=admin, role=Role.ADMIN)) == ["root"]


def test_deleted_accounts_are_not_listed(admin):
    gone = make_user("gone")
    privacy.delete_account(actor=gone, target=gone, password=PASSWORD)
    assert "gone" not in _names(services.find_people(actor=admin))
    assert services.find_people(actor=admin, query="deleted").total == 0


def test_masked_email():
    assert services.masked_email("jo.smith@example.com") == "j•••@example.com"
    assert services.masked_email(None) == ""


def test_set_role_audits_each_change(admin):
    member = make_user("casey")
    services.set_role(actor=admin, user=member, role=Role.STAFF, note="Joined support")
    services.set_role(actor=admin, user=member, role=Role.STAFF)  # no change: nothing recorded
    assert db.session.get(User, member.id).role == Role.STAFF
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user.role")).all()
    assert (entry.actor_id, entry.target_id, entry.target_label) == (admin.id, member.id, "casey")
    assert entry.note == "member → staff: Joined support"


@pytest.mark.parametrize("role", ["overlord", "", None, 3])
def test_set_role_refuses_an_unknown_role(admin, role):
    member = make_user("casey")
    with pytest.raises(Invalid) as refused:
        services.set_role(actor=admin, user=member, role=role)
    assert "Choose a role" in refused.value.fields["role"]
    assert db.session.get(User, member.id).role == Role.MEMBER


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF, Role.MODERATOR])
def test_non_admin_cannot_find_people_or_change_roles(ctx, role):
    actor, other = make_user("actor", role=role), make_user("other")
    with pytest.raises(PermissionDenied):
        services.find_people(actor=actor)
    with pytest.raises(PermissionDenied):
        services.set_role(actor=actor, user=other, role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.set_role(actor=actor, user=actor, role=Role.ADMIN)
    assert db.session.get(User, actor.id).role == role


def test_suspended_admin_cannot_change_roles(admin):
    other_admin = make_user("other", role=Role.ADMIN)
    admin.suspended_until = utcnow() + timedelta(days=1)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.set_role(actor=admin, user=other_admin, role=Role.MEMBER)


def test_last_admin_cannot_be_demoted(admin):
    with pytest.raises(Conflict) as refused:
        services.set_role(actor=admin, user=admin, role=Role.MODERATOR)
    assert "last admin" in refused.value.message
    assert db.session.get(User, admin.id).role == Role.ADMIN
    second = make_user("second", role=Role.ADMIN)
    services.set_role(actor=second, user=admin, role=Role.MODERATOR)  # another admin remains: allowed
    assert db.session.get(User, admin.id).role == Role.MODERATOR
    with pytest.raises(Conflict):
        services.set_role(actor=second, user=second, role=Role.MEMBER)


def test_a_suspended_admin_does_not_count_as_the_remaining_admin(admin):
    make_user("sleeping", role=Role.ADMIN).suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    with pytest.raises(Conflict):
        services.set_role(actor=admin, user=admin, role=Role.MEMBER)


def test_last_admin_cannot_delete_their_account(admin):
    with pytest.raises(Conflict) as refused:
        privacy.delete_account(actor=admin, target=admin, password=PASSWORD)
    assert "last admin" in refused.value.message
    assert not db.session.get(User, admin.id).is_deleted
    make_user("second", role=Role.ADMIN)
    privacy.delete_account(actor=admin, target=admin, password=PASSWORD)
    assert db.session.get(User, admin.id).is_deleted


def test_command_line_set_role_is_audited_as_system_and_keeps_the_last_admin(admin):
    member = make_user("casey")
    services.set_role(actor=None, user=member, role=Role.MODERATOR)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.role"))
    assert entry.actor_id is None and "command line" in entry.note
    with pytest.raises(Conflict):
        services.set_role(actor=None, user=admin, role=Role.MEMBER)
