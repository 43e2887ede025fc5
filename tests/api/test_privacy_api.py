"""The privacy API: profiles by visibility, pii_detected with confirm_public, export, account deletion."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from forum.auth.services import create_token
from forum.extensions import db
from forum.models import AuditEntry, Escalation, Role, User
from tests.factories import PASSWORD, make_category, make_thread, make_user

VIEWERS = ("visitor", "member", "owner", "staff", "moderator", "admin")


@pytest.fixture
def world(app):
    with app.app_context():
        make_category()
        owner = make_user("owner", email="owner.secret@example.org")
        owner.bio = "Tinkerer."
        db.session.commit()
        thread = make_thread(owner, title="Thermostat schedule keeps resetting")
        ids = {"owner": owner.id, "thread": thread.id}
        tokens = {"visitor": None, "owner": create_token(user=owner)}
        for name, role in (("member", Role.MEMBER), ("staff", Role.STAFF), ("moderator", Role.MODERATOR),
                           ("admin", Role.ADMIN)):
            user = make_user(name, role=role)
            ids[name], tokens[name] = user.id, create_token(user=user)
    return ids, tokens


def call(client, method, url, token=None, json=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(f"/api/v1{url}", method=method, headers=headers, json=json)


EXPECTED = {"public": "111111", "members": "011111", "private": "001001"}


@pytest.mark.parametrize("visibility", list(EXPECTED))
@pytest.mark.parametrize("index, viewer", list(enumerate(VIEWERS)))
def test_profile_api_by_visibility(app, client, world, visibility, index, viewer):
    ids, tokens = world
    with app.app_context():
        db.session.get(User, ids["owner"]).profile_visibility = visibility
        db.session.commit()
    data = call(client, "GET", "/users/owner", tokens[viewer]).get_json()
    assert data["username"] == "owner"
    full = EXPECTED[visibility][index] == "1"
    assert data["profile_visible"] is full
    assert ("bio" in data) is full and (data.get("bio") == "Tinkerer.") is full
    assert (data.get("email") == "owner.secret@example.org") is (viewer == "owner")
    assert ("email" in data) is (viewer == "owner")


def test_unknown_profile_is_404(client):
    assert call(client, "GET", "/users/nobody").status_code == 404


def test_me_shows_only_the_callers_email(client, world):
    ids, tokens = world
    assert call(client, "GET", "/me", tokens["member"]).get_json()["email"] == "member@example.com"
    thread = call(client, "GET", f"/questions/{ids['thread']}", tokens["staff"]).get_data(as_text=True)
    assert "owner.secret@example.org" not in thread


@pytest.mark.parametrize("value, status", [("private", 200), ("members", 200), ("everyone", 422), (None, 422)])
def test_set_privacy(client, world, value, status):
    _ids, tokens = world
    response = call(client, "PUT", "/me/privacy", tokens["owner"], {"profile_visibility": value})
    assert response.status_code == status
    if status == 422:
        assert "profile_visibility" in response.get_json()["error"]["fields"]


def test_set_privacy_needs_a_caller(client):
    assert call(client, "PUT", "/me/privacy", None, {"profile_visibility": "private"}).status_code == 401


# -- pii_detected ------------------------------------------------------------------------------------------
def test_answer_with_pii_is_422_until_confirmed(client, world):
    ids, tokens = world
    body = {"body": "Call me on +44 20 7946 0958 tonight."}
    response = call(client, "POST", f"/questions/{ids['thread']}/answers", tokens["member"], body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "pii_detected" and "phone number" in error["fields"]["body"]
    response = call(client, "POST", f"/questions/{ids['thread']}/answers", tokens["member"],
                    body | {"confirm_public": True})
    assert response.status_code == 201


@pytest.mark.parametrize("flag", [False, "false", 0, None])
def test_confirm_public_must_really_be_true(client, world, flag):
    ids, tokens = world
    response = call(client, "POST", f"/questions/{ids['thread']}/answers", tokens["member"],
                    {"body": "mail me at a.b@example.com", "confirm_public": flag})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "pii_detected"


def test_ask_with_pii_then_privately(app, client, world):
    _ids, tokens = world
    body = {"title": "Charged twice on 4111 1111 1111 1111", "body": "Details inside.", "category": "general"}
    assert call(client, "POST", "/questions", tokens["member"], body).get_json()["error"]["fields"].keys() == {"title"}
    response = call(client, "POST", "/questions", tokens["member"], body | {"private_to_staff": True})
    assert response.status_code == 201 and response.get_json()["title"] == "Charged twice on [removed]"
    with app.app_context():
        assert "4111" in db.session.scalar(sa.select(Escalation.private_note))


def test_edit_with_pii(client, world):
    ids, tokens = world
    question = call(client, "GET", f"/questions/{ids['thread']}").get_json()
    response = call(client, "PATCH", f"/posts/{question['post_id']}", tokens["owner"],
                    {"body": "Ring 555-123-4567"})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "pii_detected"


# -- private details ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("viewer, status", [("visitor", 401), ("member", 403), ("owner", 403), ("staff", 200),
                                            ("moderator", 403), ("admin", 200)])
def test_private_details_api(app, client, world, viewer, status):
    ids, tokens = world
    call(client, "POST", f"/questions/{ids['thread']}/answers", tokens["owner"],
         {"body": "Reach me at owner.home@example.org", "private_to_staff": True})
    with app.app_context():
        escalation_id = db.session.scalar(sa.select(Escalation.id))
    call(client, "POST", f"/escalations/{escalation_id}/assign", tokens["staff"], {})
    response = call(client, "GET", f"/escalations/{escalation_id}/private", tokens[viewer])
    assert response.status_code == status
    if status == 200:
        data = response.get_json()
        assert "owner.home@example.org" in data["private_note"]
        assert data["requester_email"] == "owner.secret@example.org"


def test_escalation_list_never_carries_private_notes_or_emails(app, client, world):
    ids, tokens = world
    call(client, "POST", f"/questions/{ids['thread']}/answers", tokens["owner"],
         {"body": "Reach me at owner.home@example.org", "private_to_staff": True})
    text = call(client, "GET", "/escalations", tokens["admin"]).get_data(as_text=True)
    assert "owner.home@example.org" not in text and "owner.secret@example.org" not in text


# -- export and deletion -----------------------------------------------------------------------------------
def test_export_zip(client, world):
    _ids, tokens = world
    response = call(client, "GET", "/me/export", tokens["owner"])
    assert response.status_code == 200 and response.mimetype == "application/zip"
    files = zipfile.ZipFile(io.BytesIO(response.data))
    assert json.loads(files.read("profile.json"))["email"] == "owner.secret@example.org"
    assert [p["thread_title"] for p in json.loads(files.read("posts.json"))] == ["Thermostat schedule keeps resetting"]


def test_export_needs_a_caller(client):
    assert call(client, "GET", "/me/export").status_code == 401


@pytest.mark.parametrize("body", [{"password": "wrong-wrong"}, {}, {"password": 5}])
def test_delete_me_with_bad_password(app, client, world, body):
    ids, tokens = world
    response = call(client, "DELETE", "/me", tokens["owner"], body)
    assert response.status_code == 422 and "password" in response.get_json()["error"]["fields"]
    with app.app_context():
        assert not db.session.get(User, ids["owner"]).is_deleted


def test_delete_me(app, client, world):
    ids, tokens = world
    response = call(client, "DELETE", "/me", tokens["owner"], {"password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json() == {"deleted": True, "username": f"deleted user {ids['owner']}"}
    assert call(client, "GET", "/me", tokens["owner"]).status_code == 401  # the token is gone
    question = call(client, "GET", f"/questions/{ids['thread']}").get_json()
    assert question["author"]["username"] == f"deleted user {ids['owner']}"


@pytest.mark.parametrize("viewer, status", [("visitor", 401), ("member", 403), ("staff", 403), ("moderator", 403),
                                            ("admin", 200)])
def test_admin_deletes_a_user(app, client, world, viewer, status):
    ids, tokens = world
    response = call(client, "DELETE", "/users/owner", tokens[viewer], {"note": "ticket 5521"})
    assert response.status_code == status
    with app.app_context():
        assert db.session.get(User, ids["owner"]).is_deleted is (status == 200)
        audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.delete"))
        assert (audit is not None) is (status == 200)


def test_openapi_describes_the_privacy_routes(client):
    doc = call(client, "GET", "/openapi.json").get_json()
    assert {"get", "delete"} <= set(doc["paths"]["/me"])
    assert "get" in doc["paths"]["/me/export"] and "delete" in doc["paths"]["/users/{username}"]
    assert "confirm_public" in doc["components"]["schemas"]["NewAnswer"]["properties"]


def test_idea_with_pii_is_422_until_confirmed(client, world):
    _ids, tokens = world
    body = {"title": "Show my card 4111 1111 1111 1111 in the app", "body": "So I know which one is used.",
            "category": "general"}
    response = call(client, "POST", "/ideas", tokens["member"], body)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "pii_detected"
    assert call(client, "POST", "/ideas", tokens["member"], body | {"confirm_public": True}).status_code == 201


# -- ideas: the same three choices -------------------------------------------------------------------------
def test_idea_with_pii_is_422_then_sent_privately(app, client, world):
    _ids, tokens = world
    body = {"title": "Let support call me back on 555-123-4567", "body": "A call-back button would help.",
            "category": "general"}
    response = call(client, "POST", "/ideas", tokens["member"], body)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "pii_detected"
    assert response.get_json()["error"]["fields"].keys() == {"title"}
    response = call(client, "POST", "/ideas", tokens["member"], body | {"private_to_staff": True})
    assert response.status_code == 201
    idea = response.get_json()
    assert idea["title"] == "Let support call me back on [removed]"
    queue = call(client, "GET", "/escalations", tokens["staff"]).get_json()["items"]
    assert [(item["question_id"], item["idea_id"]) for item in queue] == [(None, idea["id"])]
    assert "555-123-4567" not in json.dumps(queue)
    escalation_id = queue[0]["id"]
    assert call(client, "GET", f"/escalations/{escalation_id}/private", tokens["staff"]).status_code == 403
    assert call(client, "POST", f"/escalations/{escalation_id}/assign", tokens["staff"], {}).status_code == 200
    private = call(client, "GET", f"/escalations/{escalation_id}/private", tokens["staff"]).get_json()
    assert private["idea_id"] == idea["id"] and private["question_id"] is None
    assert "555-123-4567" in private["private_note"]
    public = call(client, "GET", f"/ideas/{idea['id']}", tokens["owner"]).get_data(as_text=True)
    assert "555-123-4567" not in public


def test_idea_comment_with_pii_is_422_until_confirmed_or_sent_privately(app, client, world):
    _ids, tokens = world
    idea_id = call(client, "POST", "/ideas", tokens["owner"], {
        "title": "Dark mode for the thermostat app", "body": "Easier on the eyes at night.",
        "category": "general"}).get_json()["id"]
    comment = {"body": "Ring me on +44 20 7946 0958 to talk it over."}
    response = call(client, "POST", f"/ideas/{idea_id}/comments", tokens["member"], comment)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "pii_detected"
    response = call(client, "POST", f"/ideas/{idea_id}/comments", tokens["member"],
                    comment | {"private_to_staff": "true"})
    assert response.status_code == 201 and "7946" not in response.get_json()["body_html"]
    response = call(client, "POST", f"/ideas/{idea_id}/comments", tokens["member"],
                    comment | {"confirm_public": True})
    assert response.status_code == 201 and "7946 0958" in response.get_json()["body_html"]
    with app.app_context():
        notes = db.session.scalars(sa.select(Escalation.private_note).where(Escalation.idea_id == idea_id)).all()
    assert len(notes) == 1 and "+44 20 7946 0958" in notes[0]


def test_openapi_lists_the_privacy_flags_on_idea_bodies(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in ("NewIdea", "NewIdeaComment", "NewQuestion"):
        assert {"confirm_public", "private_to_staff"} <= schemas[name]["properties"].keys()
    assert schemas["Escalation"]["properties"]["idea_id"]["nullable"] is True


@pytest.mark.parametrize("viewer, status", [("visitor", 401), ("member", 403), ("owner", 403), ("staff", 403),
                                            ("moderator", 403), ("admin", 200)])
def test_admin_email_lookup_is_audited(app, client, world, viewer, status):
    _ids, tokens = world
    response = call(client, "POST", "/users/owner/email", tokens[viewer])
    assert response.status_code == status
    if status == 200:
        assert response.get_json() == {"username": "owner", "email": "owner.secret@example.org"}
    with app.app_context():
        looks = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == "user.email_view"))
    assert looks == (1 if status == 200 else 0)
    assert call(client, "POST", "/users/nobody-here/email", tokens["admin"]).status_code == 404
