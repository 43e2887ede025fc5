"""Issue 17, item 2: failed logins count per account and address together, so an attacker cannot lock an owner
out; admins clear a lockout (page and API), audited."""
from __future__ import annotations

import html

import pytest
import sqlalchemy as sa
from flask import Flask

from forum.auth import services as auth_services
from forum.extensions import db
from forum.models import AuditEntry, Role
from tests.conftest import login_as
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.config(RATELIMIT_ENABLED=True)
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def _login(client, login: str, password: str, ip: str):
    return client.post("/login", data={"login": login, "password": password}, environ_base={"REMOTE_ADDR": ip})


def _make(app: Flask, username: str = "carol", **kwargs) -> int:
    with app.app_context():
        return make_user(username, **kwargs).id


def _hammer(client, login: str = "carol", times: int = 6, ip: str = ATTACKER) -> None:
    for _ in range(times):
        _login(client, login, "wrong-guess", ip)


def test_an_attacker_hammering_an_account_does_not_lock_its_owner_out(app):
    """Reproduction: after 5 failed logins the real owner's correct password also got 429."""
    _make(app)
    attacker = app.test_client()
    _hammer(attacker, times=8)
    assert _login(attacker, "carol", "wrong-guess", ATTACKER).status_code == 429
    assert _login(attacker, "carol", PASSWORD, ATTACKER).status_code == 429  # even a right guess, from there
    owner = app.test_client()
    response = _login(owner, "carol", PASSWORD, OWNER)
    assert response.status_code == 302


def test_the_email_and_the_name_are_one_account(app):
    _make(app, email="carol@example.com")
    client = app.test_client()
    for login in ("carol", "carol@example.com", "CAROL", "Carol@Example.com", "carol"):
        assert _login(client, login, "nope-nope", ATTACKER).status_code == 422
    assert _login(client, "carol@example.com", "nope-nope", ATTACKER).status_code == 429


def test_one_address_guessing_many_accounts_is_limited(app):
    client = app.test_client()
    for number in range(20):
        assert _login(client, f"guess{number}", "x-x-x-x-x", ATTACKER).status_code == 422
    refused = _login(client, "guess-more", "x-x-x-x-x", ATTACKER)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    page = html.unescape(refused.get_data(as_text=True))
    assert "Too many failed attempts from your address" in page and 'value="guess-more"' in page


@pytest.mark.config(RATELIMIT_ENABLED=True, LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS="2/hour")
def test_the_limits_are_settings(app):
    _make(app)
    client = app.test_client()
    _hammer(client, times=2)
    assert _login(client, "carol", PASSWORD, ATTACKER).status_code == 429


def test_a_locked_out_address_still_reads_the_login_page_and_every_read_skips_the_limiter(app):
    """Every limit guards a write, so reads skip the limiter (forum/extensions.py): the login form still shows
    after the lockout, and no limited route answers a GET."""
    _make(app)
    client = app.test_client()
    _hammer(client, times=8)
    assert _login(client, "carol", "wrong-guess", ATTACKER).status_code == 429
    assert client.get("/login", environ_base={"REMOTE_ADDR": ATTACKER}).status_code == 200
    from forum.extensions import limiter
    def limits_of(view) -> list:  # flask-limiter keys a decorated view by its qualified name and its name
        name = f"{view.__module__}.{view.__qualname__}"
        return limiter.limit_manager.decorated_limits(f"{name}.{view.__name__}") or \
            limiter.limit_manager.decorated_limits(name)
    with app.app_context():  # a limit's text is a setting, read from the app
        limits = {name: limits_of(view) for name, view in app.view_functions.items() if limits_of(view)}
    assert {"auth.login", "auth.register"} <= set(limits), "the limited routes are found by the limiter's names"
    for rule in app.url_map.iter_rules():
        for limit in limits.get(rule.endpoint, []):
            methods = {method.upper() for method in limit.methods} if limit.methods else rule.methods
            assert not methods & {"GET", "HEAD"}, f"{rule} counts reads against a limit, and reads skip limits"


def test_an_admin_clears_a_lockout_from_the_people_page(app):
    user_id = _make(app)
    admin_id = _make(app, "boss", role=Role.ADMIN)
    _hammer(app.test_client(), times=6, ip=OWNER)  # the owner's own typos
    owner = app.test_client()
    assert _login(owner, "carol", PASSWORD, OWNER).status_code == 429
    admin = app.test_client()
    login_as(admin, admin_id)
    page = admin.get("/admin/users?q=carol").get_data(as_text=True)
    assert "/admin/users/carol/lockout/clear" in page and "Clear login lockout" in page
    assert admin.post("/admin/users/carol/lockout/clear").status_code == 302
    assert _login(owner, "carol", PASSWORD, OWNER).status_code == 302
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.clear_lockout"))
        assert entry.actor_id == admin_id and entry.target_id == user_id


def test_an_admin_clears_a_lockout_through_the_api(app):
    _make(app)
    with app.app_context():
        token = auth_services.create_token(user=make_user("boss", role=Role.ADMIN))
        member_token = auth_services.create_token(user=make_user("someone"))
    _hammer(app.test_client(), times=6, ip=OWNER)
    refused = app.test_client().delete("/api/v1/admin/users/carol/lockout",
                                       headers={"Authorization": f"Bearer {member_token}"})
    assert refused.status_code == 403
    cleared = app.test_client().delete("/api/v1/admin/users/carol/lockout",
                                       headers={"Authorization": f"Bearer {token}"})
    assert cleared.status_code == 200 and cleared.get_json()["username"] == "carol"
    assert _login(app.test_client(), "carol", PASSWORD, OWNER).status_code == 302
    assert app.test_client().delete("/api/v1/admin/users/nobody/lockout",
                                    headers={"Authorization": f"Bearer {token}"}).status_code == 404


def test_only_admins_may_clear(app):
    _make(app)
    moderator_id = _make(app, "mod", role=Role.MODERATOR)
    client = app.test_client()
    login_as(client, moderator_id)
    assert client.post("/admin/users/carol/lockout/clear").status_code == 403
