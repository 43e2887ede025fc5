"""auth.services and friends: registration rules, login, passwords, reset tokens, API tokens, safe_next."""
from __future__ import annotations

import logging
import re
import time

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import current_app

from forum import redirects
from forum.auth import services
from forum.auth.passwords import hash_password, verify_password
from forum.errors import Invalid, NotFound
from forum.extensions import db
from forum.models import ApiToken, Role, User
from tests.factories import PASSWORD, make_user


def _outbox() -> list:
    return getattr(current_app.extensions["mailman"], "outbox", [])


@pytest.fixture
def outbox(ctx):
    current_app.extensions["mailman"].outbox = []  # the Mail object is shared by every app in the process
    return current_app.extensions["mailman"].outbox


# -- register ----------------------------------------------------------------------------------

@pytest.mark.parametrize("username, ok", [
    ("abc", True), ("a" * 30, True), ("Jo_Doe.x-1", True), ("ab", False), ("a" * 31, False),
    ("with space", False), ("émile", False), ("bad/name", False), ("semi;colon", False), ("", False),
    ("a\x00bc", False), ("<script>", False),
])
def test_username_rules(ctx, username, ok):
    if ok:
        assert services.register_user(username=username, email="x@example.com", password=PASSWORD).username == username
    else:
        with pytest.raises(Invalid) as error:
            services.register_user(username=username, email="x@example.com", password=PASSWORD)
        assert set(error.value.fields) == {"username"}


def test_username_unique_ignoring_case(ctx):
    make_user("Alice")
    with pytest.raises(Invalid) as error:
        services.register_user(username="aLICE", email="other@example.com", password=PASSWORD)
    assert error.value.fields == {"username": "That username is taken."}


@pytest.mark.parametrize("email", ["plain", "a@b", "a@@example.com", "a b@example.com", "@example.com",
                                   "a@example..com", "", "a@-example.com", "x" * 250 + "@example.com"])
def test_email_must_be_valid(ctx, email):
    with pytest.raises(Invalid) as error:
        services.register_user(username="someone", email=email, password=PASSWORD)
    assert set(error.value.fields) == {"email"}


def test_email_unique_ignoring_case_and_stored_lowercase(ctx):
    user = services.register_user(username="first", email="Mixed.Case@Example.COM", password=PASSWORD)
    assert user.email == "mixed.case@example.com"
    with pytest.raises(Invalid) as error:
        services.register_user(username="second", email="MIXED.case@example.com", password=PASSWORD)
    assert set(error.value.fields) == {"email"}


@pytest.mark.parametrize("password, ok", [("1234567", False), ("12345678", True), ("", False), (None, False),
                                          ("x" * 1001, False), ("abcdefg\x00h", False)])
def test_password_rules(ctx, password, ok):
    if ok:
        services.register_user(username="pw_user", email="pw@example.com", password=password)
    else:
        with pytest.raises(Invalid) as error:
            services.register_user(username="pw_user", email="pw@example.com", password=password)
        assert set(error.value.fields) == {"password"}


def test_register_reports_all_fields_and_stores_nothing(ctx):
    with pytest.raises(Invalid) as error:
        services.register_user(username="x", email="nope", password="short")
    assert set(error.value.fields) == {"username", "email", "password"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_register_rejects_unknown_role(ctx):
    with pytest.raises(Invalid) as error:
        services.register_user(username="rolly", email="r@example.com", password=PASSWORD, role="overlord")
    assert "role" in error.value.fields


def test_new_account_is_a_member_with_reputation_one_and_argon2id_hash(ctx):
    user = make_user("newbie")
    assert (user.role, user.reputation, user.session_version) == (Role.MEMBER, 1, 1)
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


# -- login -------------------------------------------------------------------------------------

def test_login_by_username_any_case_or_email(ctx):
    user = make_user("Carol", email="carol@example.com")
    assert services.authenticate(login="carol", password=PASSWORD).id == user.id
    assert services.authenticate(login="  CAROL ", password=PASSWORD).id == user.id
    assert services.authenticate(login="Carol@Example.com", password=PASSWORD).id == user.id
    assert db.session.get(User, user.id).last_seen_at is not None


@pytest.mark.parametrize("login, password", [
    ("carol", "wrong-password"), ("nobody", PASSWORD), ("nobody@example.com", PASSWORD), ("", ""),
    ("carol", ""), (None, None), (["carol"], PASSWORD), ("carol", PASSWORD.upper()),
])
def test_every_login_failure_says_the_same(ctx, login, password):
    make_user("carol")
    with pytest.raises(Invalid) as error:
        services.authenticate(login=login, password=password)
    assert error.value.message == services.LOGIN_FAILED
    assert error.value.fields == {"login": services.LOGIN_FAILED}


def test_deleted_account_cannot_log_in(ctx):
    user = make_user("gone")
    user.is_deleted = True
    db.session.commit()
    with pytest.raises(Invalid):
        services.authenticate(login="gone", password=PASSWORD)


def test_login_rehashes_a_hash_made_with_other_parameters(ctx):
    user = make_user("oldhash")
    old = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=2).hash(PASSWORD)
    user.password_hash = old
    db.session.commit()
    services.authenticate(login="oldhash", password=PASSWORD)
    new = db.session.get(User, user.id).password_hash
    assert new != old and new.startswith("$argon2id$") and "m=1024,t=1,p=1" in new
    assert services.authenticate(login="oldhash", password=PASSWORD).password_hash == new  # stable once current


