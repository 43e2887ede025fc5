"""Issue 17, the pending queue's last gaps: a new account's link-heavy idea or idea comment is held like a
question or answer (same forum/trust.py check, same queue in forum/moderation/pending.py), the queue has an API
for moderators, and an API post that is held says so in its 201. Limits are on here (TestingConfig turns them
off); the clock is frozen."""
from __future__ import annotations

import html
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from forum import clock
from forum.auth.services import create_token
from forum.errors import Conflict, PermissionDenied
from forum.extensions import db
from forum.ideas import services as ideas
from forum.listening import watches
from forum.models import AuditEntry, Idea, IdeaComment, Match, Notification, Role, User
from forum.moderation import pending
from forum.notifications.services import watch_idea
from forum.questions import services as questions
from forum.search import service as search
from forum.trust import DuplicatePost, RateLimited
from tests.conftest import login_as
from tests.factories import make_category, make_thread, make_user

pytestmark = pytest.mark.config(POSTING_LIMITS_ENABLED=True)
NOW = datetime(2026, 5, 4, 9, 0, 0)
LINKS = "Visit http://a.example and http://b.example and http://c.example for cheap kazoos"


@pytest.fixture(autouse=True)
def _clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _notifications(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.user_id == user_id))


def _world(app: Flask) -> dict:
    """An established idea with a watcher, a keyword watch on "kazoo", and a new account's held idea and comment."""
    with app.app_context():
        make_category("general")
        owner, watcher, newbie = make_user("owner"), make_user("watcher"), make_user("newbie")
        moderator, staff = make_user("mod", role=Role.MODERATOR), make_user("staffer", role=Role.STAFF)
        idea = ideas.submit_idea(actor=owner, title="Offline mode for the app", body="Work without a connection.",
                                 category="general")
        watch_idea(user=watcher, idea_id=idea.id)
        watches.create_watch(actor=staff, name="Kazoos", terms=["kazoo"])
        db.session.commit()
        held_idea = ideas.submit_idea(actor=newbie, title="Kazoo deals for every member", body=LINKS,
                                      category="general")
        comment = ideas.comment_on_idea(actor=newbie, idea=idea, body="Kazoo offer: " + LINKS)
        return {"idea": idea.id, "held_idea": held_idea.id, "comment": comment.id, "owner": owner.id,
                "watcher": watcher.id, "newbie": newbie.id, "mod": moderator.id, "staff": staff.id,
                "tokens": {name: create_token(user=user, name="t") for name, user in
                           (("member", watcher), ("newbie", newbie), ("staff", staff), ("mod", moderator))}}


def _bearer(ids: dict, who: str) -> dict:
    return {"Authorization": f"Bearer {ids['tokens'][who]}"}


# -- ideas and idea comments are held ----------------------------------------------------------------

def test_a_new_accounts_link_heavy_idea_and_comment_are_held_out_of_sight(app):
    ids = _world(app)
    with app.app_context():
        held, comment = db.session.get(Idea, ids["held_idea"]), db.session.get(IdeaComment, ids["comment"])
        assert held.is_hidden and held.held_at == NOW and comment.is_hidden and comment.held_at == NOW
        assert db.session.get(Idea, ids["idea"]).comment_count == 0  # counted when approved
        assert _notifications(ids["watcher"]) == 0 and _notifications(ids["owner"]) == 0
        assert search.search("kazoo", viewer=None, per_page=10).items == []
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Match)) == 0  # not listened to yet
    for who in (None, ids["watcher"]):
        client = app.test_client()
        if who:
            login_as(client, who)
        for url in ("/ideas", "/ideas?sort=newest", "/api/v1/ideas", f"/ideas/{ids['idea']}",
                    f"/api/v1/ideas/{ids['idea']}", "/search?q=kazoo"):
            page = _text(client.get(url)).lower()
            assert "kazoo deals" not in page and "kazoo offer" not in page and "cheap kazoos" not in page, url
        assert client.get(f"/ideas/{ids['held_idea']}").status_code == 404
    author = app.test_client()
    login_as(author, ids["newbie"])
    own = _text(author.get(f"/ideas/{ids['held_idea']}"))
    assert "Kazoo deals" in own and "Waiting for a moderator" in own
    page = _text(author.get(f"/ideas/{ids['idea']}"))
    assert "Kazoo offer" in page and "only you can see this comment" in page
    assert author.post(f"/ideas/{ids['held_idea']}/vote", data={"value": "1"}).status_code == 403


