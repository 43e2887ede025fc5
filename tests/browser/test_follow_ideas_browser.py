"""In Chromium, CSRF on: a member watches an idea in place, sees Watching on the board, unfollows it from the
settings list in one click, and a vote still follows an idea unless they turned that off."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.models import Subscription
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_idea, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def board(live_server):
    with live_server.app.app_context():
        author, member = make_user("author"), make_user("maya")
        idea = make_idea(author, title="Dark mode for the app", category="app-and-account")
        return {"idea": idea.id, "member": member.id}


def _watches(live_server, user_id: int) -> set[int]:
    from forum.extensions import db
    with live_server.app.app_context():
        return set(db.session.scalars(sa.select(Subscription.idea_id).where(Subscription.user_id == user_id)))


def test_watch_and_unwatch_in_the_browser(page, live_server, board):
    log_in(page, live_server, "maya", PASSWORD)
    url = live_server.path(f"/ideas/{board['idea']}")
    page.goto(url)
    button = page.locator(".idea-detail__watch .watch-btn")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    page.locator(".idea-detail__watch .watch-btn[aria-pressed=true]").wait_for()
    assert page.url == url and "Watching" in button.inner_text()  # in place, no reload
    assert _watches(live_server, board["member"]) == {board["idea"]}

    page.goto(live_server.path("/ideas?sort=new"))
    assert page.locator(f"form[action='/ideas/{board['idea']}/unwatch'] .watch-btn").inner_text().startswith("Watching")

    page.goto(live_server.path("/settings#following"))
    row = page.locator("#following .follow-list__item", has_text="Dark mode for the app")
    row.get_by_role("button", name="Unfollow").click()
    page.wait_for_load_state()
    assert "/settings" in page.url and "You no longer watch this idea" in page.content()
    assert _watches(live_server, board["member"]) == set()
    assert page.js_errors == []
