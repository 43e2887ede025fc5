"""Domain errors and how they are answered: a JSON error under /api/, a page elsewhere."""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from forum.extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused the request; services raise these, never HTTP errors."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, str] | None = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.fields = fields or {}

    default_message = "The request could not be processed."


class NotFound(DomainError):
    status, code, default_message = 404, "not_found", "That page or item does not exist."


class PermissionDenied(DomainError):
    status, code, default_message = 403, "forbidden", "You are not allowed to do that."


class Conflict(DomainError):
    status, code, default_message = 409, "conflict", "That conflicts with the current state."


class Invalid(DomainError):
    """Field messages a form shows next to its fields and the API returns as 422."""

    status, code, default_message = 422, "invalid", "Some fields need attention."


class BadRequest(DomainError):
    status, code, default_message = 400, "bad_request", "The request is malformed."


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, fields: dict | None = None) -> tuple[Response, int]:
    if wants_json():
        body: dict = {"code": code, "message": message}
        if fields:
            body["fields"] = fields
        return jsonify(error=body), status
    return render_template("errors/error.html", status=status, message=message, fields=fields or {}), status


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
               429: "rate_limited"}
_HTTP_MESSAGES = {
    401: "Please log in first.",
    404: "That page or item does not exist.",
    413: "The request is too large (the limit is 1 MB).",
    429: "Too many attempts. Please wait a minute and try again.",
}


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return error_response(error.status, error.code, error.message, error.fields)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return error_response(400, "csrf", "The form expired or was not sent from this site. Please try again.")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        message = _HTTP_MESSAGES.get(status) or error.description or "Request failed."
        return error_response(status, _HTTP_CODES.get(status, "error"), message)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        _rollback()  # on PostgreSQL a failed statement aborts the transaction the error page would query in
        return error_response(500, "server_error", "Something went wrong on our side. It has been logged.")


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the error page must still render
        log.exception("Rollback after an unhandled error failed")
