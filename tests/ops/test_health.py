"""Health probes (issue 14 item 6): /healthz touches nothing, /readyz checks what serving needs, neither sets a
cookie, needs a login or counts against a rate limit."""
from __future__ import annotations

import socket

import pytest
from flask import Flask
from flask.globals import request_ctx

from forum.extensions import db
from tests.conftest import count_queries, login_as
from tests.factories import make_user

CHECK_KEYS = {"ok", "ms", "error"}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def _no_session_traces(response) -> None:
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_without_touching_the_database(app: Flask, client):
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert statements == []
    _no_session_traces(response)


def test_readyz_reports_each_check_when_all_is_well(client):
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "search"}  # no REDIS_URL: no redis check
    for check in body["checks"].values():
        assert set(check) == CHECK_KEYS and check["ok"] is True and check["error"] is None
        assert isinstance(check["ms"], (int, float)) and check["ms"] >= 0
    _no_session_traces(response)


def test_probes_of_a_logged_in_browser_set_no_cookie_and_load_no_user(app: Flask, client):
    with app.app_context():
        user_id = make_user().id
        engine = db.engine
    login_as(client, user_id)
    with count_queries(engine) as statements:
        healthz = client.get("/healthz")
        readyz = client.get("/readyz")
    assert healthz.status_code == 200 and readyz.status_code == 200
    assert not any("FROM users WHERE" in statement for statement in statements)  # the session was never read
    _no_session_traces(healthz)
    _no_session_traces(readyz)


@pytest.mark.config(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="3/minute")
def test_probes_never_count_against_a_rate_limit(client):
    for _ in range(10):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
    statuses = [client.get("/privacy").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]  # the limit itself is live


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_a_read_never_wakes_the_limiter_and_a_write_does(client):
    """forum/extensions.py `limit_writes_only`: with no limit on reads, Flask-Limiter's hooks skip a read."""
    with client:
        assert client.get("/privacy").status_code == 200
        assert not hasattr(request_ctx._get_current_object(), "_limiter_request_context")
        client.post("/login", data={"username": "nobody", "password": "wrong password"})
        assert hasattr(request_ctx._get_current_object(), "_limiter_request_context")


def test_readyz_fails_when_redis_is_unreachable(app: Flask, client):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 503 and body["status"] == "unavailable"
    assert body["checks"]["redis"]["ok"] is False and body["checks"]["redis"]["error"]
    assert body["checks"]["database"]["ok"] is True and body["checks"]["search"]["ok"] is True
    _no_session_traces(response)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_readyz_fails_when_the_database_file_is_unreadable(app: Flask, client, tmp_path):
    assert client.get("/readyz").status_code == 200
    with app.app_context():
        db.engine.dispose()
    (tmp_path / "test.db").write_bytes(b"this is not a database file at all" * 200)
    for wal in tmp_path.glob("test.db-*"):
        wal.unlink()
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 503 and body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"] == "DatabaseError"
    assert client.get("/healthz").status_code == 200  # alive, only not ready: the balancer must not restart it


def test_readyz_fails_when_the_search_index_cannot_be_opened(app: Flask, client, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the index directory should be")
    app.extensions["search"].directory = str(blocker / "index")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["search"]["ok"] is False


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@pytest.mark.config(SEARCH_BACKEND="postgres")
def test_readyz_checks_the_postgres_search_table(app: Flask, client):
    assert client.get("/readyz").get_json()["checks"]["search"] == {"ok": True, "ms": pytest.approx(0, abs=5000),
                                                                    "error": None}
    with app.app_context(), db.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE search_documents RENAME TO search_documents_gone")
    try:
        response = client.get("/readyz")
        assert response.status_code == 503 and response.get_json()["checks"]["search"]["ok"] is False
    finally:
        with app.app_context(), db.engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE search_documents_gone RENAME TO search_documents")
