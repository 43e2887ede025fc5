"""JSON twins of the privacy pages: profiles by visibility, the data export, account deletion."""
from __future__ import annotations

import copy
from typing import Any

from flask import g, jsonify
from flask.typing import ResponseReturnValue
from flask_login import logout_user

from forum import lookup, profiles
from forum.api import bp
from forum.api.helpers import json_body, require_user, user_json, viewer
from forum.api.openapi import SCHEMAS, op
from forum.clock import isoformat
from forum.database import writes_on_get
from forum.extensions import limiter
from forum.ideas import api as ideas_api
from forum.models import User
from forum.policy import Policy
from forum.privacy import services
from forum.privacy.views import zip_response


def profile_json(user: User, viewer_user: User | None) -> dict[str, Any]:
    """Name and avatar for everyone; the rest only where the profile's visibility allows; email per policy."""
    policy = Policy(viewer_user)
    data: dict[str, Any] = {**user_json(user), "profile_visible": policy.can_view_profile(user)}
    if data["profile_visible"]:
        counts = profiles.activity(user, limit=0)["counts"]
        # the owner and admins see a private profile whole, its reputation included (author objects never do)
        data.update(reputation=user.reputation, bio=user.bio, created_at=isoformat(user.created_at),
                    profile_visibility=user.profile_visibility,
                    question_count=counts["questions"], answer_count=counts["answers"],
                    accepted_count=counts["accepted"])
    else:
        data["reputation"] = None
    if policy.can_see_email(user):
        data["email"] = user.email
    return data


@bp.get("/users/<username>")
def user_profile(username: str) -> ResponseReturnValue:
    return jsonify(profile_json(lookup.find_member(username), viewer()))


@bp.put("/me/privacy")
def set_privacy() -> ResponseReturnValue:
    user = services.set_profile_visibility(actor=require_user(), visibility=json_body().get("profile_visibility"))
    return jsonify(profile_visibility=user.profile_visibility)


@bp.get("/me/export")
def export_me() -> ResponseReturnValue:
    return zip_response(require_user())


@bp.delete("/me")
@limiter.limit("10/hour")  # the password check must not become a guessing oracle
def delete_me() -> ResponseReturnValue:
    user = require_user()
    services.delete_account(actor=user, target=user, password=json_body().get("password"))
    if not g.get("token_auth"):
        logout_user()
    return jsonify(deleted=True, username=f"deleted user {user.id}")


@bp.delete("/users/<username>")
def delete_user(username: str) -> ResponseReturnValue:
    actor = require_user()
    target = lookup.find_member(username)
    services.delete_account(actor=actor, target=target, note=json_body().get("note", ""))
    return jsonify(deleted=True, username=f"deleted user {target.id}")


@bp.get("/escalations/<int:escalation_id>/private")
@writes_on_get  # the look is the audited event: its rows commit together
def private_details(escalation_id: int) -> ResponseReturnValue:
    details = services.read_private_details(actor=require_user(), escalation_id=escalation_id)
    escalation = details["escalation"]
    return jsonify(id=escalation.id, question_id=escalation.thread_id, idea_id=escalation.idea_id,
                   private_note=details["note"], requester_email=details["email"])


OPENAPI_PATHS = {
    "/users/{username}": {
        "get": op("A member's profile, as far as its visibility allows", "account", schema="Profile",
                  path_id="username"),
        "delete": op("Delete a member's account on request (admins; audited)", "account", body="DeleteNote",
                     schema="Deleted", auth=True, path_id="username"),
    },
    "/me/privacy": {"put": op("Choose who sees your profile", "account", body="PrivacySetting",
                              schema="PrivacySetting", auth=True)},
    "/me/export": {"get": op("Everything the forum holds about you, as a ZIP of JSON files", "account", auth=True)},
    "/me": {"delete": op("Delete your account (your posts stay, attributed to a deleted user)", "account",
                         body="DeletePassword", schema="Deleted", auth=True)},
    "/escalations/{id}/private": {"get": op("The private note and requester email (the assigned staff member only; "
                                            "audited)", "escalations", schema="PrivateDetails", auth=True,
                                            path_id=True)},
}
_STR, _INT, _BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
OPENAPI_SCHEMAS = {
    "Profile": {"type": "object", "required": ["username", "is_staff", "profile_visible"], "properties": {
        "username": _STR, "reputation": {"type": "integer", "nullable": True}, "is_staff": _BOOL,
        "profile_visible": _BOOL, "bio": _STR, "created_at": {"type": "string", "format": "date-time"},
        "profile_visibility": {"type": "string", "enum": list(services.VISIBILITIES)}, "question_count": _INT,
        "answer_count": _INT, "accepted_count": _INT, "email": _STR}},
    "PrivacySetting": {"type": "object", "required": ["profile_visibility"], "properties": {
        "profile_visibility": {"type": "string", "enum": list(services.VISIBILITIES)}}},
    "DeletePassword": {"type": "object", "required": ["password"], "properties": {"password": _STR}},
    "DeleteNote": {"type": "object", "properties": {"note": _STR}},
    "Deleted": {"type": "object", "required": ["deleted", "username"], "properties": {"deleted": _BOOL,
                                                                                      "username": _STR}},
    "PrivateDetails": {"type": "object", "required": ["id", "private_note"], "properties": {
        "id": _INT, "question_id": {"type": "integer", "nullable": True},
        "idea_id": {"type": "integer", "nullable": True}, "private_note": {"type": "string", "nullable": True},
        "requester_email": {"type": "string", "nullable": True}}},
}


def _with_privacy_flags(base: dict[str, Any]) -> dict[str, Any]:
    """Every publishing body also takes the personal-data choices (see forum/pii_guard.py)."""
    schema = copy.deepcopy(base)
    schema["properties"].update(
        confirm_public={"type": "boolean", "description": "Post even though it looks like personal data "
                        "(otherwise 422 with code pii_detected)."},
        private_to_staff={"type": "boolean", "description": "Remove the personal data from the public text and "
                          "send it to staff in a private note."})
    return schema


# Privacy comes after questions and ideas in API_MODULES (forum/web.py), so these replace their plain versions.
OPENAPI_SCHEMAS.update({name: _with_privacy_flags(SCHEMAS[name]) for name in ("NewQuestion", "NewAnswer", "PostEdit")})
OPENAPI_SCHEMAS.update({name: _with_privacy_flags(ideas_api.OPENAPI_SCHEMAS[name])
                        for name in ("NewIdea", "NewIdeaComment")})
