"""Visitors' pages are cached whole, and every write that changes a page makes its cached copy stale at once."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest

from forum.extensions import db
from forum.ideas import services as ideas
from forum.models import Idea, Post, Role, Thread, User
from forum.moderation import services as moderation
from forum.questions import services as questions
from tests.conftest import count_queries, login_as
from tests.factories import make_answer, make_category, make_idea, make_thread, make_user


@pytest.fixture
def world(app):
    with app.app_context():
        asker, helper = make_user("asker"), make_user("helper")
        mod, staff = make_user("moddy", role=Role.MODERATOR), make_user("staffer", role=Role.STAFF)
        thread = make_thread(asker, title="Thermostat keeps rebooting at night")
        answer = make_answer(thread, helper, body="Update the firmware to version 2.1 first.")
        spare = make_answer(thread, staff, body="A spare answer nobody voted on.")
        idea = make_idea(asker, title="Dark mode for the mobile app")
        twin = make_idea(helper, title="A night theme for the app please")
        make_category("wifi", "Connectivity and Wi-Fi")
        return SimpleNamespace(asker=asker.id, helper=helper.id, mod=mod.id, staff=staff.id, thread=thread.id,
                               answer=answer.id, spare=spare.id, idea=idea.id, twin=twin.id)


def _thread_url(w) -> str:
    return f"/questions/{w.thread}"


def _get(client, url: str):
    """A visitor's request, following the canonical-slug redirect."""
    return client.get(url, follow_redirects=True)


def _fresh(app, client, url: str) -> bytes:
    """What the page shows with the cache out of the way: the reference a cached page must equal."""
    app.config["PAGE_CACHE_ENABLED"] = False
    try:
        return _get(client, url).data
    finally:
        app.config["PAGE_CACHE_ENABLED"] = True


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


WRITES = {
    "answer": (_thread_url, lambda w: questions.post_answer(
        actor=_user(w.mod), thread=db.session.get(Thread, w.thread), body="Also reset the hub after updating.")),
    "vote": (_thread_url, lambda w: questions.vote_post(actor=_user(w.mod), post=db.session.get(Post, w.answer),
                                                       value=1)),
    "accept": (_thread_url, lambda w: questions.accept_answer(actor=_user(w.asker),
                                                             answer=db.session.get(Post, w.answer))),
    "edit": (_thread_url, lambda w: questions.edit_post(actor=_user(w.helper), post=db.session.get(Post, w.answer),
                                                       body="Update the firmware to version 2.2 instead.")),
    "hide": (_thread_url, lambda w: moderation.hide_post(actor=_user(w.mod), post=db.session.get(Post, w.answer),
                                                        note="spam")),
    "lock": (_thread_url, lambda w: moderation.lock_thread(actor=_user(w.mod), thread=db.session.get(Thread, w.thread))),
    "pin": (lambda w: "/questions?category=general", lambda w: moderation.pin_thread(
        actor=_user(w.mod), thread=db.session.get(Thread, w.thread))),
    "move": (_thread_url, lambda w: moderation.move_thread(actor=_user(w.mod), thread=db.session.get(Thread, w.thread),
                                                          category="wifi")),
    "move (list)": (lambda w: "/questions?category=wifi", lambda w: moderation.move_thread(
        actor=_user(w.mod), thread=db.session.get(Thread, w.thread), category="wifi")),
    "delete": (_thread_url, lambda w: questions.delete_answer(actor=_user(w.staff), post=db.session.get(Post, w.spare))),
    "new question (home)": (lambda w: "/", lambda w: make_thread(_user(w.helper), title="Doorbell chime is silent")),
    "status change": (lambda w: f"/ideas/{w.idea}", lambda w: ideas.set_idea_status(
        actor=_user(w.staff), idea=db.session.get(Idea, w.idea), status="planned", note="Coming this spring.")),
    "status change (roadmap)": (lambda w: "/ideas/roadmap", lambda w: ideas.set_idea_status(
        actor=_user(w.staff), idea=db.session.get(Idea, w.idea), status="planned", note="Coming this spring.")),
    "idea vote (list)": (lambda w: "/ideas", lambda w: ideas.vote_idea(actor=_user(w.mod),
                                                                        idea=db.session.get(Idea, w.idea), value=1)),
    "merge": (lambda w: f"/ideas/{w.twin}", lambda w: ideas.merge_ideas(
        actor=_user(w.staff), idea=db.session.get(Idea, w.twin), into=w.idea, note="Same idea.")),
    "new question (feed)": (lambda w: "/feeds/questions.atom", lambda w: make_thread(
        _user(w.helper), title="Doorbell chime is silent")),
    "status change (feed)": (lambda w: "/feeds/ideas.atom", lambda w: ideas.set_idea_status(
        actor=_user(w.staff), idea=db.session.get(Idea, w.idea), status="planned", note="Coming this spring.")),
    "idea comment": (lambda w: f"/ideas/{w.idea}", lambda w: ideas.comment_on_idea(
        actor=_user(w.helper), idea=db.session.get(Idea, w.idea), body="Yes please, my eyes at night!")),
}


