"""Issue 16 in the browser's pages and the JSON API: the convert form, the links both ways, the closed question,
linking an existing question, the required public notes, and the visitor cache kept correct."""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from forum.auth.services import create_token
from forum.extensions import db
from forum.ideas import requests, services
from forum.models import Idea, IdeaQuestion, Notification, Role, Thread, User
from forum.questions import services as questions
from tests.conftest import login_as
from tests.factories import make_category, make_idea, make_thread, make_user


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def world(app):
    """Ids and tokens only: the client runs without an app context."""
    with app.app_context():
        make_category("app", "Mobile app")
        asker, voter, staff, other = (make_user("asker"), make_user("voter"), make_user("staff", role=Role.STAFF),
                                      make_user("other"))
        thread = make_thread(asker, title="Can the app show battery levels for every sensor?",
                             body="I check each of my **12 sensors** by hand.", category="app")
        questions.vote_post(actor=voter, post=thread.question, value=1)
        idea = make_idea(make_user("proposer"), title="Sensor batteries at a glance", category="app")
        second = make_thread(other, title="Where do I see my sensors' batteries?", category="app")
        tokens = {name: {"Authorization": f"Bearer {create_token(user=user, name='t')}"}
                  for name, user in (("asker", asker), ("voter", voter), ("staff", staff), ("other", other))}
        return {"thread": thread.id, "slug": thread.slug, "idea": idea.id, "second": second.id, "h": tokens,
                "asker": asker.id, "voter": voter.id, "staff": staff.id, "other": other.id}


# -- the browser --------------------------------------------------------------------------------------------------

def test_the_asker_sees_the_offer_and_a_prefilled_form(client, world):
    login_as(client, world["asker"])
    page = _text(client.get(f"/questions/{world['thread']}/{world['slug']}"))
    assert "Turn into an idea" in page and f"/questions/{world['thread']}/to-idea" in page
    form = _text(client.get(f"/questions/{world['thread']}/to-idea"))
    assert 'value="Can the app show battery levels for every sensor?"' in form
    assert "I check each of my **12 sensors** by hand." in form
    assert re.search(r'<option value="app"[^>]*selected', form)


@pytest.mark.parametrize("who, code", [("other", 403), ("voter", 403)])
def test_other_members_get_no_offer_and_no_form(client, world, who, code):
    login_as(client, world[who])
    assert "Turn into an idea" not in _text(client.get(f"/questions/{world['thread']}/{world['slug']}"))
    assert client.get(f"/questions/{world['thread']}/to-idea").status_code == code
    assert client.post(f"/questions/{world['thread']}/to-idea", data={"title": "Battery levels everywhere",
                                                                     "body": "Please add it.", "category": "app"}
                       ).status_code == code


def test_a_visitor_is_sent_to_log_in(client, world):
    response = client.get(f"/questions/{world['thread']}/to-idea")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_form_keeps_the_input_and_shows_the_error_next_to_the_field(app, client, world):
    login_as(client, world["asker"])
    response = client.post(f"/questions/{world['thread']}/to-idea",
                           data={"title": "short", "body": "My own edited description.", "category": "app"})
    assert response.status_code == 422
    page = _text(response)
    assert 'id="title-error"' in page and "at least 10 characters" in page
    assert "My own edited description." in page and 'value="short"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 1  # the proposer's only


