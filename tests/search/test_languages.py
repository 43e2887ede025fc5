"""Search in the post's language (issue 20): each question and idea is stemmed in the language it is written in,
on Whoosh and on PostgreSQL; lists and search filter by language and put the reader's language first."""
from __future__ import annotations

import pytest

from forum.extensions import db
from forum.ideas import services as ideas
from forum.models import Thread
from forum.questions import services as questions
from tests.conftest import login_as
from tests.factories import make_category, make_user
from tests.search.conftest import found


def _ask(author, title, body, language=None, category="general"):
    make_category(category)
    return questions.ask_question(actor=author, title=title, body=body, category=category, language=language)


@pytest.fixture
def posts(app):
    with app.app_context():
        anne, bob = make_user("anne"), make_user("bob")
        dutch = _ask(anne, "Storingen bij het opladen van de hub", "De lader geeft steeds storingen na de update.", "nl")
        english = _ask(bob, "Thermostat crashes after the update", "The app crashes when I open the schedule.")
        make_category("app")
        idea = ideas.submit_idea(actor=anne, title="Meldingen bij verbindingsproblemen",
                                 body="Graag een melding als de verbinding wegvalt.", category="app", language="nl")
        return {"dutch": dutch.id, "english": english.id, "idea": idea.id, "anne": anne.id}


def test_dutch_word_forms_find_a_dutch_question(ctx, posts):
    assert ("question", posts["dutch"]) in found("storing")  # "storingen" stems to "storing" in Dutch
    assert ("question", posts["dutch"]) in found("storingen")
    assert found("verbindingen") == [("idea", posts["idea"])]  # the idea's "verbinding", plural typed
    assert ("question", posts["english"]) in found("crash")  # English keeps its stemming
    assert ("question", posts["dutch"]) not in found("crash")


def test_the_language_filter(ctx, posts):
    assert found("update lang:nl") == [("question", posts["dutch"])]
    assert found("update lang:en") == [("question", posts["english"])]
    assert sorted(found("update")) == sorted([("question", posts["dutch"]), ("question", posts["english"])])


def test_the_readers_language_ranks_first(client, posts):
    for language, first in (("nl", posts["dutch"]), ("en", posts["english"])):
        response = client.get("/api/v1/search", query_string={"q": "update"}, headers={"Accept-Language": language})
        assert response.get_json()["items"][0]["id"] == first


def test_a_question_says_its_language_and_the_api_takes_one(client, posts):
    body = client.get(f"/api/v1/questions/{posts['dutch']}").get_json()
    assert body["language"] == "nl"
    login_as(client, posts["anne"])
    refused = client.post("/api/v1/questions", json={"title": "Een vraag over de hub", "body": "Hoe werkt het?",
                                                     "category": "general", "language": "xx"})
    assert refused.status_code == 422 and "language" in refused.get_json()["error"]["fields"]
    made = client.post("/api/v1/questions", json={"title": "Een vraag over de hub", "body": "Hoe werkt het?",
                                                  "category": "general", "language": "nl"})
    assert made.status_code == 201 and made.get_json()["language"] == "nl"


def test_a_question_without_a_language_takes_its_authors(ctx, posts):
    member = make_user("nina")
    member.language = "nl"
    db.session.commit()
    thread = _ask(member, "Hoe koppel ik de sensor opnieuw?", "De sensor is losgekoppeld.")
    assert thread.language == "nl"


def test_changing_the_language_restems_the_question(ctx, posts):
    thread = db.session.get(Thread, posts["english"])
    questions.edit_post(actor=thread.author, post=thread.question, body=thread.question.body_md, language="nl")
    assert db.session.get(Thread, posts["english"]).language == "nl"
    assert sorted(found("update lang:nl")) == sorted([("question", posts["dutch"]), ("question", posts["english"])])
    assert found("crashes lang:nl") == [("question", posts["english"])]  # now stemmed as Dutch, still found


def test_the_question_list_filters_and_puts_the_readers_language_first(client, posts):
    page = client.get("/questions?language=nl").get_data(as_text=True)
    assert "Storingen bij het opladen" in page and "Thermostat crashes" not in page
    dutch_first = client.get("/questions", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert dutch_first.index("Storingen bij het opladen") < dutch_first.index("Thermostat crashes")
    english_first = client.get("/questions", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert english_first.index("Thermostat crashes") < english_first.index("Storingen bij het opladen")
    api = client.get("/api/v1/questions", query_string={"language": "en"}).get_json()
    assert [item["id"] for item in api["items"]] == [posts["english"]]


def test_pages_run_across_the_readers_language_then_the_rest(ctx, posts):
    from forum.questions.queries import ListFilters, list_questions
    extra = _ask(make_user("piet"), "Hub start niet meer op na stroomuitval", "Het lampje blijft rood.", "nl")
    pages = [list_questions(ListFilters(prefer="nl", per_page=1, page=n), None) for n in (1, 2, 3, 4)]
    assert [page.total for page in pages] == [3, 3, 3, 3]
    assert [[thread.id for thread in page.items] for page in pages] == \
        [[extra.id], [posts["dutch"]], [posts["english"]], [posts["english"]]]  # page 4 shows the last page
    two = list_questions(ListFilters(prefer="en", per_page=2, page=1), None)
    assert [thread.id for thread in two.items] == [posts["english"], extra.id]
