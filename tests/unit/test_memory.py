"""Freed memory is handed back every MEMORY_TRIM_EVERY requests, once the response is sent; 0 turns it off."""
from __future__ import annotations

import pytest

from forum import memory


@pytest.fixture
def trims(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda: lambda pad: calls.append(pad) or 1)
    return calls


@pytest.mark.config(MEMORY_TRIM_EVERY=2)
def test_every_second_response_trims_after_it_is_sent(trims, app):
    client = app.test_client()
    for _ in range(4):
        response = client.get("/healthz")
        assert response.status_code == 200
        response.close()
    assert trims == [0, 0]


@pytest.mark.config(MEMORY_TRIM_EVERY=0)
def test_zero_turns_it_off(trims, app):
    client = app.test_client()
    for _ in range(3):
        client.get("/healthz").close()
    assert trims == []


def test_the_c_library_is_found_on_this_machine():
    assert memory._malloc_trim() is not None


@pytest.mark.config(MEMORY_TRIM_EVERY=2)
def test_expired_cache_entries_are_dropped_with_the_trim(trims, app, monkeypatch):
    """cachelib keeps expired entries until PAGE_CACHE_ITEMS is exceeded: the trim step removes them (a
    dashboard's figures are memoized once a minute), and leaves the live ones."""
    import time

    from forum import pagecache
    with app.app_context():
        pagecache.cache.set("old", "x" * 1000, timeout=1)
        pagecache.cache.set("live", "y", timeout=300)
        store = app.extensions["cache"][pagecache.cache]
    later = time.time() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    client = app.test_client()
    for _ in range(2):
        client.get("/healthz").close()
    assert "old" not in store._cache and "live" in store._cache
    assert trims == [0]


def test_minute_memos_live_a_minute(app):
    """Figures keyed by the minute (the dashboard's, the queue's member standing) expire when it turns, so the
    in-process store never holds a stale one for the default five minutes."""
    from forum import pagecache
    with app.test_request_context():
        pagecache.memo("figures:2026-12-07T06:00", [pagecache.QUESTIONS], lambda: 1, timeout=pagecache.MINUTE)
        store = app.extensions["cache"][pagecache.cache]
        (expires, _value), = [v for k, v in store._cache.items() if "figures:" in k]
    import time
    assert expires - time.time() <= 61


@pytest.fixture
def freezes(monkeypatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(memory, "_freeze", lambda: calls.append("freeze"))
    return calls


@pytest.mark.config(MEMORY_FREEZE=True)
def test_a_worker_freezes_once_after_its_first_response(freezes, app):
    """What the worker built at start; a second freeze later cost the pages at 1M posts a quarter of their
    throughput (forum/memory.py)."""
    client = app.test_client()
    client.get("/healthz").close()
    assert freezes == ["freeze"]
    for _ in range(5):
        client.get("/healthz").close()
    assert freezes == ["freeze"]


def test_tests_never_freeze(freezes, app):
    """Frozen objects outlive the app: a test process that builds hundreds of apps must not keep them."""
    assert app.config["MEMORY_FREEZE"] is False
    client = app.test_client()
    for _ in range(5):
        client.get("/healthz").close()
    assert freezes == []


def test_a_freeze_collects_first_and_leaves_the_collector_little_to_walk():
    import gc
    try:
        memory._freeze()
        assert gc.get_freeze_count() > 0
        assert gc.get_count()[0] < 50  # it collected: the young generation was emptied before the freeze
    finally:
        gc.unfreeze()
