"""Liveness and readiness for load balancers: /healthz (this process answers) and /readyz (what it needs answers).

Probes are hit every few seconds by machines, so they carry no session (no cookie is read or set, no
`Vary: Cookie`, no user is loaded), are never rate limited, are never cached, and /healthz runs no SQL at all:
a database outage must not make the balancer restart healthy processes, only take them out of rotation.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, Flask, Request, current_app, jsonify
from flask.sessions import SecureCookieSessionInterface

from forum.extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)

PROBE_PATHS = frozenset({"/healthz", "/readyz"})
REDIS_TIMEOUT = 0.5  # seconds: a probe must answer well inside a balancer's usual 2-5 s timeout
_REDIS_CLIENT = "forum.health.redis"
_FAILING = "forum.health.failing"  # app.extensions: the checks that failed last time, so each change logs once


class _ProbeSessionInterface(SecureCookieSessionInterface):
    """Cookie sessions as before, except that a probe gets the null session: nothing can read the cookie,
    write one back, or add `Vary: Cookie` (Flask-Login's after_request looks into every session)."""

    def open_session(self, app: Flask, request: Request):
        if request.path in PROBE_PATHS:
            return None  # Flask then uses the read-only null session and saves nothing
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()  # no cookie to read: Flask's own builds its signer first (20 us a visitor)
        return super().open_session(app, request)


bp.record_once(lambda state: setattr(state.app, "session_interface", _ProbeSessionInterface()))


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The process is up and serving requests; touches nothing else."""
    return _answer({"status": "ok"}, 200)


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """503 until every dependency answers, so the balancer sends traffic only where it can be served."""
    checks = run_checks()
    ready = all(check["ok"] for check in checks.values())
    return _answer({"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503)


def run_checks() -> dict[str, dict]:
    """Each check's outcome and time; the database, Redis when REDIS_URL is set, and the search backend."""
    checks: dict[str, Callable[[], None]] = {"database": _check_database}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _check_redis
    checks["search"] = _check_search
    return {name: _timed(name, check) for name, check in checks.items()}


def _timed(name: str, check: Callable[[], None]) -> dict:
    """The check's outcome; a warning when it starts failing and when it recovers, not at every probe."""
    failing: set[str] = current_app.extensions.setdefault(_FAILING, set())
    started = time.perf_counter()
    error = None
    try:
        check()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer; the detail goes to the log
        # The class only: the message may name internal hosts, and the probe is public.
        error = type(exc).__name__
        if name not in failing:
            log.warning("readiness check %s failing: %s", name, exc)
        failing.add(name)
    else:
        if name in failing:
            log.warning("readiness check %s recovered", name)
        failing.discard(name)
    return {"ok": error is None, "ms": round((time.perf_counter() - started) * 1000, 1), "error": error}


def _check_database() -> None:
    """A read of a real table, not `SELECT 1`: that needs no schema and, on SQLite, not even a readable file."""
    with db.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1 FROM users LIMIT 1")).all()


def _check_redis() -> None:
    client = current_app.extensions.get(_REDIS_CLIENT)
    if client is None:
        import redis  # here, not at the top: a worker without REDIS_URL never loads the client
        client = current_app.extensions[_REDIS_CLIENT] = redis.Redis.from_url(
            current_app.config["REDIS_URL"], socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT)
    client.ping()


def _check_search() -> None:
    """PostgreSQL: its table answers. Whoosh: the index opens and counts its documents, or, before the first
    post created it, its directory can be created."""
    backend = current_app.extensions["search"]
    if backend.name == "postgres":
        with backend.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1 FROM search_documents LIMIT 1")).all()
        return
    from whoosh import index
    directory = backend.directory
    if index.exists_in(directory):
        opened = index.open_dir(directory, readonly=True)
        try:
            opened.doc_count()
        finally:
            opened.close()
        return
    parent = directory
    while not os.path.exists(parent) and os.path.dirname(parent) != parent:
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot create the search index in {directory}")


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
