"""The moderation API: flags, hide/restore, thread tools, suspensions, the audit log; moderators only."""
from __future__ import annotations

import pytest

from forum.auth.services import create_token
from forum.extensions import db
from forum.models import AuditEntry, Role
from tests.factories import make_answer, make_category, make_thread, make_user


@pytest.fixture
def world(app):
    with app.app_context():
        author, mod = make_user("author"), make_user("mia", role=Role.MODERATOR)
        staff, admin = make_user("sam", role=Role.STAFF), make_user("ada", role=Role.ADMIN)
        reporters = [make_user(f"rep{i}") for i in range(3)]
        thread = make_thread(make_user("asker"), title="Hub keeps rebooting every night")
        other = make_thread(title="Hub reboots at night, any idea?")
        make_category("hardware", "Hardware")
        answer = make_answer(thread, author, body="Buy cheap hubs at spam.example")
        ids = {"thread": thread.id, "other": other.id, "answer": answer.id}
        tokens = {name: create_token(user=user, name="t") for name, user in
                  [("author", author), ("mod", mod), ("staff", staff), ("admin", admin)]
                  + [(f"rep{i}", user) for i, user in enumerate(reporters)]}
    return ids, tokens


def call(client, method, url, token=None, json=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(f"/api/v1{url}", method=method, headers=headers, json=json)


def audit_actions(app) -> list[tuple]:
    with app.app_context():
        return [(e.action, e.actor.username if e.actor else None) for e in
                db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_flags_threshold_and_queue(client, app, world):
    ids, tokens = world
    first = call(client, "POST", f"/posts/{ids['answer']}/flags", tokens["rep0"], {"reason": "spam", "note": "ad"})
    assert first.status_code == 201
    assert first.get_json() | {"id": 0, "created_at": ""} == {"id": 0, "post_id": ids["answer"], "reason": "spam",
                                                              "note": "ad", "status": "open", "reporter": "rep0",
                                                              "created_at": ""}
    again = call(client, "POST", f"/posts/{ids['answer']}/flags", tokens["rep0"], {"reason": "offensive"})
    assert again.status_code == 409
    assert call(client, "POST", f"/posts/{ids['answer']}/flags", tokens["author"], {"reason": "spam"}).status_code == 403
    bad = call(client, "POST", f"/posts/{ids['answer']}/flags", tokens["rep1"], {"reason": "boring"})
    assert bad.status_code == 422 and "reason" in bad.get_json()["error"]["fields"]
    assert call(client, "POST", "/posts/9999/flags", tokens["rep1"], {"reason": "spam"}).status_code == 404
    assert call(client, "POST", f"/posts/{ids['answer']}/flags", None, {"reason": "spam"}).status_code == 401
    call(client, "POST", f"/posts/{ids['answer']}/flags", tokens["rep1"], {"reason": "offensive"})
    call(client, "POST", f"/posts/{ids['answer']}/flags", tokens["rep2"], {"reason": "spam"})
    queue = call(client, "GET", "/mod/flags", tokens["mod"]).get_json()
    assert queue["total"] == 1
    item = queue["items"][0]
    assert item["post_id"] == ids["answer"] and item["is_hidden"] is True and len(item["flags"]) == 3
    public = call(client, "GET", f"/questions/{ids['thread']}").get_json()
    assert ids["answer"] not in [a["id"] for a in public["answers"]]
    assert audit_actions(app) == [("post.auto_hide", None)]


@pytest.mark.parametrize("who, status", [(None, 401), ("author", 403), ("staff", 403), ("mod", 200), ("admin", 200)])
def test_moderator_endpoints_refuse_others(client, world, who, status):
    ids, tokens = world
    token = tokens.get(who)
    assert call(client, "GET", "/mod/flags", token).status_code == status
    assert call(client, "GET", "/mod/audit", token).status_code == status
    assert call(client, "POST", f"/mod/threads/{ids['thread']}/lock", token, {}).status_code == status
    assert call(client, "POST", f"/mod/posts/{ids['answer']}/hide", token, {"note": "x"}).status_code == status


def test_hide_restore_and_dismiss(client, app, world):
    ids, tokens = world
    flag_id = call(client, "POST", f"/posts/{ids['answer']}/flags", tokens["rep0"], {"reason": "off_topic"}).get_json()["id"]
    dismissed = call(client, "POST", f"/mod/flags/{flag_id}/dismiss", tokens["mod"], {"note": "On topic"})
    assert dismissed.status_code == 200 and dismissed.get_json()["status"] == "dismissed"
    assert call(client, "POST", f"/mod/flags/{flag_id}/dismiss", tokens["mod"], {}).status_code == 409
    assert call(client, "POST", "/mod/flags/999/dismiss", tokens["mod"], {}).status_code == 404
    hidden = call(client, "POST", f"/mod/posts/{ids['answer']}/hide", tokens["mod"], {"note": "Advertising"})
    assert hidden.get_json() == {"id": ids["answer"], "question_id": ids["thread"], "is_hidden": True,
                                 "hidden_reason": "Advertising"}
    assert call(client, "POST", f"/mod/posts/{ids['answer']}/hide", tokens["mod"], {"note": "x"}).status_code == 409
    author_view = call(client, "GET", f"/questions/{ids['thread']}", tokens["author"]).get_json()
    assert ids["answer"] in [a["id"] for a in author_view["answers"]]
    restored = call(client, "POST", f"/mod/posts/{ids['answer']}/restore", tokens["mod"], {"note": "Appeal"})
    assert restored.status_code == 200 and restored.get_json()["is_hidden"] is False
    assert call(client, "POST", f"/mod/posts/{ids['answer']}/restore", tokens["mod"], {}).status_code == 409
    assert audit_actions(app) == [("flag.dismiss", "mia"), ("post.hide", "mia"), ("post.restore", "mia")]


def test_thread_tools(client, app, world):
    ids, tokens = world
    url = f"/mod/threads/{ids['thread']}"
    for action, key, value in (("lock", "is_locked", True), ("pin", "is_pinned", True), ("unpin", "is_pinned", False),
                               ("unlock", "is_locked", False), ("hide", "is_hidden", True),
                               ("restore", "is_hidden", False)):
        response = call(client, "POST", f"{url}/{action}", tokens["mod"], {"note": action})
        assert response.status_code == 200 and response.get_json()[key] is value, action
    assert call(client, "POST", f"{url}/unlock", tokens["mod"], {}).status_code == 409
    moved = call(client, "POST", f"{url}/move", tokens["mod"], {"category": "hardware"})
    assert moved.status_code == 200 and moved.get_json()["category"] == "hardware"
    assert call(client, "POST", f"{url}/move", tokens["mod"], {"category": "nope"}).status_code == 422
    dup = call(client, "POST", f"/mod/threads/{ids['other']}/duplicate", tokens["mod"], {"of": ids["thread"]})
    assert dup.status_code == 200 and dup.get_json()["duplicate_of"] == ids["thread"]
    assert dup.get_json()["status"] == "closed"
    assert call(client, "POST", f"{url}/duplicate", tokens["mod"], {"of": ids["thread"]}).status_code == 422
    assert call(client, "POST", "/mod/threads/999/lock", tokens["mod"], {}).status_code == 404
    actions = [a for a, _ in audit_actions(app)]
    assert actions == ["thread.lock", "thread.pin", "thread.unpin", "thread.unlock", "thread.hide", "thread.restore",
                       "thread.move", "thread.duplicate"]


def test_locked_thread_refuses_answers_and_votes(client, world):
    ids, tokens = world
    call(client, "POST", f"/mod/threads/{ids['thread']}/lock", tokens["mod"], {})
    assert call(client, "POST", f"/questions/{ids['thread']}/answers", tokens["rep0"], {"body": "late"}).status_code == 403
    assert call(client, "POST", f"/posts/{ids['answer']}/vote", tokens["rep0"], {"value": 1}).status_code == 403


def test_suspend_and_unsuspend(client, app, world):
    ids, tokens = world
    bad = call(client, "POST", "/mod/users/author/suspend", tokens["mod"], {"days": "a week", "reason": ""})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"days", "reason"}
    done = call(client, "POST", "/mod/users/AUTHOR/suspend", tokens["mod"], {"days": 3, "reason": "Spam links"})
    assert done.status_code == 200 and done.get_json()["is_suspended"] is True
    refused = call(client, "POST", f"/questions/{ids['thread']}/answers", tokens["author"], {"body": "more spam"})
    assert refused.status_code == 403 and "Spam links" in refused.get_json()["error"]["message"]
    assert "suspended until" in refused.get_json()["error"]["message"]
    flag = call(client, "POST", f"/posts/{ids['answer']}/flags", tokens["author"], {"reason": "spam"})
    assert flag.status_code == 403
    assert call(client, "GET", f"/questions/{ids['thread']}", tokens["author"]).status_code == 200
    assert call(client, "POST", "/mod/users/sam/suspend", tokens["mod"], {"days": 1, "reason": "x"}).status_code == 403
    assert call(client, "POST", "/mod/users/mia/suspend", tokens["mod"], {"days": 1, "reason": "x"}).status_code == 403
    assert call(client, "POST", "/mod/users/ghost/suspend", tokens["mod"], {"days": 1, "reason": "x"}).status_code == 404
    lifted = call(client, "POST", "/mod/users/author/unsuspend", tokens["mod"], {})
    assert lifted.status_code == 200 and lifted.get_json()["is_suspended"] is False
    assert call(client, "POST", "/mod/users/author/unsuspend", tokens["mod"], {}).status_code == 409
    assert audit_actions(app) == [("user.suspend", "mia"), ("user.unsuspend", "mia")]


def test_audit_list_and_filters(client, world):
    ids, tokens = world
    call(client, "POST", f"/mod/threads/{ids['thread']}/lock", tokens["mod"], {"note": "heated"})
    call(client, "POST", f"/mod/threads/{ids['thread']}/pin", tokens["admin"], {})
    body = call(client, "GET", "/mod/audit", tokens["mod"]).get_json()
    assert body["total"] == 2 and set(body) == {"items", "page", "per_page", "total"}
    assert body["items"][1] | {"id": 0, "created_at": ""} == {
        "id": 0, "actor": "mia", "action": "thread.lock", "action_name": "Locked a question",
        "target_type": "thread", "target_id": ids["thread"],
        "target": "Hub keeps rebooting every night", "note": "heated", "created_at": ""}
    assert [i["action"] for i in call(client, "GET", "/mod/audit?actor=ada", tokens["mod"]).get_json()["items"]] == ["thread.pin"]
    assert call(client, "GET", "/mod/audit?action=thread.lock", tokens["mod"]).get_json()["total"] == 1
    assert call(client, "GET", "/mod/audit?since=2999-01-01", tokens["mod"]).get_json()["total"] == 0
    bad = call(client, "GET", "/mod/audit?since=last-tuesday", tokens["mod"])
    assert bad.status_code == 422 and "since" in bad.get_json()["error"]["fields"]
    assert call(client, "GET", "/mod/audit?per_page=1&page=2", tokens["mod"]).get_json()["items"][0]["actor"] == "mia"


def test_no_api_route_edits_or_deletes_audit_entries(app):
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods - {"GET", "HEAD", "OPTIONS"} == set(), rule.rule


def test_openapi_lists_the_moderation_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/posts/{id}/flags", "/mod/flags", "/mod/flags/{id}/dismiss", "/mod/posts/{id}/hide",
                 "/mod/posts/{id}/restore", "/mod/threads/{id}/lock", "/mod/threads/{id}/move",
                 "/mod/threads/{id}/duplicate", "/mod/users/{username}/suspend", "/mod/users/{username}/unsuspend",
                 "/mod/audit"):
        assert path in paths, path
