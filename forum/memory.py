"""Freed memory goes back to the system between requests.

A page at 1M posts allocates and frees a few MB (rows, the rendered page); glibc keeps what was freed in the
worker's heap, so a worker's resident memory settles at its largest page's high-water mark. Every
MEMORY_TRIM_EVERY requests (default 4; 0 turns it off), once the response has been sent, malloc_trim(0) hands
the free pages back: about 1.5 MB a worker at 1M posts, for 0.01-0.2 ms. Before that the in-process page
cache drops its expired entries, which cachelib keeps until PAGE_CACHE_ITEMS is exceeded. Without glibc (macOS,
musl) only that happens.

A worker also freezes what it holds once its first response is sent (gc.freeze; MEMORY_FREEZE=0 turns it off,
and tests do). Its modules, mappers and templates live as long as it does, yet every full collection walked
them: 145,000 objects, 105 ms a pass, paid by whichever request was running. That pause was the slowest answer
posted at 1M posts after each worker's first. Once frozen, a pass walks only what came later. A frozen object
still dies when its last reference goes; only a frozen cycle is never collected, which is why the freeze
collects first. Freezing a second time, after the 500th request, cost the pages at 1M posts a quarter of their
throughput (a short run on SQLite: the visitor's thread page at 0.243 of the ceiling, 0.344 with the one
freeze), so a worker freezes once.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import itertools
from collections.abc import Callable

from flask import Flask, Response

from forum import pagecache


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def _freeze() -> None:
    gc.collect()
    gc.freeze()


def init_app(app: Flask) -> None:
    _install_freeze(app)
    _install_trim(app)


def _install_freeze(app: Flask) -> None:
    if not app.config.get("MEMORY_FREEZE"):
        return
    first = [True]

    def after(response: Response) -> Response:
        if first:
            first.clear()
            response.call_on_close(_freeze)
        return response

    app.after_request(after)


def _install_trim(app: Flask) -> None:
    every = int(app.config.get("MEMORY_TRIM_EVERY", 4) or 0)
    if every <= 0:
        return
    trim = _malloc_trim()
    served = itertools.count(1)

    def release() -> None:
        pagecache.drop_expired(app)
        if trim is not None:
            trim(0)

    def after(response: Response) -> Response:
        if next(served) % every == 0:
            response.call_on_close(release)
        return response

    app.after_request(after)