@pytest.mark.config(PASSWORD_HASH_FAST=False)
def test_production_profile_uses_argon2_cffi_defaults_and_upgrades_test_hashes(ctx):
    user = make_user("produser")
    defaults = PasswordHasher()
    expected = f"m={defaults.memory_cost},t={defaults.time_cost},p={defaults.parallelism}"
    assert user.password_hash.startswith("$argon2id$") and expected in user.password_hash
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    db.session.commit()
    services.authenticate(login="produser", password=PASSWORD)
    assert expected in db.session.get(User, user.id).password_hash


def test_verify_password_handles_garbage_hashes(ctx):
    assert verify_password("not-a-hash", "whatever") == (False, False)
    assert verify_password(None, "whatever") == (False, False)
    assert verify_password(hash_password("right one"), "right one") == (True, False)


# -- change password ---------------------------------------------------------------------------

def test_change_password_bumps_session_version(ctx):
    user = make_user()
    old_id = user.get_id()
    services.change_password(actor=user, current=PASSWORD, new="a brand new secret")
    assert user.session_version == 2 and user.get_id() != old_id
    assert services.load_session_user(old_id) is None
    assert services.load_session_user(user.get_id()).id == user.id
    assert services.authenticate(login=user.username, password="a brand new secret").id == user.id
    with pytest.raises(Invalid):
        services.authenticate(login=user.username, password=PASSWORD)


@pytest.mark.parametrize("current, new, fields", [
    ("wrong", "a brand new secret", {"current_password"}), (PASSWORD, "short", {"new_password"}),
    ("wrong", "short", {"current_password", "new_password"}), (None, None, {"current_password", "new_password"}),
])
def test_change_password_bad_input(ctx, current, new, fields):
    user = make_user()
    with pytest.raises(Invalid) as error:
        services.change_password(actor=user, current=current, new=new)
    assert set(error.value.fields) == fields
    db.session.rollback()
    assert db.session.get(User, user.id).session_version == 1


@pytest.mark.parametrize("user_id", ["", "abc", "1", "1:", "1:2", "999:1", None])
def test_load_session_user_refuses_bad_ids(ctx, user_id):
    make_user()
    assert services.load_session_user(user_id) is None


# -- reset password ----------------------------------------------------------------------------

def _mailed_token(outbox) -> str:
    assert len(outbox) == 1
    match = re.search(r"/reset-password/(\S+)", outbox[0].body)
    assert match, outbox[0].body
    return match.group(1)


def test_reset_mails_a_signed_link_that_works_once(ctx, outbox):
    user = make_user("resetme", email="resetme@example.com")
    services.request_password_reset(email="ResetMe@example.com")
    assert outbox[0].to == ["resetme@example.com"] and "Reset your password" in outbox[0].subject
    token = _mailed_token(outbox)
    assert services.user_for_reset_token(token).id == user.id
    services.reset_password(token=token, password="fresh password 1")
    assert db.session.get(User, user.id).session_version == 2
    assert services.authenticate(login="resetme", password="fresh password 1").id == user.id
    with pytest.raises(Invalid) as error:
        services.reset_password(token=token, password="another password 2")
    assert error.value.fields == {"token": "used"}
    assert services.authenticate(login="resetme", password="fresh password 1").id == user.id


def test_reset_for_unknown_email_sends_nothing_and_says_nothing(ctx, outbox):
    make_user("someone")
    for email in ("nobody@example.com", "someone", "", None, ["x@example.com"]):
        assert services.request_password_reset(email=email) is None
    assert outbox == []