def test_the_forms_tell_the_author_and_keep_them_on_their_post(app, client):
    with app.app_context():
        make_category("general")
        idea = ideas.submit_idea(actor=make_user("owner"), title="Offline mode for the app",
                                 body="Work without a connection.", category="general")
        newbie, idea_id = make_user("newbie"), idea.id
        newbie_id = newbie.id
    login_as(client, newbie_id)
    posted = client.post("/ideas/new", data={"title": "Kazoo deals for every member", "body": LINKS,
                                             "category": "general"}, follow_redirects=True)
    assert posted.status_code == 200 and "Your idea is waiting for a moderator" in _text(posted)
    commented = client.post(f"/ideas/{idea_id}/comments", data={"body": "Kazoo offer: " + LINKS},
                            follow_redirects=True)
    assert commented.status_code == 200 and "Your comment is waiting for a moderator" in _text(commented)


def test_two_links_and_staff_are_never_held(ctx):
    make_category("general")
    two = "See http://a.example and http://b.example for the manual."
    assert ideas.submit_idea(actor=make_user("newbie"), title="A manual in the app", body=two,
                             category="general").held_at is None
    staffer = make_user("staffer", role=Role.STAFF)
    idea = ideas.submit_idea(actor=staffer, title="Official kazoo roadmap", body=LINKS, category="general")
    assert idea.held_at is None and not idea.is_hidden
    assert ideas.comment_on_idea(actor=staffer, idea=idea, body=LINKS).held_at is None


def test_idea_comments_are_rate_limited_and_refused_twice(ctx):
    make_category("general")
    idea = ideas.submit_idea(actor=make_user("owner"), title="Offline mode for the app",
                             body="Work without a connection.", category="general")
    newbie = make_user("newbie")
    for number in range(10):
        ideas.comment_on_idea(actor=newbie, idea=idea, body=f"Comment number {number}.")
    with pytest.raises(RateLimited, match="10 comments on ideas an hour") as refused:
        ideas.comment_on_idea(actor=newbie, idea=idea, body="Comment number eleven.")
    assert refused.value.retry_after == 3601 and refused.value.fields == {"body": refused.value.message}
    other = make_user("other")
    first = ideas.comment_on_idea(actor=other, idea=idea, body="Me  too, please.")
    with pytest.raises(DuplicatePost, match=f"/ideas/{idea.id}#comment-{first.id}"):
        ideas.comment_on_idea(actor=other, idea=idea, body="me too, please.")


# -- the queue page ---------------------------------------------------------------------------------

def test_the_queue_lists_every_kind_and_approving_publishes(app, client):
    ids = _world(app)
    with app.app_context():
        thread = make_thread(make_user("asker"))
        answer = questions.post_answer(actor=db.session.get(User, ids["newbie"]), thread=thread, body=LINKS + " now")
        answer_id = answer.id
    visitor = app.test_client()  # cached pages before the approval must not outlive it
    for url in ("/ideas?sort=new", f"/ideas/{ids['idea']}", "/feeds/ideas.atom"):
        page = _text(visitor.get(url))
        assert "Kazoo deals" not in page and "Kazoo offer" not in page
    login_as(client, ids["mod"])
    queue = _text(client.get("/mod/flags"))
    assert "Pending: held for review (3)" in queue
    assert "Idea “Kazoo deals for every member”" in queue and "Comment on the idea “Offline mode" in queue
    assert f"data-pending-item=\"post-{answer_id}\"" in queue
    assert client.post(f"/mod/pending/idea-{ids['held_idea']}/approve").status_code == 302
    assert client.post(f"/mod/pending/comment-{ids['comment']}/approve").status_code == 302
    with app.app_context():
        held, comment = db.session.get(Idea, ids["held_idea"]), db.session.get(IdeaComment, ids["comment"])
        assert not held.is_hidden and held.held_at is None and held.hidden_reason is None
        assert not comment.is_hidden and comment.held_at is None
        assert db.session.get(Idea, ids["idea"]).comment_count == 1
        assert _notifications(ids["watcher"]) == 1  # the comment, as if just posted
        assert _notifications(ids["newbie"]) == 2  # approved: the idea, the comment
        hits = {hit.id for hit in search.search("kazoo", viewer=None, per_page=10).items}
        assert hits == {ids["idea"], ids["held_idea"]}
        kinds = set(db.session.scalars(sa.select(Match.kind)))
        assert kinds == {"idea", "idea_comment"}  # the keyword watch heard both once they were public
        actions = set(db.session.scalars(sa.select(AuditEntry.action)))
        assert {"idea.approve", "idea_comment.approve"} <= actions
    assert "Kazoo deals" in _text(visitor.get(f"/ideas/{ids['held_idea']}"))
    assert "Kazoo offer" in _text(visitor.get(f"/ideas/{ids['idea']}"))
    assert "Kazoo deals" in _text(visitor.get("/ideas?sort=new"))
    assert "Kazoo deals" in _text(visitor.get("/feeds/ideas.atom"))
    assert "Pending: held for review (1)" in _text(client.get("/mod/flags"))
    assert client.post(f"/mod/pending/idea-{ids['held_idea']}/approve").status_code == 409


