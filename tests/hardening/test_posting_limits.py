"""Issue 17, item 1: posting limits for new accounts, the same text twice, and link-heavy posts held for a
moderator; with a controlled clock (forum/clock.py). Limits are on here (TestingConfig turns them off)."""
from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from forum import clock
from forum.auth import services as auth_services
from forum.errors import PermissionDenied
from forum.extensions import db
from forum.models import AuditEntry, Notification, Post, Role, Thread, User
from forum.moderation import pending
from forum.questions import services as questions
from forum.search import service as search
from forum.trust import DuplicatePost, RateLimited
from tests.conftest import login_as
from tests.factories import make_category, make_thread, make_user

pytestmark = pytest.mark.config(POSTING_LIMITS_ENABLED=True)
NOW = datetime(2026, 5, 4, 9, 0, 0)
SPAM = "Cheap pills at http://a.example and http://b.example and http://c.example today"


@pytest.fixture(autouse=True)
def _clock():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _ask(user, number: int, body: str | None = None):
    return questions.ask_question(actor=user, title=f"How do I fix the hub, case {number}?",
                                  body=body or f"Details of case number {number}.", category="general")


def test_new_account_is_limited_to_three_questions_an_hour(ctx):
    """Reproduction: one new account posted 12 questions back to back, all accepted."""
    make_category("general")
    newbie = make_user("newbie")
    for number in range(3):
        _ask(newbie, number)
    clock.freeze(NOW + timedelta(minutes=20))
    with pytest.raises(RateLimited) as refused:
        _ask(newbie, 4)
    assert refused.value.status == 429
    assert refused.value.retry_after == 40 * 60 + 1  # the first of the three leaves the hour at 10:00
    assert "3 questions an hour" in refused.value.message and "try again in 40 minutes" in refused.value.message
    clock.freeze(NOW + timedelta(minutes=60, seconds=1))
    _ask(newbie, 5)  # an hour after the first, one more fits


def test_new_account_is_limited_to_ten_answers_an_hour(ctx):
    """Reproduction: one new account posted 30 answers back to back."""
    thread = make_thread(make_user("asker"))
    newbie = make_user("newbie")
    for number in range(10):
        questions.post_answer(actor=newbie, thread=thread, body=f"Answer number {number} with a tip.")
    with pytest.raises(RateLimited, match="10 answers an hour"):
        questions.post_answer(actor=newbie, thread=thread, body="Answer number eleven.")


@pytest.mark.config(POSTING_LIMITS_ENABLED=True, QUESTIONS_PER_HOUR=5)
def test_an_established_account_gets_the_higher_limit(ctx):
    make_category("general")
    old_hand = make_user("old_hand")
    old_hand.reputation = 10
    db.session.commit()
    for number in range(5):
        _ask(old_hand, number)
    with pytest.raises(RateLimited, match="You can post 5 questions an hour"):
        _ask(old_hand, 6)


def test_a_week_old_account_is_no_longer_new(ctx):
    make_category("general")
    clock.freeze(NOW - timedelta(days=8))
    veteran = make_user("veteran")
    clock.freeze(NOW)
    for number in range(4):
        _ask(veteran, number)  # more than a new account's 3


@pytest.mark.parametrize("role", [Role.STAFF, Role.MODERATOR, Role.ADMIN])
def test_staff_are_exempt(ctx, role):
    make_category("general")
    staffer = make_user(f"staff_{role}", role=role)
    for number in range(5):
        _ask(staffer, number, body=SPAM + f" {number}")
    assert _ask(staffer, 9, body=SPAM).held_at is None


def test_api_refusal_is_429_with_retry_after_and_the_error_format(app, client):
    with app.app_context():
        make_category("general")
        newbie = make_user("newbie")
        token = auth_services.create_token(user=newbie)
    headers = {"Authorization": f"Bearer {token}"}
    for number in range(3):
        body = {"title": f"How do I fix the hub, case {number}?", "body": f"Details {number}.", "category": "general"}
        assert client.post("/api/v1/questions", json=body, headers=headers).status_code == 201
    refused = client.post("/api/v1/questions", json={"title": "How do I fix the hub, case 4?", "body": "Details 4.",
                                                     "category": "general"}, headers=headers)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == 3601
    error = refused.get_json()["error"]
    assert error["code"] == "rate_limited" and "try again in 60 minutes" in error["message"]


