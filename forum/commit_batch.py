"""Rows that several domains add as a transaction commits, written in one statement on PostgreSQL.

Posting an answer queues its thread for the search index (forum/search/hooks.py), marks the dashboard's days
(forum/dashboard/dirty.py) and bumps the page versions of the thread, the lists and each member told
(forum/pagecache/scopes.py). Each was an INSERT of its own in `before_commit`, and on PostgreSQL each INSERT is a
round trip the request waits for (posting waited on the database for 40% of its time). Here they are collected
and written last, after every other `before_commit` listener: on PostgreSQL as one statement whose parts are
data-modifying CTEs, each inserting its rows from arrays (`unnest`), so the statement's text depends on which
parts it has and not on how many rows each has (one prepared statement, one compiled form); elsewhere (SQLite,
in process) as one executemany each.

A listener may also ask for one value read just before the commit (`read`: the listening hooks' watches version):
on PostgreSQL it is the same statement's result. That read sees the transaction's earlier writes but not the
rows written by the statement itself.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from forum.session_events import attach_last

PENDING, READS = "commit_batch", "commit_batch_reads"


@dataclass(frozen=True, eq=False)  # hashed by identity: a module's constant, part of a statement's cache key
class Upsert:
    """ON CONFLICT (key) DO UPDATE SET ...: `set_` maps a column name to its new value's expression (literal
    values as `sa.literal_column`, so the statement has no parameter but the rows' arrays)."""
    key: str
    set_: dict[str, Any]


def register() -> None:
    attach_last("before_commit", _write)
    attach_last("after_soft_rollback", _discard)


def add(session: Any, table: sa.Table, rows: list[dict[str, Any]], upsert: Upsert | None = None) -> None:
    """Insert `rows` (all with the same keys) when the session's transaction commits, in its transaction. An upsert's
    rows must have distinct keys, and a table takes one upsert a commit (PostgreSQL refuses to change a row twice
    in one statement)."""
    if rows:
        session.info.setdefault(PENDING, []).append((table, rows, upsert))


def read(session: Any, key: str, statement: sa.Select) -> None:
    """`session.info[key]` = the one value `statement` selects, read as the transaction commits (after every
    listener has added its rows). `statement` must be a module's constant without parameters: its compiled form
    is kept by identity."""
    session.info.setdefault(READS, {})[key] = statement


def _write(session: Any) -> None:
    if session.in_nested_transaction():  # a savepoint's release is not the commit
        return
    batch, reads = session.info.pop(PENDING, None) or [], session.info.pop(READS, None) or {}
    if not batch and not reads:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for table, rows, upsert in batch:
            connection.execute(_insert(sqlite.insert(table), upsert) if upsert else sa.insert(table), rows)
        for key, statement in reads.items():
            session.info[key] = connection.execute(statement).scalar()
        return
    shape = tuple((table, tuple(rows[0]), upsert) for table, rows, upsert in batch)
    params = {f"w{n}_{name}": [row[name] for row in rows]
              for n, (_table, rows, _upsert) in enumerate(batch) for name in rows[0]}
    result = connection.exec_driver_sql(_postgres_sql(connection.dialect, shape, tuple(reads.values())), params)
    if reads:
        session.info.update(zip(reads, result.one(), strict=True))


@functools.lru_cache(maxsize=64)
def _postgres_sql(dialect: Any, shape: tuple[tuple[sa.Table, tuple[str, ...], Upsert | None], ...],
                  reads: tuple[sa.Select, ...]) -> str:
    """The statement's text for these parts, compiled once: SQLAlchemy cannot cache a PostgreSQL INSERT ... ON
    CONFLICT (it would compile it for every commit, 10% of posting's Python)."""
    statements = [_from_arrays(f"w{n}", table, names, upsert) for n, (table, names, upsert) in enumerate(shape)]
    if len(statements) == 1 and not reads:
        return str(statements[0].compile(dialect=dialect))
    values: list[sa.ColumnElement[Any]] = [
        sa.literal_column(f"({read.compile(dialect=dialect, compile_kwargs={'literal_binds': True})})")
        for read in reads] or [sa.literal_column("1")]
    statement = sa.select(*values).add_cte(*(part.cte(f"write_{n}") for n, part in enumerate(statements)))
    return str(statement.compile(dialect=dialect))


def _insert(insert: Any, upsert: Upsert | None) -> Any:
    """The dialect's own INSERT (PostgreSQL's or SQLite's), with ON CONFLICT for an upsert."""
    if upsert is None:
        return insert
    return insert.on_conflict_do_update(index_elements=[upsert.key], set_=upsert.set_)


def _from_arrays(prefix: str, table: sa.Table, names: tuple[str, ...], upsert: Upsert | None) -> Any:
    """INSERT INTO table (a, b) SELECT unnest(:a), unnest(:b): one array parameter a column, whatever the rows."""
    arrays = [sa.func.unnest(sa.bindparam(f"{prefix}_{name}", type_=postgresql.ARRAY(table.c[name].type)))
              for name in names]
    return _insert(postgresql.insert(table).from_select(names, sa.select(*arrays)), upsert)


def _discard(session: Any, previous_transaction: Any) -> None:
    if not previous_transaction.nested:
        session.info.pop(PENDING, None)
        session.info.pop(READS, None)
