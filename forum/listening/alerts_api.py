"""JSON twins of the spike alert pages (staff only): the list by state, one alert with its hours and posts,
acknowledge, resolve, and the tags whose spikes the caller follows."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum.api import bp
from forum.api.helpers import page_json, require_user
from forum.api.openapi import INT, STR, TIME, _obj, op
from forum.clock import isoformat
from forum.errors import Invalid, NotFound
from forum.i18n import _
from forum.links import path_for
from forum.listening import alerts
from forum.models import AlertState, SpikeAlert
from forum.policy import Policy


def alert_json(alert: SpikeAlert) -> dict[str, Any]:
    return {"id": alert.id, "subject": "watch" if alert.watch_id else "tag", "watch_id": alert.watch_id,
            "tag": alert.tag.name if alert.tag_id and alert.tag else None, "name": alert.subject_name,
            "state": alert.state, "hour_count": alert.hour_count, "peak_count": alert.peak_count,
            "baseline": round(alert.baseline, 2), "opened_at": isoformat(alert.opened_at),
            "last_spike_at": isoformat(alert.last_spike_at), "acknowledged_at": isoformat(alert.acknowledged_at),
            "resolved_at": isoformat(alert.resolved_at), "url": path_for("listening.alert_show", alert_id=alert.id)}


@bp.get("/staff/alerts")
def list_spike_alerts() -> ResponseReturnValue:
    page = alerts.list_alerts(actor=require_user(), state=request.args.get("state") or None,
                              page=request.args.get("page", 1, type=int),
                              per_page=min(max(request.args.get("per_page", 25, type=int), 1), 100))
    return jsonify(page_json(page, alert_json))


@bp.get("/staff/alerts/<int:alert_id>")
def show_spike_alert(alert_id: int) -> ResponseReturnValue:
    """The alert page's twin: the alert, its subject's posts per hour over the last 48 hours (oldest first) and
    the matching posts, newest first (hidden ones left out for staff who may not see them)."""
    user = require_user()
    alert = alerts.get_alert(actor=user, alert_id=alert_id)
    hours = [{"start": isoformat(hour.start), "count": hour.count} for hour in alerts.hourly_counts(alert)]
    posts = [{"title": post.title, "excerpt": post.excerpt, "url": post.url, "posted_at": isoformat(post.posted_at),
              "kind": post.kind, "terms": post.terms, "question_id": post.thread_id}
             for post in alerts.matching_posts(alert, viewer=user)]
    return jsonify({**alert_json(alert), "hours": hours, "posts": posts})


@bp.post("/staff/alerts/<int:alert_id>/acknowledge")
def acknowledge_spike_alert(alert_id: int) -> ResponseReturnValue:
    return jsonify(alert_json(alerts.acknowledge_alert(actor=require_user(), alert_id=alert_id)))


@bp.post("/staff/alerts/<int:alert_id>/resolve")
def resolve_spike_alert(alert_id: int) -> ResponseReturnValue:
    return jsonify(alert_json(alerts.resolve_alert(actor=require_user(), alert_id=alert_id)))


@bp.get("/staff/alerts/tags")
def followed_spike_tags() -> ResponseReturnValue:
    """The tags whose spikes the caller is told of at once."""
    return jsonify({"items": [tag.name for tag in alerts.followed_tags(_alert_staff())]})


@bp.post("/staff/alerts/tags/<name>")
@bp.delete("/staff/alerts/tags/<name>")
def follow_spike_tag(name: str) -> ResponseReturnValue:
    """Be told at once when the tag spikes (POST), or no longer (DELETE); idempotent. An unknown tag is a 404."""
    follow = request.method == "POST"
    try:
        tag = alerts.follow_tag(actor=require_user(), tag_name=name, follow=follow)
    except Invalid as error:  # the form's field error; in a path, the tag is a resource that is not there
        raise NotFound(_("No tag has that name.")) from error
    return jsonify({"tag": tag.name, "following": follow})


def _alert_staff() -> Any:
    user = require_user()
    policy = Policy(user)
    policy.ensure(policy.can_work_alerts(), _("Only staff follow tags for spike alerts."))
    return user


_ALERT = _obj(["id", "subject", "name", "state", "hour_count", "peak_count", "baseline", "opened_at", "url"],
              id=INT, subject={"type": "string", "enum": ["watch", "tag"]},
              watch_id={"type": "integer", "nullable": True}, tag={"type": "string", "nullable": True}, name=STR,
              state={"type": "string", "enum": list(AlertState.ALL)}, hour_count=INT, peak_count=INT,
              baseline={"type": "number"}, opened_at=TIME, last_spike_at=TIME, acknowledged_at=TIME,
              resolved_at=TIME, url=STR)
_ALERT_POST = _obj(["title", "excerpt", "url", "posted_at", "kind", "terms"], title=STR, excerpt=STR, url=STR,
                   posted_at=TIME, kind={"type": "string", "enum": ["question", "answer", "idea", "idea_comment"]},
                   terms={"type": "array", "items": STR}, question_id={"type": "integer", "nullable": True})
_TAG_NAME = {"name": "name", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 30}}
OPENAPI_SCHEMAS = {
    "SpikeAlert": _ALERT,
    "FollowedTags": _obj(["items"], items={"type": "array", "items": STR}),
    "TagFollowing": _obj(["tag", "following"], tag=STR, following={"type": "boolean"}),
    "SpikeAlertDetail": {**_ALERT, "required": [*_ALERT["required"], "hours", "posts"], "properties": {
        **_ALERT["properties"],
        "hours": {"type": "array", "description": "posts per hour, the last 48 hours, oldest first",
                  "items": _obj(["start", "count"], start=TIME, count=INT)},
        "posts": {"type": "array", "description": "the matching posts, newest first", "items": _ALERT_POST}}},
    "SpikeAlertList": _obj(["items", "page", "per_page", "total"],
                           items={"type": "array", "items": {"$ref": "#/components/schemas/SpikeAlert"}},
                           page=INT, per_page=INT, total=INT),
}
OPENAPI_PATHS = {
    "/staff/alerts": {"get": op("Spike alerts, newest first (staff); state: open, acknowledged, resolved",
                                "listening", params=["state", "page", "per_page"], schema="SpikeAlertList",
                                auth=True)},
    "/staff/alerts/tags": {"get": op("The tags whose spikes the caller is told of at once (staff)", "listening",
                                     schema="FollowedTags", auth=True)},
    "/staff/alerts/tags/{name}": {
        "post": {**op("Follow a tag: be told at once when it spikes (staff; idempotent; 404 for an unknown tag)",
                      "listening", schema="TagFollowing", auth=True), "parameters": [_TAG_NAME]},
        "delete": {**op("Stop following a tag's spikes (staff; idempotent)", "listening", schema="TagFollowing",
                        auth=True), "parameters": [_TAG_NAME]},
    },
    "/staff/alerts/{id}": {"get": op("One spike alert with its hourly counts and matching posts (staff)", "listening",
                                     schema="SpikeAlertDetail", auth=True, path_id=True)},
    "/staff/alerts/{id}/acknowledge": {"post": op("Acknowledge a spike alert (staff; 409 when resolved)",
                                                  "listening", schema="SpikeAlert", auth=True, path_id=True)},
    "/staff/alerts/{id}/resolve": {"post": op("Resolve a spike alert (staff); the same burst never reopens it",
                                              "listening", schema="SpikeAlert", auth=True, path_id=True)},
}
