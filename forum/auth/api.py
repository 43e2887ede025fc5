"""JSON twin of the profile's email look-up (the HTML one is auth.reveal_email in views.py)."""
from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from forum import lookup
from forum.api import bp
from forum.api.helpers import require_user
from forum.api.openapi import op
from forum.auth import services


@bp.post("/users/<username>/email")
def reveal_email(username: str) -> ResponseReturnValue:
    """A POST, not a GET: every look is written to the audit log."""
    email = services.reveal_email(actor=require_user(), target=lookup.find_member(username))
    response = jsonify(username=username, email=email)
    response.headers["Cache-Control"] = "no-store"
    return response


OPENAPI_PATHS = {
    "/users/{username}/email": {"post": op("Look up a member's email address (admins; each look is audited)",
                                           "account", schema="RevealedEmail", auth=True, path_id="username")},
}
OPENAPI_SCHEMAS = {
    "RevealedEmail": {"type": "object", "required": ["username", "email"], "properties": {
        "username": {"type": "string"}, "email": {"type": "string", "nullable": True}}},
}
