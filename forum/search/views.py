"""The /search page and the similar-titles JSON the ask and idea forms call while typing."""
from __future__ import annotations

import re
from typing import Any

from flask import jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from forum.search import bp, service
from forum.search.filters import FilterNotice
from forum.search.query import MAX_QUERY, URL_FILTERS
from forum.validation import parse_int


@bp.get("/search")
def index() -> ResponseReturnValue:
    filters = {key: request.args.get(key, "")[:MAX_QUERY] for key in URL_FILTERS if request.args.get(key)}
    q = request.args.get("q", "")[:MAX_QUERY]
    results = service.search(q, viewer=current_user, type=request.args.get("type"), filters=filters,
                             page=parse_int(request.args.get("page"), 1, maximum=service.MAX_PAGE))
    tries = [[(label, _try_instead(q, filters, results.type, notice, value)) for value, label in notice.suggestions]
             for notice in results.notices]
    return render_template("search/index.html", results=results, q=q, filters=filters, tries=tries)


def _try_instead(q: str, filters: dict[str, str], tab: str | None, notice: FilterNotice, value: str) -> str:
    """The search again with `value` in place of the filter value that named nothing: in the typed words when it
    was typed there, else in the URL parameter it came from (status= takes is: values too)."""
    typed = re.compile(rf"\b{re.escape(notice.key)}:(?:\"[^\"]*\"|\S+)", re.IGNORECASE)
    new_filters: dict[str, Any] = dict(filters)
    if typed.search(q):
        q = typed.sub(lambda _match: f"{notice.key}:{value}", q, count=1)
    else:
        new_filters["status" if notice.key == "is" else notice.key] = value
    return url_for("search.index", q=q or None, type=tab, **new_filters)


@bp.get("/search/similar")
def similar() -> ResponseReturnValue:
    """Top five titles like `q` (type=questions, the default, or ideas), for suggestions while typing."""
    kind = "idea" if service.tab_for(request.args.get("type")) == "ideas" else "question"
    hits = service.similar(request.args.get("q", ""), viewer=current_user, type=kind)
    return jsonify(items=[{**hit.as_json(), "solved": hit.status == "solved"} for hit in hits])