@pytest.mark.parametrize("kind", list(WRITES))
def test_visitor_page_shows_each_kind_of_write_on_the_next_request(app, client, world, kind):
    url_for_world, write = WRITES[kind]
    url = url_for_world(world)
    before = _get(client, url).data
    assert _get(client, url).data == before  # now served from the cache
    with app.app_context():
        write(world)
        db.session.remove()
    after = _get(client, url).data
    assert after != before, f"{kind}: the visitor still sees the cached page"
    assert after == _fresh(app, client, url)


def test_a_repeat_visit_is_answered_from_the_cache_with_one_statement(app, client, world):
    url = f"/questions/{world.thread}/thermostat-keeps-rebooting-at-night"
    first = client.get(url)
    assert first.status_code == 200 and first.headers.get("ETag")
    assert "Set-Cookie" not in first.headers  # nothing personal, nothing to vary on
    with app.app_context(), count_queries(db.engine) as statements:
        again = client.get(url)
    assert again.data == first.data
    assert len(statements) == 1, statements  # the page versions, by primary key


def test_if_none_match_answers_304_until_the_page_changes(app, client, world):
    url = f"/ideas/{world.idea}"
    etag = client.get(url).headers["ETag"].strip('"')
    repeat = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert repeat.status_code == 304 and repeat.data == b""
    with app.app_context():
        ideas.vote_idea(actor=_user(world.mod), idea=db.session.get(Idea, world.idea), value=1)
    changed = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert changed.status_code == 200 and changed.headers["ETag"].strip('"') != etag


@pytest.mark.parametrize("url_of", [_thread_url, lambda w: "/", lambda w: f"/ideas/{w.idea}", lambda w: "/ideas",
                                    lambda w: "/ideas/roadmap"])
def test_visitor_pages_carry_nothing_personal(app, client, world, url_of):
    page = _get(client, url_of(world))
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers
    assert b"csrf" not in page.data.lower()


def test_a_member_never_sees_a_cached_page_nor_leaves_one(app, world):
    url = _thread_url(world)
    member, visitor = app.test_client(), app.test_client()
    login_as(member, world.helper)
    mine = _get(member, url).data
    assert b"helper" in mine and b'name="csrf-token"' in mine
    seen = _get(visitor, url).data
    assert b'name="csrf-token"' not in seen and b"Log out" not in seen
    login_as(visitor, world.asker)  # the same browser logs in: the visitor's copy is not reused
    as_asker = _get(visitor, url).data
    assert b"Log out" in as_asker and b"asker" in as_asker and b'name="csrf-token"' in as_asker


def test_a_flashed_message_is_shown_and_never_cached(app, client, world):
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message only for this visitor")]
    assert b"A message only for this visitor" in _get(client, "/").data
    other = app.test_client()
    assert b"A message only for this visitor" not in _get(other, "/").data


def test_bearer_requests_bypass_the_cache(app, client, world):
    cached = _get(client, "/").data
    response = client.get("/", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200 and "ETag" not in response.headers
    assert cached


def test_memo_is_recomputed_after_a_write_to_its_scope(app, world):
    from forum.pagecache import QUESTIONS, memo
    calls = []
    with app.app_context():
        compute = lambda: calls.append(1) or len(calls)
        assert memo("test-count", [QUESTIONS], compute) == 1
        assert memo("test-count", [QUESTIONS], compute) == 1
        make_thread(_user(world.helper), title="Garage door sensor offline")
        assert memo("test-count", [QUESTIONS], compute) == 2


REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_or_skip() -> None:
    import os

    import redis
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")


@pytest.mark.config(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"forum-test-{uuid.uuid4().hex}:")
def test_with_redis_two_app_servers_share_pages_and_see_each_others_writes(app, app_config, world):
    """Two apps on one database and one Redis are two servers behind a load balancer."""
    _redis_or_skip()
    from forum import create_app
    other = create_app(app_config)
    url = f"/questions/{world.thread}/thermostat-keeps-rebooting-at-night"
    first = _get(app.test_client(), url)
    with other.app_context():
        with count_queries(db.engine) as statements:
            shared = _get(other.test_client(), url)
        assert shared.data == first.data and len(statements) == 1  # served from the first server's render
    with other.app_context():
        questions.post_answer(actor=_user(world.mod), thread=db.session.get(Thread, world.thread),
                              body="Written through the second server.")
        db.session.remove()
    assert b"Written through the second server." in _get(app.test_client(), url).data


@pytest.mark.config(REDIS_URL="redis://127.0.0.1:1/0")
def test_an_unreachable_cache_costs_a_render_never_an_error(app, client, world):
    from forum.pagecache import QUESTIONS, memo
    page = _get(client, _thread_url(world))
    assert page.status_code == 200 and b"Thermostat keeps rebooting at night" in page.data
    assert _get(client, "/ideas").status_code == 200
    with app.app_context():
        assert memo("unreachable", [QUESTIONS], lambda: 41) == 41
