"""JSON twin of /admin/users: find members by name or email, change a role (admins only, audited)."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum import lookup
from forum.admin import people as services
from forum.api import bp
from forum.api.helpers import json_body, page_json, require_user
from forum.api.openapi import BOOL, INT, STR, TIME, _obj, op
from forum.auth import limits as login_limits
from forum.clock import isoformat
from forum.i18n import _
from forum.links import profile_path
from forum.models import Role, User
from forum.policy import Policy
from forum.validation import parse_int


def person_json(user: User, *, show_email: bool = False) -> dict[str, Any]:
    """`email` only when the admin searched by that very address; otherwise the masked `email_hint` (the full
    address is one audited look away: POST /users/<username>/email)."""
    return {"username": user.username, "email": user.email if show_email else None,
            "email_hint": services.masked_email(user.email), "role": user.role, "reputation": user.reputation,
            "joined_at": isoformat(user.created_at), "last_seen_at": isoformat(user.last_seen_at),
            "is_suspended": user.is_suspended, "suspended_until": isoformat(user.suspended_until) if
            user.is_suspended else None, "url": profile_path(user.username)}


@bp.get("/admin/users")
def admin_people() -> ResponseReturnValue:
    page = services.find_people(actor=require_user(), query=request.args.get("q", ""),
                                role=request.args.get("role", ""), page=parse_int(request.args.get("page"), 1,
                                                                                   maximum=100_000),
                                per_page=parse_int(request.args.get("per_page"), services.PER_PAGE, maximum=100))
    return jsonify(page_json(page, lambda user: person_json(user, show_email=page.by_email)))


@bp.patch("/admin/users/<username>")
def admin_set_role(username: str) -> ResponseReturnValue:
    user = require_user()
    policy = Policy(user)
    policy.ensure(policy.can_manage_people(), _("Only admins can manage people and roles."))  # before the lookup
    body = json_body()
    person = services.set_role(actor=user, user=lookup.find_member(username), role=body.get("role"),
                               note=body.get("note", ""))
    return jsonify(person_json(person))


@bp.delete("/admin/users/<username>/lockout")
def admin_clear_lockout(username: str) -> ResponseReturnValue:
    """Failed-login counts for the account start again from every address (forum/auth/limits.py); audited."""
    user = require_user()
    policy = Policy(user)
    policy.ensure(policy.can_manage_people(), _("Only admins can clear a login lockout."))  # before the lookup
    person = lookup.find_member(username)
    login_limits.clear_login_lockout(actor=user, user=person)
    return jsonify(person_json(person))


OPENAPI_SCHEMAS = {
    "Person": _obj(["username", "email", "role", "reputation", "joined_at", "last_seen_at", "is_suspended",
                    "suspended_until"], username=STR, email={"type": "string", "nullable": True}, email_hint=STR,
                   role={"type": "string", "enum": list(Role.ORDER)}, reputation=INT, joined_at=TIME,
                   last_seen_at=TIME, is_suspended=BOOL, suspended_until=TIME, url=STR),
    "PersonList": _obj(["items", "page", "per_page", "total"], items={"type": "array", "items": {
        "$ref": "#/components/schemas/Person"}}, page=INT, per_page=INT, total=INT),
    "RoleChange": _obj(["role"], role={"type": "string", "enum": list(Role.ORDER)},
                       note={"type": "string", "maxLength": 500}),
}
OPENAPI_PATHS = {
    "/admin/users": {"get": op("Find members: username prefix or exact email, optionally by role (admins)", "admin",
                               schema="PersonList", auth=True, params=["q", "role", "page", "per_page"])},
    "/admin/users/{username}": {"patch": op("Change a member's role; audited; the last admin stays (admins)",
                                            "admin", body="RoleChange", schema="Person", auth=True,
                                            path_id="username")},
    "/admin/users/{username}/lockout": {"delete": op(
        "Clear a member's failed-login lockout from every address; audited (admins)", "admin", schema="Person",
        auth=True, path_id="username")},
}
