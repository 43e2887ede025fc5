"""CSRF stays on here: HTML forms and session-authenticated API writes need the token; bearer tokens do not."""
from __future__ import annotations

import re

import pytest
from flask import Flask

from forum.auth import services as auth_services
from forum.extensions import db
from forum.models import Thread, User
from tests.conftest import login_as
from tests.factories import PASSWORD, make_answer, make_thread, make_user

pytestmark = pytest.mark.config(WTF_CSRF_ENABLED=True)


@pytest.fixture
def ids(app: Flask) -> dict:
    with app.app_context():
        asker, other = make_user("asker"), make_user("other")
        thread = make_thread(asker, title="CSRF protected thread title")
        answer = make_answer(thread, other)
        token = auth_services.create_token(user=db.session.get(User, other.id), name="test")
        return {"asker": asker.id, "other": other.id, "thread": thread.id, "question": thread.question.id,
                "answer": answer.id, "token": token}


def _token(client, path: str = "/login") -> str:
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no csrf_token field on {path}"
    return match.group(1)


def _forms(ids: dict) -> list[tuple[str, dict]]:
    return [
        ("/login", {"login": "asker", "password": PASSWORD}),
        ("/register", {"username": "someone", "email": "someone@example.com", "password": PASSWORD}),
        ("/reset-password", {"email": "asker@example.com"}),
        ("/logout", {}),
        ("/questions/ask", {"title": "A perfectly good title", "body": "Body", "category": "general"}),
        (f"/questions/{ids['thread']}/answers", {"body": "An answer"}),
        (f"/posts/{ids['answer']}/vote", {"value": "1"}),
        (f"/posts/{ids['answer']}/accept", {}),
        (f"/posts/{ids['answer']}/delete", {}),
        (f"/posts/{ids['question']}/edit", {"body": "changed", "title": "A changed title here"}),
        ("/settings/password", {"current_password": PASSWORD, "new_password": "another password"}),
        ("/preview", {"body": "**x**"}),
    ]


@pytest.mark.parametrize("index", range(12))
def test_html_form_without_token_is_refused(app, client, ids, index):
    path, data = _forms(ids)[index]
    if path not in ("/login", "/register", "/reset-password"):
        login_as(client, ids["asker"])
    response = client.post(path, data=data)
    assert response.status_code == 400, path
    assert "The form expired or was not sent from this site" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Thread, ids["thread"]).answer_count == 1
        assert db.session.get(Thread, ids["thread"]).status == "open"


def test_html_form_with_wrong_token_is_refused(client, ids):
    login_as(client, ids["other"])
    response = client.post(f"/posts/{ids['question']}/vote", data={"value": "1", "csrf_token": "forged"})
    assert response.status_code == 400


def test_html_forms_with_the_token_work(app, client, ids):
    token = _token(client)
    assert client.post("/login", data={"login": "other", "password": PASSWORD, "csrf_token": token}).status_code == 302
    token = _token(client, f"/questions/{ids['thread']}")  # the thread page carries it in every form
    response = client.post(f"/posts/{ids['question']}/vote", data={"value": "1", "csrf_token": token})
    assert response.status_code == 302
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_every_post_form_on_the_thread_page_carries_a_token(client, ids):
    login_as(client, ids["asker"])
    page = client.get(f"/questions/{ids['thread']}/csrf-protected-thread-title").get_data(as_text=True)
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", page, flags=re.DOTALL | re.IGNORECASE)
    assert len(forms) >= 3  # answer form, votes, accept
    for form in forms:
        assert 'name="csrf_token"' in form


def test_api_session_write_without_header_is_refused(app, client, ids):
    login_as(client, ids["asker"])
    response = client.post(f"/api/v1/posts/{ids['answer']}/accept")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf"
    response = client.post(f"/api/v1/questions/{ids['thread']}/answers", json={"body": "no header"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Thread, ids["thread"]).status == "open"


def test_api_session_write_with_header_works(client, ids):
    login_as(client, ids["asker"])
    token = _token(client, f"/questions/{ids['thread']}")
    response = client.post(f"/api/v1/posts/{ids['answer']}/accept", headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["status"] == "solved"


def test_api_session_reads_need_no_token(client, ids):
    login_as(client, ids["asker"])
    assert client.get("/api/v1/me").status_code == 200


def test_api_bearer_token_needs_no_csrf(client, ids):
    headers = {"Authorization": f"Bearer {ids['token']}"}
    response = client.post(f"/api/v1/questions/{ids['thread']}/answers", json={"body": "Via the API"},
                           headers=headers)
    assert response.status_code == 201
    response = client.post(f"/api/v1/posts/{ids['question']}/vote", json={"value": 1}, headers=headers)
    assert response.status_code == 200 and response.get_json() == {"score": 1, "my_vote": 1}
