"""JSON twins of the escalation pages: escalate, the staff queue, assign, resolve."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum import lookup
from forum.api import bp
from forum.api.helpers import json_body, page_json, require_user
from forum.api.openapi import TIME, _obj, op
from forum.clock import isoformat, utcnow
from forum.escalations import queries, services
from forum.models import Escalation, User
from forum.policy import Policy


def escalation_json(escalation: Escalation, **extra: Any) -> dict[str, Any]:
    return {
        "id": escalation.id, "question_id": escalation.thread_id, "idea_id": escalation.idea_id,
        "status": escalation.status,
        "reason": escalation.reason, "source": escalation.source,
        "requested_by": escalation.requested_by.username if escalation.requested_by else None,
        "assignee": escalation.assignee.username if escalation.assignee else None,
        "created_at": isoformat(escalation.created_at), "due_at": isoformat(escalation.due_at),
        "breached": queries.is_breached(escalation, utcnow()),
        "first_staff_reply_at": isoformat(escalation.first_staff_reply_at),
        "resolved_at": isoformat(escalation.resolved_at),
        "resolved_by": escalation.resolved_by.username if escalation.resolved_by else None,
        "resolution_note": escalation.resolution_note,
        "request_count": escalation.request_count, **extra,
    }


@bp.post("/questions/<int:thread_id>/escalate")
def escalations_escalate(thread_id: int) -> ResponseReturnValue:
    """201 with a new escalation; 200 with the open one (and "joined": true) when the thread already has one."""
    user = require_user()
    escalation, joined = services.escalate_thread(actor=user, thread=lookup.get_thread(thread_id, user),
                                                  reason=json_body().get("reason"))
    return jsonify(escalation_json(escalation, joined=joined)), 200 if joined else 201


@bp.get("/escalations")
def escalations_queue() -> ResponseReturnValue:
    user = require_user()
    policy = Policy(user)
    policy.ensure(policy.check_work_escalations())
    page = queries.list_escalations(queries.QueueFilters.from_args(request.args, strict=True), user)
    return jsonify(page_json(page, escalation_json))


@bp.post("/escalations/<int:escalation_id>/assign")
def escalations_assign(escalation_id: int) -> ResponseReturnValue:
    user = require_user()
    escalation = services.assign_escalation(actor=user, escalation=_staff_get(user, escalation_id),
                                            assignee=json_body().get("assignee"))
    return jsonify(escalation_json(escalation))


@bp.post("/escalations/<int:escalation_id>/resolve")
def escalations_resolve(escalation_id: int) -> ResponseReturnValue:
    user = require_user()
    escalation = services.resolve_escalation(actor=user, escalation=_staff_get(user, escalation_id),
                                             note=json_body().get("note", ""))
    return jsonify(escalation_json(escalation))


def _staff_get(user: User, escalation_id: int) -> Escalation:
    """Non-staff get 403 before learning whether an escalation exists."""
    policy = Policy(user)
    policy.ensure(policy.check_work_escalations())
    return queries.get_escalation(escalation_id)


_ESCALATION = _obj(["id", "question_id", "status", "reason", "requested_by", "assignee", "due_at", "breached",
                    "first_staff_reply_at", "resolved_at"],
                   id={"type": "integer"},
                   question_id={"type": "integer", "nullable": True,
                                "description": "the escalated question; null when the escalation is on an idea"},
                   idea_id={"type": "integer", "nullable": True,
                            "description": "the idea whose author sent personal details privately to staff"},
                   status={"type": "string", "enum": ["open", "assigned", "resolved"]}, reason={"type": "string"},
                   source={"type": "string", "enum": ["member", "moderator", "auto"]},
                   requested_by={"type": "string", "nullable": True}, assignee={"type": "string", "nullable": True},
                   created_at=TIME, due_at=TIME, breached={"type": "boolean"}, first_staff_reply_at=TIME,
                   resolved_at=TIME, resolved_by={"type": "string", "nullable": True,
                                                  "description": "the staff member who resolved it"},
                   resolution_note={"type": "string", "nullable": True},
                   request_count={"type": "integer"},
                   joined={"type": "boolean", "description": "escalate only: true when the request joined an "
                                                             "escalation already open on the question"})
OPENAPI_SCHEMAS = {
    "Escalation": _ESCALATION,
    "EscalationList": _obj(["items", "page", "per_page", "total"],
                           items={"type": "array", "items": {"$ref": "#/components/schemas/Escalation"}},
                           page={"type": "integer"}, per_page={"type": "integer"}, total={"type": "integer"}),
    "EscalateRequest": _obj(["reason"], reason={"type": "string", "minLength": 5, "maxLength": 1000}),
    "AssignRequest": _obj([], assignee={"type": "string", "description": "a staff username; default: the caller"}),
    "ResolveRequest": _obj([], note={"type": "string", "maxLength": 2000}),
}
_joined = op("Ask staff for help: 201 with a new escalation, or 200 with the open one it joined (joined: true)",
             "escalations", body="EscalateRequest", schema="Escalation", status="201", auth=True, path_id=True)
_joined["responses"]["200"] = {"description": "Joined the escalation already open on this question",
                               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Escalation"}}}}
_queue_op = op("The staff queue by due time; status: active (the default: open and assigned), open, assigned, "
               "breached (open or assigned, past due and still without a staff reply), resolved (newest first), "
               "mine; any other value is refused with 422", "escalations", params=["status", "page", "per_page"],
               schema="EscalationList", auth=True)
_queue_op["parameters"][0]["schema"] = {"type": "string", "enum": list(queries.FILTERS)}
OPENAPI_PATHS = {
    "/questions/{id}/escalate": {"post": _joined},
    "/escalations": {"get": _queue_op},
    "/escalations/{id}/assign": {"post": op("Assign to a staff member (default: yourself); they are notified",
                                            "escalations", body="AssignRequest", schema="Escalation", auth=True,
                                            path_id=True)},
    "/escalations/{id}/resolve": {"post": op("Resolve with a note (409 when already resolved)", "escalations",
                                             body="ResolveRequest", schema="Escalation", auth=True, path_id=True)},
}
