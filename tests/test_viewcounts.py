"""The view-count buffer: exact totals under concurrency, batched writes, and what a killed worker may lose."""
from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from forum import create_app, viewcounts
from forum.extensions import db
from forum.models import Thread
from tests.conftest import count_queries
from tests.factories import make_thread, make_user

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parent.parent


def _redis_or_skip() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture
def redis_settings() -> dict:
    """Redis mode on a key of this test's own, removed afterwards (other runs may share the server)."""
    key = f"forum:test:viewcounts:{uuid.uuid4().hex}"
    yield {"REDIS_URL": _redis_or_skip(), "VIEW_COUNT_REDIS_KEY": key}
    redis.Redis.from_url(REDIS_URL).delete(key)


@pytest.fixture
def thread_ids(app: Flask) -> list[int]:
    with app.app_context():
        author = make_user()
        return [make_thread(author).id for _ in range(3)]


@pytest.fixture
def workers(app_config):
    """Builds apps on the test's database, each with its own buffer: the workers of one deployment."""
    built: list[Flask] = []

    def build(**settings) -> Flask:
        config = copy.copy(app_config)
        for key, value in settings.items():
            setattr(config, key, value)
        built.append(create_app(config))
        return built[-1]

    yield build
    for worker in built:
        with worker.app_context():
            db.engine.dispose()


def _stored(app: Flask, thread_ids: list[int]) -> list[int]:
    with app.app_context():
        rows = dict(db.session.execute(sa.select(Thread.id, Thread.view_count).where(Thread.id.in_(thread_ids))).all())
        db.session.rollback()  # outside a request SQLite transactions are IMMEDIATE: do not hold the lock
        return [rows[thread_id] for thread_id in thread_ids]


def _count(app: Flask, thread_id: int, times: int) -> None:
    with app.app_context():
        for _ in range(times):
            viewcounts.count_view(thread_id)


def _flush(app: Flask) -> int:
    with app.app_context():
        return viewcounts.flush()


@pytest.mark.parametrize("mode", ["memory", "redis"])
def test_concurrent_views_and_flushes_write_every_view_once(app, workers, thread_ids, mode, request):
    """Two workers count while both flush over and over; with Redis they flush each other's counts too."""
    settings = request.getfixturevalue("redis_settings") if mode == "redis" else {}
    pair = [workers(**settings), workers(**settings)]
    done = threading.Event()

    def flush_until_done(worker: Flask) -> None:
        while not done.is_set():
            _flush(worker)

    counters = [threading.Thread(target=_count, args=(pair[n % 2], thread_ids[n % 3], 150)) for n in range(4)]
    flushers = [threading.Thread(target=flush_until_done, args=(worker,)) for worker in pair]
    for thread in counters + flushers:
        thread.start()
    for thread in counters:
        thread.join()
    done.set()
    for thread in flushers:
        thread.join()
    for worker in pair:
        _flush(worker)
    assert _stored(app, thread_ids) == [300, 150, 150]


def test_a_flush_is_one_update_statement_and_bumps_no_page_version(app, thread_ids):
    from forum.models import PageVersion
    with app.app_context():
        versions = db.session.execute(sa.select(PageVersion.scope, PageVersion.version)).all()
        db.session.rollback()
        for number, thread_id in enumerate(thread_ids, start=1):
            for _ in range(number):
                viewcounts.count_view(thread_id)
        with count_queries(db.engine) as statements:
            assert viewcounts.flush() == 6
        assert [s.split()[0] for s in statements] == ["UPDATE"], statements
        assert db.session.execute(sa.select(PageVersion.scope, PageVersion.version)).all() == versions
        db.session.rollback()
        with count_queries(db.engine) as statements:
            assert viewcounts.flush() == 0
        assert statements == []  # nothing buffered: no transaction at all
    assert _stored(app, thread_ids) == [1, 2, 3]


def test_a_large_flush_is_batched_and_ignores_deleted_threads(app, thread_ids):
    with app.app_context():
        missing = range(10_000, 10_000 + 2 * viewcounts.BATCH)
        for thread_id in [*thread_ids, *missing]:
            viewcounts.count_view(thread_id)
        with count_queries(db.engine) as statements:
            assert viewcounts.flush() == 3 + 2 * viewcounts.BATCH
        assert len(statements) == 3  # ceil((2 * BATCH + 3) / BATCH) statements in one transaction
    assert _stored(app, thread_ids) == [1, 1, 1]


def test_a_failed_flush_keeps_the_counts_for_the_next(app, thread_ids, monkeypatch):
    with app.app_context():
        viewcounts.count_view(thread_ids[0])
        monkeypatch.setattr(viewcounts, "_write", lambda counts: (_ for _ in ()).throw(RuntimeError("db down")))
        with pytest.raises(RuntimeError):
            viewcounts.flush()
        monkeypatch.undo()
        assert viewcounts.flush() == 1
    assert _stored(app, thread_ids) == [1, 0, 0]


