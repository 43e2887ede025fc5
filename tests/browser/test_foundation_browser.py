"""The foundation journey in Chromium, CSRF on: register, ask, a second member answers and upvotes,
the asker accepts, the list shows the question solved."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Post, Thread, User
from tests.browser.conftest import new_page
from tests.factories import make_category

pytestmark = pytest.mark.browser

TITLE = "Thermostat loses Wi-Fi every night at 2am"
PASSWORD = "a long enough password"


def _register(page, live_server, username: str) -> None:
    page.goto(live_server.path("/register"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()
    # issue 17: the address is confirmed first; without a mail server the page shows the link (development)
    assert page.get_by_role("heading", name="Check your email").is_visible()
    page.get_by_role("link", name="Confirm my address").click()
    page.get_by_role("button", name="Confirm my address").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Thank you, {username}: your address is confirmed").is_visible()


def test_register_ask_answer_upvote_accept(live_server, page, browser):
    with live_server.app.app_context():
        make_category("thermostats", "Thermostats")

    # the asker registers and asks
    _register(page, live_server, "asker_amy")
    page.get_by_role("link", name=re.compile("Ask", re.IGNORECASE)).first.click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Category").select_option("thermostats")
    page.get_by_label("Tags").fill("wifi, thermostat")
    page.get_by_label("Details").fill("It drops off the network **every night**. Firmware 4.2.")
    page.get_by_role("button", name="Post your question").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=TITLE).is_visible()
    thread_url = page.url
    assert re.search(r"/questions/\d+/thermostat-loses-wi-fi-every-night-at-2am$", thread_url)

    # a second member, in a separate browser context, answers and upvotes the question
    helper = new_page(browser)
    helper_errors: list[str] = []
    helper.on("pageerror", lambda error: helper_errors.append(str(error)))
    try:
        _register(helper, live_server, "helper_hal")
        helper.goto(thread_url)
        helper.get_by_role("textbox", name="Answer", exact=True).fill("Turn off **band steering** on the router; it fixed mine.")
        helper.get_by_role("button", name="Post your answer").click()
        helper.wait_for_load_state()
        answer = helper.get_by_role("article", name=re.compile("Answer by helper_hal"))
        answer.wait_for()
        assert "band steering" in answer.inner_text()
        question = helper.get_by_role("article", name=re.compile("Question by asker_amy"))
        upvote = question.get_by_role("button", name=re.compile("Upvote"))
        upvote.click()
        # with JavaScript on, the score updates in place; without it, the page reloads with the new score
        question.locator("[data-vote-score]").filter(has_text="1").wait_for()
        helper.reload()
        question = helper.get_by_role("article", name=re.compile("Question by asker_amy"))
        assert question.locator("[data-vote-score]").inner_text().strip() == "1"
        assert question.get_by_role("button", name=re.compile("Upvote")).get_attribute("aria-pressed") == "true"
        assert helper_errors == []
    finally:
        helper.context.close()

    with live_server.app.app_context():
        asker = db.session.scalar(sa.select(User).where(User.username == "asker_amy"))
        assert asker.reputation == 6  # +5 for the question upvote
        thread = db.session.scalar(sa.select(Thread).where(Thread.title == TITLE))
        assert thread.answer_count == 1 and thread.score == 1

    # the asker accepts the answer
    page.goto(thread_url)
    answer = page.get_by_role("article", name=re.compile("Answer by helper_hal"))
    answer.get_by_role("button", name=re.compile("Accept answer")).click()
    page.wait_for_load_state()
    accepted = page.get_by_role("article", name=re.compile("Accepted answer by helper_hal"))
    accepted.wait_for()
    assert accepted.is_visible()
    assert page.get_by_text("Solved", exact=True).first.is_visible()

    # the list shows it solved
    page.goto(live_server.path("/questions"))
    assert page.get_by_role("link", name=TITLE).is_visible()
    assert page.get_by_title("Solved: an answer was accepted").count() == 1  # the answer-count badge turns solved
    page.goto(live_server.path("/questions?status=solved"))
    assert page.get_by_role("link", name=TITLE).is_visible()
    page.goto(live_server.path("/questions?status=unsolved"))
    assert page.get_by_role("link", name=TITLE).count() == 0
    assert page.js_errors == []

    with live_server.app.app_context():
        thread = db.session.scalar(sa.select(Thread).where(Thread.title == TITLE))
        accepted_post = db.session.get(Post, thread.accepted_post_id)
        assert thread.status == "solved" and accepted_post.author.username == "helper_hal"
        assert accepted_post.author.reputation == 16  # +15 accepted


def test_login_with_next_and_logout(live_server, page):
    with live_server.app.app_context():
        from tests.factories import make_user
        make_user("returning", password=PASSWORD)
    page.goto(live_server.path("/questions/ask"))
    assert "/login" in page.url
    page.get_by_label("Username or email").fill("returning@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Keep me logged in").check()
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert page.url.endswith("/questions/ask")
    assert any(cookie["name"] == "remember_token" for cookie in page.context.cookies())
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Log in").first.is_visible()


def test_bad_login_keeps_input_and_shows_one_message(live_server, page):
    page.goto(live_server.path("/login"))
    page.get_by_label("Username or email").fill("nobody-here")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text().strip() == \
        "That username or email and password do not match an account."
    assert page.get_by_label("Username or email").input_value() == "nobody-here"
