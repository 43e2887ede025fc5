"""The escalation API as DESIGN.md §5 states it: shapes, status codes, staff-only access, bad input."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from forum import clock
from forum.auth.services import create_token
from forum.models import Role
from forum.moderation import services as moderation
from tests.factories import make_escalation, make_thread, make_user

T0 = datetime(2026, 3, 2, 9, 0, 0)
FIELDS = {"id", "question_id", "status", "reason", "requested_by", "assignee", "due_at", "breached",
          "first_staff_reply_at", "resolved_at"}


@pytest.fixture
def world(app):
    """An asker's question, a staff member, a moderator, a bystander; tokens for each."""
    with app.app_context():
        clock.freeze(T0)
        asker, staff = make_user("asker"), make_user("sam", role=Role.STAFF)
        mod, member = make_user("mia", role=Role.MODERATOR), make_user("bystander")
        thread = make_thread(asker, title="Thermostat offline since the update")
        ids = {"thread": thread.id, "post": thread.question.id}
        tokens = {name: create_token(user=user, name="t") for name, user in
                  (("asker", asker), ("staff", staff), ("mod", mod), ("member", member))}
    return ids, tokens


def call(client, method, url, token=None, json=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(f"/api/v1{url}", method=method, headers=headers, json=json)


def test_escalate_assign_reply_resolve(client, app, world):
    ids, tokens = world
    response = call(client, "POST", f"/questions/{ids['thread']}/escalate", tokens["asker"],
                    {"reason": "Support chat could not help"})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= FIELDS
    assert body | {"id": 0} == body | {
        "id": 0, "question_id": ids["thread"], "status": "open", "reason": "Support chat could not help",
        "requested_by": "asker", "assignee": None, "due_at": "2026-03-03T09:00:00Z", "breached": False,
        "first_staff_reply_at": None, "resolved_at": None, "joined": False}
    esc = body["id"]

    clock.freeze(T0 + timedelta(hours=26))
    joined = call(client, "POST", f"/questions/{ids['thread']}/escalate", tokens["member"], {"reason": "Me too!!"})
    assert joined.status_code == 200 and joined.get_json()["id"] == esc and joined.get_json()["joined"] is True

    queue = call(client, "GET", "/escalations", tokens["staff"]).get_json()
    assert queue["total"] == 1 and queue["items"][0]["breached"] is True
    assert set(queue) == {"items", "page", "per_page", "total"}

    assigned = call(client, "POST", f"/escalations/{esc}/assign", tokens["staff"], {})
    assert assigned.status_code == 200 and assigned.get_json()["assignee"] == "sam"
    assert assigned.get_json()["status"] == "assigned"
    assert [i["id"] for i in call(client, "GET", "/escalations?status=mine", tokens["staff"]).get_json()["items"]] == [esc]
    assert call(client, "GET", "/escalations?status=mine", tokens["mod"]).get_json()["items"] == []

    call(client, "POST", f"/questions/{ids['thread']}/answers", tokens["staff"], {"body": "Staff: reflash it."})
    resolved = call(client, "POST", f"/escalations/{esc}/resolve", tokens["staff"], {"note": "Reflashed"})
    assert resolved.status_code == 200
    data = resolved.get_json()
    assert data["status"] == "resolved" and data["first_staff_reply_at"] == "2026-03-03T11:00:00Z"
    assert data["resolved_at"] == "2026-03-03T11:00:00Z" and data["breached"] is True
    again = call(client, "POST", f"/escalations/{esc}/resolve", tokens["staff"], {"note": "again"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    assert call(client, "GET", "/escalations?status=resolved", tokens["staff"]).get_json()["total"] == 1
    assert call(client, "GET", "/escalations", tokens["staff"]).get_json()["total"] == 0


@pytest.mark.parametrize("who, status", [(None, 401), ("asker", 403), ("member", 403), ("staff", 200), ("mod", 200)])
def test_queue_is_staff_only(client, world, who, status):
    _ids, tokens = world
    assert call(client, "GET", "/escalations", tokens.get(who)).status_code == status


@pytest.mark.parametrize("who, status", [(None, 401), ("asker", 403), ("member", 403), ("staff", 200)])
def test_assign_and_resolve_are_staff_only(client, app, world, who, status):
    ids, tokens = world
    with app.app_context():
        from forum.extensions import db
        from forum.models import Thread
        esc = make_escalation(db.session.get(Thread, ids["thread"])).id
    assert call(client, "POST", f"/escalations/{esc}/assign", tokens.get(who), {}).status_code == status
    assert call(client, "POST", f"/escalations/{esc}/resolve", tokens.get(who), {"note": "x"}).status_code == status


def test_assign_to_a_non_staff_user_is_422(client, app, world):
    ids, tokens = world
    with app.app_context():
        from forum.extensions import db
        from forum.models import Thread
        esc = make_escalation(db.session.get(Thread, ids["thread"])).id
    response = call(client, "POST", f"/escalations/{esc}/assign", tokens["staff"], {"assignee": "bystander"})
    assert response.status_code == 422 and "assignee" in response.get_json()["error"]["fields"]
    other = call(client, "POST", f"/escalations/{esc}/assign", tokens["staff"], {"assignee": "mia"})
    assert other.status_code == 200 and other.get_json()["assignee"] == "mia"
    assert call(client, "POST", "/escalations/9999/assign", tokens["staff"], {}).status_code == 404


def test_escalate_bad_input(client, app, world):
    ids, tokens = world
    assert call(client, "POST", "/questions/9999/escalate", tokens["asker"], {"reason": "Please help"}).status_code == 404
    short = call(client, "POST", f"/questions/{ids['thread']}/escalate", tokens["asker"], {"reason": "hm"})
    assert short.status_code == 422 and "reason" in short.get_json()["error"]["fields"]
    early = call(client, "POST", f"/questions/{ids['thread']}/escalate", tokens["member"], {"reason": "Please help"})
    assert early.status_code == 403
    bad_json = client.post(f"/api/v1/questions/{ids['thread']}/escalate", data="[1]",
                           headers={"Authorization": f"Bearer {tokens['asker']}", "Content-Type": "application/json"})
    assert bad_json.status_code == 400
    with app.app_context():
        from forum.extensions import db
        from forum.models import Escalation, Thread, User
        moderation.hide_thread(actor=db.session.scalar(db.select(User).filter_by(username="mia")),
                               thread=db.session.get(Thread, ids["thread"]))
    hidden = call(client, "POST", f"/questions/{ids['thread']}/escalate", tokens["asker"], {"reason": "Please help"})
    # the asker still sees their hidden thread (issue 18), so the refusal says why rather than "not found"
    assert hidden.status_code == 403 and hidden.get_json()["error"]["message"] == "This thread is hidden."
    assert call(client, "POST", f"/questions/{ids['thread']}/escalate", tokens["member"],
                {"reason": "Please help"}).status_code == 404
    assert call(client, "POST", f"/questions/{ids['thread']}/escalate", tokens["mod"],
                {"reason": "Please help"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Escalation)) == 0


def test_openapi_lists_the_escalation_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in ("/questions/{id}/escalate", "/escalations", "/escalations/{id}/assign", "/escalations/{id}/resolve"):
        assert path in doc["paths"]
    assert {"Escalation", "EscalationList"} <= set(doc["components"]["schemas"])
