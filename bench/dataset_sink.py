"""Writing a benchmark dataset: rows in batches (executemany on SQLite, COPY on PostgreSQL), the derived tables
made from the loaded rows, and the indexes dropped during the load and rebuilt after."""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

BATCH = 20_000


class Sink:
    """Buffers rows per table and writes them in batches: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, connection: Any, metadata: sa.MetaData, dialect: str) -> None:
        self.connection, self.metadata, self.dialect = connection, metadata, dialect
        self.rows: dict[str, list[dict]] = {}
        self.columns: dict[str, tuple[list[str], list[str], list[Any]]] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: str, row: dict) -> None:
        batch = self.rows.setdefault(table, [])
        batch.append(row)
        if len(batch) >= BATCH:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.rows):
            rows = self.rows.pop(name, [])
            if rows:
                self._write(name, rows)
                self.counts[name] = self.counts.get(name, 0) + len(rows)

    def _layout(self, table: str, given: Iterable[str]) -> tuple[list[str], list[Any]]:
        """The generator's columns the database has, plus every other NOT NULL column with its model default."""
        if table not in self.columns:
            present = self._database_columns(table)
            missing = [name for name in given if name not in present]
            if missing:  # a model ahead of its migration, or a column dropped: say so, load the rest
                print(f"  note: {table} has no column {', '.join(missing)} in the migrated schema; left out")
            kept, extra, values = [name for name in given if name in present], [], []
            for column in self.metadata.tables[table].columns:
                if column.name in kept or column.name not in present or column.nullable or column.default is None:
                    continue
                arg = column.default.arg
                extra.append(column.name)
                values.append(arg(None) if callable(arg) else arg)
            self.columns[table] = (kept, extra, values)
        kept, extra, values = self.columns[table]
        return kept + extra, values

    def _database_columns(self, table: str) -> set[str]:
        cursor = self.connection.cursor()
        if self.dialect == "postgresql":
            cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                           "AND table_name = %s", (table,))
            return {row[0] for row in cursor.fetchall()}
        cursor.execute(f'PRAGMA table_info("{table}")')
        return {row[1] for row in cursor.fetchall()}

    def _write(self, table: str, rows: list[dict]) -> None:
        names, defaults = self._layout(table, rows[0].keys())
        kept = names[:len(names) - len(defaults)]
        if self.dialect == "postgresql":
            cursor = self.connection.cursor()
            with cursor.copy(f'COPY {table} ({", ".join(names)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([*(row[name] for name in kept), *defaults])
            return
        tail = [_sqlite(value) for value in defaults]
        sql = f'INSERT INTO {table} ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})'
        self.connection.cursor().executemany(sql, [[_sqlite(row[name]) for name in kept] + tail for row in rows])


def _sqlite(value: Any) -> Any:
    """SQLAlchemy's own SQLite storage formats, so the ORM reads back what it would have written."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


DERIVED = [  # (table, SQL): rows the services would have written alongside, made from the loaded ones
    ("post_revisions", "INSERT INTO post_revisions (post_id, editor_id, title, body_md, created_at, note) "
                       "SELECT p.id, p.author_id, CASE WHEN p.position = 0 THEN t.title END, p.body_md, "
                       "p.created_at, '' FROM posts p JOIN threads t ON t.id = p.thread_id"),
    ("subscriptions", "INSERT INTO subscriptions (user_id, thread_id, created_at) "
                      "SELECT author_id, thread_id, MIN(created_at) FROM posts GROUP BY author_id, thread_id"),
    ("notifications", "INSERT INTO notifications (user_id, actor_id, kind, text, url, thread_id, post_id, "
                      "created_at, read_at) SELECT t.author_id, p.author_id, 'answer', "
                      "'Someone answered your question', '/questions/' || t.id || '#post-' || p.id, t.id, p.id, "
                      "p.created_at, CASE WHEN p.id % 7 = 0 THEN NULL ELSE p.created_at END "
                      "FROM posts p JOIN threads t ON t.id = p.thread_id "
                      "WHERE p.position > 0 AND p.author_id <> t.author_id"),
    ("reputation_events", "INSERT INTO reputation_events (user_id, delta, reason, post_id, created_at) "
                          "SELECT p.author_id, CASE WHEN v.value < 0 THEN -2 WHEN p.position = 0 THEN 5 ELSE 10 "
                          "END, CASE WHEN v.value < 0 THEN 'downvote' ELSE 'upvote' END, p.id, v.created_at "
                          "FROM votes v JOIN posts p ON p.id = v.post_id"),
    ("users", "UPDATE users SET reputation = 1 + COALESCE((SELECT SUM(delta) FROM reputation_events r "
              "WHERE r.user_id = users.id), 0)"),
]


def _drop_indexes(connection: Any, dialect: str, tables: list[str]) -> list[str]:
    """Secondary indexes make a bulk insert several times slower: drop them, return their DDL to recreate."""
    cursor = connection.cursor()
    if dialect == "postgresql":
        cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
                       "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                       "WHERE c.conname = i.indexname)", (tables,))
    else:
        marks = ",".join("?" * len(tables))
        cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                       f"AND tbl_name IN ({marks})", tables)
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [ddl for _, ddl in found]


def _reset_sequences(connection: Any) -> None:
    """COPY with explicit ids leaves PostgreSQL's sequences at 1: move each past its table's largest id."""
    cursor = connection.cursor()
    cursor.execute("SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
                   "AND column_name = 'id' AND column_default LIKE 'nextval%%'")
    for (table,) in cursor.fetchall():
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")