def test_the_ask_form_keeps_the_text_when_refused(app, client):
    with app.app_context():
        make_category("general")
        newbie = make_user("newbie")
        for number in range(3):
            _ask(newbie, number)
        user_id = newbie.id
    login_as(client, user_id)
    response = client.post("/questions/ask", data={"title": "How do I fix the hub, case 9?",
                                                   "body": "My carefully typed details.", "category": "general"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) == 3601
    page = _text(response)
    assert "My carefully typed details." in page and "3 questions an hour" in page


def test_the_same_text_twice_within_a_day_is_refused_with_a_link_to_the_first(ctx):
    """Reproduction: the same question twice 23 seconds apart."""
    make_category("general")
    newbie = make_user("newbie")
    first = _ask(newbie, 1, body="My  hub blinks red\nand will not pair.")
    clock.freeze(NOW + timedelta(seconds=23))
    with pytest.raises(DuplicatePost) as refused:
        _ask(newbie, 2, body="my hub blinks red and will not pair.")  # case and spacing do not matter
    assert refused.value.status == 409
    assert f"/questions/{first.id}#post-{first.question.id}" in refused.value.message
    with pytest.raises(DuplicatePost):  # pasted as an answer instead: the same
        questions.post_answer(actor=newbie, thread=make_thread(make_user()), body="My hub blinks red and will not pair.")
    clock.freeze(NOW + timedelta(hours=25))
    _ask(newbie, 3, body="My hub blinks red and will not pair.")


def test_someone_elses_identical_text_is_fine(ctx):
    make_category("general")
    _ask(make_user("one"), 1, body="Same words here.")
    _ask(make_user("two"), 2, body="Same words here.")


def test_duplicate_answer_through_the_api_is_409(app, client):
    with app.app_context():
        thread = make_thread(make_user("asker"))
        newbie = make_user("newbie")
        token, thread_id = auth_services.create_token(user=newbie), thread.id
    headers = {"Authorization": f"Bearer {token}"}
    first = client.post(f"/api/v1/questions/{thread_id}/answers", json={"body": "Reset it twice."}, headers=headers)
    again = client.post(f"/api/v1/questions/{thread_id}/answers", json={"body": "Reset it twice."}, headers=headers)
    assert first.status_code == 201 and again.status_code == 409
    assert f"#post-{first.get_json()['id']}" in again.get_json()["error"]["message"]


# -- held for a moderator --------------------------------------------------------------------------

def _held_world(app: Flask) -> dict:
    with app.app_context():
        make_category("general")
        asker, watcher, newbie = make_user("asker"), make_user("watcher"), make_user("newbie")
        moderator = make_user("mod", role=Role.MODERATOR)
        thread = make_thread(asker, title="Thermostat loses its schedule overnight", body="Every night at 2am.")
        questions.watch_thread(user=watcher, thread=thread)
        db.session.commit()
        answer = questions.post_answer(actor=newbie, thread=thread, body="Buy flamingo " + SPAM)
        question = questions.ask_question(actor=newbie, title="Best flamingo deals this week?", body=SPAM + " now",
                                          category="general")
        return {"thread": thread.id, "answer": answer.id, "held_thread": question.id,
                "held_question": question.question.id, "asker": asker.id, "watcher": watcher.id,
                "newbie": newbie.id, "mod": moderator.id}


def _notifications(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.user_id == user_id))


