"""The search queue: which documents to rebuild, inserted in the write's own transaction and drained in
batches outside the request, by a background thread per process, before every search, and by command.

A row is deleted only once the index holds a document built after the row was read, so a crash anywhere
between the user's commit and the index write leaves the row for the next drain: the index repairs itself
without `reindex`. Drainers take the backend's lock first and read the queue after, so a document built
from older rows never overwrites a newer one; a drainer that cannot get the lock leaves the rows alone.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable
from typing import cast

import sqlalchemy as sa
from flask import Flask, current_app

from forum import commit_batch, workload
from forum.clock import utcnow
from forum.database import end_reading
from forum.extensions import db
from forum.models import Idea, SearchQueueEntry, Thread
from forum.search import documents

log = logging.getLogger(__name__)

THREAD, IDEA = "thread", "idea"
BATCH = 500             # rows per batch: documents.build reads a batch in a fixed number of queries
CATCH_UP_WAIT = 2.0     # seconds a search waits for another drainer (it is indexing the rows this reader needs;
                        # a full reindex holds the lock for minutes, and then the search answers from the index)
REBUILD_WAIT = 60.0     # seconds commands wait for a drainer to finish its batch
CATCH_UP_BUDGET = 10.0  # seconds of draining a search does at most; a backlog beyond is the thread's work
RETRY_AFTER = 10.0      # seconds searches stop trying to drain after a failed drain (the log says it once)
INTERVAL = 1.0          # seconds between the background thread's drains (SEARCH_DRAIN_INTERVAL; 0 = no thread)
QUIET_BUSY_MS = 200     # SQLite: a search's drain waits this long to delete its rows, then leaves them
BUSY_ROUNDS = 4         # rounds a drainer leaves to the other workers while its own serves a request

_table = cast(sa.Table, SearchQueueEntry.__table__)  # a mapped class's table (typed as any FromClause)
RETRY_KEY = "search_queue_retry_at"  # in app.extensions: per app, as each app has its own index


def enqueue(session, thread_ids: Iterable[int] = (), idea_ids: Iterable[int] = ()) -> None:
    """Queue documents in the session's transaction, written as it commits (forum/commit_batch.py), with it."""
    now = utcnow()
    rows = [{"kind": THREAD, "object_id": i, "queued_at": now} for i in sorted(thread_ids)]
    rows += [{"kind": IDEA, "object_id": i, "queued_at": now} for i in sorted(idea_ids)]
    commit_batch.add(session, _table, rows)


def enqueue_categories(session, category_ids: Iterable[int]) -> None:
    """Every thread and idea in these categories (a renamed category changes each of their documents)."""
    ids, now = sorted(category_ids), utcnow()
    for kind, model in ((THREAD, Thread), (IDEA, Idea)):
        session.execute(sa.insert(_table).from_select(
            ["kind", "object_id", "queued_at"],
            sa.select(sa.literal(kind), model.id, sa.literal(now, sa.DateTime)).where(model.category_id.in_(ids))))


def pending(conn) -> bool:
    return conn.execute(sa.select(_table.c.id).limit(1)).first() is not None


def count(conn) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(_table)).scalar() or 0


def queued_ids(conn) -> list[int]:
    return list(conn.execute(sa.select(_table.c.id)).scalars())


def forget(conn, ids: list[int]) -> None:
    """Delete queue rows whose documents a full rebuild read after they were queued."""
    for start in range(0, len(ids), BATCH):
        conn.execute(sa.delete(_table).where(_table.c.id.in_(ids[start:start + BATCH])))
    conn.commit()


def connect() -> sa.Connection:
    """A connection of its own (never the request's session), with SQLite's deferred BEGIN: a drain reads for
    a while and must not hold the write lock that posting an answer needs meanwhile."""
    return db.engine.connect().execution_options(deferred_begin=True)


def drain(*, wait: float = 0.0, budget: float = float("inf"), patient: bool = True) -> int:
    """Index everything queued, in batches; returns the rows done (0 when another drainer holds the lock).

    `patient=False` (a search's drain) gives up deleting its rows when SQLite's write lock is busy: they are
    indexed already, and the next drain indexes them again (idempotent) and deletes them.
    """
    backend = current_app.extensions["search"]
    done, deadline = 0, time.monotonic() + budget
    with connect() as conn:
        if not pending(conn):
            end_reading(conn)
            return 0
        end_reading(conn)
        with backend.exclusive(conn, wait) as held:
            if not held:
                return 0
            while True:
                rows = _drain_batch(conn, backend, patient)
                done += rows
                if rows < BATCH or time.monotonic() >= deadline:
                    current_app.extensions.pop(RETRY_KEY, None)  # working again: searches drain again
                    return done


