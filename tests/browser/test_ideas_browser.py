"""In Chromium: a member submits an idea, two others vote in place, staff plans it with a note, a voter is
notified, and staff download the CSV export."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Idea, Notification, Role
from tests.browser.conftest import log_in, new_page
from tests.factories import PASSWORD, make_category, make_idea, make_user

pytestmark = pytest.mark.browser
TITLE = "Show doorbell battery level on the watch"


@pytest.fixture
def community(live_server):
    with live_server.app.app_context():
        make_category("app-and-account", "App & Account")
        for name in ("maya", "vic", "val"):
            make_user(name)
        make_user("sam", role=Role.STAFF)
        make_idea(make_user("early"), title="Doorbell battery percentage on the home screen",
                  category="app-and-account")


def _vote(browser, live_server, username, idea_url, expected_count):
    page = new_page(browser)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, username, PASSWORD)
    page.goto(idea_url)
    button = page.locator("[data-idea-vote-btn]")
    button.click()
    page.locator("[data-idea-vote-count]", has_text=str(expected_count)).wait_for()
    assert button.get_attribute("aria-pressed") == "true"
    assert page.url == idea_url  # updated in place, no reload
    assert errors == []
    return page


def test_idea_from_submission_to_export(page, browser, live_server, community):
    # a member submits, and sees the similar idea while typing the title
    log_in(page, live_server, "maya", PASSWORD)
    page.goto(live_server.path("/ideas/new"))
    page.locator("#title").press_sequentially(TITLE, delay=10)
    page.locator("[data-idea-similar-list] a", has_text="Doorbell battery percentage on the home screen").wait_for()
    page.select_option("#category", "app-and-account")
    page.fill("#body", "A **glance** at the watch would tell me when to charge it.")
    page.click("button[type=submit]:has-text('Post your idea')")
    page.wait_for_url("**/ideas/*")
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator(".idea-detail__body strong").inner_text() == "glance"
    idea_url = page.url.split("#")[0]

    # two others vote; the count changes in place
    voter = _vote(browser, live_server, "vic", idea_url, 1)
    _vote(browser, live_server, "val", idea_url, 2).context.close()

    # staff mark it planned with a public note
    staff = new_page(browser)
    log_in(staff, live_server, "sam", PASSWORD)
    staff.goto(idea_url)
    staff.select_option("#status-select", "planned")
    staff.fill("#status-note", "Planned for the spring watch app release.")
    staff.click("button[type=submit]:has-text('Update status')")
    history = staff.locator("#status-history")
    history.locator(".idea-status--planned").wait_for()
    assert "Planned for the spring watch app release." in history.inner_text()
    assert staff.locator(".idea-detail__badges .idea-status--planned").count() == 1

    # a voter sees the notification in their notification centre
    voter.goto(live_server.path("/notifications"))
    assert f"“{TITLE}” is now planned" in voter.locator("main").inner_text()
    with live_server.app.app_context():
        told = set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "idea_status")))
        assert len(told) == 3  # both voters and the author (who watches her idea); never the staff member
    voter.context.close()

    # staff download the CSV
    staff.goto(live_server.path("/staff/ideas/export"))
    staff.select_option("#status", "planned")
    with staff.expect_download() as download_info:
        staff.click("button:has-text('Download CSV')")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    with live_server.app.app_context():
        idea_id = db.session.scalar(sa.select(Idea.id).where(Idea.title == TITLE))
    assert [(row["id"], row["title"], row["status"], row["votes"]) for row in rows] == [
        (str(idea_id), TITLE, "planned", "2")]
    staff.context.close()
    assert page.js_errors == []
