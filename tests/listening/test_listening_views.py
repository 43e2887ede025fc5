"""The listening pages and API: staff create watches, see matches highlighted, claim, handle; members get 403,
visitors are sent to log in (pages) or get 401 (API)."""
from __future__ import annotations

import pytest

from forum.auth.services import create_token
from forum.extensions import db
from forum.models import Match, Role
from tests.conftest import login_as
from tests.factories import make_answer, make_category, make_thread, make_user

PAGES = [("GET", "/staff/listening"), ("GET", "/staff/watches"), ("GET", "/staff/watches/new"),
         ("POST", "/staff/watches/new"), ("GET", "/staff/watches/1/edit"), ("POST", "/staff/watches/1/edit"),
         ("POST", "/staff/watches/1/delete"), ("POST", "/staff/watches/1/follow"),
         ("POST", "/staff/listening/matches/1/claim"), ("POST", "/staff/listening/matches/1/handle")]
API = [("GET", "/staff/watches"), ("POST", "/staff/watches"), ("PATCH", "/staff/watches/1"),
       ("DELETE", "/staff/watches/1"), ("GET", "/staff/matches"), ("POST", "/staff/matches/1/claim"),
       ("POST", "/staff/matches/1/handle")]


@pytest.fixture
def world(app):
    """A staff member's watch, a member's matching question; ids and tokens."""
    with app.app_context():
        make_category()
        staff, other = make_user("sam", role=Role.STAFF), make_user("tess", role=Role.STAFF)
        member, asker = make_user("bystander"), make_user("asker")
        from forum.listening import watches
        watch = watches.create_watch(actor=staff, name="Crashes", terms=["crash", "battery drain"])
        thread = make_thread(asker, title="The app keeps crashing at night",
                             body="Also a terrible battery drain & <script>alert(1)</script> since 2.0")
        match = db.session.query(Match).one()
        ids = {"staff": staff.id, "other": other.id, "member": member.id, "watch": watch.id, "match": match.id,
               "thread": thread.id}
        tokens = {name: create_token(user=user, name="t") for name, user in
                  (("staff", staff), ("other", other), ("member", member))}
    return ids, tokens


