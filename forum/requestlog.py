"""The access log: one line per request (request id, method, path, status, duration, user, client), and the
`forum` loggers' format (LOG_FORMAT: `text`, or `json` for one JSON object a line).

It is WSGI middleware around everything else, static files included, so no request goes unlogged; it runs
inside ProxyFix, so the client address is the real one behind TRUSTED_PROXY_COUNT proxies. The request id
comes from `X-Request-ID` when the proxy set a sane one (so one id follows a request through nginx and the
app), else is generated, and is echoed in the response. The duration is measured to the response's
headers: a streamed export's body is not waited for.
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import Flask, g, has_request_context, request
from werkzeug.local import LocalProxy

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

access_log = logging.getLogger("forum.access")

REQUEST_ID_HEADER = "X-Request-ID"
ENVIRON_ID, ENVIRON_USER = "forum.request_id", "forum.user_id"
_acceptable_id = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}\Z").match  # nothing that could forge a log line
# Paths that carry a secret (a password-reset or unsubscribe token): logs are read by more people than mail.
_SECRET_PATH = re.compile(r"^(/reset-password/|/unsubscribe/)[^/]+")
_HANDLER_MARK = "_forum_handler"
# Loggers that fail on every request while Redis is down (the page cache, the view counter): one line a minute
# per message says as much as thousands, and keeps the access lines readable.
REPEATING_LOGGERS = ("forum.pagecache.store", "forum.viewcounts")


class AccessLog:
    """WSGI middleware: assigns the request id and writes the access line once the response starts."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _acceptable_id(given) else uuid.uuid4().hex
        environ[ENVIRON_ID] = request_id

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            headers.append((REQUEST_ID_HEADER, request_id))
            _log_access(environ, status, started)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return self.app(environ, start)


def _log_access(environ: dict, status: str, started: float) -> None:
    fields = {"request_id": environ[ENVIRON_ID], "method": environ.get("REQUEST_METHOD", ""),
              "path": _SECRET_PATH.sub(r"\1[token]", environ.get("PATH_INFO", "")),
              "status": int(status.split(" ", 1)[0]),
              "duration_ms": round((time.perf_counter() - started) * 1000, 1),
              "user_id": environ.get(ENVIRON_USER), "client": environ.get("REMOTE_ADDR")}
    access_log.info(" ".join(f"{key}={'-' if value is None else value}" for key, value in fields.items()),
                    extra={"access": fields})


def _remember_user(response):
    """The user Flask-Login already loaded, if any: reading current_user here would load one (a query) for
    requests that never needed it, the health probes among them."""
    user = g.get("_login_user")
    if isinstance(user, LocalProxy):  # login_user(current_user) stores the proxy itself, which reads back as itself
        return response
    if user is not None and getattr(user, "is_authenticated", False):
        request.environ[ENVIRON_USER] = user.id
    return response


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the request id inside a request, and an access
    line's fields at the top level, so a log shipper indexes them without parsing the message."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name}
        access = getattr(record, "access", None)
        if access is not None:
            entry.update(access)
        else:
            entry["message"] = record.getMessage()
            if has_request_context():
                entry["request_id"] = request.environ.get(ENVIRON_ID)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RepeatFilter(logging.Filter):
    """Lets each message template of a logger through once per `interval` seconds."""

    def __init__(self, interval: float = 60.0) -> None:
        super().__init__()
        self.interval = interval
        self._last: dict[tuple[str, object], float] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        key, now = (record.name, record.msg), time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.interval:
                return False
            self._last[key] = now
        return True


def quiet_repeats() -> None:
    """Once per process: the filter on each logger in REPEATING_LOGGERS."""
    for name in REPEATING_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RepeatFilter) for existing in logger.filters):
            logger.addFilter(RepeatFilter())


def configure_logging(log_format: str) -> logging.Handler:
    """One stderr handler (made once per process, its format set from the latest app) on the `forum` loggers,
    INFO and up, and on Flask-Limiter's, whose own NullHandler would otherwise swallow its "storage
    unreachable" warning. Records still propagate: gunicorn and `flask run` configure no root handler, and
    tests' caplog listens there."""
    logger = logging.getLogger("forum")
    handler = next((h for h in logger.handlers if getattr(h, _HANDLER_MARK, False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        setattr(handler, _HANDLER_MARK, True)
        logger.addHandler(handler)
        logging.getLogger("flask-limiter").addHandler(handler)
    handler.setFormatter(JsonFormatter() if log_format == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("forum", "flask-limiter"):  # Flask-Limiter says "storage recovered" at INFO
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.INFO)
    return handler


def init_app(app: Flask) -> None:
    """The middleware and the user hook; the log handler outside tests (they read records with caplog)."""
    app.wsgi_app = AccessLog(app.wsgi_app)  # type: ignore[method-assign]  # Flask's documented middleware hook
    app.after_request(_remember_user)
    quiet_repeats()
    if not app.testing:
        configure_logging(app.config.get("LOG_FORMAT", "text"))
