"""The idea endpoints of /api/v1: shapes, status codes, permissions, export and the OpenAPI description."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from forum import clock
from forum.auth.services import create_token
from forum.extensions import db
from forum.models import Notification, Role
from tests.factories import make_category, make_idea, make_user

IDEA_KEYS = {"id", "title", "body_html", "status", "status_note", "vote_count", "my_vote", "comment_count",
             "merged_into", "category", "author", "created_at", "url"}


@pytest.fixture
def data(app):
    with app.app_context():
        make_category("app")
        author = make_user("author")
        idea = make_idea(author, title="Dark mode for the mobile app", category="app")
        suspended = make_user("suspended")
        suspended.suspended_until = clock.utcnow() + timedelta(days=3)
        db.session.commit()
        people = {"author": author, "member": make_user("member"), "other": make_user("other"),
                  "suspended": suspended, "staff": make_user("staff", role=Role.STAFF),
                  "moderator": make_user("moderator", role=Role.MODERATOR), "admin": make_user("admin", role=Role.ADMIN)}
        tokens = {name: {"Authorization": f"Bearer {create_token(user=user, name='t')}"}
                  for name, user in people.items()}
        tokens["visitor"] = {}
        return {"idea": idea.id, "h": tokens, "ids": {name: user.id for name, user in people.items()}}


def test_submit_and_read_an_idea(client, data):
    response = client.post("/api/v1/ideas", json={"title": "Widgets for the home screen", "body": "Like *this*",
                                                  "category": "app"}, headers=data["h"]["member"])
    assert response.status_code == 201
    idea = response.get_json()
    assert set(idea) >= IDEA_KEYS
    assert (idea["status"], idea["vote_count"], idea["my_vote"], idea["merged_into"], idea["category"]) == (
        "new", 0, 0, None, "app")
    assert idea["author"] == {"username": "member", "reputation": 1, "is_staff": False}
    assert idea["url"] == f"/ideas/{idea['id']}" and idea["created_at"].endswith("Z")
    again = client.get(f"/api/v1/ideas/{idea['id']}").get_json()
    assert again["comments"] == [] and again["status_history"] == []


@pytest.mark.parametrize("body, field", [
    ({"title": "short", "body": "Long enough body", "category": "app"}, "title"),
    ({"title": "A good long title", "body": "", "category": "app"}, "body"),
    ({"title": "A good long title", "body": "Long enough body", "category": "nope"}, "category"),
    ({"title": 5, "body": "Long enough body", "category": "app"}, "title"),
])
def test_submit_bad_input_is_422(client, data, body, field):
    response = client.post("/api/v1/ideas", json=body, headers=data["h"]["member"])
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_submit_needs_a_user_and_a_json_object(client, data):
    assert client.post("/api/v1/ideas", json={"title": "x"}).status_code == 401
    assert client.post("/api/v1/ideas", data="[1]", headers={**data["h"]["member"],
                                                             "Content-Type": "application/json"}).status_code == 400


def test_list_with_my_vote_and_filters(client, data):
    client.post(f"/api/v1/ideas/{data['idea']}/vote", json={"value": 1}, headers=data["h"]["member"])
    body = client.get("/api/v1/ideas?sort=top", headers=data["h"]["member"]).get_json()
    assert body["total"] == 1 and body["page"] == 1
    assert body["items"][0]["my_vote"] == 1 and body["items"][0]["vote_count"] == 1
    assert client.get("/api/v1/ideas").get_json()["items"][0]["my_vote"] == 0
    assert client.get("/api/v1/ideas?status=planned").get_json()["total"] == 0


def test_vote_toggle_and_double_vote(client, data):
    url, member = f"/api/v1/ideas/{data['idea']}/vote", data["h"]["member"]
    assert client.post(url, json={"value": 1}, headers=member).get_json() == {"vote_count": 1, "my_vote": 1}
    assert client.post(url, json={"value": 1}, headers=member).get_json() == {"vote_count": 1, "my_vote": 1}
    assert client.post(url, json={"value": 1}, headers=data["h"]["other"]).get_json()["vote_count"] == 2
    assert client.post(url, json={"value": 0}, headers=member).get_json() == {"vote_count": 1, "my_vote": 0}
    for bad in (-1, 2, "1", None, True):
        assert client.post(url, json={"value": bad}, headers=member).status_code == 422
    assert client.post(url, json={"value": 1}).status_code == 401
    assert client.post(url, json={"value": 1}, headers=data["h"]["suspended"]).status_code == 403
    assert client.post("/api/v1/ideas/99999/vote", json={"value": 1}, headers=member).status_code == 404


def test_comments_official_and_pin(client, data):
    url = f"/api/v1/ideas/{data['idea']}/comments"
    member = client.post(url, json={"body": "Me too"}, headers=data["h"]["member"])
    assert member.status_code == 201 and member.get_json()["is_official"] is False
    staff = client.post(url, json={"body": "We hear you"}, headers=data["h"]["staff"]).get_json()
    assert staff["is_official"] is True and staff["author"]["is_staff"] is True
    assert client.post(url, json={"body": ""}, headers=data["h"]["member"]).status_code == 422
    pin = f"/api/v1/ideas/comments/{staff['id']}/pin"
    assert client.post(pin, json={"pinned": True}, headers=data["h"]["member"]).status_code == 403
    assert client.post(pin, json={"pinned": True}, headers=data["h"]["staff"]).get_json()["is_pinned"] is True
    assert client.post(pin, json={"pinned": True}, headers=data["h"]["staff"]).status_code == 409
    comments = client.get(f"/api/v1/ideas/{data['idea']}").get_json()["comments"]
    assert [c["body_html"] for c in comments] == ["<p>We hear you</p>\n", "<p>Me too</p>\n"]


@pytest.mark.parametrize("who, code", [("visitor", 401), ("member", 403), ("author", 403), ("suspended", 403),
                                       ("staff", 200), ("moderator", 200), ("admin", 200)])
def test_who_can_set_status(client, data, who, code):
    response = client.post(f"/api/v1/ideas/{data['idea']}/status", json={"status": "planned", "note": "Q3"},
                           headers=data["h"][who])
    assert response.status_code == code
    assert client.get(f"/api/v1/ideas/{data['idea']}").get_json()["status"] == ("planned" if code == 200 else "new")


def test_status_history_and_voter_notification(app, client, data):
    client.post(f"/api/v1/ideas/{data['idea']}/vote", json={"value": 1}, headers=data["h"]["member"])
    body = client.post(f"/api/v1/ideas/{data['idea']}/status", json={"status": "declined", "note": "Not now"},
                       headers=data["h"]["staff"]).get_json()
    assert body["status"] == "declined" and body["status_note"] == "Not now"
    assert body["status_history"][0]["from"] == "new" and body["status_history"][0]["to"] == "declined"
    assert body["status_history"][0]["actor"]["username"] == "staff"
    with app.app_context():
        kinds = db.session.query(Notification.kind).filter_by(user_id=data["ids"]["member"]).all()
    assert ("idea_status",) in kinds
    closed = client.post(f"/api/v1/ideas/{data['idea']}/vote", json={"value": 1}, headers=data["h"]["other"])
    assert closed.status_code == 403 and "closed" in closed.get_json()["error"]["message"]


@pytest.mark.parametrize("body, code, field", [
    ({"status": "exploded"}, 422, "status"),
    ({"status": "duplicate"}, 422, "status"),
    ({"status": "declined"}, 422, "note"),
    ({}, 422, "status"),
])
def test_bad_status_input(client, data, body, code, field):
    response = client.post(f"/api/v1/ideas/{data['idea']}/status", json=body, headers=data["h"]["staff"])
    assert response.status_code == code and field in response.get_json()["error"]["fields"]


def test_merge_arithmetic_and_refusals(app, client, data):
    with app.app_context():
        target = make_idea(title="Night theme for every screen").id
        third = make_idea(title="A third idea to merge around").id
    for who in ("member", "other"):
        client.post(f"/api/v1/ideas/{data['idea']}/vote", json={"value": 1}, headers=data["h"][who])
    client.post(f"/api/v1/ideas/{target}/vote", json={"value": 1}, headers=data["h"]["member"])
    url = f"/api/v1/ideas/{data['idea']}/merge"
    assert client.post(url, json={"into": target, "note": "Same."}, headers=data["h"]["member"]).status_code == 403
    itself = client.post(url, json={"into": data["idea"], "note": "Same."}, headers=data["h"]["staff"])
    assert itself.status_code == 422 and "itself" in itself.get_json()["error"]["fields"]["into"]
    assert client.post(url, json={"into": 424242, "note": "Same."}, headers=data["h"]["staff"]).status_code == 422
    merged = client.post(url, json={"into": target, "note": "Same."}, headers=data["h"]["staff"])
    assert merged.status_code == 200
    assert merged.get_json()["status"] == "duplicate" and merged.get_json()["merged_into"] == target
    assert client.get(f"/api/v1/ideas/{target}").get_json()["vote_count"] == 2  # member counted once
    again = client.post(url, json={"into": third, "note": "Same."}, headers=data["h"]["staff"])
    assert again.status_code == 409 and "already merged" in again.get_json()["error"]["message"]
    into_merged = client.post(f"/api/v1/ideas/{third}/merge", json={"into": data["idea"], "note": "Same."},
                              headers=data["h"]["staff"])
    assert into_merged.status_code == 409 and f"#{target}" in into_merged.get_json()["error"]["message"]


@pytest.mark.parametrize("who, code", [("visitor", 401), ("member", 403), ("suspended", 403), ("staff", 200),
                                       ("moderator", 200), ("admin", 200)])
def test_who_can_export(client, data, who, code):
    assert client.get("/api/v1/ideas/export", headers=data["h"][who]).status_code == code


def test_export_csv_and_json(client, data):
    client.post(f"/api/v1/ideas/{data['idea']}/vote", json={"value": 1}, headers=data["h"]["member"])
    response = client.get("/api/v1/ideas/export?format=csv&status=new&category=app&since=2000-01-01&limit=10",
                          headers=data["h"]["staff"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(row["id"], row["votes"], row["votes_last_30_days"], row["author"]) for row in rows] == [
        (str(data["idea"]), "1", "1", "author")]
    body = client.get("/api/v1/ideas/export?format=json", headers=data["h"]["staff"]).get_json()
    assert body["count"] == 1 and body["items"][0]["id"] == data["idea"]


@pytest.mark.parametrize("query, field", [("status=unknown", "status"), ("since=2026-02-31", "since"),
                                          ("since=last-week", "since"), ("limit=abc", "limit"),
                                          ("format=xml", "format")])
def test_export_bad_filters_are_422(client, data, query, field):
    response = client.get(f"/api/v1/ideas/export?{query}", headers=data["h"]["staff"])
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/ideas/export?{query}", headers=data["h"]["member"]).status_code == 403


def test_similar(client, data):
    body = client.get("/api/v1/ideas/similar?q=mobile dark").get_json()
    assert [item["id"] for item in body["items"]] == [data["idea"]]


def test_openapi_describes_the_idea_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, method in (("/ideas", "get"), ("/ideas", "post"), ("/ideas/{id}", "get"), ("/ideas/{id}/vote", "post"),
                         ("/ideas/{id}/comments", "post"), ("/ideas/{id}/status", "post"),
                         ("/ideas/{id}/merge", "post"), ("/ideas/export", "get")):
        assert method in document["paths"][path], (path, method)
    assert set(document["components"]["schemas"]["Idea"]["required"]) >= IDEA_KEYS


def test_session_writes_need_the_csrf_header(app, data):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    from tests.conftest import login_as
    login_as(client, data["ids"]["member"])
    refused = client.post(f"/api/v1/ideas/{data['idea']}/vote", json={"value": 1})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    assert client.get(f"/api/v1/ideas/{data['idea']}").get_json()["vote_count"] == 0
