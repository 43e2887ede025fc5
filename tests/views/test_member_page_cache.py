"""Members' thread pages are shared between members who would see the same thing (forum/pagecache/members.py):
nobody ever sees another member's header, token, votes, posts' buttons or watch state, and writes show at once."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from forum.extensions import db
from forum.listening import notices
from forum.models import Post, Role, Thread, User
from forum.notifications import services as notifications
from forum.questions import services as questions
from tests.conftest import count_queries, login_as
from tests.factories import make_answer, make_thread, make_user


@pytest.fixture
def world(app):
    with app.app_context():
        asker, helper = make_user("asker"), make_user("helper")
        reader, other = make_user("reader"), make_user("otherreader")
        mod = make_user("moddy", role=Role.MODERATOR)
        thread = make_thread(asker, title="Thermostat keeps rebooting at night")
        answer = make_answer(thread, helper, body="Update the firmware to version 2.1 first.")
        return SimpleNamespace(asker=asker.id, helper=helper.id, reader=reader.id, other=other.id, mod=mod.id,
                               thread=thread.id, answer=answer.id, url=f"/questions/{thread.id}/{thread.slug}")


def _page(app, user_id: int | None, url: str) -> str:
    client = app.test_client()
    if user_id is not None:
        login_as(client, user_id)
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _fresh(app, user_id: int, url: str) -> str:
    app.config["PAGE_CACHE_ENABLED"] = False
    try:
        return _page(app, user_id, url)
    finally:
        app.config["PAGE_CACHE_ENABLED"] = True


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]*)"', html)) | set(
        re.findall(r'<meta name="csrf-token" content="([^"]*)"', html))


def _account_name(html: str) -> str:
    return re.search(r'<span class="account__name">([^<]*)</span>', html).group(1)


def test_a_second_member_gets_the_shared_page_with_their_own_header_and_token(app, world):
    first = _page(app, world.reader, world.url)
    second = _page(app, world.other, world.url)
    assert _account_name(first) == "reader" and _account_name(second) == "otherreader"
    assert len(_tokens(first)) == 1 and len(_tokens(second)) == 1 and _tokens(first) != _tokens(second)
    assert "personal:" not in first and "personal:" not in second and "\u2063" not in second
    fresh = _fresh(app, world.other, world.url)
    assert second == fresh.replace(_tokens(fresh).pop(), _tokens(second).pop())


def test_the_shared_page_costs_fewer_statements_than_a_render(app, world):
    _page(app, world.reader, world.url)
    with app.app_context():
        with count_queries(db.engine) as rendered:
            _fresh(app, world.other, world.url)
        with count_queries(db.engine) as shared:
            _page(app, world.other, world.url)
    assert len(shared) < len(rendered)


def test_my_vote_my_answer_and_asking_stay_mine(app, world):
    with app.app_context():
        questions.vote_post(actor=db.session.get(User, world.reader), post=db.session.get(Post, world.answer),
                            value=1)
    voter = _page(app, world.reader, world.url)
    assert 'aria-pressed="true"' in voter
    assert 'aria-pressed="true"' not in _page(app, world.other, world.url)
    author = _page(app, world.helper, world.url)
    assert f'/posts/{world.answer}/edit' in author
    assert f'/posts/{world.answer}/edit' not in _page(app, world.other, world.url)
    asker = _page(app, world.asker, world.url)
    assert f'/posts/{world.answer}/accept' in asker
    assert f'/posts/{world.answer}/accept' not in _page(app, world.other, world.url)


def test_watching_is_per_member(app, world):
    _page(app, world.other, world.url)  # stored first by a member who does not watch
    with app.app_context():
        notifications.watch_thread(user=db.session.get(User, world.reader), thread=db.session.get(Thread, world.thread))
        db.session.commit()
    assert 'aria-pressed="true"' in _watch_form(_page(app, world.reader, world.url))
    assert 'aria-pressed="false"' in _watch_form(_page(app, world.other, world.url))


def _watch_form(html: str) -> str:
    return re.search(r'<form class="watch-form".*?</form>', html, re.DOTALL).group(0)


def test_moderators_are_never_served_a_members_page(app, world):
    _page(app, world.reader, world.url)
    assert "Moderator tools" in _page(app, world.mod, world.url)
    assert "Moderator tools" not in _page(app, world.other, world.url)


def test_a_new_answer_shows_on_the_next_request(app, world):
    _page(app, world.reader, world.url)
    with app.app_context():
        questions.post_answer(actor=db.session.get(User, world.asker), thread=db.session.get(Thread, world.thread),
                              body="Thanks, the firmware update fixed it.")
    assert "the firmware update fixed it" in _page(app, world.reader, world.url)


def test_a_page_with_a_flash_is_neither_shared_nor_stored(app, world):
    client = app.test_client()
    login_as(client, world.reader)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Only for reader")]
    assert "Only for reader" in client.get(world.url).get_data(as_text=True)
    assert "Only for reader" not in _page(app, world.other, world.url)


def test_a_token_from_a_shared_page_is_accepted(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    _page(app, world.reader, world.url)
    client = app.test_client()
    login_as(client, world.other)
    token = _tokens(client.get(world.url).get_data(as_text=True)).pop()
    response = client.post(f"/posts/{world.answer}/vote", data={"value": "1", "csrf_token": token})
    assert response.status_code in (200, 302, 303)


def _bell(html: str) -> str:
    return re.search(r'data-unread="(\d+)"', html).group(1)


def _publish_notice(app, world) -> int:
    with app.app_context():
        staff = make_user("staffer", role=Role.STAFF)
        return notices.publish_notice(actor=staff, text="Hub firmware 2.2 drops the connection at night",
                                      thread_id=world.thread).id


def test_the_stored_header_follows_the_bell_the_name_and_the_banners(app, world):
    """The header is stored under what it shows (members.py `_header`), apart from the page it sits on: a new
    notification from another thread and a dismissed banner show on the next page while the thread's own page is
    still the stored one, and each member keeps their own bell. (A new name shows too; it also makes the page
    itself stale, so it does not test the header's key on its own.)"""
    with app.app_context():
        elsewhere = make_thread(db.session.get(User, world.asker), title="Hub loses its pairing after a reboot")
        notifications.watch_thread(user=db.session.get(User, world.reader), thread=elsewhere)
        db.session.commit()
        elsewhere_id = elsewhere.id
    assert _bell(_page(app, world.reader, world.url)) == "0"
    assert _bell(_page(app, world.reader, world.url)) == "0"  # the stored header
    with app.app_context():
        questions.post_answer(actor=db.session.get(User, world.helper), thread=db.session.get(Thread, elsewhere_id),
                              body="Re-pair it from the app's device page.")
    assert _bell(_page(app, world.reader, world.url)) == "1"
    assert _bell(_page(app, world.other, world.url)) == "0"
    with app.app_context():
        db.session.get(User, world.reader).username = "reader2"
        db.session.commit()
    assert _account_name(_page(app, world.reader, world.url)) == "reader2"
    notice_id = _publish_notice(app, world)
    assert "Hub firmware 2.2 drops the connection" in _page(app, world.reader, world.url)
    with app.app_context():
        notices.dismiss_notice(actor=db.session.get(User, world.reader), notice_id=notice_id)
    assert "Hub firmware 2.2 drops the connection" not in _page(app, world.reader, world.url)
    assert "Hub firmware 2.2 drops the connection" in _page(app, world.other, world.url)


def test_the_stored_header_is_the_pages_own(app, world):
    """The same member on the same thread from two addresses: the banner's dismiss form returns to each."""
    _publish_notice(app, world)
    for url in (world.url, world.url + "?from=mail", world.url):
        html = _page(app, world.reader, url)
        assert re.search(r'name="next" value="([^"]*)"', html).group(1).replace("&amp;", "&") == url
        assert _tokens(html) and len(_tokens(html)) == 1
