"""In Chromium (issue 18 item 4): staff take a case over from a colleague, reply (the confirmation says the first
reply was recorded) and resolve it; the asker's thread then says resolved, by whom and when. The Breached tab lists
the cases past their SLA."""
from __future__ import annotations

from datetime import timedelta

import pytest

from forum import clock
from forum.escalations import services as escalations
from forum.models import Role
from tests.browser.conftest import log_in, new_page
from tests.factories import PASSWORD, make_escalation, make_thread, make_user

pytestmark = [pytest.mark.browser, pytest.mark.config(MAIL_DELIVERY="cron")]


@pytest.fixture
def queue(live_server):
    live_server.app.config["MAIL_DELIVERY"] = "cron"
    with live_server.app.app_context():
        asker = make_user("asker")
        make_user("staff_sam", role=Role.STAFF)
        priya = make_user("staff_priya", role=Role.STAFF)
        clock.freeze(clock.utcnow() - timedelta(hours=30))
        late = make_thread(asker, title="Garage door opener ignores the app",
                           body="Since Tuesday the opener does nothing when I tap it in the app.")
        escalation = make_escalation(late, reason="Support chat could not help with the opener.")
        clock.freeze(None)
        escalations.assign_escalation(actor=priya, escalation=escalation)
        fresh = make_thread(asker, title="Doorbell battery drains in a day",
                            body="A new battery lasts a day. The old doorbell lasted months.")
        make_escalation(fresh, reason="The doorbell is new and already useless.")
        return {"late": late.id, "slug": late.slug}


def test_take_over_reply_resolve_and_the_thread_says_resolved(page, browser, live_server, queue):
    staff = new_page(browser)
    log_in(staff, live_server, "staff_sam", PASSWORD)
    staff.goto(live_server.path("/staff/escalations"))
    row = staff.locator(".esc", has_text="Garage door opener ignores the app")
    assert row.locator("button:has-text('Assign to me')").count() == 0
    take_over = row.locator("button:has-text('Take over')")
    assert "btn--secondary" in take_over.get_attribute("class")
    other = staff.locator(".esc", has_text="Doorbell battery drains in a day")
    assert "btn--primary" in other.locator("button:has-text('Assign to me')").get_attribute("class")

    staff.locator("a.tabs__tab", has_text="Breached").click()
    staff.wait_for_url(lambda url: "status=breached" in url)
    assert staff.locator(".esc").count() == 1 and "Garage door" in staff.locator(".esc").inner_text()
    staff.on("dialog", lambda dialog: dialog.accept())  # "Take this case over from staff_priya?"
    staff.locator(".esc button:has-text('Take over')").click()
    staff.wait_for_load_state()
    assert "Assigned to you" in staff.locator(".flashes").inner_text()

    staff.goto(live_server.path(f"/questions/{queue['late']}/{queue['slug']}"))
    staff.fill("#body", "Staff here: we re-linked your opener on our side; tap it once more in the app.")
    staff.click("button:has-text('Post your answer')")
    staff.wait_for_load_state()
    assert "recorded as the escalation's first staff reply" in staff.locator(".flashes").inner_text()

    staff.goto(live_server.path("/staff/escalations?status=mine"))
    row = staff.locator(".esc", has_text="Garage door opener ignores the app")
    row.locator("summary:has-text('Resolve')").click()
    row.locator("textarea[name=note]").fill("Opener re-linked.")
    row.locator("button:has-text('Mark resolved')").click()
    staff.wait_for_load_state()

    log_in(page, live_server, "asker", PASSWORD)
    page.goto(live_server.path(f"/questions/{queue['late']}/{queue['slug']}"))
    resolved = page.locator("[data-escalation-resolved]")
    assert "Resolved by staff_sam" in " ".join(resolved.inner_text().split())
    assert resolved.locator("time").count() == 1
    assert page.js_errors == []
    staff.context.close()
