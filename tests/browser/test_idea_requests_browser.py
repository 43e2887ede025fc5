"""In Chromium (issue 16): a member asks for a feature as a question, two other members upvote it, staff turn it
into an idea with the prefilled form, and one of those members finds the idea on their notifications page with
their vote already counted."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Idea, IdeaVote, Notification, Role
from tests.browser.conftest import log_in, new_page
from tests.factories import PASSWORD, make_category, make_user

pytestmark = pytest.mark.browser
TITLE = "Can the app show battery levels for every sensor?"


@pytest.fixture
def community(live_server):
    with live_server.app.app_context():
        make_category("sensors", "Sensors")
        for name in ("amy", "ben", "cat"):
            make_user(name)
        make_user("sam", role=Role.STAFF)


def _upvote(browser, live_server, username: str, thread_url: str, score: int) -> None:
    page = new_page(browser)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, username, PASSWORD)
    page.goto(thread_url)
    question = page.get_by_role("article", name=re.compile("Question by amy"))
    question.get_by_role("button", name=re.compile("Upvote")).click()
    question.locator("[data-vote-score]").filter(has_text=str(score)).wait_for()
    assert errors == []
    page.context.close()


def test_a_question_upvoted_by_members_becomes_an_idea_they_hear_about(page, browser, live_server, community):
    # a member asks for a feature in Q&A
    log_in(page, live_server, "amy", PASSWORD)
    page.goto(live_server.path("/questions/ask"))
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Category").select_option("sensors")
    page.get_by_label("Details").fill("I have **12 sensors** and check each battery by hand.")
    page.get_by_role("button", name="Post your question").click()
    page.wait_for_load_state()
    thread_url = page.url

    # two other members upvote it
    _upvote(browser, live_server, "ben", thread_url, 1)
    _upvote(browser, live_server, "cat", thread_url, 2)

    # staff turn it into an idea: the form starts with the question's title, text and category
    staff = new_page(browser)
    log_in(staff, live_server, "sam", PASSWORD)
    staff.goto(thread_url)
    staff.get_by_role("link", name="Turn into an idea").click()
    assert staff.get_by_label("Idea title").input_value() == TITLE
    assert "12 sensors" in staff.get_by_label("Description").input_value()
    assert staff.get_by_label("Category").input_value() == "sensors"
    staff.get_by_label("Idea title").fill("Battery level for every sensor")
    staff.get_by_role("button", name="Create the idea").click()
    staff.wait_for_url(re.compile(r"/ideas/\d+"))
    idea_url = staff.url.split("#")[0]
    assert staff.locator("h1").inner_text() == "Battery level for every sensor"
    assert staff.locator("[data-idea-vote-count]").inner_text().strip() == "3"  # amy, ben and cat, once each
    assert "Requested in 1 question" in staff.locator("#requests").inner_text()

    # the question says where it went and takes no new answers
    staff.goto(thread_url)
    notice = staff.locator("[data-idea-request]")
    assert "Moved to the idea board." in notice.inner_text()
    assert staff.get_by_role("button", name="Post your answer").count() == 0
    staff.context.close()

    # one of the upvoters finds it on their notifications page, and their vote is already counted
    ben = new_page(browser)
    log_in(ben, live_server, "ben", PASSWORD)
    ben.goto(live_server.path("/notifications"))
    item = ben.get_by_role("link", name=re.compile("moved to the idea board"))
    assert "your vote counts there" in item.inner_text()
    item.click()
    ben.wait_for_url(re.compile(r"/ideas/\d+"))
    assert ben.url.split("#")[0].split("?")[0] == idea_url
    assert ben.locator("[data-idea-vote-count]").inner_text().strip() == "3"
    assert ben.locator("[data-idea-vote-btn]").get_attribute("aria-pressed") == "true"
    ben.context.close()

    with live_server.app.app_context():
        idea_id = db.session.scalar(sa.select(Idea.id))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IdeaVote).where(
            IdeaVote.idea_id == idea_id, IdeaVote.source_thread_id.is_not(None))) == 3
        told = list(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "idea_request")))
        assert len(told) == len(set(told)) == 3  # amy, ben and cat, once each; never the staff member
    assert page.js_errors == []
