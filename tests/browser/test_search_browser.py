"""In Chromium: typing a title on the ask form suggests similar questions; /search shows ranked hits."""
from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import Thread
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_answer, make_thread, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def community(live_server):
    with live_server.app.app_context():
        asker = make_user("asker")
        make_user("newcomer")
        solved = make_thread(asker, title="Hub goes offline every night around 2 am", category="wifi",
                             body="The status light turns red and the app says the hub is unreachable.")
        from forum.questions import services as questions
        questions.accept_answer(actor=asker, answer=make_answer(solved, body="Turn off the router's nightly reboot."))
        hidden = make_thread(asker, title="Hub offline secret hidden thread", category="wifi")
        db.session.get(Thread, hidden.id).is_hidden = True
        db.session.commit()
        return {"solved": solved.id, "hidden": hidden.id}


def test_typing_a_title_suggests_similar_questions(page, live_server, community):
    log_in(page, live_server, "newcomer", PASSWORD)
    page.goto(live_server.path("/questions/ask"))
    page.locator("#title").press_sequentially("my hub is offline at night", delay=20)
    suggestion = page.locator("[data-similar-target] a", has_text="Hub goes offline every night around 2 am")
    suggestion.wait_for()
    assert suggestion.get_attribute("href").startswith(f"/questions/{community['solved']}/")
    assert suggestion.locator(".badge--solved").count() == 1
    assert page.locator("[data-similar-target]", has_text="secret hidden").count() == 0
    assert page.js_errors == []


def test_search_page_from_the_header_box(page, live_server, community):
    page.goto(live_server.path("/"))
    page.fill("#site-search-q", "hub offline")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search?q=hub+offline")
    hit = page.locator(".search-hit", has_text="Hub goes offline every night around 2 am")
    hit.wait_for()
    assert hit.locator(".badge--solved").count() == 1
    assert hit.locator("mark").count() >= 1
    assert page.locator("#search-q").input_value() == "hub offline"
    assert page.locator(".search-hit", has_text="secret hidden").count() == 0
    assert page.js_errors == []
