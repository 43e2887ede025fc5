"""Issue 17, item 3: logout ends that session and its remember-me cookie on the server; "log out everywhere",
a password change and a suspension end every session; API tokens stay until revoked."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from forum.auth import services as auth_services
from forum.extensions import db
from forum.models import Role, User, UserSession
from forum.moderation import services as moderation
from tests.conftest import count_queries, login_as
from tests.factories import PASSWORD, make_user


def _make(app: Flask, username: str = "carol", **kwargs) -> int:
    with app.app_context():
        return make_user(username, **kwargs).id


def _log_in(app: Flask, remember: bool = False):
    client = app.test_client()
    response = client.post("/login", data={"login": "carol", "password": PASSWORD, **({"remember": "y"} if remember
                                                                                      else {})})
    assert response.status_code == 302
    return client


def _copy(app: Flask, client, name: str):
    """A second browser holding a copy of one cookie (what a thief or a shared computer keeps)."""
    other = app.test_client()
    other.set_cookie(name, client.get_cookie(name).value)
    return other


def _opens_settings(client) -> bool:
    return client.get("/settings").status_code == 200


def _sessions(app: Flask, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)
                                 .where(UserSession.user_id == user_id))


def test_logout_ends_the_copied_session_and_remember_me_cookies(app):
    """Reproduction: a saved session cookie and the one-year remember-me cookie still opened /settings."""
    user_id = _make(app)
    browser = _log_in(app, remember=True)
    session_copy, remember_copy = _copy(app, browser, "session"), _copy(app, browser, "remember_token")
    assert _opens_settings(session_copy) and _opens_settings(remember_copy)
    remember_copy = _copy(app, browser, "remember_token")  # the cookie alone again (the first copy has a session now)
    assert browser.post("/logout").status_code == 302
    assert not _opens_settings(browser)
    assert not _opens_settings(session_copy)
    assert not _opens_settings(remember_copy)
    assert _sessions(app, user_id) == 0


def test_logout_ends_only_that_session(app):
    _make(app)
    laptop, phone = _log_in(app), _log_in(app)
    laptop.post("/logout")
    assert _opens_settings(phone) and not _opens_settings(laptop)


def test_log_out_everywhere_ends_every_session_but_not_api_tokens(app):
    user_id = _make(app)
    with app.app_context():
        token = auth_services.create_token(user=db.session.get(User, user_id))
    laptop, phone = _log_in(app), _log_in(app, remember=True)
    phone_remember = _copy(app, phone, "remember_token")
    legacy = app.test_client()
    login_as(legacy, user_id)  # a session from before 0011 (no key)
    assert _opens_settings(legacy)
    page = laptop.get("/settings").get_data(as_text=True)
    assert 'action="/settings/logout-everywhere"' in page
    assert laptop.post("/settings/logout-everywhere").status_code == 302
    for client in (laptop, phone, phone_remember, legacy):
        assert not _opens_settings(client)
    api = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    assert _sessions(app, user_id) == 0
    assert _opens_settings(_log_in(app))  # and logging in again works


def test_password_change_ends_other_sessions_and_keeps_this_one(app):
    _make(app)
    laptop, phone = _log_in(app), _log_in(app, remember=True)
    phone_remember = _copy(app, phone, "remember_token")
    response = laptop.post("/settings/password", data={"current_password": PASSWORD,
                                                       "new_password": "a totally new secret"})
    assert response.status_code == 302
    assert _opens_settings(laptop)
    assert not _opens_settings(phone) and not _opens_settings(phone_remember)


def test_suspension_ends_every_session(app):
    user_id = _make(app)
    moderator_id = _make(app, "mod", role=Role.MODERATOR)
    browser = _log_in(app, remember=True)
    remember = _copy(app, browser, "remember_token")
    with app.app_context():
        moderation.suspend_user(actor=db.session.get(User, moderator_id), user=db.session.get(User, user_id),
                                days=3, reason="Spam.")
    assert not _opens_settings(browser) and not _opens_settings(remember)
    assert _sessions(app, user_id) == 0


def test_a_legacy_session_is_ended_at_logout_too(app):
    """Sessions from before 0011 carry no key: logging one out ends them all (the version moves)."""
    user_id = _make(app)
    browser = app.test_client()
    login_as(browser, user_id)
    copy = _copy(app, browser, "session")
    browser.post("/logout")
    assert not _opens_settings(copy)


def test_checking_the_session_costs_no_extra_statement(app):
    """The session row is checked in the statement that loads the user (tests/test_budgets.py budgets)."""
    user_id = _make(app)
    keyed = _log_in(app)
    legacy = app.test_client()
    login_as(legacy, user_id)
    keyed.get("/settings"), legacy.get("/settings")
    counts = []
    for client in (keyed, legacy):
        with app.app_context():
            engine = db.engine
        with count_queries(engine) as statements:
            assert client.get("/settings").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_sessions_older_than_the_remember_me_cookie_are_swept_at_the_next_login(app):
    from datetime import timedelta

    from forum import clock
    user_id = _make(app)
    _log_in(app, remember=True)
    clock.freeze(clock.utcnow() + timedelta(days=400))
    try:
        _log_in(app)
    finally:
        clock.freeze(None)
    assert _sessions(app, user_id) == 1
