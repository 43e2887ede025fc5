"""The /search page and the similar-titles JSON the ask and idea forms call while typing."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_login import current_user

from forum.search import bp, service
from forum.search.query import MAX_QUERY
from forum.validation import parse_int


@bp.get("/search")
def index():
    results = service.search(request.args.get("q", ""), viewer=current_user, type=request.args.get("type"),
                             page=parse_int(request.args.get("page"), 1, maximum=service.MAX_PAGE))
    return render_template("search/index.html", results=results, q=request.args.get("q", "")[:MAX_QUERY])


@bp.get("/search/similar")
def similar():
    """Top five titles like `q` (type=questions, the default, or ideas), for suggestions while typing."""
    kind = "idea" if service.tab_for(request.args.get("type")) == "ideas" else "question"
    hits = service.similar(request.args.get("q", ""), viewer=current_user, type=kind)
    return jsonify(items=[{**hit.as_json(), "solved": hit.status == "solved"} for hit in hits])