@pytest.mark.parametrize("mode", ["memory", "redis"])
def test_a_members_reloads_count_once(app, workers, thread_ids, mode, request):
    settings = request.getfixturevalue("redis_settings") if mode == "redis" else {}
    worker = workers(**settings)
    with worker.app_context():
        assert viewcounts.count_view(thread_ids[0], viewer_id=7)
        assert not viewcounts.count_view(thread_ids[0], viewer_id=7)
        assert viewcounts.count_view(thread_ids[1], viewer_id=7)
        assert viewcounts.count_view(thread_ids[0], viewer_id=8)
        assert viewcounts.count_view(thread_ids[0]) and viewcounts.count_view(thread_ids[0])  # visitors: each
        assert viewcounts.flush() == 5


def test_redis_down_drops_the_count_instead_of_failing(workers, thread_ids, app):
    worker = workers(REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    with worker.test_request_context(f"/questions/{thread_ids[0]}"):
        assert viewcounts.count_view(thread_ids[0]) is False
        assert viewcounts.count_view(thread_ids[0], viewer_id=3) is False
    assert _stored(app, thread_ids) == [0, 0, 0]


def test_flush_views_command_writes_every_workers_redis_counts(app, workers, thread_ids, redis_settings):
    _count(workers(**redis_settings), thread_ids[0], 4)
    _count(workers(**redis_settings), thread_ids[1], 2)
    result = workers(**redis_settings).test_cli_runner().invoke(args=["forum", "flush-views"])
    assert result.exit_code == 0 and "Flushed 6 views." in result.output, result.output
    assert _stored(app, thread_ids) == [4, 2, 0]


# -- a worker that dies --------------------------------------------------------------------------

_WORKER = textwrap.dedent("""
    import json, os, signal, sys, time
    from pathlib import Path
    from tests.conftest import build_config
    from forum import create_app, viewcounts
    spec = json.loads(os.environ["VC_SPEC"])
    app = create_app(build_config(spec["url"], Path(spec["tmp"]), **spec["settings"]))
    with app.app_context():
        for _ in range(spec["before"]):
            viewcounts.count_view(spec["thread"])
        state = viewcounts._state(app)
        deadline = time.monotonic() + 60
        while spec["wait_flush"] and state.flushes < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        flushes = state.flushes
        for _ in range(spec["after"]):
            viewcounts.count_view(spec["thread"])
        print(json.dumps({"flushes_before": flushes, "flushes_at_end": state.flushes}), flush=True)
    if spec["end"] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.exit(0)
""")


def _run_worker(app_config, tmp_path, thread_id: int, *, end: str, before: int, after: int,
                wait_flush: bool, settings: dict) -> dict:
    import json
    spec = {"url": app_config.SQLALCHEMY_DATABASE_URI, "tmp": str(tmp_path), "thread": thread_id, "end": end,
            "before": before, "after": after, "wait_flush": wait_flush, "settings": settings}
    done = subprocess.run([sys.executable, "-c", _WORKER], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "VC_SPEC": json.dumps(spec), "PYTHONPATH": str(ROOT)})
    expected = -signal.SIGKILL if end == "kill" else 0
    assert done.returncode == expected, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_killed_worker_loses_only_the_views_since_its_last_flush(app, app_config, tmp_path, thread_ids):
    """In process: the flusher thread wrote the first 5 views; the 3 counted after that flush die with the worker."""
    report = _run_worker(app_config, tmp_path, thread_ids[0], end="kill", before=5, after=3, wait_flush=True,
                         settings={"VIEW_COUNT_FLUSH_THREAD": True, "VIEW_COUNT_FLUSH_SECONDS": 1})
    assert report["flushes_before"] == report["flushes_at_end"] == 1, report  # no flush after the last 3 views
    assert _stored(app, thread_ids) == [5, 0, 0]


def test_a_worker_ending_normally_flushes_at_exit(app, app_config, tmp_path, thread_ids):
    _run_worker(app_config, tmp_path, thread_ids[0], end="exit", before=4, after=0, wait_flush=False,
                settings={"VIEW_COUNT_FLUSH_THREAD": True, "VIEW_COUNT_FLUSH_SECONDS": 3600})
    assert _stored(app, thread_ids) == [4, 0, 0]


def test_a_killed_worker_loses_nothing_with_redis(app, app_config, tmp_path, thread_ids, redis_settings, workers):
    """With Redis the counts outlive the worker; any other worker's flush (or the command) writes them."""
    _run_worker(app_config, tmp_path, thread_ids[0], end="kill", before=6, after=0, wait_flush=False,
                settings={**redis_settings, "VIEW_COUNT_FLUSH_THREAD": False})
    assert _stored(app, thread_ids) == [0, 0, 0]
    assert _flush(workers(**redis_settings)) == 6
    assert _stored(app, thread_ids) == [6, 0, 0]
