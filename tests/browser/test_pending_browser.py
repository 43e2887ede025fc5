"""Issue 17's reproductions walked in Chromium as a stranger: register, confirm through the development link,
post an idea with three links (held: its author is told and sees it, nobody else does), a moderator approves it
from the pending queue on /mod/flags, and posting again too fast is refused with when to try again and the text
kept."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, new_page
from tests.factories import make_category, make_user

pytestmark = pytest.mark.browser
LINKS = "Cheap kazoos at http://a.example and http://b.example and http://c.example today"


def _submit_idea(tab, live_server, title: str, body: str) -> None:
    tab.goto(live_server.path("/ideas/new"))
    tab.fill("#title", title)
    tab.select_option("#category", "general")
    tab.fill("#body", body)
    tab.locator("form button[type=submit]").last.click()
    tab.wait_for_load_state()


def test_a_strangers_link_heavy_idea_waits_for_a_moderator(live_server, page, browser):
    live_server.app.config.update(POSTING_LIMITS_ENABLED=True, NEW_ACCOUNT_IDEAS_PER_HOUR=1)
    with live_server.app.app_context():
        make_category("general")
        make_user("maria", role="moderator", password="a long enough password")
    page.goto(live_server.path("/register"))
    page.fill("#username", "kazoo_fan")
    page.fill("#email", "kazoo@example.com")
    page.fill("#password", "a long enough password")
    page.click("form button[type=submit]")
    page.get_by_role("link", name="Confirm my address").click()
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_text("your address is confirmed").is_visible()

    _submit_idea(page, live_server, "Kazoo discounts for every member", LINKS)
    assert page.get_by_text("Your idea is waiting for a moderator").first.is_visible()
    assert page.get_by_text("only its author and the moderators can see it").is_visible()
    idea_url = page.url

    visitor = new_page(browser)
    assert visitor.goto(idea_url).status == 404

    _submit_idea(page, live_server, "Another kazoo idea for the board", "My carefully typed second idea.")
    assert page.locator("#body").input_value() == "My carefully typed second idea."
    assert page.get_by_text("New accounts can post 1 idea an hour").first.is_visible()
    assert page.get_by_text("Please try again in 60 minutes").first.is_visible()
    assert page.get_by_role("heading", name="Not posted yet: please wait").is_visible()

    moderator = new_page(browser)
    log_in(moderator, live_server, "maria", "a long enough password")
    moderator.goto(live_server.path("/mod/flags"))
    assert moderator.get_by_role("heading", name="Pending: held for review (1)").is_visible()
    item = moderator.locator("[data-pending-item^='idea-']")
    assert item.get_by_text("Kazoo discounts for every member").is_visible()
    item.get_by_role("button", name="Approve").click()
    moderator.wait_for_load_state()
    assert moderator.get_by_text("Approved: it is public now").is_visible()
    assert moderator.locator("[data-pending-item]").count() == 0

    assert visitor.goto(idea_url).status == 200
    assert visitor.get_by_role("heading", name="Kazoo discounts for every member").is_visible()
    assert page.js_errors == []
