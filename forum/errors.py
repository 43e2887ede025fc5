"""Domain errors and how they are answered: a JSON error under /api/, a page elsewhere."""
from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, has_app_context, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from forum.extensions import db, limiter
from forum.i18n import _, _l, ngettext

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused the request; services raise these, never HTTP errors."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, str] | None = None) -> None:
        super().__init__(str(message or self.default_message))
        self.message = str(message or self.default_message)  # a lazy default speaks the request's language
        self.fields = fields or {}

    default_message = _l("The request could not be processed.")


class NotFound(DomainError):
    status, code, default_message = 404, "not_found", _l("That page or item does not exist.")


class PermissionDenied(DomainError):
    status, code, default_message = 403, "forbidden", _l("You are not allowed to do that.")


class Conflict(DomainError):
    status, code, default_message = 409, "conflict", _l("That conflicts with the current state.")


class Invalid(DomainError):
    """Field messages a form shows next to its fields and the API returns as 422.

    Fields the request guard cleaned of hostile text (forum/web.py) and no field check claimed are added, so
    a form that comes back for any reason also says why its text lost characters."""

    status, code, default_message = 422, "invalid", _l("Some fields need attention.")

    def __init__(self, message: str = "", fields: dict[str, str] | None = None) -> None:
        refused = g.pop("refused_fields", None) if has_app_context() else None
        super().__init__(message, {**(fields or {}), **(refused or {})})


class BadRequest(DomainError):
    status, code, default_message = 400, "bad_request", _l("The request is malformed.")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, fields: dict | None = None,
                   hint: str | None = None) -> tuple[Response | str, int]:
    """`hint` replaces the page's stock advice for the status ("" for none, when the message says it all)."""
    message = str(message)  # a lazy text (_l) in the request's language
    if wants_json():
        body: dict = {"code": code, "message": message}
        if fields:
            body["fields"] = fields
        return jsonify(error=body), status
    extra = {} if hint is None else {"hint": hint}
    return render_template("errors/error.html", status=status, message=message, fields=fields or {}, **extra), status


def try_again_in(wait: int) -> str:
    """"Please try again in 12 minutes." (hours past an hour and a half), from Retry-After's seconds."""
    minutes = max(1, -(-(wait - 1) // 60))  # reset times are whole seconds: 3601 s is still "60 minutes"
    if minutes > 90:
        hours = -(-(minutes - 1) // 60)
        return ngettext("Please try again in %(num)d hour.", "Please try again in %(num)d hours.", hours)
    return ngettext("Please try again in %(num)d minute.", "Please try again in %(num)d minutes.", minutes)


def _breached_wait() -> int | None:
    """Seconds until the breached Flask-Limiter limit of this request lets another through, if one was."""
    try:
        current = limiter.current_limit
    except Exception:  # noqa: BLE001 - no limiter context: the stock message
        return None
    if current is None or not current.breached:
        return None
    return max(1, int(current.reset_at) - int(time.time()))


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
               429: "rate_limited"}
_HTTP_MESSAGES = {
    401: _l("Please log in first."),
    404: _l("That page or item does not exist."),
    413: _l("The request is too large (the limit is 1 MB)."),
    429: _l("Too many attempts. Please wait a minute and try again."),
}


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        response, status = error_response(error.status, error.code, error.message, error.fields)
        retry_after = getattr(error, "retry_after", None)  # a rate (forum/trust.py RateLimited): when to try again
        if retry_after:
            response = make_response(response)
            response.headers["Retry-After"] = str(retry_after)
        return response, status

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return error_response(400, "csrf", _("The form expired or was not sent from this site. Please try again."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        if status == 429 and getattr(error, "response", None) is not None:  # a limit's own page (on_breach)
            return error.response
        limit = getattr(error, "limit", None)  # Flask-Limiter's 429 carries the limit's own plain message
        custom = getattr(limit, "error_message", None) if status == 429 else None
        message = (str(custom) if custom else None) or _HTTP_MESSAGES.get(status) \
            or error.description or _("Request failed.")
        wait = _breached_wait() if status == 429 else None
        if wait:  # every rate refusal says when, from the limit that was met (an hour's, a day's)
            message = (str(custom) if custom else _("Too many attempts.")) + " " + try_again_in(wait)
        response, status = error_response(status, _HTTP_CODES.get(status, "error"), message,
                                          hint="" if wait else None)
        allowed = getattr(error, "valid_methods", None)  # a 405 says which methods the address takes
        if status == 405 and allowed:
            response = make_response(response)
            response.headers["Allow"] = ", ".join(sorted(set(allowed) | {"OPTIONS"}))
        return response, status

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        _rollback()  # on PostgreSQL a failed statement aborts the transaction the error page would query in
        return error_response(500, "server_error", _("Something went wrong on our side. It has been logged."))


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the error page must still render
        log.exception("Rollback after an unhandled error failed")