def test_converting_in_the_browser_links_both_ways_and_closes_answers(app, client, world):
    login_as(client, world["asker"])
    response = client.post(f"/questions/{world['thread']}/to-idea",
                           data={"title": "Battery level for every sensor", "category": "app",
                                 "body": "Show each sensor's battery in the device list."})
    assert response.status_code == 302
    idea_url = response.headers["Location"]
    idea_page = _text(client.get(idea_url))
    assert "Requested in 1 question" in idea_page
    assert f"/questions/{world['thread']}/{world['slug']}" in idea_page and "moved to this idea" in idea_page
    assert "2 of the 2 votes came from this question" in idea_page
    question = _text(client.get(f"/questions/{world['thread']}/{world['slug']}"))
    assert "Moved to the idea board." in question and idea_url in question
    assert "Answers are closed: this request moved to the idea board" in question
    assert f'action="/questions/{world["thread"]}/answers' not in question  # the form is replaced by the note
    assert "Turn into an idea" not in question
    login_as(client, world["other"])
    refused = client.post(f"/questions/{world['thread']}/answers", data={"body": "Use the web dashboard."})
    assert refused.status_code == 409 and "moved to the idea board" in _text(refused)
    with app.app_context():
        assert db.session.get(Thread, world["thread"]).answer_count == 0


def test_staff_link_a_question_from_the_idea_page(app, client, world):
    login_as(client, world["staff"])
    page = _text(client.get(f"/ideas/{world['idea']}"))
    assert "Staff: link a question" in page
    bad = client.post(f"/ideas/{world['idea']}/questions", data={"question_id": "forty-two"})
    assert bad.status_code == 422
    assert 'id="link-question-id-error"' in _text(bad) and 'value="forty-two"' in _text(bad)
    response = client.post(f"/ideas/{world['idea']}/questions", data={"question_id": str(world["second"])})
    assert response.status_code == 302
    assert "Requested in 1 question" in _text(client.get(f"/ideas/{world['idea']}"))
    question = _text(client.get(f"/questions/{world['second']}", follow_redirects=True))
    assert "Requested on the board." in question and "Your answer" in question  # a linked question stays open


def test_the_link_picker_suggests_only_questions_not_yet_linked(app, client, world, monkeypatch):
    """A question carries its demand once (linking it again is a 409), so the staff picker leaves linked ones out."""
    from markupsafe import Markup

    from forum.ideas import views
    from forum.search.backend import Hit

    def picks(idea, viewer):
        return {"merge": [], "link": [Hit("question", world[name], title, Markup(""), "open", f"/questions/{world[name]}")
                                      for name, title in (("thread", "Battery levels, asked"),
                                                          ("second", "Batteries, asked again"))]}

    monkeypatch.setattr(views, "idea_pickers", picks)
    login_as(client, world["staff"])
    assert client.post(f"/ideas/{world['idea']}/questions", data={"question_id": str(world["thread"])}
                       ).status_code == 302
    page = _text(client.get(f"/ideas/{world['idea']}"))
    assert f'data-picker-use="{world["second"]}"' in page and f'data-picker-use="{world["thread"]}"' not in page


def test_members_get_no_link_form_and_cannot_link(client, world):
    login_as(client, world["other"])
    assert "Staff: link a question" not in _text(client.get(f"/ideas/{world['idea']}"))
    assert client.post(f"/ideas/{world['idea']}/questions", data={"question_id": world["second"]}).status_code == 403


# -- item 5: every decision explained --------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["planned", "in_progress", "shipped", "declined"])
def test_the_status_form_requires_a_public_note_for_a_decision(app, client, world, status):
    login_as(client, world["staff"])
    response = client.post(f"/ideas/{world['idea']}/status", data={"status": status, "note": "  "})
    assert response.status_code == 422
    page = _text(response)
    assert 'id="status-note-error"' in page and "the note is shown publicly" in page
    assert "the board promises that the team explains every decision" in page  # the form says why
    with app.app_context():
        assert db.session.get(Idea, world["idea"]).status == "new"


def test_under_review_needs_no_note(client, world):
    login_as(client, world["staff"])
    assert client.post(f"/ideas/{world['idea']}/status", data={"status": "under_review"}).status_code == 302


def test_the_merge_form_requires_a_public_note(app, client, world):
    with app.app_context():
        target = make_idea(make_user(), title="Battery levels for every sensor", category="app").id
    login_as(client, world["staff"])
    response = client.post(f"/ideas/{world['idea']}/merge", data={"into": str(target), "note": ""})
    assert response.status_code == 422 and 'id="merge-note-error"' in _text(response)
    assert f'value="{target}"' in _text(response)
    assert client.post(f"/ideas/{world['idea']}/merge", data={"into": str(target), "note": "Same request."}
                       ).status_code == 302


