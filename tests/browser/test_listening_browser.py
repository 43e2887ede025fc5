"""In Chromium (CSRF on): staff create a watch, a member asks a matching question, staff see it on the listening
page, publish a known-issue notice from the thread, and a new member typing a matching title on the ask form is
pointed at the updates; the banner's dismissal is per person. Then a spike alert's page, screenshotted."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from forum import clock
from forum.listening import alerts
from forum.models import Role
from tests.browser.conftest import log_in, new_page
from tests.factories import PASSWORD, make_category, make_thread, make_user

pytestmark = [pytest.mark.browser, pytest.mark.config(MAIL_DELIVERY="cron")]
SHOTS = Path("/tmp/shots")


@pytest.fixture
def community(live_server):
    live_server.app.config["MAIL_DELIVERY"] = "cron"  # the mail thread would race the next request
    with live_server.app.app_context():
        make_category("devices", "Devices")
        make_user("staff_sam", role=Role.STAFF)
        make_user("member_mia")
        make_user("newcomer_ned")
        make_thread(make_user("old_timer"), title="How do I rename a sensor in the app?", category="devices",
                    body="I cannot find the setting anywhere.")
    return live_server


def test_watch_match_notice_and_the_ask_form_hint(page, browser, community):
    live = community
    log_in(page, live, "staff_sam", PASSWORD)
    page.goto(live.path("/staff/watches/new"))
    page.fill("#name", "Hub offline")
    page.fill("#terms", "offline")
    page.click("button[type=submit]:has-text('Create watch')")
    page.wait_for_url(lambda url: "/new" not in url)

    member = new_page(browser)
    log_in(member, live, "member_mia", PASSWORD)
    member.goto(live.path("/questions/ask"))
    member.fill("#title", "My hub keeps going offline every night")
    member.select_option("#category", "devices")
    member.fill("#body", "Since yesterday the hub drops off the network at night and comes back in the morning.")
    member.click("button[type=submit]:has-text('Post your question')")
    member.wait_for_url(lambda url: "/ask" not in url)
    thread_url = member.url

    page.goto(live.path("/staff/listening"))
    assert "My hub keeps going offline every night" in page.locator("main").inner_text()

    page.goto(thread_url)
    page.click("a:has-text('Publish a known-issue notice')")
    page.fill("#text", "Hubs go offline at night after firmware 4.2; a fix is coming.")
    page.fill("#terms", "offline, firmware 4.2")
    page.click("button[type=submit]:has-text('Publish notice')")
    page.wait_for_load_state()
    assert "Notice published" in page.locator(".flashes").inner_text()

    newcomer = new_page(browser)
    log_in(newcomer, live, "newcomer_ned", PASSWORD)
    newcomer.goto(live.path("/questions/ask"))
    banner = newcomer.locator("[data-notice-id]")
    assert "Hubs go offline at night" in banner.inner_text() and banner.is_visible()
    newcomer.fill("#title", "Hub went offline this morning")
    hint = newcomer.locator("[data-notice-hint] a", has_text="We know about this: follow the updates here")
    hint.wait_for()
    assert hint.get_attribute("href") == f"/questions/{thread_url.split('/questions/')[1].split('/')[0]}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    newcomer.screenshot(path=str(SHOTS / "ask-hint.png"))
    newcomer.fill("#title", "How do I rename a sensor?")
    hint.wait_for(state="detached")

    # dismissal: remembered for this member on a reload, never for another member or a visitor
    with newcomer.expect_response(lambda r: r.url.endswith("/dismiss") and r.status == 200):
        newcomer.click("[data-notice-id] button:has-text('Dismiss')")
    assert not banner.is_visible()
    assert newcomer.url.endswith("/questions/ask")  # in place: the typed question is still there
    newcomer.reload()
    expect(newcomer.locator("[data-notice-id]")).to_have_count(0)  # the server remembered it, and left it out
    member.goto(live.path("/questions"))
    assert member.locator("[data-notice-id]").is_visible()

    # without JavaScript: a member dismisses with the banner's own form, and the ask form's hint still shows
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    context.set_default_timeout(10_000)
    plain = context.new_page()
    log_in(plain, live, "member_mia", PASSWORD)
    plain.goto(live.path("/questions/ask?title=Hub+offline+again"))
    assert plain.locator("[data-notice-hint] a", has_text="We know about this").count() == 1
    plain.click("[data-notice-id] button:has-text('Dismiss')")
    plain.wait_for_load_state()
    assert "/questions/ask" in plain.url and plain.locator("[data-notice-id]").count() == 0
    context.close()
    visitor = new_page(browser)
    visitor.goto(live.path("/questions"))
    assert visitor.locator("[data-notice-id]").is_visible()
    visitor.click("[data-notice-dismiss]")
    visitor.reload()
    assert not visitor.locator("[data-notice-id]").is_visible()  # a visitor's, in localStorage
    assert page.js_errors == []


def test_alert_page_screenshot(page, community):
    live = community
    now = clock.utcnow().replace(second=0, microsecond=0)
    with live.app.app_context():
        for n in range(9):
            clock.freeze(now - timedelta(minutes=4 + 5 * n))
            make_thread(make_user(), title=f"Wifi keeps dropping on the hub, report {n}", tags=["wifi"],
                        category="devices", body=f"It dropped {n + 2} times since the update.")
        for days in range(1, 8):
            for hours in (0, 3, 9):
                clock.freeze(now - timedelta(days=days, hours=hours, minutes=20))
                make_thread(make_user(), title=f"Wifi question from {days} days ago, {hours}", tags=["wifi"],
                            category="devices", body="An ordinary question.")
        clock.freeze(now)
        [alert] = alerts.detect_spikes().opened
        alert_id = alert.id
    clock.freeze(None)
    log_in(page, live, "staff_sam", PASSWORD)
    page.goto(live.path("/staff/alerts"))
    page.click("a:has-text('#wifi')")
    assert page.locator("h1").inner_text() == "Spike on #wifi"
    assert page.locator("svg.chart__svg rect").count() >= 2
    assert page.locator("[data-alert-posts] li").count() == 12  # the last 48 hours: the burst's 9, and 3 before
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "alert.png"), full_page=True)
    page.click("button:has-text('Acknowledge')")
    page.wait_for_load_state()
    assert "Acknowledged" in page.locator("[data-alert-state]").inner_text()
    assert page.url.endswith(f"/staff/alerts/{alert_id}")
    assert page.js_errors == []
