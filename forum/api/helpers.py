"""What every API endpoint shares: reading the JSON body, requiring a caller, shaping lists."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from forum.errors import BadRequest
from forum.models import User


def json_body() -> dict[str, Any]:
    """The request's JSON object; anything else is a 400 that says what was wrong."""
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Werkzeug has already parsed such a body into request.form, so request.data is empty
        raise BadRequest("The body must be JSON, sent with Content-Type: application/json.")
    if not request.data:
        return {}
    try:
        data = request.get_json(silent=True, force=True)
    except RecursionError:  # `[[[[...` nested thousands deep; silent only covers ValueError
        data = None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    return data


def require_user() -> User:
    if not current_user.is_authenticated:
        raise Unauthorized()
    return current_user._get_current_object()


def viewer() -> User | None:
    return current_user._get_current_object() if current_user.is_authenticated else None


def user_json(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    if user.is_deleted:
        return {"username": f"deleted user {user.id}", "reputation": 0, "is_staff": False}
    return {"username": user.username, "reputation": user.reputation, "is_staff": user.is_staff}


def page_json(page: Any, serialize: Callable[[Any], dict]) -> dict[str, Any]:
    return {"items": [serialize(item) for item in page.items], "page": page.page,
            "per_page": page.per_page, "total": page.total}
