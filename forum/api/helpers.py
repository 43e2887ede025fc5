"""What every API endpoint shares: reading the JSON body, requiring a caller, shaping lists."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

from flask import Response, request, url_for
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from forum.errors import BadRequest
from forum.i18n import _
from forum.models import User


def json_body() -> dict[str, Any]:
    """The request's JSON object; anything else is a 400 that says what was wrong."""
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Werkzeug has already parsed such a body into request.form, so request.data is empty
        raise BadRequest(_("The body must be JSON, sent with Content-Type: application/json."))
    if not request.data:
        return {}
    try:
        data = request.get_json(silent=True, force=True)
    except RecursionError:  # `[[[[...` nested thousands deep; silent only covers ValueError
        data = None
    if not isinstance(data, dict):
        raise BadRequest(_("The body must be a JSON object."))
    return data


def require_user() -> User:
    if not current_user.is_authenticated:
        raise Unauthorized()
    user: User = current_user._get_current_object()
    return user


def viewer() -> User | None:
    return current_user._get_current_object() if current_user.is_authenticated else None


@overload
def user_json(user: User) -> dict[str, Any]: ...
@overload
def user_json(user: User | None) -> dict[str, Any] | None: ...
def user_json(user: User | None) -> dict[str, Any] | None:
    """The `author` shape of DESIGN §5; a private profile keeps the field but shows null for its reputation,
    whoever asks (the same object goes into every caller's answer)."""
    if user is None:
        return None
    if user.is_deleted:
        return {"username": f"deleted user {user.id}", "reputation": 0, "is_staff": False}
    reputation = None if user.profile_visibility == "private" else user.reputation
    return {"username": user.username, "reputation": reputation, "is_staff": user.is_staff}


def page_json(page: Any, serialize: Callable[[Any], dict]) -> dict[str, Any]:
    return {"items": [serialize(item) for item in page.items], "page": page.page,
            "per_page": page.per_page, "total": page.total}


# Where each created resource lives, by the endpoint that created it (RFC 9110: a 201 names it in Location):
# its own API address where it has one, else the resource it belongs to.
_CREATED_AT: dict[str, Callable[[dict], str]] = {
    "api.ask": lambda body: url_for("api.show", thread_id=body["id"]),
    "api.answer": lambda body: url_for("api.edit", post_id=body["id"]),
    "api.submit_idea": lambda body: url_for("api.show_idea", idea_id=body["id"]),
    "api.comment_idea": lambda body: url_for("api.show_idea", idea_id=body["idea_id"]) + f"#comment-{body['id']}",
    "api.mod_flag_post": lambda body: url_for("api.mod_flags") + f"#flag-{body['id']}",
    "api.escalations_escalate": lambda body: url_for("api.escalations_queue") + f"#escalation-{body['id']}",
    "api.listening_create_watch": lambda body: url_for("api.listening_update_watch", watch_id=body["id"]),
    "api.admin_create_category": lambda body: url_for("api.admin_update_category", slug=body["slug"]),
    "api.admin_create_synonym": lambda body: url_for("api.admin_update_synonym", group_id=body["id"]),
    "api.publish_notice": lambda body: url_for("api.list_notices") + f"#notice-{body['id']}",
}


def add_location(response: Response) -> Response:
    """Every 201 carries Location: from the table above, else the body's own `url`, else the collection."""
    if response.status_code != 201 or "Location" in response.headers:
        return response
    body = response.get_json(silent=True) or {}
    where = None
    try:
        maker = _CREATED_AT.get(request.endpoint or "")
        where = maker(body) if maker and isinstance(body, dict) else None
    except (KeyError, TypeError, LookupError):  # a shape without the id: fall back below
        where = None
    if where is None:
        where = body.get("url") if isinstance(body, dict) and isinstance(body.get("url"), str) else request.path
    response.headers["Location"] = where
    return response
