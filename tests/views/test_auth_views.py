"""Account pages: register, login (next, remember me, rate limits), logout, change and reset password."""
from __future__ import annotations

import html
import re

import pytest
from flask import Flask

from forum.auth.services import LOGIN_FAILED
from forum.extensions import db
from forum.models import User
from tests.conftest import login_as
from tests.factories import PASSWORD, make_user

HOME = ("/", "/questions")  # the question list answers on both


def _make_user(app: Flask, username: str = "carol", **kwargs) -> int:
    with app.app_context():
        return make_user(username, **kwargs).id


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _logged_in_as(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def _outbox(app: Flask) -> list:
    return app.extensions["mailman"].__dict__.setdefault("outbox", [])


@pytest.mark.parametrize("path", ["/register", "/login", "/reset-password"])
def test_account_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'name="csrf_token"' in response.get_data(as_text=True)


# -- register ----------------------------------------------------------------------------------

def test_register_mails_a_confirmation_link_and_the_link_logs_in(app, client):
    """Issue 17: a new account confirms its address first; the link's page confirms with a POST (GET writes nothing)."""
    response = client.post("/register", data={"username": "newbie", "email": "newbie@example.com",
                                              "password": PASSWORD})
    assert response.status_code == 200 and "Check your email" in _text(response)
    assert _logged_in_as(client) is None
    path = re.search(r'href="(/confirm/[^"]+)"', response.get_data(as_text=True)).group(1)
    assert path in _outbox(app)[-1].body  # the page shows the mailed link (development, no MAIL_SERVER)
    assert client.get(path).status_code == 200
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    with app.app_context():
        user = db.session.query(User).filter_by(username="newbie").one()
        assert user.email_confirmed_at is not None
        assert _logged_in_as(client).startswith(f"{user.id}:1:")
    assert "your address is confirmed" in _text(client.get("/"))


def test_register_bad_input_keeps_what_was_typed(client):
    response = client.post("/register", data={"username": "x!", "email": "not-an-email",
                                              "password": "Pw7#q"})
    page = _text(response)
    assert response.status_code == 422
    assert 'value="x!"' in page and 'value="not-an-email"' in page
    assert "Use 3 to 30 letters, digits, dots, dashes or underscores." in page
    assert "Enter a valid email address" in page and "Use at least 8 characters." in page
    assert "Pw7#q" not in page  # a password is never echoed back
    assert _logged_in_as(client) is None


def test_register_taken_username_ignoring_case(app, client):
    _make_user(app, "Carol")
    response = client.post("/register", data={"username": "CAROL", "email": "c2@example.com", "password": PASSWORD})
    assert response.status_code == 422 and "That username is taken." in _text(response)


def test_register_never_redirects_offsite(client):
    data = {"username": "nexter", "email": "nexter@example.com", "password": PASSWORD}
    response = client.post("/register?next=//evil.com", data=data)
    assert response.status_code == 200 and "Location" not in response.headers


def test_logged_in_user_visiting_register_is_sent_home(app, client):
    login_as(client, _make_user(app))
    assert client.get("/register").status_code == 302


# -- login -------------------------------------------------------------------------------------

@pytest.mark.parametrize("login", ["carol", "CAROL", "carol@example.com"])
def test_login_by_username_or_email(app, client, login):
    user_id = _make_user(app, email="carol@example.com")
    response = client.post("/login", data={"login": login, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] in HOME
    assert _logged_in_as(client).startswith(f"{user_id}:1:")  # id, session version, this session's key


@pytest.mark.parametrize("login, password", [("carol", "wrong-password"), ("nobody", PASSWORD), ("", ""),
                                             ("carol@example.com", "nope-nope")])
def test_login_failure_has_one_message_and_keeps_the_login(app, client, login, password):
    _make_user(app, email="carol@example.com")
    response = client.post("/login", data={"login": login, "password": password})
    page = _text(response)
    assert response.status_code == 422 and LOGIN_FAILED in page
    assert f'value="{login}"' in page
    assert password not in page or password == ""
    assert _logged_in_as(client) is None


@pytest.mark.parametrize("target", ["/questions/1", "/questions?sort=top"])
def test_login_follows_local_next(app, client, target):
    _make_user(app)
    response = client.post("/login", query_string={"next": target}, data={"login": "carol", "password": PASSWORD})
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", ["//evil.com", "/\\evil.com", "/\tevil", "/\t/evil.com", "///evil",
                                    "https://evil.com", "javascript:alert(1)", "http:evil.com"])