def call(client, method, url, token=None, json=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(f"/api/v1{url}", method=method, headers=headers, json=json)


@pytest.mark.parametrize("method, url", PAGES)
def test_member_cannot_use_listening_pages(client, world, method, url):
    ids, _ = world
    login_as(client, ids["member"])
    assert client.open(url, method=method).status_code == 403


@pytest.mark.parametrize("method, url", PAGES)
def test_visitor_cannot_use_listening_pages(client, world, method, url):
    response = client.open(url, method=method)
    assert response.status_code in (302, 401) and "/login" in response.headers.get("Location", "/login")


@pytest.mark.parametrize("method, url", API)
def test_member_cannot_use_listening_api(client, world, method, url):
    _, tokens = world
    response = call(client, method, url, tokens["member"], json={})
    assert response.status_code == 403 and response.get_json()["error"]["code"]


@pytest.mark.parametrize("method, url", API)
def test_visitor_cannot_use_listening_api(client, world, method, url):
    assert call(client, method, url, json={}).status_code == 401


def test_staff_see_the_match_highlighted_and_claim_it(client, world):
    ids, _ = world
    login_as(client, ids["staff"])
    page = client.get("/staff/listening").get_data(as_text=True)
    assert "The app keeps <mark>crashing</mark> at night" in page  # the title's matched word marked too
    assert "<mark>battery drain</mark>" in page  # the stored excerpt, with the phrase marked
    assert "<script>alert(1)" not in page  # the excerpt is plain text, escaped around the marks
    assert "waiting" in page and "1 question (0 solved)" in page  # the author's standing and the wait
    response = client.post(f"/staff/listening/matches/{ids['match']}/claim", data={"next": "/staff/listening"})
    assert response.status_code == 302
    login_as(client, ids["other"])
    page = client.get("/staff/listening").get_data(as_text=True)
    assert "sam is on it" in page
    assert client.post(f"/staff/listening/matches/{ids['match']}/claim").status_code == 409
    client.post(f"/staff/listening/matches/{ids['match']}/handle")
    assert "Handled by tess" in client.get("/staff/listening?state=handled").get_data(as_text=True)
    assert "No matches" in client.get("/staff/listening?state=new").get_data(as_text=True)


def test_filters_by_watch_category_and_state(client, world):
    ids, _ = world
    login_as(client, ids["staff"])
    assert "crashing" in client.get(f"/staff/listening?watch={ids['watch']}&category=general&state=new").get_data(
        as_text=True)
    assert "No matches" in client.get(f"/staff/listening?watch={ids['watch'] + 99}").get_data(as_text=True)
    assert "No matches" in client.get("/staff/listening?category=nope").get_data(as_text=True)
    assert client.get("/staff/listening?watch=abc&state=zzz&page=-3").status_code == 200


def test_watch_form_keeps_input_and_shows_the_error(client, world):
    ids, _ = world
    login_as(client, ids["staff"])
    response = client.post("/staff/watches/new", data={"name": "People", "terms": "bystander\nrouter"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Watches follow topics, not people." in page and 'id="terms-error"' in page
    assert "bystander\nrouter" in page and 'value="People"' in page
    response = client.post("/staff/watches/new", data={"name": "Routers", "terms": "router, modem"})
    assert response.status_code == 302
    assert "router, modem" in client.get("/staff/watches").get_data(as_text=True)


def test_staff_reply_in_the_thread_handles_the_match(app, client, world):
    ids, _ = world
    with app.app_context():
        from forum.models import Thread, User
        make_answer(db.session.get(Thread, ids["thread"]), db.session.get(User, ids["other"]),
                    body="We are on it, a fix ships tomorrow.")
        assert db.session.get(Match, ids["match"]).state == "handled"


def test_api_watch_crud_and_matches(client, world):
    ids, tokens = world
    response = call(client, "POST", "/staff/watches", tokens["staff"],
                    json={"name": "Wifi", "terms": ["wifi drop", "router"], "categories": ["general"], "tags": []})
    assert response.status_code == 201
    created = response.get_json()
    assert created["terms"] == ["wifi drop", "router"] and created["categories"] == ["general"]
    assert call(client, "POST", "/staff/watches", tokens["staff"],
                json={"name": "x", "terms": ["asker"]}).status_code == 422
    bad = call(client, "POST", "/staff/watches", tokens["staff"], json={"name": "x", "terms": [1], "tags": ["zz"]})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"terms", "tags"}
    patched = call(client, "PATCH", f"/staff/watches/{created['id']}", tokens["staff"], json={"tags": []})
    assert patched.status_code == 200 and patched.get_json()["name"] == "Wifi"
    assert call(client, "DELETE", f"/staff/watches/{created['id']}", tokens["staff"]).status_code == 204
    assert call(client, "PATCH", f"/staff/watches/{created['id']}", tokens["staff"], json={}).status_code == 404
    listed = call(client, "GET", "/staff/matches?state=new", tokens["staff"]).get_json()
    assert listed["total"] == 1 and listed["items"][0]["terms"] == ["battery drain", "crash"]
    assert listed["items"][0]["author_standing"]["questions"] == 1
    claimed = call(client, "POST", f"/staff/matches/{ids['match']}/claim", tokens["staff"]).get_json()
    assert (claimed["state"], claimed["claimed_by"]) == ("claimed", "sam")
    assert call(client, "POST", f"/staff/matches/{ids['match']}/claim", tokens["other"]).status_code == 409
    handled = call(client, "POST", f"/staff/matches/{ids['match']}/handle", tokens["other"]).get_json()
    assert (handled["state"], handled["handled_by"]) == ("handled", "tess")
    assert call(client, "GET", f"/staff/matches?watch={ids['watch']}&state=handled", tokens["staff"]
                ).get_json()["total"] == 1


def test_privacy_page_says_staff_follow_topics_not_people(client, world):
    page = client.get("/privacy").get_data(as_text=True)
    assert "alerted to topics in public posts, never to people" in page


def test_a_post_hidden_after_matching_is_not_shown_to_staff(app, client, world):
    ids, tokens = world
    with app.app_context():
        from forum.models import Thread
        from forum.moderation.services import hide_thread
        hide_thread(actor=make_user(role=Role.MODERATOR), thread=db.session.get(Thread, ids["thread"]), note="spam")
    login_as(client, ids["staff"])
    page = client.get("/staff/listening").get_data(as_text=True)
    assert "hidden this post" in page and "keeps crashing" not in page
    item = call(client, "GET", "/staff/matches", tokens["staff"]).get_json()["items"][0]
    assert item["hidden"] is True and item["excerpt"] == "" and item["title"] == ""


def test_api_follow_and_unfollow_a_watch(client, world):
    from forum.models import WatchFollower
    ids, tokens = world
    followed = call(client, "POST", f"/staff/watches/{ids['watch']}/follow", tokens["other"])
    assert followed.status_code == 200 and followed.get_json() == {"id": ids["watch"], "following": True}
    assert call(client, "POST", f"/staff/watches/{ids['watch']}/follow", tokens["other"]).status_code == 200
    watch = next(w for w in call(client, "GET", "/staff/watches", tokens["staff"]).get_json()["items"])
    assert watch["followers"] == ["sam", "tess"]
    assert call(client, "DELETE", f"/staff/watches/{ids['watch']}/follow", tokens["other"]
                ).get_json()["following"] is False
    assert call(client, "POST", "/staff/watches/99999/follow", tokens["other"]).status_code == 404
    with client.application.app_context():
        assert [f.user_id for f in db.session.query(WatchFollower).all()] == [ids["staff"]]
