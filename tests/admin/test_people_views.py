"""/admin/users (HTML) and /api/v1/admin/users (JSON): finding people, changing roles, who may, the last admin."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.admin import people
from forum.clock import utcnow
from forum.extensions import db
from forum.models import AuditEntry, Role, User
from forum.moderation import services as moderation
from tests.conftest import login_as
from tests.factories import PASSWORD, make_user

ROLES = {"member": Role.MEMBER, "staff": Role.STAFF, "moderator": Role.MODERATOR, "admin": Role.ADMIN}


@pytest.fixture
def ids(app):
    with app.app_context():
        found = {name: make_user(name, role=role).id for name, role in ROLES.items()}
        casey = make_user("casey")
        moderation.suspend_user(actor=db.session.get(User, found["moderator"]), user=casey, days=2,
                                reason="Shouting")
        return {**found, "casey": casey.id, "casey_email": casey.email}


def as_(client, ids, who):
    if who != "visitor":
        login_as(client, ids[who])
    return client


def _role(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).role


@pytest.mark.parametrize("who", ["member", "staff", "moderator"])
def test_member_staff_moderator_cannot_see_people_or_change_roles(app, client, ids, who):
    as_(client, ids, who)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users?q=cas").status_code == 403
    assert client.post("/admin/users/casey/role", data={"role": "admin"}).status_code == 403
    assert client.post(f"/admin/users/{who}/role", data={"role": "admin"}).status_code == 403
    assert client.get("/api/v1/admin/users?q=casey").status_code == 403
    assert client.patch("/api/v1/admin/users/casey", json={"role": "admin"}).status_code == 403
    assert client.patch(f"/api/v1/admin/users/{who}", json={"role": "admin"}).status_code == 403
    assert client.patch("/api/v1/admin/users/nobody-here", json={"role": "admin"}).status_code == 403
    assert (_role(app, ids["casey"]), _role(app, ids[who])) == (Role.MEMBER, ROLES[who])


def test_visitor_is_sent_to_login_and_api_answers_401(app, client, ids):
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/admin/users/casey/role", data={"role": "admin"}).status_code == 302
    assert client.get("/api/v1/admin/users").status_code == 401
    assert client.patch("/api/v1/admin/users/casey", json={"role": "admin"}).status_code == 401
    assert _role(app, ids["casey"]) == Role.MEMBER


def test_admin_finds_people_and_sees_their_standing(client, ids):
    as_(client, ids, "admin")
    page = client.get("/admin/users?q=CAS").get_data(as_text=True)
    assert "casey" in page and "Shouting" in page and "until " in page
    assert ids["casey_email"] not in page and people.masked_email(ids["casey_email"]) in page
    by_email = client.get(f"/admin/users?q={ids['casey_email']}").get_data(as_text=True)
    assert ids["casey_email"] in by_email
    assert "Nobody found" in client.get("/admin/users?q=zzz").get_data(as_text=True)
    staff_only = client.get("/admin/users?role=staff").get_data(as_text=True)
    assert ">staff</a>" in staff_only and ">casey</a>" not in staff_only


def test_api_lists_people_in_the_list_contract(client, ids):
    as_(client, ids, "admin")
    body = client.get("/api/v1/admin/users?q=cas").get_json()
    assert set(body) == {"items", "page", "per_page", "total"} and body["total"] == 1
    [casey] = body["items"]
    assert (casey["username"], casey["role"], casey["is_suspended"], casey["email"]) == ("casey", "member", True, None)
    assert casey["email_hint"] == people.masked_email(ids["casey_email"])
    assert casey["joined_at"].endswith("Z") and casey["suspended_until"] and "reputation" in casey
    exact = client.get(f"/api/v1/admin/users?q={ids['casey_email']}").get_json()["items"]
    assert [p["email"] for p in exact] == [ids["casey_email"]]
    everyone = client.get("/api/v1/admin/users?per_page=2&page=2").get_json()
    assert (everyone["total"], everyone["page"], everyone["per_page"], len(everyone["items"])) == (5, 2, 2, 2)


def test_admin_changes_a_role_which_applies_on_the_next_request(app, client, ids):
    member = app.test_client()
    login_as(member, ids["member"])
    assert member.get("/staff/escalations").status_code == 403
    as_(client, ids, "admin")
    response = client.post("/admin/users/member/role", data={"role": "staff", "next": "/admin/users?q=mem"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/users?q=mem")
    assert "member is now staff" in client.get("/admin/users?q=mem").get_data(as_text=True)
    assert member.get("/staff/escalations").status_code == 200  # same session, new powers
    response = client.patch("/api/v1/admin/users/MEMBER", json={"role": "moderator", "note": "community manager"})
    assert response.status_code == 200 and response.get_json()["role"] == "moderator"
    with app.app_context():
        notes = list(db.session.scalars(sa.select(AuditEntry.note).where(AuditEntry.action == "user.role")
                                        .order_by(AuditEntry.id)))
    assert notes == ["member → staff", "staff → moderator: community manager"]


def test_role_form_refuses_an_unknown_role_and_keeps_the_choice(app, client, ids):
    as_(client, ids, "admin")
    response = client.post("/admin/users/casey/role", data={"role": "overlord", "next": "/admin/users?q=casey"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose a role" in page and 'id="role-casey-error"' in page
    assert _role(app, ids["casey"]) == Role.MEMBER


@pytest.mark.parametrize("body, status", [({"role": "overlord"}, 422), ({}, 422), ({"role": ["admin"]}, 422),
                                          ({"role": "staff", "note": "x" * 501}, 422)])
def test_api_refuses_bad_role_changes_with_a_message(app, client, ids, body, status):
    as_(client, ids, "admin")
    response = client.patch("/api/v1/admin/users/casey", json=body)
    assert response.status_code == status and response.get_json()["error"]["fields"]
    assert _role(app, ids["casey"]) == Role.MEMBER
    assert client.patch("/api/v1/admin/users/nobody-here", json={"role": "staff"}).status_code == 404


def test_last_admin_can_be_neither_demoted_nor_deleted(app, client, ids):
    as_(client, ids, "admin")
    response = client.patch("/api/v1/admin/users/admin", json={"role": "member"})
    assert response.status_code == 409 and "last admin" in response.get_json()["error"]["message"]
    page = client.post("/admin/users/admin/role", data={"role": "staff"})
    assert page.status_code == 409 and "last admin" in page.get_data(as_text=True)
    deleted = client.delete("/api/v1/me", json={"password": PASSWORD})
    assert deleted.status_code == 409 and "last admin" in deleted.get_json()["error"]["message"]
    assert _role(app, ids["admin"]) == Role.ADMIN
    # a suspended admin is no remaining admin; an active second admin is, and the first may step down
    assert client.patch("/api/v1/admin/users/casey", json={"role": "admin"}).status_code == 200
    assert client.patch("/api/v1/admin/users/admin", json={"role": "member"}).status_code == 409
    assert client.patch("/api/v1/admin/users/member", json={"role": "admin"}).status_code == 200
    assert client.patch("/api/v1/admin/users/admin", json={"role": "member"}).status_code == 200
    assert client.get("/admin/users").status_code == 403  # the new role applies at once


def test_people_search_is_bounded(app, client, ids):
    with app.app_context():
        db.session.execute(sa.insert(User), [{"username": f"bulk{n:04d}", "email": f"bulk{n}@example.com",
                                              "created_at": utcnow() - timedelta(days=1)}
                                             for n in range(people.MAX_MATCHES + 5)])
        db.session.commit()
    as_(client, ids, "admin")
    body = client.get("/api/v1/admin/users?q=bulk&per_page=100").get_json()
    assert body["total"] == people.MAX_MATCHES and len(body["items"]) == 100
    assert "type more of the name" in client.get("/admin/users?q=bulk").get_data(as_text=True)
