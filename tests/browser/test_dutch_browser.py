"""A Dutch customer in Chromium (issue 20): a browser that asks for Dutch gets the forum in Dutch, registers, asks a
question that is stored as Dutch, and another member finds it through a different word form of a Dutch word."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories import make_category, make_user

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
TITLE = "Storingen bij het opladen van de hub"


def _dutch_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL",
                                  timezone_id="Europe/Amsterdam")
    context.set_default_timeout(10_000)
    return context.new_page()


def test_a_dutch_visitor_registers_asks_and_is_found_by_another_word_form(live_server, page, browser):
    with live_server.app.app_context():
        make_category("hubs", "Hubs")
        make_user("erik", password=PASSWORD)
    dutch = _dutch_page(browser)
    errors: list[str] = []
    dutch.on("pageerror", lambda error: errors.append(str(error)))
    try:
        dutch.goto(live_server.path("/register"))
        assert dutch.locator("html").get_attribute("lang") == "nl"
        dutch.fill("#username", "sanne")
        dutch.fill("#email", "sanne@example.nl")
        dutch.fill("#password", PASSWORD)
        dutch.click("form button[type=submit]")
        dutch.wait_for_load_state()
        dutch.click("[data-confirm-link]")  # no mail server in development: the page shows the link
        dutch.click("main form button[type=submit]")
        dutch.wait_for_load_state()

        dutch.goto(live_server.path("/questions/ask"))
        assert dutch.locator("html").get_attribute("lang") == "nl"
        assert dutch.locator("#language").input_value() == "nl"  # the writer's own language is the default
        dutch.fill("#title", TITLE)
        dutch.select_option("#category", "hubs")
        dutch.fill("#body", "Na de laatste update geeft de lader steeds storingen. Wat kan ik doen?")
        dutch.click("form.form button[type=submit], main form button.btn--primary")
        dutch.wait_for_load_state()
        assert dutch.get_by_role("heading", name=TITLE).is_visible()
        assert dutch.locator("h1[lang=nl]").count() == 1
        assert errors == []
    finally:
        dutch.context.close()

    # another member, with an English browser, searches with the singular and finds the plural
    log_in(page, live_server, "erik", PASSWORD)
    page.goto(live_server.path("/search?q=storing"))
    assert page.get_by_role("link", name=TITLE).is_visible()
    page.goto(live_server.path("/questions?language=nl"))
    assert page.get_by_role("link", name=TITLE).is_visible()
