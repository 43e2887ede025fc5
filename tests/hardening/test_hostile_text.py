"""Hostile text never costs data (issue 17, item 4): NUL, lone UTF-16 surrogates and Unicode non-characters in
any field of any form or JSON body get a 400/422 naming the field; a form comes back with the typed text minus
the offending characters and the message; nothing already saved changes."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from forum.auth.services import create_token
from forum.extensions import db
from forum.models import Post, Thread
from tests.conftest import login_as
from tests.factories import make_answer, make_category, make_idea, make_thread, make_user

HOSTILE = {"lone surrogate": "\ud800", "low surrogate": "\udfff", "non-character": "\ufffe",
           "plane-16 non-character": "\U0010ffff", "FDD0 non-character": "\ufdd0", "NUL": "\x00"}


@pytest.fixture
def seed(app) -> dict:
    with app.app_context():
        make_category("general")
        asker, other = make_user("asker"), make_user("other")
        thread = make_thread(asker, title="Why does the hub blink red at night?", body="It blinks every hour.")
        answer = make_answer(thread, other, body="Update the firmware first.")
        idea = make_idea(asker)
        ids = {"asker": asker.id, "other": other.id, "thread": thread.id, "question": thread.question.id,
               "answer": answer.id, "idea": idea.id, "token": create_token(user=asker, name="t"),
               "other_token": create_token(user=other, name="t")}
        db.session.remove()
    return ids


def _raw_json(payload: dict) -> str:
    """json.dumps escapes a lone surrogate as \\ud800, exactly what a hostile client sends."""
    return json.dumps(payload)


# The six write endpoints that answered 500 for "\ud800" (issue 17), each with a field to poison.
API_WRITES = [
    ("post", "/api/v1/questions", {"title": "A perfectly fine title {x}", "body": "Body text", "category": "general"},
     "title"),
    ("post", "/api/v1/questions/{thread}/answers", {"body": "An answer {x}"}, "body"),
    ("patch", "/api/v1/posts/{question}", {"body": "Edited body {x}"}, "body"),
    ("post", "/api/v1/ideas", {"title": "A dark theme for the app", "body": "Nice at night {x}",
                               "category": "general"}, "body"),
    ("post", "/api/v1/ideas/{idea}/comments", {"body": "Yes please {x}"}, "body"),
    ("post", "/api/v1/questions/{thread}/escalate", {"reason": "Nobody answered {x}"}, "reason"),
    ("post", "/api/v1/posts/{answer}/flags", {"reason": "other", "note": "Looks off {x}"}, "note"),
]


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("method, path, payload, field", API_WRITES)
def test_api_writes_refuse_hostile_text_naming_the_field(app, client, seed, kind, method, path, payload, field):
    bad = {key: value.replace("{x}", HOSTILE[kind]) for key, value in payload.items()}
    url = path.format(**seed)
    with app.app_context():
        before = (db.session.scalar(sa.select(sa.func.count()).select_from(Post)),
                  db.session.get(Post, seed["question"]).body_md)
        db.session.remove()
    response = client.open(url, method=method.upper(), data=_raw_json(bad), content_type="application/json",
                           headers={"Authorization": f"Bearer {seed['token']}"})
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert "not allowed" in error["fields"][field]
    with app.app_context():  # nothing saved, nothing already saved changed
        after = (db.session.scalar(sa.select(sa.func.count()).select_from(Post)),
                 db.session.get(Post, seed["question"]).body_md)
        db.session.remove()
    assert after == before


def test_nested_fields_and_keys_are_named(client, seed):
    body = _raw_json({"title": "A perfectly fine title", "body": "Body", "category": "general",
                      "tags": ["ok", "bad\ud800"], "bad\udc00key": 1})
    response = client.post("/api/v1/questions", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {seed['token']}"})
    assert response.status_code == 422
    assert {"tags[1]", "badkey"} <= set(response.get_json()["error"]["fields"])


def test_a_code_sample_mentioning_the_escape_is_still_fine(client, seed):
    response = client.post("/api/v1/questions/{}/answers".format(seed["thread"]),
                           json={"body": "Write `\\ud800` or `\\u0000` in the JSON string."},
                           headers={"Authorization": f"Bearer {seed['other_token']}"})
    assert response.status_code == 201


@pytest.mark.parametrize("kind", ["NUL", "non-character", "plane-16 non-character"])
def test_the_ask_form_comes_back_with_the_text_and_the_message(client, seed, kind):
    login_as(client, seed["asker"])
    title = f"My router{HOSTILE[kind]} drops wifi every night"
    response = client.post("/questions/ask", data={"title": title, "body": "Since the update it drops.",
                                                   "category": "general"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "My router drops wifi every night" in page  # typed text, minus the offending character
    assert "Since the update it drops." in page
    assert "not allowed" in page and HOSTILE[kind] not in page
    assert 'aria-invalid="true"' in page  # the message sits with its field


def test_an_answer_form_with_a_non_character_saves_nothing(app, client, seed):
    login_as(client, seed["other"])
    response = client.post(f"/questions/{seed['thread']}/answers", data={"body": "Try this\ufffe fix"})
    assert response.status_code == 422 and "Try this fix" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Thread, seed["thread"]).answer_count == 1
        db.session.remove()


def test_an_edit_form_keeps_the_saved_post(app, client, seed):
    login_as(client, seed["asker"])
    response = client.post(f"/posts/{seed['question']}/edit", data={"body": "New text\x00 here",
                                                                    "title": "Why does the hub blink red at night?"})
    assert response.status_code == 422 and "New text here" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Post, seed["question"]).body_md == "It blinks every hour."
        db.session.remove()


@pytest.mark.parametrize("query", ["q=hub%EF%BF%BE", "tag=a%00b", "sort=%F4%8F%BF%BF"])
def test_a_query_parameter_is_a_400_naming_it(client, seed, query):
    response = client.get(f"/api/v1/questions?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.get_json()["error"]["message"]
