"""API endpoints that belong to no one domain: the caller and the categories."""
from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum.api import bp
from forum.api.openapi import op
from forum.api.helpers import require_user, user_json
from forum.categories import categories as all_categories
from forum.clock import isoformat
from forum.policy import Policy


@bp.get("/categories")
def categories() -> ResponseReturnValue:
    """The categories that take new questions and ideas (what a client's ask form offers); with
    `include_archived=1`, the archived ones too, which stay readable and filterable."""
    everything = request.args.get("include_archived") in ("1", "true")
    return jsonify(items=[{"slug": c.slug, "name": c.name, "description": c.description, "archived": c.archived}
                          for c in all_categories() if everything or not c.archived])


@bp.get("/me")
def me() -> ResponseReturnValue:
    user = require_user()
    return jsonify(id=user.id, email=user.email, role=user.role, created_at=isoformat(user.created_at),
                   is_suspended=user.is_suspended, suspended_until=isoformat(user.suspended_until),
                   can_moderate=Policy(user).is_moderator, language=user.language, time_zone=user.time_zone,
                   **{**user_json(user), "reputation": user.reputation})


OPENAPI_PATHS = {
    "/categories": {"get": op("List the categories open to new posts (include_archived=1: all)", "questions",
                              schema="CategoryList", params=["include_archived"])},
    "/me": {"get": op("The caller's account", "account", schema="Me", auth=True)},
}