def test_a_new_accounts_link_heavy_posts_are_held_out_of_sight(app, client):
    ids = _held_world(app)
    with app.app_context():
        answer, thread = db.session.get(Post, ids["answer"]), db.session.get(Thread, ids["thread"])
        assert answer.is_hidden and answer.held_at is not None
        assert thread.answer_count == 0  # counted when approved
        assert db.session.get(Thread, ids["held_thread"]).is_hidden
        assert _notifications(ids["asker"]) == 0 and _notifications(ids["watcher"]) == 0
        assert search.search("flamingo", viewer=None, per_page=10).items == []
        assert search.search("flamingo", viewer=db.session.get(User, ids["asker"]), per_page=10).items == []
    visitor = app.test_client()
    for url in ("/", "/questions?sort=newest", "/feeds/questions.atom", "/api/v1/questions", "/search?q=flamingo",
                "/api/v1/search?q=flamingo", "/sitemap.xml"):
        page = _text(visitor.get(url)).lower()
        assert "buy flamingo" not in page and "flamingo deals" not in page, url
    assert visitor.get("/api/v1/search?q=flamingo").get_json()["items"] == []
    assert "flamingo" not in _text(visitor.get(f"/questions/{ids['thread']}", follow_redirects=True)).lower()
    assert visitor.get(f"/questions/{ids['held_thread']}").status_code == 404
    member = app.test_client()
    login_as(member, ids["asker"])
    assert "flamingo" not in _text(member.get(f"/questions/{ids['thread']}", follow_redirects=True)).lower()
    assert member.get(f"/questions/{ids['held_thread']}").status_code == 404
    # its author sees both, with the notice
    author = app.test_client()
    login_as(author, ids["newbie"])
    own = _text(author.get(f"/questions/{ids['held_thread']}", follow_redirects=True))
    assert "Best flamingo deals" in own and "Waiting for a moderator" in own
    assert "Waiting for a moderator" in _text(author.get(f"/questions/{ids['thread']}", follow_redirects=True))


def test_the_author_is_told_when_posting_through_the_form(app, client):
    with app.app_context():
        thread = make_thread(make_user("asker"))
        newbie = make_user("newbie")
        thread_id, user_id = thread.id, newbie.id
    login_as(client, user_id)
    response = client.post(f"/questions/{thread_id}/answers", data={"body": SPAM}, follow_redirects=True)
    assert response.status_code == 200 and "waiting for a moderator" in _text(response)


def test_two_links_are_fine(ctx):
    make_category("general")
    thread = _ask(make_user("newbie"), 1, body="See http://a.example and http://b.example for the manual.")
    assert thread.held_at is None and not thread.is_hidden


def test_moderators_approve_from_the_pending_queue(app, client):
    ids = _held_world(app)
    login_as(client, ids["mod"])
    queue = _text(client.get("/mod/flags"))
    assert "Pending: held for review (2)" in queue and "Buy flamingo" in queue
    assert client.post(f"/mod/pending/{ids['answer']}/approve").status_code == 302
    with app.app_context():
        answer, thread = db.session.get(Post, ids["answer"]), db.session.get(Thread, ids["thread"])
        assert not answer.is_hidden and answer.held_at is None and thread.answer_count == 1
        assert _notifications(ids["asker"]) == 1 and _notifications(ids["watcher"]) == 1
        assert [hit.id for hit in search.search("flamingo", viewer=None, per_page=10).items] == [ids["thread"]]
        assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_id == ids["answer"])) \
            == "post.approve"
    assert "flamingo" in _text(app.test_client().get(f"/questions/{ids['thread']}", follow_redirects=True)).lower()
    assert "Pending: held for review (1)" in _text(client.get("/mod/flags"))
    again = client.post(f"/mod/pending/{ids['answer']}/approve")
    assert again.status_code == 409


def test_moderators_reject_and_the_author_sees_why(app, client):
    ids = _held_world(app)
    login_as(client, ids["mod"])
    client.post(f"/mod/pending/{ids['held_question']}/reject", data={"note": "Advertising."})
    with app.app_context():
        post = db.session.get(Post, ids["held_question"])
        assert post.is_hidden and post.held_at is None and post.hidden_reason == "Advertising."
        assert db.session.get(Thread, ids["held_thread"]).is_hidden
    assert app.test_client().get(f"/questions/{ids['held_thread']}").status_code == 404


def test_only_moderators_review_held_posts(app, client):
    ids = _held_world(app)
    login_as(client, ids["asker"])
    assert client.post(f"/mod/pending/{ids['answer']}/approve").status_code in (403, 404)
    with app.app_context():
        assert db.session.get(Post, ids["answer"]).held_at is not None
        with pytest.raises(PermissionDenied):
            pending.approve_held(actor=db.session.get(User, ids["asker"]), item=db.session.get(Post, ids["answer"]))


def test_ideas_are_rate_limited_too(ctx):
    from forum.ideas import services as ideas
    make_category("general")
    newbie = make_user("newbie")
    for number in range(3):
        ideas.submit_idea(actor=newbie, title=f"Please add feature {number}", body=f"It would help {number}.",
                          category="general")
    with pytest.raises(RateLimited, match="3 ideas an hour"):
        ideas.submit_idea(actor=newbie, title="Please add feature 9", body="It would help 9.", category="general")
