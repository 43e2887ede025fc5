"""Thread view counts kept out of page requests: counted in Redis or in process, written to threads in batches.

A page view never writes SQL (issue 21: a visitor's page is cached whole and a GET changes no data). `count_view`
adds one to a buffer: a Redis hash when REDIS_URL is set (every worker and server shares it), else a dict in
the process. `flush` takes the whole buffer atomically and adds it to threads.view_count in one UPDATE per
`BATCH` threads. It runs every VIEW_COUNT_FLUSH_SECONDS from a daemon thread per process (started by the first
counted view, outside tests), at process exit, and from `flask forum flush-views`. A worker killed outright
loses what it counted since its last flush, never more: one flush interval (in process), nothing (Redis).

The UPDATE goes through a Core connection, not the ORM session: no session event sees it, so it bumps no page
version (view counts are a column the page cache may show a little stale) and indexes nothing for search.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Mapping
from typing import Protocol, cast

import sqlalchemy as sa
from flask import Flask, current_app

from forum.extensions import db
from forum.models import Thread

log = logging.getLogger(__name__)

BATCH = 500  # threads per UPDATE: two bound parameters each stays far under SQLite's 32,766
MEMBER_REPEAT_SECONDS = 30 * 60  # a member's reloads within this window count once
SEEN_LIMIT = 100_000  # in-process de-duplication entries before expired ones are swept
DEFAULT_FLUSH_SECONDS = 5.0
_EXTENSION = "forum.viewcounts"
_STATE_LOCK = threading.Lock()
# HGETALL and DEL as one step: two workers flushing at once each get a disjoint part, never the same count twice.
_TAKE_SCRIPT = "local counts = redis.call('HGETALL', KEYS[1]) redis.call('DEL', KEYS[1]) return counts"


class Buffer(Protocol):
    @property
    def errors(self) -> tuple[type[Exception], ...]: ...  # what an unreachable store raises: counts are dropped

    def add(self, thread_id: int, amount: int = 1) -> None: ...
    def take(self) -> dict[int, int]: ...
    def give_back(self, counts: Mapping[int, int]) -> None: ...
    def first_look(self, viewer_id: int, thread_id: int) -> bool: ...


class MemoryBuffer:
    """One process's counts under a lock; what is not yet flushed dies with the process."""

    errors: tuple[type[Exception], ...] = ()  # nothing to be unreachable

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[int, int] = {}
        self._seen: dict[tuple[int, int], float] = {}

    def add(self, thread_id: int, amount: int = 1) -> None:
        with self._lock:
            self._counts[thread_id] = self._counts.get(thread_id, 0) + amount

    def take(self) -> dict[int, int]:
        with self._lock:
            counts, self._counts = self._counts, {}
        return counts

    def give_back(self, counts: Mapping[int, int]) -> None:
        for thread_id, amount in counts.items():
            self.add(thread_id, amount)

    def first_look(self, viewer_id: int, thread_id: int) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._seen.get((viewer_id, thread_id), 0.0) > now:
                return False
            if len(self._seen) >= SEEN_LIMIT:  # bounded memory: sweep, and forget everything if all are live
                live = {key: until for key, until in self._seen.items() if until > now}
                self._seen = live if len(live) < SEEN_LIMIT // 2 else {}
            self._seen[(viewer_id, thread_id)] = now + MEMBER_REPEAT_SECONDS
            return True


class RedisBuffer:
    """Counts in one Redis hash shared by every worker; a killed worker loses nothing it counted."""

    def __init__(self, url: str, key: str) -> None:
        import redis  # here, not at the top: a worker without REDIS_URL never loads the client (~6 MB)
        self.errors = (redis.RedisError,)
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._key = key
        self._take = self._redis.register_script(_TAKE_SCRIPT)

    def add(self, thread_id: int, amount: int = 1) -> None:
        self._redis.hincrby(self._key, str(thread_id), amount)

    def take(self) -> dict[int, int]:
        flat = self._take(keys=[self._key])
        return {int(flat[i]): int(flat[i + 1]) for i in range(0, len(flat), 2)}

    def give_back(self, counts: Mapping[int, int]) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for thread_id, amount in counts.items():
            pipe.hincrby(self._key, str(thread_id), amount)
        pipe.execute()

    def first_look(self, viewer_id: int, thread_id: int) -> bool:
        key = f"{self._key}:seen:{viewer_id}:{thread_id}"
        return bool(self._redis.set(key, 1, nx=True, ex=MEMBER_REPEAT_SECONDS))


