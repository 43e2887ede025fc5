"""Deleting and unaccepting an answer: one rule each, one status code, the same on the page and in the API.

Who may act is the Policy's 403; the answer's state (it has votes, it is not the accepted one) is the service's
409, whoever asks and whichever door they use (issue 19)."""
from __future__ import annotations

import html

import pytest
from flask import Flask

from forum.auth import services as auth_services
from forum.extensions import db
from forum.models import Post, Role, Thread, User
from forum.questions import services
from tests.conftest import login_as
from tests.factories import make_answer, make_category, make_thread, make_user


@pytest.fixture
def ids(app: Flask) -> dict:
    """An asker's question with two answers by someone else, and a moderator; ids and API tokens."""
    with app.app_context():
        make_category("general")
        asker, answerer, voter = make_user("asker"), make_user("answerer"), make_user("voter")
        moderator = make_user("mod", role=Role.MODERATOR)
        thread = make_thread(asker, title="Printer prints blank pages")
        first, second = make_answer(thread, answerer), make_answer(thread, answerer, body="Check the toner.")
        tokens = {user.id: auth_services.create_token(user=user) for user in (asker, answerer, moderator)}
        return {"asker": asker.id, "answerer": answerer.id, "voter": voter.id, "moderator": moderator.id,
                "thread": thread.id, "first": first.id, "second": second.id, "tokens": tokens}


def _vote(app: Flask, ids: dict, *values: int) -> None:
    """Votes on the first answer by fresh members (a +1 and a -1 leave its score at 0)."""
    with app.app_context():
        for value in values:
            services.vote_post(actor=make_user(), post=db.session.get(Post, ids["first"]), value=value)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _api(client, ids: dict, who: str, method: str, path: str):
    return client.open(f"/api/v1{path}", method=method,
                       headers={"Authorization": f"Bearer {ids['tokens'][ids[who]]}"})


def _exists(app: Flask, post_id: int) -> bool:
    with app.app_context():
        return db.session.get(Post, post_id) is not None


# -- delete --------------------------------------------------------------------------------------

@pytest.mark.parametrize("votes", [(1,), (-1,), (1, -1)], ids=["upvoted", "downvoted", "score-zero-with-votes"])
@pytest.mark.parametrize("who", ["answerer", "moderator"])
def test_deleting_an_answer_with_votes_is_409_on_the_page(app, client, ids, votes, who):
    _vote(app, ids, *votes)
    login_as(client, ids[who])
    response = client.post(f"/posts/{ids['first']}/delete")
    assert response.status_code == 409 and "This answer has votes, so it stays" in _text(response)
    assert _exists(app, ids["first"])


@pytest.mark.parametrize("votes", [(1,), (-1,), (1, -1)], ids=["upvoted", "downvoted", "score-zero-with-votes"])
@pytest.mark.parametrize("who", ["answerer", "moderator"])
def test_deleting_an_answer_with_votes_is_409_in_the_api(app, client, ids, votes, who):
    _vote(app, ids, *votes)
    response = _api(client, ids, who, "DELETE", f"/posts/{ids['first']}")
    assert response.status_code == 409
    assert response.get_json()["error"] == {"code": "conflict",
                                            "message": "This answer has votes, so it stays. You can edit it instead."}
    assert _exists(app, ids["first"])


def test_deleting_someone_elses_answer_is_403_with_the_policys_reason(app, client, ids):
    login_as(client, ids["asker"])
    page = client.post(f"/posts/{ids['first']}/delete")
    api = _api(client, ids, "asker", "DELETE", f"/posts/{ids['first']}")
    reason = "Only its author can delete an answer, and not on a locked thread."
    assert page.status_code == 403 and reason in _text(page)
    assert api.status_code == 403 and api.get_json()["error"]["message"] == reason
    assert _exists(app, ids["first"])


def test_a_moderator_deletes_an_unvoted_answer(app, client, ids):
    """The votes rule binds everyone; the Policy's who-may rule lets moderators delete others' answers."""
    assert _api(client, ids, "moderator", "DELETE", f"/posts/{ids['first']}").status_code == 200
    login_as(client, ids["moderator"])
    assert client.post(f"/posts/{ids['second']}/delete").status_code == 302
    assert not _exists(app, ids["first"]) and not _exists(app, ids["second"])


# -- unaccept ------------------------------------------------------------------------------------

def _accept_first(app: Flask, ids: dict) -> None:
    with app.app_context():
        services.accept_answer(actor=db.session.get(User, ids["asker"]), answer=db.session.get(Post, ids["first"]))


def _accepted(app: Flask, ids: dict) -> int | None:
    with app.app_context():
        return db.session.get(Thread, ids["thread"]).accepted_post_id


@pytest.mark.parametrize("accepted", [True, False], ids=["another-answer-accepted", "none-accepted"])
def test_unaccepting_an_answer_that_is_not_the_accepted_one_is_409_on_the_page(app, client, ids, accepted):
    if accepted:
        _accept_first(app, ids)
    login_as(client, ids["asker"])
    response = client.post(f"/posts/{ids['second']}/unaccept")
    assert response.status_code == 409 and "That answer is not the accepted one." in _text(response)
    assert _accepted(app, ids) == (ids["first"] if accepted else None)


@pytest.mark.parametrize("accepted", [True, False], ids=["another-answer-accepted", "none-accepted"])
def test_unaccepting_an_answer_that_is_not_the_accepted_one_is_409_in_the_api(app, client, ids, accepted):
    if accepted:
        _accept_first(app, ids)
    response = _api(client, ids, "asker", "DELETE", f"/posts/{ids['second']}/accept")
    assert response.status_code == 409
    assert response.get_json()["error"] == {"code": "conflict", "message": "That answer is not the accepted one."}
    assert _accepted(app, ids) == (ids["first"] if accepted else None)


def test_unaccepting_is_the_askers_or_staffs_before_it_is_about_which_answer(app, client, ids):
    """Permission comes first on both doors: the answerer gets 403 even on an answer that is not accepted."""
    _accept_first(app, ids)
    reason = "Only the asker or staff can change the accepted answer."
    login_as(client, ids["answerer"])
    for post_id in (ids["first"], ids["second"]):
        page = client.post(f"/posts/{post_id}/unaccept")
        api = _api(client, ids, "answerer", "DELETE", f"/posts/{post_id}/accept")
        assert page.status_code == 403 and reason in _text(page)
        assert api.status_code == 403 and api.get_json()["error"]["message"] == reason
    assert _accepted(app, ids) == ids["first"]


def test_the_accepted_answer_is_unaccepted_on_the_page_and_in_the_api(app, client, ids):
    _accept_first(app, ids)
    login_as(client, ids["asker"])
    assert client.post(f"/posts/{ids['first']}/unaccept").status_code == 302
    assert _accepted(app, ids) is None
    _accept_first(app, ids)
    assert _api(client, ids, "asker", "DELETE", f"/posts/{ids['first']}/accept").status_code == 200
    assert _accepted(app, ids) is None
