"""Engine set-up per dialect: SQLite needs WAL, a busy timeout and IMMEDIATE write transactions; on PostgreSQL
page views run in autocommit and idle pooled connections are pinged before use."""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import scoped_session

from forum.extensions import AUTOCOMMIT_READS

F = TypeVar("F", bound=Callable[..., Any])
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """A SQLite file cannot drop, so it is never pinged. A network database's pooled connection can (a restart, a
    firewall's idle timeout): with DATABASE_PING_AFTER_IDLE = 0 it is pinged on every checkout (SQLAlchemy's
    pre-ping), otherwise only after sitting idle that long (`configure_engine`).

    Its pool hands out the connection returned last (LIFO): a worker's requests then run on one warm connection,
    whose statements psycopg has prepared after their fifth use, instead of rotating over every connection the
    worker's threads opened, each preparing its own. Posting an answer at 1M posts, median on the server: 14.0-16.7
    ms in seven runs with the rotation (14.6 their median), 14.0-15.7 in six without (14.3)."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        options["pool_pre_ping"] = False
    else:
        options.setdefault("pool_use_lifo", True)
        if not config.get("DATABASE_PING_AFTER_IDLE"):
            options["pool_pre_ping"] = True
    return options


def configure_engine(engine: Engine, config: Mapping[str, Any]) -> None:
    """Attach the listeners once per engine (tests build many apps and engines): SQLite's pragmas and
    transactions; for a network database, the ping of a connection that sat idle in the pool."""
    if engine.dialect.name == "sqlite":
        if not event.contains(engine, "connect", _sqlite_connect):
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        return
    ping_after_idle = float(config.get("DATABASE_PING_AFTER_IDLE") or 0)
    pre_ping = (config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}).get("pool_pre_ping")
    if ping_after_idle > 0 and not pre_ping and not event.contains(engine.pool, "checkin", _checked_in):
        event.listen(engine.pool, "checkin", _checked_in)
        event.listen(engine.pool, "checkout", _idle_ping(engine.dialect, ping_after_idle))


def writes_on_get(view: F) -> F:
    """Marks the rare GET view that writes (an audited look at private details): it keeps a transaction, so its
    writes commit together. tests/test_no_write_on_get.py checks every other GET page writes nothing."""
    view.writes_on_get = True  # type: ignore[attr-defined]
    return view


def install_autocommit_reads(app: Flask, session: scoped_session, engine: Engine) -> None:
    """First among the request hooks, before anything reads: a page view on PostgreSQL reads in autocommit
    (forum/extensions.py ForumSession). Not when the session already holds a transaction (a test's app context
    around a request)."""
    def begin() -> None:
        view = app.view_functions.get(request.endpoint or "")
        current = session()
        if (request.method in _READ_METHODS and not getattr(view, "writes_on_get", False)
                and not current.in_transaction()):
            current.info[AUTOCOMMIT_READS] = True

    def end(_error: BaseException | None) -> None:
        session().info.pop(AUTOCOMMIT_READS, None)

    if engine.dialect.name != "postgresql":
        return
    app.before_request_funcs.setdefault(None, []).insert(0, begin)
    app.teardown_request(end)


_IDLE_SINCE = "forum_idle_since"


def _checked_in(_dbapi_connection, record) -> None:
    if record is not None:
        record.info[_IDLE_SINCE] = time.monotonic()


def _idle_ping(dialect: Dialect, after: float) -> Callable[..., None]:
    """A connection back in use within `after` seconds is not pinged: under load that is every checkout, and on
    PostgreSQL the ping was a round trip on every request (12% of a cached page's time). One that sat idle
    longer, the kind a restart or a firewall drops, is pinged; a failed ping makes the pool discard it and
    connect afresh (DisconnectionError), so the request never sees it. A restart in the middle of traffic
    can still fail the one request per worker that finds the dead connection; SQLAlchemy then discards the
    whole pool."""
    def checkout(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < after:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure: this connection cannot be trusted with the request
            raise DisconnectionError(f"an idle pooled connection failed its ping: {error}") from error
    return checkout


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


def end_reading(session: OrmSession | Connection) -> None:
    """End a transaction that only read with COMMIT rather than ROLLBACK: the same for the database, but psycopg
    forgets every statement it prepared on a connection when that connection rolls back (and says DEALLOCATE
    ALL on its next use), so the requests that use it next would plan their statements afresh."""
    session.commit()


def commit_keeping_loaded(session: OrmSession) -> None:
    """Commit without expiring the objects the session holds. A write whose caller answers with what it just
    wrote (the API's 201 for a new answer: the post, its thread, its author) would otherwise read each back in a
    statement of its own; they hold what was committed, as written in Python or returned by the database."""
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
