"""The /api/v1 question endpoints: shapes exactly as DESIGN.md §5 and errors (OpenAPI: test_openapi.py)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask

from forum.auth import services as auth_services
from forum.extensions import db
from forum.models import Category, Post, PostRevision, Role, Thread, User
from forum.questions import services
from tests.conftest import login_as
from tests.factories import make_answer, make_thread, make_user

QUESTION_FIELDS = {"id", "post_id", "title", "body_html", "author", "category", "tags", "score", "my_vote",
                   "answer_count", "status", "accepted_answer_id", "is_locked", "created_at", "last_activity_at",
                   "url"}
ANSWER_FIELDS = {"id", "question_id", "body_html", "author", "score", "my_vote", "is_accepted", "is_staff",
                 "created_at"}
AUTHOR_FIELDS = {"username", "reputation", "is_staff"}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def ids(app: Flask) -> dict:
    with app.app_context():
        db.session.add_all([Category(slug="general", name="General", description="Anything", position=2),
                            Category(slug="billing", name="Billing", description="Invoices", position=1)])
        db.session.commit()
        asker, answerer, other = make_user("asker"), make_user("answerer"), make_user("other")
        staff = make_user("staffer", role=Role.STAFF)
        thread = make_thread(asker, title="Router keeps dropping Wi-Fi", body="Since **Monday**.", tags=["wifi"])
        answer = make_answer(thread, answerer, body="Update the firmware.")
        tokens = {user.username: auth_services.create_token(user=user) for user in (asker, answerer, other, staff)}
        return {"asker": asker.id, "answerer": answerer.id, "other": other.id, "staff": staff.id,
                "thread": thread.id, "question": thread.question.id, "answer": answer.id, "tokens": tokens}


def _h(ids: dict, who: str) -> dict:
    return _bearer(ids["tokens"][who])


def _assert_error(response, status: int, code: str, fields: set[str] | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code and isinstance(error["message"], str) and error["message"]
    if fields is not None:
        assert set(error["fields"]) == fields
        assert all(isinstance(message, str) and message for message in error["fields"].values())
    return error


def _assert_question(data: dict, *, with_answers: bool) -> None:
    assert set(data) >= QUESTION_FIELDS
    assert ("answers" in data) == with_answers
    assert set(data["author"]) >= AUTHOR_FIELDS
    assert isinstance(data["category"], str) and isinstance(data["tags"], list)
    assert ISO.match(data["created_at"]) and ISO.match(data["last_activity_at"])
    for answer in data.get("answers", []):
        assert set(answer) >= ANSWER_FIELDS and set(answer["author"]) >= AUTHOR_FIELDS
        assert ISO.match(answer["created_at"])


# -- reads -------------------------------------------------------------------------------------

def test_categories(client, ids):
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    assert response.get_json() == {"items": [
        {"slug": "billing", "name": "Billing", "description": "Invoices", "archived": False},
        {"slug": "general", "name": "General", "description": "Anything", "archived": False}]}


def test_list_questions_shape(client, ids):
    body = client.get("/api/v1/questions").get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 1)
    item = body["items"][0]
    _assert_question(item, with_answers=False)
    assert item["id"] == ids["thread"] and item["post_id"] == ids["question"]
    assert item["title"] == "Router keeps dropping Wi-Fi" and "<strong>Monday</strong>" in item["body_html"]
    assert item["author"] == {"username": "asker", "reputation": 1, "is_staff": False}
    assert (item["category"], item["tags"], item["score"], item["my_vote"]) == ("general", ["wifi"], 0, 0)
    assert (item["answer_count"], item["status"], item["accepted_answer_id"], item["is_locked"]) == (1, "open", None, False)
    assert item["url"] == f"/questions/{ids['thread']}/router-keeps-dropping-wi-fi"


def test_list_questions_paging_and_per_page_cap(app, client, ids):
    with app.app_context():
        author = make_user()
        for number in range(104):
            make_thread(author, title=f"Bulk question number {number}", category="billing")
    body = client.get("/api/v1/questions?per_page=1000").get_json()
    assert body["per_page"] == 100 and len(body["items"]) == 100 and body["total"] == 105
    body = client.get("/api/v1/questions?per_page=50&page=3").get_json()
    assert (body["page"], len(body["items"])) == (3, 5)
    for query in ("page=999999", "page=-3", "page=abc", "per_page=0", "per_page=x", "sort=bogus"):
        response = client.get("/api/v1/questions?" + query)
        assert response.status_code == 200, query
    assert client.get("/api/v1/questions?page=999999&per_page=100").get_json()["page"] == 2


def test_list_questions_filters(app, client, ids):
    with app.app_context():
        other = make_thread(title="Invoice shows the wrong amount", category="billing", tags=["invoice"])
        services.accept_answer(actor=other.author, answer=make_answer(other))
        make_thread(title="Unanswered billing question here", category="billing")

    def titles(query: str) -> set[str]:
        return {item["title"] for item in client.get("/api/v1/questions?" + query).get_json()["items"]}

    assert titles("category=billing") == {"Invoice shows the wrong amount", "Unanswered billing question here"}
    assert titles("tag=invoice") == {"Invoice shows the wrong amount"}
    assert titles("status=solved") == {"Invoice shows the wrong amount"}
    assert titles("status=unsolved") == {"Router keeps dropping Wi-Fi", "Unanswered billing question here"}
    assert titles("sort=unanswered") == {"Unanswered billing question here"}
    assert titles("category=nope") == set()
    solved = client.get("/api/v1/questions?status=solved").get_json()["items"][0]
    assert solved["status"] == "solved" and solved["accepted_answer_id"] is not None


def test_show_question_with_answers(client, ids):
    response = client.get(f"/api/v1/questions/{ids['thread']}")
    data = response.get_json()
    assert response.status_code == 200
    _assert_question(data, with_answers=True)
    [answer] = data["answers"]
    assert answer["id"] == ids["answer"] and answer["question_id"] == ids["thread"]
    assert (answer["score"], answer["my_vote"], answer["is_accepted"], answer["is_staff"]) == (0, 0, False, False)
    assert answer["author"]["username"] == "answerer"


def test_my_vote_is_the_callers(client, ids):
    client.post(f"/api/v1/posts/{ids['answer']}/vote", json={"value": -1}, headers=_h(ids, "other"))
    client.post(f"/api/v1/posts/{ids['question']}/vote", json={"value": 1}, headers=_h(ids, "other"))
    mine = client.get(f"/api/v1/questions/{ids['thread']}", headers=_h(ids, "other")).get_json()
    assert mine["my_vote"] == 1 and mine["answers"][0]["my_vote"] == -1 and mine["score"] == 1
    theirs = client.get(f"/api/v1/questions/{ids['thread']}", headers=_h(ids, "staffer")).get_json()
    assert theirs["my_vote"] == 0 and theirs["answers"][0]["my_vote"] == 0
    listed = client.get("/api/v1/questions", headers=_h(ids, "other")).get_json()["items"][0]
    assert listed["my_vote"] == 1


@pytest.mark.parametrize("path", ["/api/v1/questions/999999", "/api/v1/nothing-here"])
def test_unknown_is_json_404(client, ids, path):
    _assert_error(client.get(path), 404, "not_found")


def test_hidden_question_is_404(app, client, ids):
    with app.app_context():
        db.session.get(Thread, ids["thread"]).is_hidden = True
        db.session.commit()
    _assert_error(client.get(f"/api/v1/questions/{ids['thread']}", headers=_h(ids, "other")), 404, "not_found")


# -- ask ---------------------------------------------------------------------------------------

def test_ask_returns_201_and_the_question(client, ids):
    response = client.post("/api/v1/questions", headers=_h(ids, "other"),
                           json={"title": "Printer will not pair over Bluetooth", "body": "Tried *twice*.",
                                 "category": "billing", "tags": ["Printer", "bluetooth"]})
    assert response.status_code == 201
    data = response.get_json()
    _assert_question(data, with_answers=True)
    assert data["answers"] == [] and data["status"] == "open" and data["answer_count"] == 0
    assert data["tags"] == ["bluetooth", "printer"] and data["category"] == "billing"
    assert data["author"]["username"] == "other" and "<em>twice</em>" in data["body_html"]
    assert client.get(f"/api/v1/questions/{data['id']}").status_code == 200


def test_ask_without_auth_is_401(client, ids):
    _assert_error(client.post("/api/v1/questions", json={"title": "x" * 20, "body": "y", "category": "general"}),
                  401, "unauthorized")
    _assert_error(client.post("/api/v1/questions", json={}, headers=_bearer("fm_not-a-real-token")), 401,
                  "unauthorized")


@pytest.mark.parametrize("payload, fields", [
    ({}, {"title", "body", "category"}),
    ({"title": "short", "body": "ok body", "category": "general"}, {"title"}),
    ({"title": "x" * 151, "body": "ok body", "category": "general"}, {"title"}),
    ({"title": "A fine title here", "body": "b" * 50_001, "category": "general"}, {"body"}),
    ({"title": "A fine title here", "body": "ok body", "category": "nope"}, {"category"}),
    ({"title": "A fine title here", "body": "ok body", "category": "general", "tags": list("abcdef")}, {"tags"}),
    ({"title": "A fine title here", "body": "ok body", "category": "general", "tags": "bad tag!"}, {"tags"}),
    ({"title": 42, "body": ["x"], "category": {"a": 1}, "tags": 7}, {"title", "body", "category", "tags"}),
    ({"title": "A fine title\u0007 here", "body": "ok body", "category": "general"}, {"title"}),
])
def test_ask_invalid_fields_are_422(client, ids, payload, fields):
    _assert_error(client.post("/api/v1/questions", json=payload, headers=_h(ids, "other")), 422, "invalid", fields)


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"), ("[1, 2]", "application/json"), ('"text"', "application/json"),
    ("title=x", "application/x-www-form-urlencoded"), ("null", "application/json"), ("\xff\xfe", "application/json"),
])
def test_ask_malformed_body_is_400(client, ids, data, content_type):
    response = client.post("/api/v1/questions", data=data, content_type=content_type, headers=_h(ids, "other"))
    _assert_error(response, 400, "bad_request")


def test_nul_in_json_is_400(client, ids):
    response = client.post("/api/v1/questions", data='{"title": "A fine title\\u0000", "body": "x", "category": "general"}',
                           content_type="application/json", headers=_h(ids, "other"))
    _assert_error(response, 422, "invalid")  # issue 17: the field is named
    assert "title" in response.get_json()["error"]["fields"]


def test_escaped_nul_without_content_type_is_400(client, ids):
    response = client.post("/api/v1/questions", data='{"title": "A fine title\\u0000", "body": "x y", "category": "general"}',
                           headers=_h(ids, "other"))
    _assert_error(response, 422, "invalid")  # issue 17: the field is named
    assert "title" in response.get_json()["error"]["fields"]


def test_the_text_backslash_u0000_is_not_a_nul(client, ids):
    """A code sample may mention `\\u0000`; only a real NUL character is refused."""
    response = client.post("/api/v1/questions", headers=_h(ids, "other"),
                           json={"title": "Parsing \\u0000 in JSON strings", "body": "Use `\\u0000` as terminator.",
                                 "category": "general"})
    assert response.status_code == 201
    assert "\\u0000" in response.get_json()["title"] and "\\u0000" in response.get_json()["body_html"]


@pytest.mark.parametrize("data", ["[" * 100_000, '{"a":' * 5_000 + "1" + "}" * 5_000])
def test_deeply_nested_json_is_400_not_500(client, ids, data):
    response = client.post("/api/v1/questions", data=data, content_type="application/json", headers=_h(ids, "other"))
    _assert_error(response, 400, "bad_request")


@pytest.mark.parametrize("method, path", [("get", "/api/v1/questions/99999999999999999999"),
                                          ("post", "/api/v1/posts/99999999999999999999/vote"),
                                          ("patch", "/api/v1/posts/2147483648"),
                                          ("delete", "/api/v1/posts/99999999999999999999/accept")])
def test_ids_beyond_the_integer_range_are_404(client, ids, method, path):
    _assert_error(getattr(client, method)(path, json={"value": 1, "body": "x y"}, headers=_h(ids, "other")),
                  404, "not_found")


def test_too_large_json_is_413(client, ids):
    response = client.post("/api/v1/questions", json={"title": "A fine title here", "body": "x" * (1024 * 1024 + 1),
                                                      "category": "general"}, headers=_h(ids, "other"))
    error = _assert_error(response, 413, "too_large")
    assert "too large" in error["message"]


def test_suspended_member_is_403(app, client, ids):
    with app.app_context():
        user = db.session.get(User, ids["other"])
        user.suspended_until = user.created_at.replace(year=2999)
        db.session.commit()
    error = _assert_error(client.post("/api/v1/questions", headers=_h(ids, "other"),
                                      json={"title": "A fine title here", "body": "x y", "category": "general"}),
                          403, "forbidden")
    assert "suspended" in error["message"]


# -- answer ------------------------------------------------------------------------------------

def test_answer_returns_201_and_the_answer(client, ids):
    response = client.post(f"/api/v1/questions/{ids['thread']}/answers", json={"body": "Reset it **twice**."},
                           headers=_h(ids, "staffer"))
    assert response.status_code == 201
    data = response.get_json()
    assert set(data) >= ANSWER_FIELDS
    assert data["question_id"] == ids["thread"] and "<strong>twice</strong>" in data["body_html"]
    assert (data["score"], data["my_vote"], data["is_accepted"], data["is_staff"]) == (0, 0, False, True)
    assert data["author"] == {"username": "staffer", "reputation": 1, "is_staff": True}
    thread = client.get(f"/api/v1/questions/{ids['thread']}").get_json()
    assert thread["answer_count"] == 2


@pytest.mark.parametrize("payload", [{}, {"body": ""}, {"body": "x"}, {"body": 5}, {"body": "x" * 50_001}])
def test_answer_invalid_is_422(client, ids, payload):
    _assert_error(client.post(f"/api/v1/questions/{ids['thread']}/answers", json=payload,
                              headers=_h(ids, "other")), 422, "invalid", {"body"})


def test_answer_errors(app, client, ids):
    _assert_error(client.post(f"/api/v1/questions/{ids['thread']}/answers", json={"body": "hello"}), 401,
                  "unauthorized")
    _assert_error(client.post("/api/v1/questions/999999/answers", json={"body": "hello"},
                              headers=_h(ids, "other")), 404, "not_found")
    with app.app_context():
        db.session.get(Thread, ids["thread"]).is_locked = True
        db.session.commit()
    _assert_error(client.post(f"/api/v1/questions/{ids['thread']}/answers", json={"body": "hello"},
                              headers=_h(ids, "other")), 403, "forbidden")
    assert client.get(f"/api/v1/questions/{ids['thread']}").get_json()["is_locked"] is True


# -- edit --------------------------------------------------------------------------------------

def test_patch_question_keeps_a_revision(app, client, ids):
    response = client.patch(f"/api/v1/posts/{ids['question']}", headers=_h(ids, "asker"),
                            json={"body": "Since Monday night.", "title": "Router drops Wi-Fi every night"})
    assert response.status_code == 200
    data = response.get_json()
    _assert_question(data, with_answers=False)
    assert data["title"] == "Router drops Wi-Fi every night" and "Monday night" in data["body_html"]
    assert data["url"].endswith("/router-drops-wi-fi-every-night")
    with app.app_context():
        revisions = db.session.scalars(sa.select(PostRevision).where(PostRevision.post_id == ids["question"])
                                       .order_by(PostRevision.id)).all()
        assert [r.body_md for r in revisions] == ["Since **Monday**.", "Since Monday night."]
        assert revisions[-1].editor_id == ids["asker"] and revisions[-1].title == "Router drops Wi-Fi every night"


def test_patch_answer_returns_the_answer(client, ids):
    response = client.patch(f"/api/v1/posts/{ids['answer']}", headers=_h(ids, "answerer"), json={"body": "Newer fix."})
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) >= ANSWER_FIELDS and "Newer fix." in data["body_html"]


@pytest.mark.parametrize("who, status", [("other", 403), ("answerer", 403), ("staffer", 200)])
def test_patch_permissions(client, ids, who, status):
    response = client.patch(f"/api/v1/posts/{ids['question']}", headers=_h(ids, who), json={"body": "changed body"})
    assert response.status_code == status
    if status == 403:
        _assert_error(response, 403, "forbidden")


def test_patch_errors(client, ids):
    _assert_error(client.patch(f"/api/v1/posts/{ids['answer']}", headers=_h(ids, "answerer"),
                               json={"body": "new text", "title": "Titles only on questions"}), 422, "invalid", {"title"})
    _assert_error(client.patch(f"/api/v1/posts/{ids['question']}", headers=_h(ids, "asker"),
                               json={"body": "", "title": "tiny"}), 422, "invalid", {"body", "title"})
    _assert_error(client.patch("/api/v1/posts/999999", headers=_h(ids, "asker"), json={"body": "new"}), 404,
                  "not_found")
    _assert_error(client.patch(f"/api/v1/posts/{ids['question']}", json={"body": "new"}), 401, "unauthorized")
    _assert_error(client.patch(f"/api/v1/posts/{ids['question']}", data="{", content_type="application/json",
                               headers=_h(ids, "asker")), 400, "bad_request")


# -- votes -------------------------------------------------------------------------------------

def test_vote_change_and_withdraw(app, client, ids):
    url = f"/api/v1/posts/{ids['answer']}/vote"
    assert client.post(url, json={"value": 1}, headers=_h(ids, "other")).get_json() == {"score": 1, "my_vote": 1}
    assert client.post(url, json={"value": 1}, headers=_h(ids, "staffer")).get_json() == {"score": 2, "my_vote": 1}
    assert client.post(url, json={"value": -1}, headers=_h(ids, "other")).get_json() == {"score": 0, "my_vote": -1}
    assert client.post(url, json={"value": 0}, headers=_h(ids, "other")).get_json() == {"score": 1, "my_vote": 0}
    with app.app_context():
        assert db.session.get(User, ids["answerer"]).reputation == 11


@pytest.mark.parametrize("payload", [{}, {"value": 2}, {"value": "1"}, {"value": None}, {"value": True},
                                     {"value": [1]}])
def test_vote_invalid_is_422(client, ids, payload):
    _assert_error(client.post(f"/api/v1/posts/{ids['answer']}/vote", json=payload, headers=_h(ids, "other")),
                  422, "invalid", {"value"})


def test_vote_errors(client, ids):
    error = _assert_error(client.post(f"/api/v1/posts/{ids['answer']}/vote", json={"value": 1},
                                      headers=_h(ids, "answerer")), 403, "forbidden")
    assert "own post" in error["message"]
    _assert_error(client.post(f"/api/v1/posts/{ids['answer']}/vote", json={"value": 1}), 401, "unauthorized")
    _assert_error(client.post("/api/v1/posts/999999/vote", json={"value": 1}, headers=_h(ids, "other")), 404,
                  "not_found")


# -- accept ------------------------------------------------------------------------------------

def test_accept_then_conflict_then_undo_then_conflict(app, client, ids):
    url = f"/api/v1/posts/{ids['answer']}/accept"
    response = client.post(url, headers=_h(ids, "asker"))
    assert response.status_code == 200
    assert response.get_json() == {"question_id": ids["thread"], "status": "solved", "accepted_answer_id": ids["answer"]}
    _assert_error(client.post(url, headers=_h(ids, "asker")), 409, "conflict")
    shown = client.get(f"/api/v1/questions/{ids['thread']}").get_json()
    assert shown["status"] == "solved" and shown["accepted_answer_id"] == ids["answer"]
    assert shown["answers"][0]["is_accepted"] is True and shown["answers"][0]["author"]["reputation"] == 16
    response = client.delete(url, headers=_h(ids, "asker"))
    assert response.status_code == 200
    assert response.get_json() == {"question_id": ids["thread"], "status": "open", "accepted_answer_id": None}
    _assert_error(client.delete(url, headers=_h(ids, "asker")), 409, "conflict")


def test_accept_moves_to_another_answer(app, client, ids):
    with app.app_context():
        second = make_answer(db.session.get(Thread, ids["thread"]), body="Another fix.").id
    client.post(f"/api/v1/posts/{ids['answer']}/accept", headers=_h(ids, "asker"))
    response = client.post(f"/api/v1/posts/{second}/accept", headers=_h(ids, "asker"))
    assert response.get_json()["accepted_answer_id"] == second
    _assert_error(client.delete(f"/api/v1/posts/{ids['answer']}/accept", headers=_h(ids, "asker")), 409, "conflict")
    shown = client.get(f"/api/v1/questions/{ids['thread']}").get_json()
    assert shown["answers"][0]["id"] == second


@pytest.mark.parametrize("who, status", [("other", 403), ("answerer", 403), ("staffer", 200), ("asker", 200)])
def test_accept_permissions(client, ids, who, status):
    assert client.post(f"/api/v1/posts/{ids['answer']}/accept", headers=_h(ids, who)).status_code == status


def test_accept_errors(client, ids):
    _assert_error(client.post(f"/api/v1/posts/{ids['answer']}/accept"), 401, "unauthorized")
    _assert_error(client.post("/api/v1/posts/999999/accept", headers=_h(ids, "asker")), 404, "not_found")
    _assert_error(client.post(f"/api/v1/posts/{ids['question']}/accept", headers=_h(ids, "asker")), 403, "forbidden")


def test_delete_own_unvoted_answer(app, client, ids):
    _assert_error(client.delete(f"/api/v1/posts/{ids['answer']}", headers=_h(ids, "other")), 403, "forbidden")
    response = client.delete(f"/api/v1/posts/{ids['answer']}", headers=_h(ids, "answerer"))
    assert response.status_code == 200 and response.get_json()["question_id"] == ids["thread"]
    assert client.get(f"/api/v1/questions/{ids['thread']}").get_json()["answer_count"] == 0


def test_session_auth_reads(client, ids):
    login_as(client, ids["other"])
    assert client.get("/api/v1/me").get_json()["username"] == "other"
    assert client.get(f"/api/v1/questions/{ids['thread']}").get_json()["answers"][0]["my_vote"] == 0


# -- hidden posts ------------------------------------------------------------------------------

@pytest.mark.parametrize("who, sees", [("visitor", False), ("other", False), ("asker", True), ("moderator", True)])
def test_hidden_question_text_only_for_author_and_moderators(app, client, ids, who, sees):
    from forum.moderation import services as moderation
    with app.app_context():
        moderator = make_user("mod", role=Role.MODERATOR)
        token = auth_services.create_token(user=moderator)
        moderation.hide_post(actor=moderator, post=db.session.get(Post, ids["question"]), note="personal data")
    headers = {} if who == "visitor" else _bearer(token) if who == "moderator" else _h(ids, who)
    shown = client.get(f"/api/v1/questions/{ids['thread']}", headers=headers).get_json()
    listed = client.get("/api/v1/questions", headers=headers).get_json()["items"][0]
    for data in (shown, listed):
        assert ("Monday" in data["body_html"]) is sees
