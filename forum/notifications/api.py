"""JSON twins of the notification centre and the watch buttons."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum import lookup
from forum.api import bp
from forum.api.helpers import json_body, page_json, require_user, user_json
from forum.api.openapi import INT, STR, TIME, _obj, op
from forum.clock import isoformat
from forum.models import Notification
from forum.notifications import queries, services
from forum.validation import parse_int


def notification_json(notification: Notification) -> dict[str, Any]:
    return {"id": notification.id, "kind": notification.kind, "text": notification.text, "url": notification.url,
            "actor": user_json(notification.actor), "created_at": isoformat(notification.created_at),
            "read": notification.read_at is not None}


@bp.get("/notifications")
def list_notifications() -> ResponseReturnValue:
    user = require_user()
    page = queries.list_notifications(user, page=parse_int(request.args.get("page"), 1),
                                      per_page=parse_int(request.args.get("per_page"), queries.PER_PAGE, maximum=100),
                                      unread_only=request.args.get("unread", "") in ("1", "true"))
    return jsonify({**page_json(page, notification_json), "unread_count": queries.unread_count(user)})


@bp.post("/notifications/read")
def read_notifications() -> ResponseReturnValue:
    user = require_user()
    body = json_body()
    unread = services.mark_notifications_read(actor=user, ids=body.get("ids") if "ids" in body else None)
    return jsonify(unread_count=unread)


@bp.post("/questions/<int:thread_id>/watch")
@bp.delete("/questions/<int:thread_id>/watch")
def watch_question(thread_id: int) -> ResponseReturnValue:
    user = require_user()
    change = services.stop_watching if request.method == "DELETE" else services.start_watching
    return jsonify(watching=change(actor=user, thread=lookup.get_thread(thread_id, user)))


@bp.post("/ideas/<int:idea_id>/watch")
@bp.delete("/ideas/<int:idea_id>/watch")
def watch_idea(idea_id: int) -> ResponseReturnValue:
    user = require_user()
    change = services.stop_watching if request.method == "DELETE" else services.start_watching
    return jsonify(watching=change(actor=user, idea=lookup.get_idea(idea_id, user)))


def followed_json(item: queries.Followed) -> dict[str, Any]:
    return {"type": item.kind, "id": item.target_id, "title": item.title, "url": item.url,
            "since": isoformat(item.since)}


@bp.get("/me/following")
def list_following() -> ResponseReturnValue:
    """Every question and idea the caller follows, newest first."""
    user = require_user()
    page = queries.followed(user, page=parse_int(request.args.get("page"), 1),
                            per_page=parse_int(request.args.get("per_page"), queries.FOLLOWING_PER_PAGE, maximum=100))
    return jsonify(page_json(page, followed_json))


@bp.get("/me/follow-settings")
def follow_settings() -> ResponseReturnValue:
    """`follow_voted_ideas`: whether voting for an idea also follows it (true unless the member turned it off)."""
    return jsonify(follow_voted_ideas=bool(require_user().follow_voted_ideas))


@bp.patch("/me/follow-settings")
def change_follow_settings() -> ResponseReturnValue:
    user = require_user()
    follow = services.set_follow_on_vote(actor=user, follow=json_body().get("follow_voted_ideas"))
    return jsonify(follow_voted_ideas=follow)


OPENAPI_PATHS = {
    "/notifications": {"get": op("Your notifications, newest first (`unread=1` for unread only)", "notifications",
                                 params=["unread", "page", "per_page"], schema="NotificationList", auth=True)},
    "/notifications/read": {"post": op("Mark the listed notifications read, or all when `ids` is absent",
                                       "notifications", body="NotificationRead", schema="UnreadCount", auth=True)},
    "/questions/{id}/watch": {
        "post": op("Watch a question", "notifications", schema="Watching", auth=True, path_id=True),
        "delete": op("Stop watching a question", "notifications", schema="Watching", auth=True, path_id=True),
    },
    "/me/following": {"get": op("The questions and ideas you follow, newest first", "notifications",
                                params=["page", "per_page"], schema="FollowingList", auth=True)},
    "/me/follow-settings": {
        "get": op("Whether voting for an idea also follows it", "notifications", schema="FollowSettings", auth=True),
        "patch": op("Choose whether voting for an idea also follows it", "notifications", body="FollowSettings",
                    schema="FollowSettings", auth=True),
    },
    "/ideas/{id}/watch": {
        "post": op("Watch an idea", "notifications", schema="Watching", auth=True, path_id=True),
        "delete": op("Stop watching an idea", "notifications", schema="Watching", auth=True, path_id=True),
    },
}
_ACTOR = {"allOf": [{"$ref": "#/components/schemas/Author"}], "nullable": True}
OPENAPI_SCHEMAS = {
    "Notification": _obj(["id", "kind", "text", "url", "actor", "created_at", "read"], id=INT, kind=STR, text=STR,
                         url=STR, actor=_ACTOR, created_at=TIME, read={"type": "boolean"}),
    "NotificationList": _obj(["items", "page", "per_page", "total"],
                             items={"type": "array", "items": {"$ref": "#/components/schemas/Notification"}},
                             page=INT, per_page=INT, total=INT, unread_count=INT),
    "NotificationRead": {"type": "object", "properties": {
        "ids": {"type": "array", "maxItems": services.MAX_IDS, "items": INT, "nullable": True,
                "description": "absent or null: every notification"}}},
    "UnreadCount": _obj(["unread_count"], unread_count=INT),
    "Watching": _obj(["watching"], watching={"type": "boolean"}),
    "Followed": _obj(["type", "id", "title", "url", "since"], type={"type": "string", "enum": ["question", "idea"]},
                     id=INT, title=STR, url=STR, since=TIME),
    "FollowingList": _obj(["items", "page", "per_page", "total"],
                          items={"type": "array", "items": {"$ref": "#/components/schemas/Followed"}},
                          page=INT, per_page=INT, total=INT),
    "FollowSettings": _obj(["follow_voted_ideas"], follow_voted_ideas={"type": "boolean"}),
}
