"""API endpoints that belong to no one domain: the caller and the categories."""
from __future__ import annotations

from flask import jsonify, request

from forum.api import bp
from forum.api.openapi import op
from forum.api.helpers import require_user, user_json
from forum.clock import isoformat
from forum.policy import Policy
from forum.questions import queries


@bp.get("/categories")
def categories():
    """The categories that take new questions and ideas (what a client's ask form offers); with
    `include_archived=1`, the archived ones too, which stay readable and filterable."""
    everything = request.args.get("include_archived") in ("1", "true")
    return jsonify(items=[{"slug": c.slug, "name": c.name, "description": c.description, "archived": c.archived}
                          for c in queries.categories() if everything or not c.archived])


@bp.get("/me")
def me():
    user = require_user()
    return jsonify(id=user.id, email=user.email, role=user.role, created_at=isoformat(user.created_at),
                   is_suspended=user.is_suspended, suspended_until=isoformat(user.suspended_until),
                   can_moderate=Policy(user).is_moderator, **{**user_json(user), "reputation": user.reputation})


OPENAPI_PATHS = {
    "/categories": {"get": op("List the categories open to new posts (include_archived=1: all)", "questions",
                              schema="CategoryList", params=["include_archived"])},
    "/me": {"get": op("The caller's account", "account", schema="Me", auth=True)},
}