@pytest.mark.parametrize("status", ["planned", "in_progress", "shipped", "declined"])
def test_the_api_answers_422_naming_the_note(client, world, status):
    response = client.post(f"/api/v1/ideas/{world['idea']}/status", json={"status": status},
                           headers=world["h"]["staff"])
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) == {"note"}
    assert "“note”" in response.get_json()["error"]["message"]  # the message names the field, not only `fields`
    ok = client.post(f"/api/v1/ideas/{world['idea']}/status", json={"status": status, "note": "Here is why."},
                     headers=world["h"]["staff"])
    assert ok.status_code == 200 and ok.get_json()["status_note"] == "Here is why."


def test_the_api_merge_needs_a_note(app, client, world):
    with app.app_context():
        target = make_idea(make_user(), title="Battery levels for every sensor", category="app").id
    response = client.post(f"/api/v1/ideas/{world['idea']}/merge", json={"into": target},
                           headers=world["h"]["staff"])
    assert response.status_code == 422 and "note" in response.get_json()["error"]["fields"]
    assert "“note”" in response.get_json()["error"]["message"]
    too_long = client.post(f"/api/v1/ideas/{world['idea']}/status", json={"status": "planned", "note": "x" * 2001},
                           headers=world["h"]["staff"])
    assert too_long.status_code == 422 and "required" not in too_long.get_json()["error"]["message"]


# -- the JSON API ---------------------------------------------------------------------------------------------------

def test_the_api_converts_with_the_question_as_defaults(app, client, world):
    response = client.post(f"/api/v1/questions/{world['thread']}/to-idea", json={}, headers=world["h"]["asker"])
    assert response.status_code == 201
    idea = response.get_json()
    assert (idea["title"], idea["category"], idea["author"]["username"]) == (
        "Can the app show battery levels for every sensor?", "app", "asker")
    assert (idea["vote_count"], idea["votes_from_questions"]) == (2, 2)
    assert [(q["id"], q["kind"], q["url"]) for q in idea["linked_questions"]] == [
        (world["thread"], "converted", f"/questions/{world['thread']}/{world['slug']}")]
    assert response.headers["Location"].endswith(f"/ideas/{idea['id']}")
    question = client.get(f"/api/v1/questions/{world['thread']}").get_json()
    assert question["status"] == "closed"
    assert question["idea"] == {"id": idea["id"], "title": idea["title"], "url": f"/ideas/{idea['id']}",
                                "status": "new", "status_note": None, "kind": "converted"}
    refused = client.post(f"/api/v1/questions/{world['thread']}/answers", json={"body": "Use the dashboard."},
                          headers=world["h"]["other"])
    assert refused.status_code == 409 and "moved to the idea board" in refused.get_json()["error"]["message"]
    again = client.post(f"/api/v1/questions/{world['thread']}/to-idea", json={}, headers=world["h"]["staff"])
    assert again.status_code == 409
    with app.app_context():  # the voter was told once where the request went
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.user_id == world["voter"], Notification.kind == "idea_request")) == 1


@pytest.mark.parametrize("body, field", [
    ({"title": "short"}, "title"), ({"body": 7}, "body"), ({"category": "nowhere"}, "category"),
    ({"title": "x" * 151}, "title"),
])
def test_the_api_refuses_bad_fields_with_422(client, world, body, field):
    response = client.post(f"/api/v1/questions/{world['thread']}/to-idea", json=body, headers=world["h"]["asker"])
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("who, code", [("other", 403), ("voter", 403), (None, 401)])
def test_the_api_refuses_others(client, world, who, code):
    headers = world["h"][who] if who else {}
    assert client.post(f"/api/v1/questions/{world['thread']}/to-idea", json={}, headers=headers).status_code == code
    assert client.post(f"/api/v1/ideas/{world['idea']}/questions", json={"question_id": world["thread"]},
                       headers=headers).status_code == code


