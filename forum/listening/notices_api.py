"""JSON twins of known-issue notices: the public list (and the ask form's title check), publish, resolve, and a
member's dismissal."""
from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum.api import bp
from forum.api.helpers import json_body, require_user, viewer
from forum.api.openapi import INT, STR, TIME, _obj, op
from forum.clock import isoformat
from forum.listening import notices


def _out(notice: dict, dismissed: frozenset[int] | set[int] = frozenset()) -> dict:
    return {**notice, "created_at": isoformat(notice["created_at"]), "resolved_at": isoformat(notice["resolved_at"]),
            "dismissed": notice["id"] in dismissed}


@bp.get("/notices")
def list_notices() -> ResponseReturnValue:
    """Active notices; with `q`, only those whose terms the text matches. `dismissed` is the caller's own."""
    q = request.args.get("q")
    items = notices.matching(q) if q is not None else notices.active_notices()
    dismissed = set(notices.dismissed_ids(viewer()))
    return jsonify({"items": [_out(n, dismissed) for n in items], "page": 1, "per_page": notices.MAX_ACTIVE,
                    "total": len(items)})


@bp.post("/notices")
def publish_notice() -> ResponseReturnValue:
    body = json_body()
    notice = notices.publish_notice(actor=require_user(), text=body.get("text"), thread_id=body.get("thread_id"),
                                    terms=body.get("terms", []), alert_id=body.get("alert_id"))
    return jsonify(_out(notices.notice_json(notice))), 201


@bp.post("/notices/<int:notice_id>/resolve")
def resolve_notice(notice_id: int) -> ResponseReturnValue:
    return jsonify(_out(notices.notice_json(notices.resolve_notice(actor=require_user(), notice_id=notice_id))))


@bp.post("/notices/<int:notice_id>/dismiss")
def dismiss_notice(notice_id: int) -> ResponseReturnValue:
    notices.dismiss_notice(actor=require_user(), notice_id=notice_id)
    return jsonify({"id": notice_id, "dismissed": True})


_NOTICE = _obj(["id", "text", "thread_id", "terms", "url"], id=INT, text=STR, thread_id=INT,
               terms={"type": "array", "items": STR}, url=STR, alert_id={"type": "integer", "nullable": True},
               created_at=TIME, resolved_at=TIME, dismissed={"type": "boolean"})
OPENAPI_SCHEMAS = {
    "Notice": _NOTICE,
    "NoticeList": _obj(["items", "page", "per_page", "total"],
                       items={"type": "array", "items": {"$ref": "#/components/schemas/Notice"}},
                       page=INT, per_page=INT, total=INT),
    "NoticeCreate": _obj(["text", "thread_id"], text={"type": "string", "minLength": 5, "maxLength": 200},
                         thread_id=INT, terms={"type": "array", "items": STR, "maxItems": notices.MAX_TERMS},
                         alert_id={"type": "integer", "nullable": True}),
    "NoticeDismissed": _obj(["id", "dismissed"], id=INT, dismissed={"type": "boolean"}),
}
OPENAPI_PATHS = {
    "/notices": {
        "get": op("Active known-issue notices (public); q: a title to match against their terms", "listening",
                  params=["q"], schema="NoticeList"),
        "post": op("Publish a known-issue notice (staff)", "listening", body="NoticeCreate", schema="Notice",
                   status="201", auth=True),
    },
    "/notices/{id}/resolve": {"post": op("Resolve a notice (staff): the banner goes, askers and the thread's "
                                         "followers are told once; 409 when already resolved", "listening",
                                         schema="Notice", auth=True, path_id=True)},
    "/notices/{id}/dismiss": {"post": op("Hide a notice's banner for the caller (members)", "listening",
                                         schema="NoticeDismissed", auth=True, path_id=True)},
}
