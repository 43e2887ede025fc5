"""JSON twins of the spike alert pages (staff only): the list by state, acknowledge, resolve."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum.api import bp
from forum.api.helpers import page_json, require_user
from forum.api.openapi import INT, STR, TIME, _obj, op
from forum.clock import isoformat
from forum.links import path_for
from forum.listening import alerts
from forum.models import AlertState, SpikeAlert


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


@bp.post("/staff/alerts/<int:alert_id>/acknowledge")
def acknowledge_spike_alert(alert_id: int) -> ResponseReturnValue:
    return jsonify(alert_json(alerts.acknowledge_alert(actor=require_user(), alert_id=alert_id)))


@bp.post("/staff/alerts/<int:alert_id>/resolve")
def resolve_spike_alert(alert_id: int) -> ResponseReturnValue:
    return jsonify(alert_json(alerts.resolve_alert(actor=require_user(), alert_id=alert_id)))


_ALERT = _obj(["id", "subject", "name", "state", "hour_count", "peak_count", "baseline", "opened_at", "url"],
              id=INT, subject={"type": "string", "enum": ["watch", "tag"]},
              watch_id={"type": "integer", "nullable": True}, tag={"type": "string", "nullable": True}, name=STR,
              state={"type": "string", "enum": list(AlertState.ALL)}, hour_count=INT, peak_count=INT,
              baseline={"type": "number"}, opened_at=TIME, last_spike_at=TIME, acknowledged_at=TIME,
              resolved_at=TIME, url=STR)
OPENAPI_SCHEMAS = {
    "SpikeAlert": _ALERT,
    "SpikeAlertList": _obj(["items", "page", "per_page", "total"],
                           items={"type": "array", "items": {"$ref": "#/components/schemas/SpikeAlert"}},
                           page=INT, per_page=INT, total=INT),
}
OPENAPI_PATHS = {
    "/staff/alerts": {"get": op("Spike alerts, newest first (staff); state: open, acknowledged, resolved",
                                "listening", params=["state", "page", "per_page"], schema="SpikeAlertList",
                                auth=True)},
    "/staff/alerts/{id}/acknowledge": {"post": op("Acknowledge a spike alert (staff; 409 when resolved)",
                                                  "listening", schema="SpikeAlert", auth=True, path_id=True)},
    "/staff/alerts/{id}/resolve": {"post": op("Resolve a spike alert (staff); the same burst never reopens it",
                                              "listening", schema="SpikeAlert", auth=True, path_id=True)},
}