def test_rejecting_keeps_it_hidden_with_the_reason_for_its_author(app, client):
    ids = _world(app)
    login_as(client, ids["mod"])
    assert client.post(f"/mod/pending/idea-{ids['held_idea']}/reject", data={"note": "Advertising."}).status_code \
        == 302
    client.post(f"/mod/pending/comment-{ids['comment']}/reject", data={"note": ""})
    with app.app_context():
        held, comment = db.session.get(Idea, ids["held_idea"]), db.session.get(IdeaComment, ids["comment"])
        assert held.is_hidden and held.held_at is None and held.hidden_reason == "Advertising."
        assert comment.is_hidden and comment.hidden_reason == "Not approved by a moderator."
        assert db.session.get(Idea, ids["idea"]).comment_count == 0 and _notifications(ids["watcher"]) == 0
    assert app.test_client().get(f"/ideas/{ids['held_idea']}").status_code == 404
    author = app.test_client()
    login_as(author, ids["newbie"])
    assert "Advertising." in _text(author.get(f"/ideas/{ids['held_idea']}"))
    assert "Not approved by a moderator." in _text(author.get(f"/ideas/{ids['idea']}"))


def test_a_reject_note_that_is_too_long_comes_back_with_the_form(app, client):
    ids = _world(app)
    login_as(client, ids["mod"])
    response = client.post(f"/mod/pending/idea-{ids['held_idea']}/reject", data={"note": "x" * 1001})
    assert response.status_code == 422 and "x" * 1001 in _text(response)
    with app.app_context():
        assert db.session.get(Idea, ids["held_idea"]).held_at is not None


@pytest.mark.parametrize("who", ["watcher", "newbie", "staff"])
def test_members_and_staff_cannot_review_held_items(app, client, who):
    ids = _world(app)
    login_as(client, ids[who])
    assert client.get("/mod/flags").status_code == 403
    for key in (f"idea-{ids['held_idea']}", f"comment-{ids['comment']}"):
        assert client.post(f"/mod/pending/{key}/approve").status_code == 403
        assert client.post(f"/mod/pending/{key}/reject", data={"note": "no"}).status_code == 403
    with app.app_context():
        assert db.session.get(Idea, ids["held_idea"]).held_at is not None
        with pytest.raises(PermissionDenied):
            pending.approve_held(actor=db.session.get(User, ids[who]), item=db.session.get(Idea, ids["held_idea"]))


def test_visitors_are_sent_to_log_in(app, client):
    ids = _world(app)
    response = client.post(f"/mod/pending/idea-{ids['held_idea']}/approve")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("key", ["idea-999999", "comment-999999", "post-999999", "bogus", "idea-", "idea-1x"])
def test_unknown_keys_are_404(app, client, key):
    ids = _world(app)
    login_as(client, ids["mod"])
    assert client.post(f"/mod/pending/{key}/approve").status_code == 404


def test_a_published_item_is_not_pending(ctx):
    make_category("general")
    moderator = make_user("mod", role=Role.MODERATOR)
    idea = ideas.submit_idea(actor=make_user("owner"), title="Offline mode for the app",
                             body="Work without a connection.", category="general")
    with pytest.raises(Conflict):
        pending.approve_held(actor=moderator, item=idea)


# -- the API ------------------------------------------------------------------------------------------

def test_the_api_lists_the_queue_for_moderators(app, client):
    ids = _world(app)
    response = client.get("/api/v1/mod/pending?per_page=1", headers=_bearer(ids, "mod"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2 and body["per_page"] == 1 and len(body["items"]) == 1
    everything = client.get("/api/v1/mod/pending", headers=_bearer(ids, "mod")).get_json()["items"]
    assert {(item["type"], item["id"]) for item in everything} == {
        ("idea", f"idea-{ids['held_idea']}"), ("idea_comment", f"comment-{ids['comment']}")}
    first = everything[0]
    assert first["author"]["username"] == "newbie" and "kazoo" in first["body_html"].lower() and first["held_at"]


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("member", 403), ("newbie", 403), ("staff", 403)])
def test_the_api_refuses_everyone_but_moderators(app, client, who, status):
    ids = _world(app)
    headers = _bearer(ids, who) if who else {}
    assert client.get("/api/v1/mod/pending", headers=headers).status_code == status
    for action in ("approve", "reject"):
        response = client.post(f"/api/v1/mod/pending/idea-{ids['held_idea']}/{action}", json={}, headers=headers)
        assert response.status_code == status and response.get_json()["error"]["code"]
    with app.app_context():
        assert db.session.get(Idea, ids["held_idea"]).held_at is not None


