"""In Chromium (issue 18 item 3): a server-side error clears from its field as soon as the field is valid, the
summary follows the form's order, and personal data gets one warning panel whose choices send the edited text."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_category, make_user

pytestmark = [pytest.mark.browser, pytest.mark.config(MAIL_DELIVERY="cron")]


@pytest.fixture
def member(live_server):
    live_server.app.config["MAIL_DELIVERY"] = "cron"
    with live_server.app.app_context():
        make_category("connectivity", "Connectivity and Wi-Fi")
        make_user("nina")
    return "nina"


def test_server_errors_clear_as_each_field_becomes_valid(page, live_server, member):
    log_in(page, live_server, member, PASSWORD)
    page.goto(live_server.path("/questions/ask"))
    page.fill("#title", "Wi-Fi")
    page.fill("#body", "x")
    page.click("button:has-text('Post your question')")
    page.wait_for_selector("[data-errors-summary]")
    items = page.locator("[data-errors-summary] li")
    assert [items.nth(i).get_attribute("data-error-for") for i in range(items.count())] == ["title", "category", "body"]
    assert "Sum up the problem in a sentence: at least 10 characters" in page.locator("#title-error").inner_text()

    page.locator("#title").press("End")
    page.locator("#title").press_sequentially(" drops", delay=10)  # 11 characters: long enough
    assert page.locator("#title-error").count() == 0
    assert page.locator("#title").get_attribute("aria-invalid") is None
    assert page.locator("[data-errors-summary] [data-error-for=title]").count() == 0
    assert "Please fix these 2 things" in page.locator("[data-errors-summary]").inner_text()

    page.select_option("#category", "connectivity")
    assert page.locator("#category-error").count() == 0
    page.locator("#body").press("End")
    page.locator("#body").press_sequentially("The hub drops off Wi-Fi every night.", delay=5)
    assert page.locator("#body-error").count() == 0
    assert page.locator("[data-errors-summary]").count() == 0  # nothing left to fix
    assert page.locator(".field--invalid").count() == 0
    page.click("button:has-text('Post your question')")
    page.wait_for_url(lambda url: "/questions/ask" not in url)
    assert "Wi-Fi drops" in page.locator("h1").inner_text()
    assert page.js_errors == []


def test_an_error_stays_while_the_field_is_still_too_short(page, live_server, member):
    log_in(page, live_server, member, PASSWORD)
    page.goto(live_server.path("/questions/ask"))
    page.fill("#title", "Wi-Fi")
    page.click("button:has-text('Post your question')")
    page.wait_for_selector("#title-error")
    page.locator("#title").press("End")
    page.locator("#title").press_sequentially("!!", delay=10)  # changed, but 7 characters
    assert page.locator("#title-error").is_visible()


def test_personal_data_gets_one_panel_and_post_anyway_sends_the_edited_text(page, live_server, member):
    log_in(page, live_server, member, PASSWORD)
    page.goto(live_server.path("/questions/ask"))
    page.fill("#title", "Hub drops offline every night")
    page.select_option("#category", "connectivity")
    page.fill("#body", "Call me on +44 20 7946 0958 if you need logs from my hub.")
    page.click("button:has-text('Post your question')")
    page.wait_for_selector("[data-pii-warning]")
    page.wait_for_timeout(400)  # past the as-you-type hint's debounce
    assert page.locator("[data-pii-warning]").count() == 1
    assert page.locator("[data-pii-warning] .pii-choice").count() == 3
    assert page.locator("[data-pii-hint-for]").is_hidden()  # not a second warning under the field
    assert page.locator("#body-error").count() == 0 and page.locator(".field--invalid").count() == 0
    assert page.get_by_text("Looks like a phone number").count() == 0  # the panel alone says it
    page.locator("#body").fill("Call the shop's public line +44 20 7946 0958; it happens every night.")
    page.wait_for_timeout(400)
    assert page.locator("[data-pii-hint-for]").is_hidden()
    page.click("[data-pii-post-anyway]")
    page.wait_for_url(lambda url: "/questions/ask" not in url)
    assert "it happens every night" in page.locator(".post").first.inner_text()
    assert page.js_errors == []


def test_an_idea_descriptions_error_waits_for_its_minimum(page, live_server, member):
    """A textarea with a minimum (the idea's description, 10 characters) keeps its error while still too short,
    and the minimum says what to write."""
    log_in(page, live_server, member, PASSWORD)
    page.goto(live_server.path("/ideas/new"))
    page.fill("#title", "Battery level for every sensor")
    page.select_option("#category", "connectivity")
    page.fill("#body", "Please")
    page.click("button:has-text('Post your idea')")
    page.wait_for_selector("#body-error")
    assert "Say what it would let you do and why it matters: at least 10 characters (it has 6)." in \
        page.locator("#body-error").inner_text()
    page.locator("#body").press("End")
    page.locator("#body").press_sequentially("!!", delay=10)  # 8 characters: changed, still too short
    assert page.locator("#body-error").is_visible()
    page.locator("#body").press_sequentially(" show it", delay=10)
    assert page.locator("#body-error").count() == 0 and page.locator("[data-errors-summary]").count() == 0
    assert page.js_errors == []
