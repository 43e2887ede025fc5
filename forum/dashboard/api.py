"""GET /api/v1/stats: the dashboard's figures as JSON, staff only (401 for visitors, 403 for members)."""
from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum.api import bp
from forum.api.helpers import require_user
from forum.api.openapi import INT, STR, _obj, op
from forum.clock import isoformat, utcnow
from forum.dashboard import listening, read, stats


@bp.get("/stats")
def stats_show() -> ResponseReturnValue:
    period, data = read.dashboard_for(actor=require_user(), args=request.args)  # 401 for visitors, as everywhere
    return jsonify({**data, "listening": _listening_json(listening.figures_for(period, utcnow()))})


def _listening_json(heard: listening.ListeningFigures) -> dict:
    """The dashboard's listening figures (matches per day, time to a staff reply, alerts and their
    acknowledgement), as the page shows them."""
    return {"matches": heard.matches, "capped": heard.capped, "per_day": heard.per_day, "replied": heard.replied,
            "median_reply_seconds": heard.median_reply_seconds,
            "alerts": [{**alert, "opened_at": isoformat(alert["opened_at"])} for alert in heard.alerts]}


_NUM = {"type": "number", "nullable": True}
_FIGURE = _obj(["value", "previous", "change", "unit"], value=_NUM, previous=_NUM, change=_NUM,
               unit={"type": "string", "enum": ["count", "share", "seconds"]})
_PERIOD = _obj(["since", "until", "days", "first_day", "last_day", "category", "label"],
               since=STR, until=STR, days={"type": "integer", "nullable": True}, first_day=STR, last_day=STR,
               category={"type": "string", "nullable": True}, label=STR)
_SPLIT = _obj(["members", "staff", "total"], members=INT, staff=INT, total=INT)
_ANSWERER = _obj(["username", "answers", "accepted"], username=STR, answers=INT, accepted=INT)
OPENAPI_SCHEMAS = {
    "Stats": _obj(
        ["period", "previous_period", "figures", "first_answers", "accepted_answers", "sla",
         "escalations_breached_now", "backlog", "top_ideas", "top_answerers", "daily"],
        period=_PERIOD, previous_period=_PERIOD, generated_at=STR,
        listening=_obj(["matches", "capped", "per_day", "replied", "median_reply_seconds", "alerts"],
                       matches=INT, capped={"type": "boolean"}, replied=INT,
                       median_reply_seconds={"type": "integer", "nullable": True},
                       per_day={"type": "array", "items": _obj(["date", "matches"], date=STR, matches=INT)},
                       alerts={"type": "array", "items": _obj(
                           ["id", "name", "opened_at", "ack_seconds"], id=INT, name=STR, opened_at=STR,
                           ack_seconds={"type": "integer", "nullable": True})}),
        figures={"type": "object", "description": "one entry per figure: " + ", ".join(k for k, *_ in stats.FIGURES)
                 + "; shares are fractions 0-1, durations whole seconds",
                 "additionalProperties": _FIGURE},
        first_answers=_SPLIT, accepted_answers=_SPLIT,
        sla=_obj(["met", "decided"], met=INT, decided=INT), escalations_breached_now=INT,
        backlog=_obj(["buckets", "total", "oldest", "url"], total=INT, url=STR,
                     buckets={"type": "array", "items": _obj(["key", "label", "count"], key=STR, label=STR,
                                                             count=INT)},
                     oldest={"type": "array", "items": _obj(["id", "title", "url", "created_at", "age_seconds",
                                                             "bucket"], id=INT, title=STR, url=STR,
                                                            created_at=STR, age_seconds=INT, bucket=STR)}),
        top_ideas={"type": "array", "items": _obj(["id", "title", "status", "votes_gained", "votes_total", "url"],
                                                  id=INT, title=STR, status=STR, status_label=STR, category=STR,
                                                  votes_gained=INT, votes_total=INT, url=STR)},
        top_answerers=_obj(["members", "staff"], members={"type": "array", "items": _ANSWERER},
                           staff={"type": "array", "items": _ANSWERER}),
        daily={"type": "array", "items": {"type": "object", "additionalProperties": True}}),
}
OPENAPI_PATHS = {
    "/stats": {"get": op("Community health figures for a period (days=7|30|90 or since/until YYYY-MM-DD) and "
                         "optional category, with the previous period of equal length; staff only",
                         "stats", params=["days", "since", "until", "category"], schema="Stats", auth=True)},
}