def test_the_api_links_an_existing_question(app, client, world):
    response = client.post(f"/api/v1/ideas/{world['idea']}/questions", json={"question_id": world["thread"]},
                           headers=world["h"]["staff"])
    assert response.status_code == 201
    idea = response.get_json()
    assert (idea["vote_count"], idea["votes_from_questions"]) == (2, 2)
    assert [(q["id"], q["kind"]) for q in idea["linked_questions"]] == [(world["thread"], "linked")]
    assert client.get(f"/api/v1/questions/{world['thread']}").get_json()["idea"]["kind"] == "linked"
    for body, code in (({"question_id": "abc"}, 422), ({}, 422), ({"question_id": 99999}, 422),
                       ({"question_id": world["thread"]}, 409)):
        answer = client.post(f"/api/v1/ideas/{world['idea']}/questions", json=body, headers=world["h"]["staff"])
        assert answer.status_code == code, body
        if code == 422:
            assert "question_id" in answer.get_json()["error"]["fields"]


def test_the_export_carries_the_demand(client, world):
    client.post(f"/api/v1/ideas/{world['idea']}/questions", json={"question_id": world["thread"]},
                headers=world["h"]["staff"])
    rows = client.get("/api/v1/ideas/export?format=json", headers=world["h"]["staff"]).get_json()["items"]
    row = next(row for row in rows if row["id"] == world["idea"])
    assert (row["votes"], row["votes_from_questions"], row["linked_questions"]) == (2, 2, 1)
    csv_text = client.get("/api/v1/ideas/export?format=csv", headers=world["h"]["staff"]).get_data(as_text=True)
    assert "votes_from_questions,linked_questions" in csv_text.splitlines()[0]


# -- visitors' cached pages ---------------------------------------------------------------------------------------

def test_visitor_pages_show_the_link_and_the_decision_at_once(app, client, world):
    question_url, idea_url = f"/questions/{world['thread']}/{world['slug']}", f"/ideas/{world['idea']}"
    for url in (question_url, idea_url, "/ideas", "/ideas/roadmap"):
        client.get(url)  # cached now
    with app.app_context():
        requests.link_question(actor=db.session.get(User, world["staff"]), idea=db.session.get(Idea, world["idea"]),
                               question_id=world["thread"])
        db.session.remove()
    assert "Requested on the board." in _text(client.get(question_url))
    assert "Requested in 1 question" in _text(client.get(idea_url))
    board = _text(client.get("/ideas"))
    assert re.search(r'data-idea-vote-count[^>]*>\s*2\s*<', board), "the board shows the carried votes"
    with app.app_context():
        services.set_idea_status(actor=db.session.get(User, world["staff"]), idea=db.session.get(Idea, world["idea"]),
                                 status="shipped", note="Out in version 4.2: Settings > Sensors.")
        db.session.remove()
    question = _text(client.get(question_url))
    assert "Decision from" in question and "Out in version 4.2: Settings > Sensors." in question
    assert "Sensor batteries at a glance" in _text(client.get("/ideas/roadmap"))


def test_a_converted_question_page_changes_for_visitors(app, client, world):
    question_url = f"/questions/{world['thread']}/{world['slug']}"
    client.get(question_url)
    with app.app_context():
        requests.question_to_idea(actor=db.session.get(User, world["asker"]),
                                  thread=db.session.get(Thread, world["thread"]))
        link = db.session.scalar(sa.select(IdeaQuestion))
        idea_id = link.idea_id
        db.session.remove()
    page = _text(client.get(question_url))
    assert "Moved to the idea board." in page and f"/ideas/{idea_id}" in page
    assert "Can the app show battery levels" in _text(client.get("/ideas"))
