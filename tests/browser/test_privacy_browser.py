"""In Chromium: a member types a phone number in an answer, sees the hint, submits, gets the warning with three
choices, and posts anyway; the private route and the visibility setting work with CSRF on."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Escalation, Post
from tests.browser.conftest import log_in, new_page
from tests.factories import PASSWORD, make_thread, make_user

pytestmark = pytest.mark.browser
PHONE_ANSWER = "Happy to help, call me on +44 20 7946 0958 after six."


@pytest.fixture
def community(live_server):
    with live_server.app.app_context():
        asker = make_user("asker")
        make_user("helper")
        thread = make_thread(asker, title="Thermostat loses its schedule overnight")
        return {"thread": thread.id, "url": f"/questions/{thread.id}/{thread.slug}"}


def test_phone_number_hint_warning_and_post_anyway(page, live_server, community):
    log_in(page, live_server, "helper", PASSWORD)
    page.goto(live_server.path(community["url"]))
    hint = page.locator("[data-pii-hint-for='body']")
    assert hint.is_hidden()
    page.locator("#answer-form textarea#body").press_sequentially(PHONE_ANSWER, delay=5)
    hint.wait_for(state="visible")
    assert "phone number" in hint.inner_text()

    page.click("#answer-form button[type=submit]:has-text('Post your answer')")  # the hint never blocks
    warning = page.locator("[data-pii-warning]")
    warning.wait_for()
    assert "+44 20 7946 0958" in warning.inner_text()
    assert warning.get_by_role("link", name="Edit my text").is_visible()
    assert warning.get_by_role("button", name="Post anyway").is_visible()
    assert warning.get_by_role("button", name="Send privately").is_visible()
    page.wait_for_function("() => document.activeElement && document.activeElement.hasAttribute('data-pii-warning')")
    assert page.locator("textarea#body").input_value() == PHONE_ANSWER  # nothing typed is lost

    page.click("[data-pii-post-anyway]")
    page.wait_for_url(lambda url: "#post-" in url)
    assert page.locator(".post", has_text="+44 20 7946 0958").count() == 1
    assert page.locator("[data-pii-warning]").count() == 0
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(Post.body_md).order_by(Post.id.desc()).limit(1)) == PHONE_ANSWER
    assert page.js_errors == []


def test_send_privately_posts_the_redacted_answer(page, live_server, community):
    log_in(page, live_server, "helper", PASSWORD)
    page.goto(live_server.path(community["url"]))
    page.fill("#answer-form textarea#body", "Email me at helper.home@example.org and I will send the guide.")
    page.click("#answer-form button[type=submit]:has-text('Post your answer')")
    page.locator("[data-pii-warning]").wait_for()
    page.click("[data-pii-private]")
    page.wait_for_url(lambda url: "#post-" in url)
    assert page.locator(".post", has_text="Email me at [removed]").count() == 1
    assert "helper.home@example.org" not in page.content()
    with live_server.app.app_context():
        assert "helper.home@example.org" in db.session.scalar(sa.select(Escalation.private_note))


def test_choose_private_profile(page, live_server, community):
    log_in(page, live_server, "asker", PASSWORD)
    page.goto(live_server.path("/settings"))
    page.click("text=Privacy and your data")
    page.check("input[name=profile_visibility][value=private]")
    page.click("button:has-text('Save visibility')")
    page.locator("text=Your profile visibility is saved.").wait_for()
    other = page.context.browser.new_context().new_page()
    other.goto(live_server.path("/users/asker"))
    assert "keeps their profile private" in other.content()
    assert other.locator("text=Thermostat loses its schedule").count() == 0
    other.context.close()


def test_idea_sent_privately_then_read_by_the_assigned_staff_member(page, browser, live_server, community):
    from forum.models import Role
    from tests.factories import make_category
    with live_server.app.app_context():
        make_category()
        make_user("staffer", role=Role.STAFF)
    log_in(page, live_server, "helper", PASSWORD)
    page.goto(live_server.path("/ideas/new"))
    page.fill("input#title", "Call-back button instead of hold music")
    page.select_option("select#category", "general")
    page.locator("textarea#body").press_sequentially("Ring me on 555-123-4567 to test it.", delay=5)
    page.locator("[data-pii-hint-for='body']").wait_for(state="visible")
    page.click("form[data-pii-check] button[type=submit]")
    page.locator("[data-pii-warning]").wait_for()
    page.click("[data-pii-private]")
    page.wait_for_url(lambda url: "/ideas/" in url and not url.endswith("/new"))
    assert page.locator("text=Ring me on [removed] to test it.").count() == 1
    assert "555-123-4567" not in page.content()

    assert page.js_errors == []
    staff = new_page(browser)
    log_in(staff, live_server, "staffer", PASSWORD)
    staff.goto(live_server.path("/staff/escalations"))
    row = staff.locator(".esc", has_text="Call-back button instead of hold music")
    assert row.locator(".badge--idea").is_visible() and "555-123-4567" not in staff.content()
    row.get_by_role("button", name="Assign to me").click()
    staff.locator(".esc", has_text="Call-back button").get_by_role("link", name="Read the private details").click()
    assert "555-123-4567" in staff.locator(".private-details__note").inner_text()
    staff.context.close()
