"""The cache store: Redis when REDIS_URL is set (every worker and server shares it), in-process otherwise."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask, current_app
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
        config.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=app.config["REDIS_URL"])
    else:
        config.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=app.config.get("PAGE_CACHE_ITEMS", 2000))
    cache.init_app(app, config=config)


def versioned_key(key: str, scopes: Iterable[str]) -> str:
    """The key with the scopes' current versions in it: a write to any scope makes a new key, so nothing
    stale is ever read, and the old entry simply expires."""
    ordered = sorted(set(scopes))
    versions = scope_versions.current(db.session, ordered)
    return f"{key}|" + ",".join(f"{scope}={version}" for scope, version in zip(ordered, versions))


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
    return value
