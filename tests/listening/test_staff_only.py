"""Every staff-only listening route, read from the app's URL map so a new one cannot slip past: members get 403
(before learning whether the watch, match, alert or notice exists), visitors are sent to log in (pages) or get
401 (API). Only the notices' public list and a member's own dismissal are open to non-staff."""
from __future__ import annotations

import re

from forum.models import Role
from tests.conftest import login_as
from tests.factories import make_user

# open to everyone (the list, the ask form's check) or to any member (their own dismissal): not staff-only
NOT_STAFF_ONLY = {("GET", "/api/v1/notices"), ("POST", "/notices/1/dismiss"), ("POST", "/api/v1/notices/1/dismiss")}
# the listening API lives in forum/listening but is registered on the API blueprint
LISTENING_API = re.compile(r"^/api/v1/(staff/(watches|matches|alerts)|notices)(/|$)")
# the dashboard and stats carry the listening figures (item 7): staff only too
DASHBOARD = [("GET", "/staff/dashboard"), ("GET", "/api/v1/stats")]


def _routes(app) -> list[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not (rule.endpoint.startswith("listening.") or LISTENING_API.match(rule.rule)):
            continue
        path = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (method, path) not in NOT_STAFF_ONLY:
                found.add((method, path))
    return sorted(found)


def test_the_url_map_has_every_listening_route(app):
    routes = _routes(app)
    for expected in [("GET", "/staff/listening"), ("POST", "/staff/watches/1/delete"), ("GET", "/staff/alerts/1"),
                     ("POST", "/staff/notices/1/resolve"), ("PATCH", "/api/v1/staff/watches/1"),
                     ("POST", "/api/v1/staff/matches/1/claim"), ("POST", "/api/v1/staff/alerts/1/resolve"),
                     ("POST", "/api/v1/notices"), ("POST", "/api/v1/notices/1/resolve")]:
        assert expected in routes
    assert len(routes) >= 30


def test_members_are_refused_everywhere_with_403(app, client):
    with app.app_context():
        member = make_user(role=Role.MEMBER).id
    login_as(client, member)
    for method, path in _routes(app) + DASHBOARD:
        response = client.open(path, method=method, json={} if path.startswith("/api/") else None,
                               data=None if path.startswith("/api/") else {"text": "Known issue text", "tag": "x"})
        assert response.status_code == 403, (method, path, response.status_code)
        if path.startswith("/api/"):
            assert response.get_json()["error"]["code"], (method, path)


def test_visitors_are_sent_to_log_in_or_get_401(app, client):
    for method, path in _routes(app) + DASHBOARD:
        response = client.open(path, method=method, json={} if path.startswith("/api/") else None)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.status_code)
        else:
            assert response.status_code == 302 and "/login" in response.headers["Location"], \
                (method, path, response.status_code)


def test_staff_are_let_in(app, client):
    with app.app_context():
        staff = make_user(role=Role.STAFF).id
    login_as(client, staff)
    for path in ("/staff/listening", "/staff/watches", "/staff/watches/new", "/staff/alerts", "/staff/notices",
                 "/api/v1/staff/watches", "/api/v1/staff/matches", "/api/v1/staff/alerts"):
        assert client.get(path).status_code == 200, path
