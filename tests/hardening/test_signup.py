"""Issue 17, item 1: strangers' accounts confirm their address before they post, vote or flag; the register form
tells nobody whether an address has an account; a honeypot and a per-address limit slow bots."""
from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa
from flask import Flask

from config import ProductionConfig
from forum.auth import confirmation
from forum.extensions import db
from forum.models import Role, User
from tests.conftest import login_as
from tests.factories import PASSWORD, make_category, make_thread, make_user


def _outbox(app: Flask) -> list:
    return app.extensions["mailman"].__dict__.setdefault("outbox", [])


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _register(client, username: str, email: str, **extra):
    return client.post("/register", data={"username": username, "email": email, "password": PASSWORD, **extra})


def _main(response) -> str:
    """The page without the per-request parts (CSRF token), to compare two answers."""
    text = response.get_data(as_text=True)
    text = re.sub(r'name="csrf_token" value="[^"]*"', "", text)
    return re.sub(r'href="[^"]*/confirm/[^"]*"', "", text).replace("ann@example.com", "X").replace(
        "new@example.com", "X")


@pytest.mark.config(CONFIRM_LINK_ON_PAGE=False)  # as in production (development shows new accounts their link)
def test_register_answers_the_same_whether_or_not_the_email_is_taken(app, client):
    """Reproduction: /register told anyone whether an email has an account."""
    with app.app_context():
        make_user("ann", email="ann@example.com")
    taken = _register(client, "annie", "ann@example.com")
    fresh = app.test_client()
    new = _register(fresh, "newbie", "new@example.com")
    assert taken.status_code == new.status_code == 200
    assert _main(taken) == _main(new) and "Check your email" in _text(taken)
    # the owner of the existing address is told by mail; nobody made a second account with it
    mails = _outbox(app)
    to_ann = [m for m in mails if m.to == ["ann@example.com"]]
    assert len(to_ann) == 1 and "already has one" in to_ann[0].body and "/reset-password" in to_ann[0].body
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                                 .where(User.username == "annie")) == 0
        newbie = db.session.scalar(sa.select(User).where(User.username == "newbie"))
        assert newbie.email_confirmed_at is None
    assert any(m.to == ["new@example.com"] and "/confirm/" in m.body for m in mails)


def test_honeypot_creates_nothing_and_answers_the_same(app, client):
    response = _register(client, "botty", "bot@example.com", website="http://spam.example")
    assert response.status_code == 200 and "Check your email" in _text(response)
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "botty")) is None
    assert _outbox(app) == []


def test_honeypot_is_hidden_from_people(client):
    page = client.get("/register").get_data(as_text=True)
    assert re.search(r'<div class="visually-hidden" aria-hidden="true">\s*<label for="website">', page)
    assert 'tabindex="-1"' in page


