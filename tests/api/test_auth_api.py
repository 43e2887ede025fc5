"""API authentication: bearer tokens, sessions, /me, and the error format for callers that are not allowed."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from forum import clock
from forum.auth import services as auth_services
from forum.extensions import db
from forum.models import ApiToken, Role, User
from tests.conftest import login_as
from tests.factories import make_user


@pytest.fixture
def member(app: Flask) -> dict:
    with app.app_context():
        user = make_user("tokenuser", email="tokenuser@example.com")
        return {"id": user.id, "token": auth_services.create_token(user=user, name="ci")}


def _me(client, token: str | None = None, **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.get("/api/v1/me", headers=headers)


def test_me_with_bearer_token(client, member):
    response = _me(client, member["token"])
    assert response.status_code == 200
    data = response.get_json()
    assert {"username", "reputation", "is_staff", "role", "id", "email"} <= set(data)
    assert (data["username"], data["reputation"], data["is_staff"], data["role"]) == ("tokenuser", 1, False, "member")
    assert data["id"] == member["id"] and data["email"] == "tokenuser@example.com"
    assert data["is_suspended"] is False


@pytest.mark.parametrize("role, is_staff", [(Role.MEMBER, False), (Role.STAFF, True), (Role.MODERATOR, True),
                                            (Role.ADMIN, True)])
def test_me_reports_role(app, client, role, is_staff):
    with app.app_context():
        token = auth_services.create_token(user=make_user(role=role))
    data = _me(client, token).get_json()
    assert data["role"] == role and data["is_staff"] is is_staff


def test_me_with_session(client, member):
    login_as(client, member["id"])
    assert _me(client).get_json()["username"] == "tokenuser"


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ", "Bearer nope", "Basic dG9rZW46eA==", "bearer {token}",
                                    "Bearer {token}x", "Token {token}", "Bearer " + "x" * 5000])
def test_bad_credentials_are_401_in_the_error_format(client, member, header):
    response = client.get("/api/v1/me", headers={"Authorization": header.format(token=member["token"])})
    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": "unauthorized", "message": "Please log in first."}}


def test_revoked_token_stops_working(app, client, member):
    assert _me(client, member["token"]).status_code == 200
    with app.app_context():
        token_id = db.session.query(ApiToken.id).scalar()
        auth_services.revoke_token(actor=db.session.get(User, member["id"]), token_id=token_id)
    assert _me(client, member["token"]).status_code == 401


def test_deleted_account_token_stops_working(app, client, member):
    with app.app_context():
        db.session.get(User, member["id"]).is_deleted = True
        db.session.commit()
    assert _me(client, member["token"]).status_code == 401


def test_suspended_member_reads_but_cannot_write(app, client, member):
    with app.app_context():
        user = db.session.get(User, member["id"])
        user.suspended_until = clock.utcnow() + timedelta(days=2)
        db.session.commit()
    data = _me(client, member["token"]).get_json()
    assert data["is_suspended"] is True and data["suspended_until"].endswith("Z")
    response = client.post("/api/v1/questions", json={"title": "A fine title here", "body": "x y",
                                                      "category": "general"},
                           headers={"Authorization": f"Bearer {member['token']}"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_password_change_keeps_api_tokens(app, client, member):
    """Tokens are separate credentials: a password change ends sessions, and tokens are revoked on their own."""
    with app.app_context():
        auth_services.change_password(actor=db.session.get(User, member["id"]), current="correct-horse-battery",
                                      new="a different password")
    assert _me(client, member["token"]).status_code == 200


def test_api_errors_are_json_even_for_browsers(client):
    response = client.get("/api/v1/nowhere", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    response = client.put("/api/v1/me")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_settings_page_creates_and_revokes_tokens(app, client, member):
    login_as(client, member["id"])
    page = client.post("/settings/tokens", data={"name": "laptop"})
    assert page.status_code == 200
    raw = next(word for word in page.get_data(as_text=True).replace('"', " ").replace("<", " ").replace(">", " ")
               .split() if word.startswith("fm_"))
    assert _me(app.test_client(), raw).get_json()["username"] == "tokenuser"
    with app.app_context():
        token_id = db.session.query(ApiToken.id).filter(ApiToken.name == "laptop").scalar()
    assert client.post(f"/settings/tokens/{token_id}/delete").status_code == 302
    assert _me(app.test_client(), raw).status_code == 401
    other = make_other(app)
    login_as(client, other)
    assert client.post(f"/settings/tokens/{token_id}/delete").status_code == 404


def make_other(app: Flask) -> int:
    with app.app_context():
        return make_user("someoneelse").id
