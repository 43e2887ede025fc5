"""The similar-titles hints on a site that writes in more than one language (issues 16 and 20): a title written in
Dutch is read with Dutch word forms ("storingen" ~ "storing") and Dutch small words ("de", "bij") weigh nothing, on
Whoosh and on PostgreSQL, while English titles rank exactly as before."""
from __future__ import annotations

import pytest

from forum.admin import synonyms as admin_synonyms
from forum.extensions import db
from forum.ideas import services as ideas
from forum.questions import services as questions
from forum.search import service
from tests.factories import make_category, make_user

STORING = "Storingen bij het opladen van de hub"
DONKER = "Donkere modus in de Android-app"
MELDING = "Meldingen bij verbindingsproblemen"
CRASH = "Thermostat crashes after the update"


def _similar(text: str, type: str = "question") -> list[str]:
    return [hit.title for hit in service.similar(text, viewer=None, type=type)]


@pytest.fixture
def board(app):
    with app.app_context():
        anne, bob = make_user("anne"), make_user("bob")
        for title, body, language in ((STORING, "De lader geeft steeds storingen na de update.", "nl"),
                                      (DONKER, "Alles is wit 's nachts.", "nl"),
                                      ("Welke lampen werken met de hub?", "Ik zoek lampen voor de tuin.", "nl"),
                                      (CRASH, "The app crashes when I open the schedule.", None),
                                      ("Hub offline every night", "Router reboots at 2am.", None)):
            make_category("general")
            questions.ask_question(actor=anne if language else bob, title=title, body=body, category="general",
                                   language=language)
        make_category("app")
        ideas.submit_idea(actor=anne, title=MELDING, body="Graag een melding als de verbinding wegvalt.",
                          category="app", language="nl")
        ideas.submit_idea(actor=bob, title="Dark mode for the app", body="Everything is white at night.",
                          category="app")
        db.session.commit()


@pytest.mark.parametrize("typed, kind, expected", [
    ("Een melding bij verbindingsprobleem", "idea", MELDING),  # singular typed, plural written
    ("Storing bij het opladen", "question", STORING),
    ("Donker thema voor Android", "question", DONKER),
    ("Thermostat crashing after updating", "question", CRASH),  # English keeps its own word forms
])
def test_dutch_word_forms_find_dutch_titles(ctx, board, typed, kind, expected):
    assert _similar(typed, kind)[0] == expected


def test_dutch_small_words_alone_find_nothing(ctx, board):
    assert _similar("Recept voor appeltaart uit de oven") == []
    assert _similar("Waar is de fiets van mijn buurman?") == []


def test_an_admins_dutch_group_reads_dutch_plurals(ctx, board):
    assert STORING not in _similar("Fouten met de lader")
    admin_synonyms.add_synonym_group(actor=None, terms="storing = fout = probleem")
    assert _similar("Fouten met de lader")[0] == STORING  # "fouten" ~ "fout" = "storing" ~ "storingen"


def test_the_forms_hints_answer_in_dutch(client, board):
    ideas_found = client.get("/ideas/similar", query_string={"q": "Een melding bij verbindingsprobleem"}).get_json()
    assert [item["title"] for item in ideas_found["items"]] == [MELDING]
    asked = client.get("/questions/similar", query_string={"q": "Storing bij het opladen"}).get_json()
    assert asked["items"][0]["title"] == STORING