@pytest.mark.config(RATELIMIT_ENABLED=True, REGISTER_LIMIT="3/hour")
def test_registration_is_limited_per_address(app, client):
    for number in range(3):
        assert _register(client, f"bulk{number}", f"bulk{number}@example.com").status_code == 200
    refused = _register(client, "bulk9", "bulk9@example.com")
    assert refused.status_code == 429 and 3000 < int(refused.headers["Retry-After"]) <= 3600
    page = _text(refused)
    assert "Too many sign-ups from your address. Please try again in 60 minutes." in page
    assert 'value="bulk9"' in page and 'value="bulk9@example.com"' in page  # what was typed comes back
    assert PASSWORD not in page
    elsewhere = client.post("/register", data={"username": "bulk8", "email": "bulk8@example.com",
                                               "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert elsewhere.status_code == 200


@pytest.mark.config(RATELIMIT_ENABLED=True, REGISTER_LIMIT="1/day")
def test_a_day_limit_says_hours_not_an_hour(client):
    assert _register(client, "daily1", "daily1@example.com").status_code == 200
    refused = _register(client, "daily2", "daily2@example.com")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 23 * 3600
    assert "Please try again in 24 hours." in _text(refused)


@pytest.mark.config(RATELIMIT_ENABLED=True, CONFIRM_RESEND_LIMIT="2/hour")
def test_too_many_new_links_says_when_another_can_be_sent(app, client):
    _unconfirmed(app)
    client.post("/login", data={"login": "fresh", "password": PASSWORD})
    for _ in range(2):
        assert client.post("/confirm/resend").status_code == 200
    refused = client.post("/confirm/resend")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 3000
    page = _text(refused)
    assert "Please check your mail" in page and "Please try again in 60 minutes." in page
    assert "Wait a minute" not in page  # no generic hint contradicting the time


@pytest.mark.config(RATELIMIT_ENABLED=True, REGISTER_LIMIT="2/hour")
def test_mistyped_sign_ups_do_not_count(client):
    for _ in range(4):
        assert client.post("/register", data={"username": "x!", "email": "bad", "password": "p"}).status_code == 422
    assert _register(client, "typo", "typo@example.com").status_code == 200


def _unconfirmed(app: Flask) -> tuple[int, str]:
    with app.app_context():
        confirmation.sign_up(username="fresh", email="fresh@example.com", password=PASSWORD)
        user = db.session.scalar(sa.select(User).where(User.username == "fresh"))
        return user.id, confirmation.confirmation_token(user)


def test_unconfirmed_account_can_log_in_and_read_but_not_post_vote_or_flag(app, client):
    user_id, _ = _unconfirmed(app)
    with app.app_context():
        make_category("general")
        thread = make_thread(make_user("asker"))
        thread_id, post_id = thread.id, thread.question.id
    assert client.post("/login", data={"login": "fresh", "password": PASSWORD}).status_code == 302
    page = _text(client.get(f"/questions/{thread_id}", follow_redirects=True))
    assert "Please confirm your email address to post, vote and flag" in page
    asked = client.post("/questions/ask", data={"title": "How do I reset the hub?", "body": "It blinks red.",
                                                "category": "general"})
    assert asked.status_code == 403 and "confirm your email address" in _text(asked)
    for url, data in [(f"/questions/{thread_id}/answers", {"body": "Try a reboot."}),
                      (f"/posts/{post_id}/vote", {"value": "1"}),
                      (f"/posts/{post_id}/flags", {"reason": "spam"})]:
        refused = client.post(url, data=data)
        assert refused.status_code == 403 and "confirm your email address" in _text(refused), url
    api = client.post("/api/v1/questions", json={"title": "How do I reset the hub?", "body": "It blinks red.",
                                                 "category": "general"})
    assert api.status_code == 403 and "confirm your email address" in api.get_json()["error"]["message"]
    # the profile and settings stay theirs to edit
    assert client.get("/settings").status_code == 200
    with app.app_context():
        assert db.session.get(User, user_id).email_confirmed_at is None


def test_resend_mails_a_new_link_and_shows_it_without_a_mail_server(app, client):
    _user_id, _ = _unconfirmed(app)
    client.post("/login", data={"login": "fresh", "password": PASSWORD})
    before = len(_outbox(app))
    response = client.post("/confirm/resend")
    assert response.status_code == 200 and "We sent a new confirmation link" in _text(response)
    assert "Confirm my address" in _text(response)  # development without MAIL_SERVER shows the link
    assert len(_outbox(app)) == before + 1


def test_the_link_confirms_with_a_post_and_a_get_changes_nothing(app, client):
    user_id, token = _unconfirmed(app)
    assert client.get(f"/confirm/{token}").status_code == 200
    with app.app_context():
        assert db.session.get(User, user_id).email_confirmed_at is None
    assert client.post(f"/confirm/{token}").status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).email_confirmed_at is not None
    with app.app_context():
        make_category("general")
    asked = client.post("/questions/ask", data={"title": "How do I reset the hub?", "body": "It blinks red.",
                                                "category": "general"})
    assert asked.status_code == 302


@pytest.mark.parametrize("token", ["garbage", "eyJ1aWQiOjF9.bad.sig"])
def test_a_bad_link_is_refused_plainly(client, token):
    response = client.post(f"/confirm/{token}")
    assert response.status_code == 400 and "not valid" in _text(response)


@pytest.mark.config(EMAIL_CONFIRM_MAX_AGE=-1)
def test_an_expired_link_says_so(app, client):
    _, token = _unconfirmed(app)
    response = client.post(f"/confirm/{token}")
    assert response.status_code == 400 and "expired" in _text(response)


def test_production_never_shows_the_link_on_the_page(app, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://community.example.com")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    assert ProductionConfig().CONFIRM_LINK_ON_PAGE is False
    app.config.update(CONFIRM_LINK_ON_PAGE=False)
    with app.app_context():
        assert confirmation.sign_up(username="prod", email="prod@example.com", password=PASSWORD) is None


@pytest.mark.config(MAIL_SERVER="smtp.example.com")
def test_development_with_a_mail_server_does_not_show_the_link(app, client):
    response = _register(client, "mailed", "mailed@example.com")
    assert response.status_code == 200 and "Check your email" in _text(response)
    assert "/confirm/" not in _text(response) and "Confirm my address" not in _text(response)
    assert any(m.to == ["mailed@example.com"] and "/confirm/" in m.body for m in _outbox(app))


def test_a_production_app_never_shows_the_link_even_without_a_mail_server(monkeypatch, tmp_path):
    """The whole page, from a ProductionConfig app with no MAIL_SERVER: the link goes by mail only."""
    from forum import create_app
    monkeypatch.setenv("SITE_URL", "https://community.example.com")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    config = ProductionConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'prod.db'}"
    config.SEARCH_INDEX_DIR = str(tmp_path / "index")
    config.TESTING, config.WTF_CSRF_ENABLED, config.MAIL_BACKEND = True, False, "locmem"
    assert config.MAIL_SERVER == "" and config.CONFIRM_LINK_ON_PAGE is False
    app = create_app(config)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    response = _register(client, "produser", "produser@example.com")
    page = _text(response)
    assert response.status_code == 200 and "Check your email" in page
    assert "/confirm/" not in page and "Confirm my address" not in page and "No mail server" not in page
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "produser"))
        assert user is not None and user.email_confirmed_at is None
        assert confirmation.resend(user=user) is None  # "send a new link" shows none either
        db.session.remove()
        db.engine.dispose()
    assert any(m.to == ["produser@example.com"] and "https://community.example.com/confirm/" in m.body
               for m in _outbox(app))