def test_login_refuses_offsite_next(app, client, target):
    _make_user(app)
    response = client.post("/login", query_string={"next": target}, data={"login": "carol", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] in HOME


def test_login_form_carries_next_through(client):
    page = client.get("/login?next=/questions/7").get_data(as_text=True)
    assert 'action="/login?next=/questions/7"' in page or 'action="/login?next=%2Fquestions%2F7"' in page


def test_remember_me_sets_a_long_lived_cookie(app, client):
    _make_user(app)
    client.post("/login", data={"login": "carol", "password": PASSWORD, "remember": "y"})
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.expires is not None
    other = app.test_client()
    other.post("/login", data={"login": "carol", "password": PASSWORD})
    assert other.get_cookie("remember_token") is None


def test_remember_cookie_alone_logs_back_in(app, client):
    user_id = _make_user(app)
    client.post("/login", data={"login": "carol", "password": PASSWORD, "remember": "y"})
    cookie = client.get_cookie("remember_token")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value)
    assert fresh.get("/settings").status_code == 200
    assert _logged_in_as(fresh).startswith(f"{user_id}:1:")


def test_logout_is_post_only(app, client):
    login_as(client, _make_user(app))
    assert client.get("/logout").status_code == 405
    assert _logged_in_as(client) is not None
    response = client.post("/logout")
    assert response.status_code == 302 and _logged_in_as(client) is None
    assert client.get("/settings").status_code == 302


def test_login_required_pages_send_visitors_to_login_with_next(client):
    response = client.get("/settings")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


# -- rate limiting -----------------------------------------------------------------------------

