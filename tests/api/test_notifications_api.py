"""GET /api/v1/notifications and POST /api/v1/notifications/read, plus the watch endpoints."""
from __future__ import annotations

import pytest

from forum.auth.services import create_token
from forum.notifications import services
from tests.factories import make_answer, make_thread, make_user


@pytest.fixture
def asker(app):
    with app.app_context():
        user = make_user("asker")
        thread = make_thread(user, title="Doorbell chime is delayed by ten seconds")
        make_answer(thread, make_user("helper"))
        make_answer(thread, make_user("helper2"))
        return {"id": user.id, "thread": thread.id, "token": create_token(user=user, name="t")}


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_list_format(client, asker):
    body = client.get("/api/v1/notifications", headers=auth(asker["token"])).get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 30 and body["unread_count"] == 2
    item = body["items"][0]
    assert set(item) == {"id", "kind", "text", "url", "actor", "created_at", "read"}
    assert item["kind"] == "answer" and item["read"] is False and item["actor"]["username"] == "helper2"
    assert item["url"].startswith(f"/questions/{asker['thread']}/") and item["created_at"].endswith("Z")
    assert "Doorbell chime" in item["text"]


def test_visitors_get_401(client):
    response = client.get("/api/v1/notifications")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    assert client.post("/api/v1/notifications/read").status_code == 401


def test_read_some_then_all(client, asker):
    headers = auth(asker["token"])
    first = client.get("/api/v1/notifications", headers=headers).get_json()["items"][0]["id"]
    assert client.post("/api/v1/notifications/read", json={"ids": [first]}, headers=headers).get_json() == \
        {"unread_count": 1}
    unread = client.get("/api/v1/notifications?unread=1", headers=headers).get_json()
    assert unread["total"] == 1 and unread["items"][0]["id"] != first
    assert client.post("/api/v1/notifications/read", headers=headers).get_json() == {"unread_count": 0}
    assert client.get("/api/v1/notifications?unread=1", headers=headers).get_json()["items"] == []


@pytest.mark.parametrize("body", [{"ids": "all"}, {"ids": [1, "2"]}, {"ids": [True]}, {"ids": list(range(600))}])
def test_bad_ids_are_422_with_fields(client, asker, body):
    response = client.post("/api/v1/notifications/read", json=body, headers=auth(asker["token"]))
    assert response.status_code == 422 and "ids" in response.get_json()["error"]["fields"]


def test_malformed_body_is_400(client, asker):
    response = client.post("/api/v1/notifications/read", data="[1,2]", headers=auth(asker["token"]),
                           content_type="application/json")
    assert response.status_code == 400


def test_other_peoples_ids_change_nothing(app, client, asker):
    with app.app_context():
        other = make_user()
        token = create_token(user=other, name="t")
    mine = client.get("/api/v1/notifications", headers=auth(asker["token"])).get_json()["items"][0]["id"]
    assert client.post("/api/v1/notifications/read", json={"ids": [mine]}, headers=auth(token)).get_json() == \
        {"unread_count": 0}
    assert client.get("/api/v1/notifications", headers=auth(asker["token"])).get_json()["unread_count"] == 2


def test_per_page_is_capped(client, asker):
    body = client.get("/api/v1/notifications?per_page=1000&page=-3", headers=auth(asker["token"])).get_json()
    assert body["per_page"] == 100 and body["page"] == 1


def test_watch_and_unwatch_a_question(app, client, asker):
    with app.app_context():
        user = make_user()
        token, user_id = create_token(user=user, name="t"), user.id
    url = f"/api/v1/questions/{asker['thread']}/watch"
    assert client.post(url, headers=auth(token)).get_json() == {"watching": True}
    with app.app_context():
        assert user_id in services.thread_watcher_ids(asker["thread"])
    assert client.delete(url, headers=auth(token)).get_json() == {"watching": False}
    assert client.post("/api/v1/questions/999/watch", headers=auth(token)).status_code == 404
    assert client.post(url).status_code == 401


def test_openapi_describes_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "get" in doc["paths"]["/notifications"] and "post" in doc["paths"]["/notifications/read"]
    assert set(doc["components"]["schemas"]["Notification"]["required"]) == \
        {"id", "kind", "text", "url", "actor", "created_at", "read"}
