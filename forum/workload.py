"""Whether this process is serving a request right now, for the background work that shares its GIL.

The search queue's drainer (forum/search/queue.py) runs in every worker. Under a steady stream of writes one
worker tends to take most requests (gunicorn's sync workers race for each connection, and the one back in
accept() first wins), and its drainer then indexed in Python beside its requests, whose round trips waited for
the GIL. A drainer whose worker is busy leaves the round to the others, which are idle; it still drains every
few rounds, so a single worker under constant load keeps its index in step (searches catch up themselves).
"""
from __future__ import annotations

import threading

from flask import Flask, g

_lock = threading.Lock()
_in_progress = 0
_COUNTED = "_workload_counted"


def init_app(app: Flask) -> None:
    app.before_request(_started)
    app.teardown_request(_finished)


def busy() -> bool:
    """A request of this process is between its first before_request and its teardown."""
    return _in_progress > 0


def _started() -> None:
    global _in_progress
    with _lock:
        _in_progress += 1
    setattr(g, _COUNTED, True)


def _finished(_error: BaseException | None = None) -> None:
    """Only a request that was counted: a before_request registered earlier may have ended it first."""
    global _in_progress
    if g.pop(_COUNTED, False):
        with _lock:
            _in_progress -= 1
