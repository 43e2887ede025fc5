"""Engine set-up per dialect: SQLite needs WAL, a busy timeout and IMMEDIATE write transactions."""
from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MB of pages: dashboard aggregates over ~1M posts stay in memory
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def _sqlite_begin(conn) -> None:
    """Writes take the lock up front: a deferred read-then-write transaction fails with
    "database is locked" under concurrency, whatever the busy timeout. Page views stay deferred."""
    if has_request_context() and request.method in _READ_METHODS:
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
