"""In Chromium: a member escalates, staff assign it to themselves, reply and resolve; a moderator hides a
flagged answer and finds it in the audit log. CSRF is on, as for real users."""
from __future__ import annotations

import pytest

from forum.demo import SITE as DEMO_SITE
from forum.models import Role
from tests.browser.conftest import log_in, new_page
from tests.factories import PASSWORD, make_answer, make_thread, make_user, set_site

pytestmark = [pytest.mark.browser, pytest.mark.config(MAIL_DELIVERY="cron")]


@pytest.fixture
def community(live_server):
    live_server.app.config["MAIL_DELIVERY"] = "cron"  # see tests/views: the mail thread races the next request
    with live_server.app.app_context():
        asker = make_user("asker")
        set_site(company_name=DEMO_SITE["company_name"])
        make_user("staff_sam", role=Role.STAFF)
        make_user("mod_maria", role=Role.MODERATOR)
        make_user("flagger")
        thread = make_thread(asker, title="Smart plug turns itself off at 3 am",
                             body="Every night the plug switches off and the schedule shows nothing.")
        spam = make_answer(thread, make_user("spammer"), body="Buy a better plug at cheap-plugs.example today!")
        return {"thread": thread.id, "slug": thread.slug, "spam": spam.id}


def test_member_escalates_and_staff_assign_reply_resolve(page, browser, live_server, community):
    thread_url = live_server.path(f"/questions/{community['thread']}/{community['slug']}")
    log_in(page, live_server, "asker", PASSWORD)
    page.goto(thread_url)
    page.click("summary:has-text('Ask staff for help')")
    page.fill("#reason", "The plug is in my baby monitor's circuit, please help quickly.")
    page.click("button[type=submit]:has-text('Ask staff for help')")
    page.wait_for_url(lambda url: "/escalate" not in url)
    assert "Staff have been asked to help" in page.locator(".flashes").inner_text()
    assert f"Escalated to {DEMO_SITE['company_name']} staff" in page.locator("[data-escalation-notice]").inner_text()

    staff = new_page(browser)
    log_in(staff, live_server, "staff_sam", PASSWORD)
    staff.click("nav >> text=Escalations")
    row = staff.locator(".esc", has_text="Smart plug turns itself off at 3 am")
    assert "Due in 23 h 59 min" in row.inner_text() or "Due in 1 day" in row.inner_text()
    row.locator("button:has-text('Assign to me')").click()
    staff.wait_for_load_state()
    row = staff.locator(".esc", has_text="Smart plug turns itself off at 3 am")
    assert "You" in row.locator(".esc__assignee").inner_text()

    row.locator("a", has_text="Smart plug turns itself off at 3 am").click()
    staff.fill("#body", "Staff here: we pushed firmware 2.3.1 that fixes the 3 am reset. Please update.")
    staff.click("button:has-text('Post your answer')")
    staff.wait_for_load_state()
    assert staff.locator(".post--staff", has_text="firmware 2.3.1").count() == 1
    assert "Answered by staff_sam" in staff.locator("[data-escalation-notice]").inner_text()

    staff.goto(live_server.path("/staff/escalations?status=mine"))
    row = staff.locator(".esc", has_text="Smart plug turns itself off at 3 am")
    assert "Within SLA" in row.inner_text() and "First staff reply by staff_sam" in row.inner_text()
    row.locator("summary:has-text('Resolve')").click()
    row.locator("textarea[name=note]").fill("Firmware fix confirmed.")
    row.locator("button:has-text('Mark resolved')").click()
    staff.wait_for_load_state()
    assert "Resolved:" in staff.locator(".flashes").inner_text()
    staff.goto(live_server.path("/staff/escalations?status=resolved"))
    assert "Firmware fix confirmed." in staff.locator(".esc").inner_text()

    page.goto(thread_url)
    assert "Answered by staff_sam" in page.locator("[data-escalation-notice]").inner_text()
    assert page.js_errors == []
    staff.context.close()


def test_moderator_hides_a_flagged_answer_and_it_is_audited(page, browser, live_server, community):
    thread_url = live_server.path(f"/questions/{community['thread']}/{community['slug']}")
    log_in(page, live_server, "flagger", PASSWORD)
    page.goto(thread_url)
    answer = page.locator(f"#post-{community['spam']}")
    answer.locator("summary:has-text('Flag')").click()
    answer.locator("label:has-text('Spam or advertising')").click()
    answer.locator("button:has-text('Send flag')").click()
    page.wait_for_load_state()
    assert "moderators will review" in page.locator(".flashes").inner_text()

    mod = new_page(browser)
    log_in(mod, live_server, "mod_maria", PASSWORD)
    mod.click("nav >> text=Flags")
    card = mod.locator(f"[data-flagged-post='{community['spam']}']")
    assert "Spam × 1" in card.inner_text() and "flagger" in card.inner_text()
    card.locator("summary:has-text('Hide post')").click()
    card.locator("textarea[name=note]").fill("Advertising a shop")
    card.locator("button:has-text('Hide post')").click()
    mod.wait_for_load_state()
    assert "Post hidden" in mod.locator(".flashes").inner_text()
    assert "No flags waiting" in mod.locator("main").inner_text()

    mod.click("text=Audit log")
    row = mod.locator(".audit-table tbody tr").first
    assert "post.hide" in row.inner_text() and "mod_maria" in row.inner_text()
    assert "Advertising a shop" in row.inner_text()

    page.goto(thread_url)
    assert "cheap-plugs" not in page.locator("main").inner_text()
    assert page.js_errors == []
    mod.context.close()
