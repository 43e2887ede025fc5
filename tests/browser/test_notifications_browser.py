"""A member sees the bell count rise when another member answers, and following the notification reads it."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Thread, User
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_answer, make_thread, make_user

pytestmark = pytest.mark.browser


def test_bell_count_rises_after_another_member_answers(live_server, page):
    with live_server.app.app_context():
        asker = make_user("asker")
        thread = make_thread(asker, title="Camera night vision turns the image pink")
        thread_id = thread.id
        make_user("helper")
    log_in(page, live_server, "asker", PASSWORD)
    page.goto(live_server.path(f"/questions/{thread_id}"))
    bell = page.locator("a.bell")
    assert bell.get_attribute("data-unread") == "0"
    assert page.locator("#bell-count").count() == 0

    with live_server.app.app_context():  # another member answers (through the same service as the site)
        helper = db.session.scalar(sa.select(User).where(User.username == "helper"))
        make_answer(db.session.get(Thread, thread_id), helper, body="Switch the IR filter to auto")

    page.goto(live_server.path("/questions"))  # elsewhere: opening the thread itself would mark it read
    assert bell.get_attribute("data-unread") == "1"
    assert page.locator("#bell-count").inner_text() == "1"
    assert "1 unread" in bell.get_attribute("aria-label")

    bell.click()
    page.wait_for_url(lambda url: url.endswith("/notifications"))
    link = page.locator("[data-notification-link]").first
    assert "helper answered your question" in link.inner_text()
    with page.expect_response(lambda response: response.url.endswith("/read") and response.ok):
        link.click()  # following the link marks it read (notifications.js)
    page.wait_for_url(lambda url: f"/questions/{thread_id}/" in url)
    page.goto(live_server.path("/notifications"))
    assert page.locator("a.bell").get_attribute("data-unread") == "0"
    assert page.js_errors == []
