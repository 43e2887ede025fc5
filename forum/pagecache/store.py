"""The cache store: Redis when REDIS_URL is set (every worker and server shares it), in-process otherwise."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import Flask, current_app
from flask_caching import Cache

from forum.extensions import db
from forum.pagecache import scopes as scope_versions

T = TypeVar("T")
cache = Cache()
_MISSING = object()


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


def memo(key: str, scopes: Iterable[str], compute: Callable[[], T], timeout: int | None = None) -> T:
    """A value shared by every request and worker until one of its scopes changes (a list's total, say)."""
    full_key = "memo:" + versioned_key(key, scopes)
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout=timeout or current_app.config.get("PAGE_CACHE_SECONDS", 300))
    return value
