"""In Chromium (issue 18 items 5 and 6): the asker of a hidden thread reads it with the moderator's reason while
others get a 404; a deleted member's name leads to a page that says so; opening the thread a notification is
about clears it from the bell."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import Role, Thread, User
from forum.moderation import services as moderation
from forum.privacy.services import delete_account
from tests.browser.conftest import log_in, new_page
from tests.factories import PASSWORD, make_answer, make_thread, make_user

pytestmark = [pytest.mark.browser, pytest.mark.config(MAIL_DELIVERY="cron")]


@pytest.fixture
def community(live_server):
    live_server.app.config["MAIL_DELIVERY"] = "cron"
    with live_server.app.app_context():
        asker, helper = make_user("asker"), make_user("helper")
        make_user("mod_maria", role=Role.MODERATOR)
        first = make_thread(asker, title="Thermostat shows the wrong room")
        second = make_thread(asker, title="Leak sensor beeps with no water")
        make_answer(first, helper, body="Rename the room in the app, then re-pair the thermostat.")
        make_answer(second, helper, body="Dry the contacts and replace the battery.")
        return {"first": first.id, "first_slug": first.slug, "second": second.id}


def _bell(page) -> str:
    return page.locator("[data-unread]").get_attribute("data-unread")


def test_opening_the_thread_clears_its_notification_from_the_bell(page, live_server, community):
    log_in(page, live_server, "asker", PASSWORD)
    page.goto(live_server.path("/"))
    assert _bell(page) == "2" and page.locator("#bell-count").inner_text() == "2"
    page.goto(live_server.path(f"/questions/{community['first']}/{community['first_slug']}"))
    expect(page.locator("[data-unread]")).to_have_attribute("data-unread", "1")  # the page's script marked it read
    assert page.locator("#bell-count").inner_text() == "1"
    assert page.locator("[data-unread]").get_attribute("aria-label") == "Notifications, 1 unread"
    page.goto(live_server.path("/notifications?unread=1"))
    assert "Leak sensor beeps" in page.locator("main").inner_text()
    assert "Thermostat shows the wrong room" not in page.locator("main").inner_text()
    assert _bell(page) == "1"  # the true count, on the next page too
    assert page.js_errors == []


def test_the_asker_reads_their_hidden_thread_with_the_reason(page, browser, live_server, community):
    with live_server.app.app_context():
        moderation.hide_thread(actor=db.session.scalar(db.select(User).filter_by(username="mod_maria")),
                               thread=db.session.get(Thread, community["first"]),
                               note="It names another customer's street address.")
    log_in(page, live_server, "asker", PASSWORD)
    page.goto(live_server.path(f"/questions/{community['first']}/{community['first_slug']}"))
    notice = page.locator("[data-hidden-notice]")
    assert "A moderator hid your question" in notice.inner_text()
    assert "It names another customer's street address." in notice.inner_text()
    assert "Thermostat shows the wrong room" in page.locator("h1").inner_text()

    other = new_page(browser)
    log_in(other, live_server, "helper", PASSWORD)
    response = other.goto(live_server.path(f"/questions/{community['first']}/{community['first_slug']}"))
    assert response.status == 404
    other.context.close()
    assert page.js_errors == []


def test_a_deleted_members_name_says_the_account_was_deleted(page, live_server, community):
    with live_server.app.app_context():
        helper = db.session.scalar(db.select(User).filter_by(username="helper"))
        delete_account(actor=helper, target=helper, password=PASSWORD)
        name = db.session.get(User, helper.id).username
    response = page.goto(live_server.path(f"/users/{name}"))
    assert response.status == 410
    assert page.locator("h1").inner_text() == "This account was deleted"
    assert page.js_errors == []