class _State:
    """Per app and per process (a forked worker starts afresh: it must not flush its parent's counts again)."""

    def __init__(self, app: Flask) -> None:
        self.pid = os.getpid()
        self.buffer: Buffer = _make_buffer(app)
        self.lock = threading.Lock()
        self.flusher: threading.Thread | None = None
        self.stop = threading.Event()
        self.flushes = 0


def _make_buffer(app: Flask) -> Buffer:
    url = app.config.get("REDIS_URL")
    if url:
        # Outside the page cache's "forum:" prefix: clearing that cache must not throw away unflushed views.
        return RedisBuffer(url, app.config.get("VIEW_COUNT_REDIS_KEY", "forum-viewcounts"))
    return MemoryBuffer()


def _state(app: Flask) -> _State:
    state = app.extensions.get(_EXTENSION)
    if state is None or state.pid != os.getpid():
        with _STATE_LOCK:
            state = app.extensions.get(_EXTENSION)
            if state is None or state.pid != os.getpid():
                state = app.extensions[_EXTENSION] = _State(app)
    return state


def count_view(thread_id: int, viewer_id: int | None = None) -> bool:
    """Count one view of a thread: every visitor's, a member's once per MEMBER_REPEAT_SECONDS. No SQL.
    Returns whether it counted. A Redis outage drops the count rather than failing the page."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    state = _state(app)
    try:
        if viewer_id is not None and not state.buffer.first_look(viewer_id, thread_id):
            return False
        state.buffer.add(thread_id)
    except state.buffer.errors as error:
        log.warning("view of thread %s not counted: %s", thread_id, error)
        return False
    if state.flusher is None and app.config.get("VIEW_COUNT_FLUSH_THREAD", not app.testing):
        start_flusher(app)
    return True


def flush() -> int:
    """Add the buffered counts to threads.view_count now; returns how many views it wrote. If the write
    fails the counts go back into the buffer for the next flush."""
    state = _state(current_app._get_current_object())  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    counts = state.buffer.take()
    if counts:
        try:
            _write(counts)
        except Exception:
            state.buffer.give_back(counts)
            raise
    state.flushes += 1
    return sum(counts.values())


def _write(counts: Mapping[int, int]) -> None:
    """`UPDATE threads SET view_count = view_count + CASE id WHEN .. THEN .. END WHERE id IN (..)`, in id
    order so two flushers on PostgreSQL lock rows in the same order and cannot deadlock."""
    table = cast(sa.Table, Thread.__table__)  # a mapped class's table (typed as any FromClause)
    items = sorted(counts.items())
    with db.engine.begin() as connection:
        for start in range(0, len(items), BATCH):
            chunk = dict(items[start:start + BATCH])
            increment = sa.case(chunk, value=table.c.id, else_=0)
            connection.execute(table.update().where(table.c.id.in_(list(chunk)))
                               .values(view_count=table.c.view_count + increment))


def start_flusher(app: Flask) -> threading.Thread:
    """The process's flush loop, and a last flush at exit (a graceful gunicorn stop or restart loses nothing)."""
    state = _state(app)
    with state.lock:
        if state.flusher is None:
            interval = float(app.config.get("VIEW_COUNT_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS))
            state.flusher = threading.Thread(target=_flush_loop, args=(app, state, interval),
                                             name="viewcount-flusher", daemon=True)
            state.flusher.start()
            atexit.register(_flush_at_exit, app, state)
    return state.flusher


def _flush_loop(app: Flask, state: _State, interval: float) -> None:
    while not state.stop.wait(interval):
        _flush_logged(app)


def _flush_at_exit(app: Flask, state: _State) -> None:
    if state.pid == os.getpid():  # a forked child inherits atexit handlers, not the parent's counts
        _flush_logged(app)


def _flush_logged(app: Flask) -> None:
    """A failed flush (database busy, Redis down) keeps or returns the counts; it must not end the loop."""
    with app.app_context():
        try:
            flush()
        except Exception:  # logged; the next round retries with the counts given back
            log.exception("view count flush failed")