def _attempt(client, login: str, password: str = "wrong-password", ip: str = "10.0.0.1"):
    return client.post("/login", data={"login": login, "password": password}, environ_base={"REMOTE_ADDR": ip})


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_login_limited_per_account_and_address_together(app, client):
    """Issue 17 replaced the per-account lockout (anyone could lock an owner out): tests/hardening/test_lockout.py."""
    _make_user(app)
    for _ in range(5):
        assert _attempt(client, "carol", ip="10.0.1.1").status_code == 422
    blocked = _attempt(client, "CAROL", ip="10.0.1.1")
    assert blocked.status_code == 429 and "Too many failed attempts" in _text(blocked)
    # even the right password waits from that address: the attacker may have guessed it
    assert _attempt(client, "carol", PASSWORD, ip="10.0.1.1").status_code == 429
    assert _attempt(client, "someone-else", ip="10.0.1.1").status_code == 422  # other accounts unaffected


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_login_limit_counts_username_and_email_as_one_account(app, client):
    _make_user(app, email="carol@example.com")
    for _number, login in enumerate(["carol", "carol@example.com", "Carol", "CAROL@example.com", "carol"]):
        assert _attempt(client, login, ip="10.0.4.1").status_code == 422
    assert _attempt(client, "carol@example.com", ip="10.0.4.1").status_code == 429


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_login_limited_per_ip_across_accounts(app, client):
    for number in range(20):
        assert _attempt(client, f"guess{number}", ip="10.0.2.1").status_code == 422
    blocked = _attempt(client, "guess-final", ip="10.0.2.1")
    assert blocked.status_code == 429 and "Too many failed attempts" in _text(blocked)
    assert _attempt(client, "guess-final", ip="10.0.2.2").status_code == 422


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_login_limit_answers_json_for_api_clients(app, client):
    for _ in range(5):
        _attempt(client, "victim", ip="127.0.0.1")
    response = client.post("/login", data={"login": "victim", "password": "x"}, headers={"Accept": "application/json"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"]["code"] == "rate_limited"


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_successful_logins_do_not_count(app, client):
    _make_user(app)
    for _ in range(12):
        assert _attempt(client, "carol", PASSWORD).status_code == 302
        client.post("/logout")
    for _ in range(5):
        assert _attempt(client, "carol").status_code == 422
    assert _attempt(client, "carol").status_code == 429


# -- change password ---------------------------------------------------------------------------

def test_change_password_keeps_this_session_and_ends_others(app, client):
    user_id = _make_user(app)
    other = app.test_client()
    login_as(client, user_id)
    login_as(other, user_id)
    assert other.get("/settings").status_code == 200
    response = client.post("/settings/password", data={"current_password": PASSWORD,
                                                       "new_password": "a totally new secret"})
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200
    assert other.get("/settings").status_code == 302  # the old session version no longer loads
    assert client.post("/login", data={"login": "carol", "password": "a totally new secret"}).status_code == 302


def test_change_password_ends_remember_me_cookies(app, client):
    user_id = _make_user(app)
    remembered = app.test_client()
    remembered.post("/login", data={"login": "carol", "password": PASSWORD, "remember": "y"})
    cookie = remembered.get_cookie("remember_token").value
    login_as(client, user_id)
    client.post("/settings/password", data={"current_password": PASSWORD, "new_password": "a totally new secret"})
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie)
    assert fresh.get("/settings").status_code == 302


def test_change_password_bad_input_shows_field_messages(app, client):
    login_as(client, _make_user(app))
    response = client.post("/settings/password", data={"current_password": "wrong", "new_password": "short"})
    page = _text(response)
    assert response.status_code == 422
    assert "That is not your current password." in page and "Use at least 8 characters." in page


# -- reset password ----------------------------------------------------------------------------

def test_reset_password_end_to_end(app, client):
    _make_user(app, email="carol@example.com")
    outbox = _outbox(app)
    outbox.clear()
    response = client.post("/reset-password", data={"email": "carol@example.com"})
    assert response.status_code == 302
    assert len(outbox) == 1 and outbox[0].to == ["carol@example.com"]
    path = re.search(r"https?://[^/]+(/reset-password/\S+)", outbox[0].body).group(1)
    assert client.get(path).status_code == 200
    short = client.post(path, data={"password": "short"})
    assert short.status_code == 422 and "Use at least 8 characters." in _text(short)
    assert client.post(path, data={"password": "my new password"}).status_code == 302
    assert client.post("/login", data={"login": "carol", "password": "my new password"}).status_code == 302
    again = client.post(path, data={"password": "yet another one"})
    assert again.status_code == 400 and "already used" in _text(again)


def test_reset_request_says_the_same_for_unknown_addresses(app, client):
    _make_user(app, email="carol@example.com")
    outbox = _outbox(app)
    outbox.clear()
    known = client.post("/reset-password", data={"email": "carol@example.com"}, follow_redirects=True)
    unknown = client.post("/reset-password", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    message = "If an account uses that address, a reset link is on its way."
    assert message in _text(known) and message in _text(unknown)
    assert len(outbox) == 1


@pytest.mark.parametrize("token", ["garbage", "a" * 300, "eyJ1aWQiOjF9.AAAA.BBBB"])
def test_reset_with_bad_token_is_a_clear_400(client, token):
    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 400 and "not valid" in _text(response)


# -- profile -----------------------------------------------------------------------------------

def test_profile_page_and_unknown_user(app, client):
    _make_user(app)
    assert client.get("/users/CAROL").status_code == 200
    assert client.get("/users/nobody-here").status_code == 404
