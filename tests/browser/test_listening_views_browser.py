"""In Chromium, CSRF on: staff create a watch through the form, a member asks a matching question through the ask
form, staff see it on the listening page with the words marked and the asker's standing, and claim it."""
from __future__ import annotations

import pytest

from forum.models import Role
from tests.browser.conftest import log_in, new_page
from tests.factories import PASSWORD, make_category, make_user

pytestmark = [pytest.mark.browser, pytest.mark.config(MAIL_DELIVERY="cron")]
TITLE = "The thermostat app keeps crashing at night"


def test_staff_watch_member_question_listening_page_claim(page, browser, live_server, tmp_path):
    live_server.app.config["MAIL_DELIVERY"] = "cron"
    with live_server.app.app_context():
        make_category("thermostats", "Thermostats")
        make_user("staff_sam", role=Role.STAFF)
        make_user("asker_amy")

    log_in(page, live_server, "staff_sam", PASSWORD)
    page.click("nav >> text=Listening")
    page.get_by_role("link", name="Manage watches").click()
    page.get_by_role("link", name="New watch").click()
    page.get_by_label("Name").fill("App stability")
    page.get_by_label("Terms and phrases").fill("asker_amy\nbattery drain")
    page.get_by_role("button", name="Create watch").click()
    assert "Watches follow topics, not people." in page.locator("#terms-error").inner_text()
    assert page.get_by_label("Name").input_value() == "App stability"  # the input is kept
    page.get_by_label("Terms and phrases").fill("crash\nbattery drain")
    page.get_by_role("button", name="Create watch").click()
    page.wait_for_url(lambda url: url.endswith("/staff/watches"))
    assert "crash, battery drain" in page.locator("table").inner_text()

    member = new_page(browser)
    log_in(member, live_server, "asker_amy", PASSWORD)
    member.goto(live_server.path("/questions/ask"))
    member.get_by_label("Title").fill(TITLE)
    member.get_by_label("Category").select_option("thermostats")
    member.get_by_label("Details").fill("Since 2.0 it crashes every night, and there is a big battery drain too.")
    member.get_by_role("button", name="Post your question").click()
    member.wait_for_load_state()
    assert member.get_by_role("heading", name=TITLE).is_visible()

    page.goto(live_server.path("/staff/listening"))
    row = page.locator(".match", has_text=TITLE)
    marked = row.locator(".match__excerpt mark").all_inner_texts()
    assert marked == ["crashes", "battery drain"]
    assert "waiting" in row.inner_text() and "1 question (0 solved)" in row.inner_text()
    page.screenshot(path=str(tmp_path / "listening.png"), full_page=True)
    row.get_by_role("button", name="I’m on it").click()
    page.wait_for_load_state()
    assert "You are on it" in page.locator(".match", has_text=TITLE).inner_text()
    assert not page.js_errors
