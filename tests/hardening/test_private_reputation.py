"""Private means private (issue 17, item 6): a private profile's reputation is in no byline, no API author object
and no list of people; the byline depends on the author alone, so the members' shared thread page and the
visitors' cached page are right for every viewer."""
from __future__ import annotations

import pytest

from forum.auth.services import create_token
from forum.extensions import db
from forum.models import User
from forum.questions import services as questions
from tests.conftest import login_as
from tests.factories import make_answer, make_thread, make_user

SECRET_REP, PUBLIC_REP = 4321, 8765


@pytest.fixture
def people(app) -> dict:
    """A private answerer and a public one on one thread, both upvoted this month (so both gained reputation)."""
    with app.app_context():
        private, public, voter = make_user("hidden_hannah"), make_user("open_otto"), make_user("voter_vic")
        thread = make_thread(voter, title="Why does the hub blink red at night?")
        private_answer, public_answer = make_answer(thread, private), make_answer(thread, public)
        for answer in (private_answer, public_answer):
            questions.vote_post(actor=voter, post=answer, value=1)
        private, public = db.session.get(User, private.id), db.session.get(User, public.id)
        private.reputation, public.reputation = SECRET_REP, PUBLIC_REP
        private.profile_visibility = "private"
        db.session.commit()
        ids = {"thread": thread.id, "private": private.id, "public": public.id, "voter": voter.id,
               "private_token": create_token(user=private, name="t"), "voter_token": create_token(user=voter, name="t")}
        db.session.remove()
    return ids


@pytest.mark.parametrize("viewer", [None, "voter", "private"])
def test_thread_byline_leaves_out_a_private_reputation(client, people, viewer):
    if viewer:
        login_as(client, people[viewer])
    page = client.get(f"/questions/{people['thread']}", follow_redirects=True).get_data(as_text=True)
    assert "hidden_hannah" in page and "open_otto" in page
    assert f"{PUBLIC_REP:,}" in page
    assert f"{SECRET_REP:,}" not in page and str(SECRET_REP) not in page


def test_the_shared_members_page_is_the_same_for_the_private_author_and_others(client, people):
    """Whoever fills the members' shared cache first, the others never see a private reputation in it."""
    login_as(client, people["private"])
    first = client.get(f"/questions/{people['thread']}", follow_redirects=True).get_data(as_text=True)
    login_as(client, people["voter"])
    second = client.get(f"/questions/{people['thread']}", follow_redirects=True).get_data(as_text=True)
    for page in (first, second):
        assert f"{SECRET_REP:,}" not in page and f"{PUBLIC_REP:,}" in page


@pytest.mark.parametrize("token_of", [None, "voter_token", "private_token"])
def test_api_author_objects_show_null_for_a_private_reputation(client, people, token_of):
    headers = {"Authorization": f"Bearer {people[token_of]}"} if token_of else {}
    question = client.get(f"/api/v1/questions/{people['thread']}", headers=headers).get_json()
    authors = {answer["author"]["username"]: answer["author"] for answer in question["answers"]}
    assert authors["hidden_hannah"] == {"username": "hidden_hannah", "reputation": None, "is_staff": False}
    assert authors["open_otto"]["reputation"] == PUBLIC_REP
    profile = client.get("/api/v1/users/hidden_hannah", headers=headers).get_json()
    assert profile["reputation"] == (SECRET_REP if token_of == "private_token" else None)  # the owner sees it


def test_the_owner_still_sees_their_own_reputation_in_me(client, people):
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {people['private_token']}"}).get_json()
    assert me["reputation"] == SECRET_REP


def test_top_participants_leave_out_private_profiles(client, people):
    page = client.get("/ideas/top-participants").get_data(as_text=True)
    assert "open_otto" in page
    assert "hidden_hannah" not in page
