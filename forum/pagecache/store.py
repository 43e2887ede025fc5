"""The cache store: Redis when REDIS_URL is set (every worker and server shares it), in-process otherwise."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, has_request_context, request
from flask_caching import Cache

from forum.extensions import db
from forum.pagecache import scopes as scope_versions

T = TypeVar("T")
log = logging.getLogger(__name__)
cache = Cache()


def init_app(app: Flask) -> None:
    config = {"CACHE_DEFAULT_TIMEOUT": app.config.get("PAGE_CACHE_SECONDS", 300),
              "CACHE_KEY_PREFIX": app.config.get("CACHE_KEY_PREFIX", "forum:")}
    if app.config.get("REDIS_URL"):
        # Short timeouts: an unreachable Redis (not merely refused) would otherwise hang every visitor's page.
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=app.config["REDIS_URL"],
                      CACHE_OPTIONS={"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
    else:
        config.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=app.config.get("PAGE_CACHE_ITEMS", 2000))
    cache.init_app(app, config=config)


def versioned_key(key: str, scopes: Iterable[str]) -> str:
    """The key with the scopes' current versions in it: a write to any scope makes a new key, so nothing
    stale is ever read, and the old entry simply expires."""
    ordered = sorted(set(scopes))
    versions = current_versions(ordered)
    return f"{key}|" + ",".join(f"{scope}={version}" for scope, version in zip(ordered, versions))


def prefetch(*scopes: str) -> None:
    """Scopes this GET request will look up later: they ride along with its next version lookup."""
    if _read_request():
        g.setdefault("pagecache_prefetch", set()).update(scopes)


def _read_request() -> bool:
    return has_request_context() and request.method in ("GET", "HEAD")


def current_versions(ordered: list[str]) -> tuple[int, ...]:
    """The scopes' versions (0 for one never bumped). Outside a GET request, one lookup per call. A GET request
    writes nothing (tests/test_no_write_on_get.py; a commit that bumps versions forgets them, scopes.py), so
    each version is looked up once per request, together with the site settings' version and any prefetched
    scopes: that is what lets every page show the settings (forum/site.py) without a statement of its own."""
    if not _read_request():
        return scope_versions.current(db.session, ordered)
    known: dict[str, int] = g.setdefault(scope_versions.REQUEST_VERSIONS, {})
    missing = {scope for scope in ordered if scope not in known}
    if missing:
        missing |= {scope_versions.SETTINGS, *g.pop("pagecache_prefetch", ())} - known.keys()
        wanted = sorted(missing)
        known.update(zip(wanted, scope_versions.current(db.session, wanted)))
    return tuple(known[scope] for scope in ordered)


# A memo keyed by the minute (figures that move with the clock) is worth nothing once the minute has turned.
MINUTE = 60


def drop_expired(app: Flask) -> int:
    """Remove the in-process store's expired entries; how many went. cachelib's SimpleCache removes them only
    once PAGE_CACHE_ITEMS is exceeded, so a worker otherwise keeps up to that many dead pages and memos (a
    dashboard's figures a minute, old versions of pages after writes): megabytes no request can read. Redis
    expires its own."""
    store = app.extensions.get("cache", {}).get(cache)  # the app's own: this runs after the request's context
    entries = getattr(store, "_cache", None)
    if not isinstance(entries, dict):
        return 0
    now = time.time()
    dead = [key for key, (expires, _value) in list(entries.items()) if 0 < expires <= now]
    for key in dead:
        entries.pop(key, None)
    return len(dead)


def cache_get(key: str) -> Any:
    """None on a miss, and on a cache that cannot be reached: an outage costs a render, never a 500."""
    try:
        return cache.get(key)
    except Exception:  # redis.ConnectionError and friends; Flask-Caching does not wrap them
        log.warning("page cache unreachable: reading %s from the database", key, exc_info=True)
        return None


def cache_set(key: str, value: Any, timeout: int | None = None) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:
        log.warning("page cache unreachable: %s not stored", key, exc_info=True)


def memo(key: str, scopes: Iterable[str], compute: Callable[[], T], timeout: int | None = None) -> T:
    """A value shared by every request and worker until one of its scopes changes (a list's total, say)."""
    full_key = "memo:" + versioned_key(key, scopes)
    value = cache_get(full_key)
    if value is None:
        value = compute()
        cache_set(full_key, value, timeout=timeout or current_app.config.get("PAGE_CACHE_SECONDS", 300))
    return cast(T, value)  # the cache returns what compute() stored under this key
