"""Issue 17, item 3 in Chromium: after logout a copied cookie no longer opens /settings, and "Log out everywhere"
ends another browser's session (its remember-me cookie too)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, new_page
from tests.factories import make_user

pytestmark = pytest.mark.browser
PASSWORD = "a long enough password"


def _remember_log_in(page, live_server) -> None:
    page.goto(live_server.path("/login"))
    page.fill("#login", "carol")
    page.fill("#password", PASSWORD)
    page.get_by_label("Keep me logged in").check()
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(lambda url: "/login" not in url)


def _opens_settings(page, live_server) -> bool:
    page.goto(live_server.path("/settings"))
    return "/settings" in page.url and page.get_by_role("heading", name="Settings").is_visible()


def test_logout_then_a_copied_cookie_no_longer_opens_settings(live_server, page, browser):
    with live_server.app.app_context():
        make_user("carol", password=PASSWORD)
    _remember_log_in(page, live_server)
    cookies = page.context.cookies()
    assert {"session", "remember_token"} <= {cookie["name"] for cookie in cookies}
    thief = new_page(browser)
    thief.context.add_cookies(cookies)
    assert _opens_settings(thief, live_server)

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert page.get_by_text("You are logged out.").is_visible()

    for copy in (cookies, [c for c in cookies if c["name"] == "remember_token"]):
        other = new_page(browser)
        other.context.add_cookies(copy)
        assert not _opens_settings(other, live_server)
        assert "/login" in other.url
        other.context.close()
    assert not _opens_settings(thief, live_server)
    thief.context.close()


def test_log_out_everywhere_ends_another_browsers_session(live_server, page, browser):
    with live_server.app.app_context():
        make_user("carol", password=PASSWORD)
    phone = new_page(browser)
    _remember_log_in(phone, live_server)
    log_in(page, live_server, "carol", PASSWORD)
    assert _opens_settings(phone, live_server)

    page.goto(live_server.path("/settings"))
    page.get_by_role("button", name="Log out everywhere").click()
    page.wait_for_load_state()
    assert page.get_by_text("You are logged out everywhere").is_visible()

    assert not _opens_settings(phone, live_server) and "/login" in phone.url
    assert not _opens_settings(page, live_server)
    phone.context.close()


def test_password_change_ends_a_copied_cookie_and_keeps_this_browser(live_server, page, browser):
    with live_server.app.app_context():
        make_user("carol", password=PASSWORD)
    phone = new_page(browser)
    _remember_log_in(phone, live_server)
    stolen = phone.context.cookies()
    remember_only = [cookie for cookie in stolen if cookie["name"] == "remember_token"]
    log_in(page, live_server, "carol", PASSWORD)

    page.goto(live_server.path("/settings#password"))
    page.fill("#current_password", PASSWORD)
    page.fill("#new_password", "another long enough password")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    assert page.get_by_text("Password changed. Other sessions were logged out.").is_visible()
    assert _opens_settings(page, live_server)  # this browser stays in

    assert not _opens_settings(phone, live_server)
    for copy in (stolen, remember_only):
        thief = new_page(browser)
        thief.context.add_cookies(copy)
        assert not _opens_settings(thief, live_server) and "/login" in thief.url
        thief.context.close()
    phone.context.close()


def test_suspension_ends_a_copied_remember_me_cookie(live_server, page, browser):
    from forum.extensions import db
    from forum.models import Role, User
    from forum.moderation import services as moderation
    with live_server.app.app_context():
        carol_id = make_user("carol", password=PASSWORD).id
        moderator_id = make_user("mod_mia", role=Role.MODERATOR).id
    _remember_log_in(page, live_server)
    remember_only = [cookie for cookie in page.context.cookies() if cookie["name"] == "remember_token"]
    thief = new_page(browser)
    thief.context.add_cookies(remember_only)
    assert _opens_settings(thief, live_server)
    thief.context.clear_cookies()
    thief.context.add_cookies(remember_only)  # the remember-me cookie alone again

    with live_server.app.app_context():
        moderation.suspend_user(actor=db.session.get(User, moderator_id), user=db.session.get(User, carol_id),
                                days=3, reason="Spam.")
        db.session.remove()
    assert not _opens_settings(page, live_server)
    assert not _opens_settings(thief, live_server) and "/login" in thief.url
    thief.context.close()