def test_reset_token_expires(ctx, outbox, monkeypatch):
    make_user("late", email="late@example.com")
    services.request_password_reset(email="late@example.com")
    token = _mailed_token(outbox)
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]

    class Later:
        @staticmethod
        def time() -> float:
            return time.time() + max_age + 5

    monkeypatch.setattr("itsdangerous.timed.time", Later)
    with pytest.raises(Invalid) as error:
        services.reset_password(token=token, password="fresh password 1")
    assert error.value.fields == {"token": "expired"} and "expired" in error.value.message


@pytest.mark.parametrize("token", ["", "garbage", "eyJ1aWQiOjF9.AAAA.BBBB"])
def test_reset_token_forged_or_garbled(ctx, token):
    make_user()
    with pytest.raises(Invalid) as error:
        services.user_for_reset_token(token)
    assert error.value.fields == {"token": "invalid"}


def test_reset_token_from_another_secret_is_refused(ctx, outbox):
    make_user("victim", email="victim@example.com")
    from itsdangerous import URLSafeTimedSerializer
    forged = URLSafeTimedSerializer("another-key", salt="password-reset").dumps({"uid": 1, "fp": "x"})
    with pytest.raises(Invalid):
        services.user_for_reset_token(forged)


def test_reset_token_dies_when_the_password_changes_otherwise(ctx, outbox):
    user = make_user("changer", email="changer@example.com")
    services.request_password_reset(email="changer@example.com")
    token = _mailed_token(outbox)
    services.change_password(actor=user, current=PASSWORD, new="changed it myself")
    with pytest.raises(Invalid) as error:
        services.reset_password(token=token, password="fresh password 1")
    assert error.value.fields == {"token": "used"}


def test_reset_with_short_password_keeps_token_usable(ctx, outbox):
    make_user("shorty", email="shorty@example.com")
    services.request_password_reset(email="shorty@example.com")
    token = _mailed_token(outbox)
    with pytest.raises(Invalid) as error:
        services.reset_password(token=token, password="short")
    assert set(error.value.fields) == {"password"}
    db.session.rollback()
    services.reset_password(token=token, password="long enough now")


@pytest.mark.config(MAIL_BACKEND="smtp", MAIL_SERVER="")
def test_without_mail_server_the_mail_goes_to_the_log(ctx, caplog):
    make_user("logged", email="logged@example.com")
    with caplog.at_level(logging.INFO, logger="forum.mail"):
        services.request_password_reset(email="logged@example.com")
    text = "\n".join(record.getMessage() for record in caplog.records if record.name == "forum.mail")
    assert "to=logged@example.com" in text and "/reset-password/" in text


# -- API tokens --------------------------------------------------------------------------------

def test_api_token_is_stored_hashed_and_resolves(ctx):
    user = make_user()
    raw = services.create_token(user=user, name="laptop")
    stored = db.session.scalars(sa.select(ApiToken)).one()
    assert raw not in stored.token_hash and len(stored.token_hash) == 64 and stored.name == "laptop"
    assert services.user_for_token(raw).id == user.id
    for bad in ("", raw + "x", raw[:-1], "x" * 500):
        assert services.user_for_token(bad) is None
    services.revoke_token(actor=user, token_id=stored.id)
    assert services.user_for_token(raw) is None


def test_cannot_revoke_someone_elses_token(ctx):
    owner, other = make_user(), make_user()
    services.create_token(user=owner)
    token_id = db.session.scalar(sa.select(ApiToken.id))
    with pytest.raises(NotFound):
        services.revoke_token(actor=other, token_id=token_id)


# -- safe_next ---------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/questions/1", "/", "/questions?sort=top&page=2", "/users/a%2Fb#frag"])
def test_safe_next_accepts_local_paths(target):
    assert redirects.safe_next(target) == target


@pytest.mark.parametrize("target", [
    "//evil.com", "/\\evil.com", "/\tevil", "/\t/evil.com", "///evil", "////evil.com", "https://evil.com",
    "http:/evil.com", "javascript:alert(1)", "JavaScript:alert(1)", "evil.com", "questions/1", "/\x00x",
    "/\nLocation: x", "\\\\evil.com", " /\\evil", "/x" + "y" * 3000, "", None, "/\x7f",
])
def test_safe_next_refuses_other_sites(target):
    assert redirects.safe_next(target) is None
