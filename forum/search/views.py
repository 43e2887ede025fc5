"""The /search page and the similar-titles JSON the ask and idea forms call while typing."""
from __future__ import annotations

import re
from typing import Any

from flask import jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from forum import content_language
from forum.categories import categories
from forum.i18n import _, _l
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
    return render_template("search/index.html", results=results, q=q, filters=filters, tries=tries,
                           chips=_chips(q, filters, results))


_STATUS_LABELS = {"solved": _l("Solved"), "unanswered": _l("Unanswered"), "open": _l("Answered"),
                  "closed": _l("Closed"), "new": _l("New"), "under_review": _l("Under review"),
                  "planned": _l("Planned"), "in_progress": _l("In progress"), "shipped": _l("Shipped"),
                  "declined": _l("Declined"), "duplicate": _l("Duplicate")}


def _chips(q: str, filters: dict[str, str], results: service.SearchPage) -> list[dict[str, str]]:
    """A chip per URL filter that applies (/search?category=wifi), named as people read it ("Category:
    Connectivity & Wi-Fi"), whose link searches again without it: a filter the search box keeps out of sight
    is shown and can be removed. A value that named nothing has its notice instead."""
    dropped = {(notice.key, notice.value) for notice in results.notices if notice.dropped}
    chips = []
    for key, value in filters.items():
        typed = " ".join(value.lower().split())
        if (key, typed) in dropped or (key == "status" and ("is", typed) in dropped):
            continue
        if key == "category":
            names = {category.slug: category.name for category in categories()}
            label = _("Category: %(name)s", name=names.get(results.query.category or "", value))
        elif key == "tag":
            label = _("Tag: %(tag)s", tag=typed.lstrip("#"))
        elif key == "status":
            label = str(_STATUS_LABELS.get(results.query.status or "", value))
        else:
            label = _("Written in %(language)s", language=dict(content_language.names()).get(typed, value))
        others: dict[str, Any] = {other: kept for other, kept in filters.items() if other != key}
        chips.append({"label": label, "url": url_for("search.index", q=q or None, type=results.type, **others)})
    return chips


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
