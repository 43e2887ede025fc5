"""Engine set-up per dialect: SQLite needs WAL, a busy timeout and IMMEDIATE write transactions."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """A network database's pooled connection may have been dropped: ping it on checkout. A SQLite file
    cannot drop, and the ping would be a second statement on every cached page."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        options["pool_pre_ping"] = False
    return options


def configure_engine(engine: Engine) -> None:
    """Attach the SQLite listeners once per engine (tests build many apps and engines)."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _sqlite_connect):
        return
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)


def _sqlite_connect(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling would BEGIN DEFERRED behind our back; we emit BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 512 KB of private page cache a connection: reads go through the shared memory map below instead, and a
    # worker holds several connections (requests, the view-count flusher, the search drainer, the mail sender).
    # Measured at 1M posts after every page (bench/pages.py): 8 MB a connection left a worker at 87 MB of
    # anonymous memory, 2 MB at 84, 512 KB at 77-78, with page times within noise.
    cursor.execute("PRAGMA cache_size=-512")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def _sqlite_begin(conn) -> None:
    """Writes take the lock up front: a deferred read-then-write transaction fails with
    "database is locked" under concurrency, whatever the busy timeout. Page views stay deferred, and so does
    a connection marked `deferred_begin` (the search queue's drainer: long reads, separate short writes)."""
    if (has_request_context() and request.method in _READ_METHODS) or conn.get_execution_options().get(
            "deferred_begin"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def commit_keeping_loaded(session: Session) -> None:
    """Commit without expiring the objects the session holds. A write whose caller answers with what it just
    wrote (the API's 201 for a new answer: the post, its thread, its author) would otherwise read each back in a
    statement of its own; they hold what was committed, as written in Python or returned by the database."""
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
