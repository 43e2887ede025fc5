"""In Chromium (issue 16, item 6): paraphrases find their duplicates while a title is typed on the ask and new-idea
forms and in the staff merge picker, and an admin's synonym group, added in the browser, reaches the hints at once."""
from __future__ import annotations

import pytest

from forum.models import Role
from forum.search import service
from tests.browser.conftest import log_in, new_page
from tests.factories import PASSWORD, make_category, make_idea, make_thread, make_user

pytestmark = pytest.mark.browser
DARK_IDEA = "Dark mode for the app"
VACATION = "Vacation mode that turns lights on and off at random"
DARK_QUESTION = "Is there a dark mode in the Android app?"


@pytest.fixture
def community(live_server):
    with live_server.app.app_context():
        make_category("app-and-account", "App & Account")
        make_user("ada", role=Role.ADMIN)
        make_user("sam", role=Role.STAFF)
        maya = make_user("maya")
        ids = {title: make_idea(maya, title=title, category="app-and-account").id
               for title in (DARK_IDEA, VACATION, "Export thermostat history to CSV", "Holiday lights that look lived in")}
        make_thread(maya, title=DARK_QUESTION, category="app-and-account")
        make_thread(maya, title="Hub drops offline every night around 2am", category="app-and-account")
        service.drain_pending()
        return ids


def test_paraphrases_find_their_duplicates_while_typing(page, live_server, community):
    log_in(page, live_server, "maya", PASSWORD)
    page.goto(live_server.path("/questions/ask"))
    page.locator("#title").press_sequentially("Darker colour scheme on Android", delay=10)
    page.locator("[data-similar-target] a", has_text=DARK_QUESTION).wait_for()  # darker ~ dark, colour ~ color
    assert "Hub drops offline" not in page.locator("[data-similar-target]").inner_text()
    page.goto(live_server.path("/ideas/new"))
    page.locator("#title").press_sequentially("Holiday mode: randomise the lights", delay=10)
    page.locator("[data-idea-similar-list] a", has_text=VACATION).wait_for()  # holiday ~ vacation (British word)
    assert page.js_errors == []


def test_an_admins_group_reaches_the_hints_and_the_merge_picker(page, browser, live_server, community):
    log_in(page, live_server, "ada", PASSWORD)
    page.goto(live_server.path("/admin/synonyms"))
    page.fill("#terms", "dark mode")
    page.click("button:has-text('Add group')")
    assert page.locator("#terms").input_value() == "dark mode"  # refused, the input kept
    assert page.locator("#terms").get_attribute("aria-invalid") == "true"
    page.fill("#terms", "dark mode = night theme = black theme")
    page.click("button:has-text('Add group')")
    page.locator(".synonym-chip", has_text="night theme").first.wait_for()

    member = new_page(browser)
    log_in(member, live_server, "maya", PASSWORD)
    member.goto(live_server.path("/ideas/new"))
    member.locator("#title").press_sequentially("Night theme please", delay=10)
    member.locator("[data-idea-similar-list] a", has_text=DARK_IDEA).wait_for()
    member.context.close()

    staff = new_page(browser)
    log_in(staff, live_server, "sam", PASSWORD)
    staff.goto(live_server.path(f"/ideas/{community['Holiday lights that look lived in']}"))
    picker = staff.locator('[data-picker-target="merge-into"]')
    picker.locator(".picker__link", has_text=VACATION).wait_for()  # suggested by meaning, on the page itself
    picker.locator("[data-picker-input]").press_sequentially("black theme", delay=10)
    picker.locator(".picker__link", has_text=DARK_IDEA).wait_for()
    picker.locator("[data-picker-use]").first.click()
    assert staff.locator("#merge-into").input_value() == str(community[DARK_IDEA])
    staff.context.close()