def _drain_batch(conn, backend, patient: bool) -> int:
    rows = conn.execute(sa.select(_table.c.id, _table.c.kind, _table.c.object_id)
                        .order_by(_table.c.id).limit(BATCH)).all()
    if not rows:
        end_reading(conn)
        return 0
    docs = documents.build(conn, thread_ids={r.object_id for r in rows if r.kind == THREAD},
                           idea_ids={r.object_id for r in rows if r.kind == IDEA})
    end_reading(conn)  # SQLite must never turn a read transaction into a write (BUSY_SNAPSHOT)
    backend.apply(conn, docs)  # PostgreSQL writes on conn: its upserts commit with the delete below
    _delete(conn, [r.id for r in rows], patient)
    return len(rows)


def _delete(conn, ids: list[int], patient: bool) -> None:
    statement = sa.delete(_table).where(_table.c.id.in_(ids))
    if patient or conn.dialect.name != "sqlite":
        conn.execute(statement)
        conn.commit()
        return
    previous = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    try:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={QUIET_BUSY_MS}")
        conn.execute(statement)
        conn.commit()
    except sa.exc.OperationalError:  # a write transaction is open (maybe this very thread's): leave them
        conn.rollback()
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(previous)}")
        conn.commit()


def catch_up() -> None:
    """Before a search: index what is queued, so a reader sees every write committed before it asked.

    Never raises: a failure is logged and the search answers from the index as it is.
    """
    if time.monotonic() < current_app.extensions.get(RETRY_KEY, 0.0):
        return
    try:
        drain(wait=CATCH_UP_WAIT, budget=CATCH_UP_BUDGET, patient=False)
    except Exception:
        current_app.extensions[RETRY_KEY] = time.monotonic() + RETRY_AFTER
        log.exception("search: indexing queued documents failed; they stay queued for the next drain "
                      "(or `flask forum reindex --pending`)")


class Drainer(threading.Thread):
    """The per-process background drain: every `interval` seconds, skipping when another process drains, and
    up to BUSY_ROUNDS rounds in a row when its own worker is serving a request (forum/workload.py)."""

    def __init__(self, app: Flask, interval: float) -> None:
        super().__init__(name="search-queue-drainer", daemon=True)
        self.app, self.interval, self.pid = app, interval, os.getpid()
        self.stopping = threading.Event()
        self.skipped = 0

    def takes_round(self) -> bool:
        """False while its worker serves a request, BUSY_ROUNDS times in a row at most: an idle worker's drainer
        takes the round, or this one takes the next."""
        if workload.busy() and self.skipped < BUSY_ROUNDS:
            self.skipped += 1
            return False
        self.skipped = 0
        return True

    def run(self) -> None:
        pause = 0.0  # the first pass runs at once: rows left by a crash are indexed when a worker starts
        while not self.stopping.wait(pause):
            pause = self.interval
            if not self.takes_round():
                continue
            with self.app.app_context():
                try:
                    drain(wait=0.0)
                except Exception:
                    pause = max(self.interval, RETRY_AFTER)
                    log.exception("search: background drain failed; the rows stay queued")

    def stop(self, timeout: float = 30.0) -> None:
        """For tests and shutdown hooks: finish the current pass, then end."""
        self.stopping.set()
        self.join(timeout)


_start_lock = threading.Lock()


def start_drainer(app: Flask) -> None:
    """Start this process's drainer once (after a fork too: threads do not survive one)."""
    interval = float(app.config.get("SEARCH_DRAIN_INTERVAL", INTERVAL))
    drainer = app.extensions.get("search_drainer")
    if not interval or (drainer is not None and drainer.pid == os.getpid() and drainer.is_alive()):
        return
    with _start_lock:
        drainer = app.extensions.get("search_drainer")
        if drainer is None or drainer.pid != os.getpid() or not drainer.is_alive():
            app.extensions["search_drainer"] = drainer = Drainer(app, interval)
            drainer.start()