def test_the_api_approves_and_rejects(app, client):
    ids = _world(app)
    headers = _bearer(ids, "mod")
    approved = client.post(f"/api/v1/mod/pending/idea-{ids['held_idea']}/approve", headers=headers)
    assert approved.status_code == 200
    assert approved.get_json() == {"id": f"idea-{ids['held_idea']}", "type": "idea", "object_id": ids["held_idea"],
                                   "status": "approved", "is_hidden": False, "hidden_reason": None}
    rejected = client.post(f"/api/v1/mod/pending/comment-{ids['comment']}/reject", json={"note": "Advertising."},
                           headers=headers)
    assert rejected.status_code == 200 and rejected.get_json()["hidden_reason"] == "Advertising."
    assert client.get("/api/v1/mod/pending", headers=headers).get_json() == {"items": [], "per_page": 50,
                                                                               "total": 0}
    again = client.post(f"/api/v1/mod/pending/idea-{ids['held_idea']}/reject", json={}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


@pytest.mark.parametrize(("body", "status"), [
    ({"note": "x" * 1001}, 422), ({"note": 12}, 422), ({"note": "bad\x00note"}, 422), ([1, 2], 400),
    ("not json", 400)])
def test_the_api_refuses_a_bad_reject_body_and_keeps_the_item_waiting(app, client, body, status):
    ids = _world(app)
    headers = _bearer(ids, "mod")
    url = f"/api/v1/mod/pending/idea-{ids['held_idea']}/reject"
    response = (client.post(url, data=body, headers={**headers, "Content-Type": "application/json"})
                if isinstance(body, str) else client.post(url, json=body, headers=headers))
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 422:
        assert "note" in response.get_json()["error"]["fields"]
    with app.app_context():
        assert db.session.get(Idea, ids["held_idea"]).held_at is not None


@pytest.mark.parametrize("key", ["idea-999999", "post-999999", "comment-0", "nothing", "idea-99999999999999",
                                 "post-1.5", "%F0%9F%98%80"])
def test_the_api_answers_404_for_unknown_items(app, client, key):
    ids = _world(app)
    response = client.post(f"/api/v1/mod/pending/{key}/approve", headers=_bearer(ids, "mod"))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_held_api_posts_keep_201_and_say_they_are_held(app, client):
    ids = _world(app)
    with app.app_context():
        thread_id = make_thread(db.session.get(User, ids["owner"])).id
    headers = _bearer(ids, "newbie")
    posts = {
        "question": ("/api/v1/questions", {"title": "Where can I buy kazoos cheaply?", "body": LINKS + " q",
                                           "category": "general"}),
        "answer": (f"/api/v1/questions/{thread_id}/answers", {"body": LINKS + " a"}),
        "idea": ("/api/v1/ideas", {"title": "More kazoo deals every week", "body": LINKS + " i",
                                   "category": "general"}),
        "comment": (f"/api/v1/ideas/{ids['idea']}/comments", {"body": LINKS + " c"}),
    }
    for what, (url, body) in posts.items():
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 201 and response.headers["Location"], what
        created = response.get_json()
        assert created["held"] is True and f"Your {what} is waiting for a moderator" in created["notice"], what
    plain = client.post(f"/api/v1/ideas/{ids['idea']}/comments", json={"body": "A plain comment."}, headers=headers)
    assert plain.status_code == 201 and plain.get_json()["held"] is False and "notice" not in plain.get_json()
    queue = client.get("/api/v1/mod/pending", headers=_bearer(ids, "mod")).get_json()
    assert queue["total"] == 6
    assert {item["type"] for item in queue["items"]} == {"question", "answer", "idea", "idea_comment"}


def test_the_document_describes_the_queue_and_the_held_fields(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert paths["/mod/pending"]["get"]["operationId"] == "mod_pending"
    assert paths["/mod/pending/{id}/approve"]["post"]["operationId"] == "mod_approve_pending"
    assert paths["/mod/pending/{id}/reject"]["post"]["operationId"] == "mod_reject_pending"
    for name in ("Question", "Answer", "Idea", "IdeaComment"):
        assert {"held", "notice"} <= set(document["components"]["schemas"][name]["properties"]), name