def test_accounts_made_by_trusted_hands_count_as_confirmed(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "create-user", "cli_made", "cli@example.com", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "cli_made")).email_confirmed_at
        assert make_user("factory_made").email_confirmed_at is not None
        assert make_user("staffer", role=Role.STAFF).email_confirmed_at is not None


def test_unconfirmed_member_pages_are_not_shared_with_confirmed_members(app):
    """The shared member thread page has vote buttons; an unconfirmed member must get a page of their own."""
    from forum.questions.queries import member_view
    user_id, _ = _unconfirmed(app)
    with app.app_context():
        make_category("general")
        thread = make_thread(make_user("asker"))
        assert member_view(thread, db.session.get(User, user_id)) is None
        assert member_view(thread, make_user("confirmed")) is not None


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_any_other_rate_refusal_says_when_from_its_own_limit(app, client):
    """The account-deletion password check allows 10 an hour: the 11th is told the minutes, not "a minute"."""
    with app.app_context():
        user_id = make_user("deleter").id
    login_as(client, user_id)
    for _ in range(10):
        assert client.post("/settings/delete", data={"password": "wrong password"}).status_code != 429
    refused = client.post("/settings/delete", data={"password": "wrong password"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 3000
    page = _text(refused)
    assert "Too many attempts. Please try again in 60 minutes." in page and "Wait a minute" not in page
    api = client.delete("/api/v1/me", json={"password": "wrong password"})
    for _ in range(10):
        api = client.delete("/api/v1/me", json={"password": "wrong password"})
    assert api.status_code == 429 and "Please try again in 60 minutes." in api.get_json()["error"]["message"]
