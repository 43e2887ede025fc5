"""GET /api/v1/search: the same search as the page, as JSON."""
from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum.api import bp
from forum.api.helpers import page_json, viewer
from forum.api.openapi import _obj, op
from forum.search import service
from forum.search.query import URL_FILTERS
from forum.validation import parse_int


@bp.get("/search")
def search() -> ResponseReturnValue:
    filters = {key: request.args.get(key, "") for key in URL_FILTERS if request.args.get(key)}
    page = service.search(request.args.get("q", ""), viewer=viewer(), type=request.args.get("type"),
                          page=parse_int(request.args.get("page"), 1, maximum=service.MAX_PAGE),
                          per_page=parse_int(request.args.get("per_page"), service.PER_PAGE, maximum=100),
                          filters=filters)
    return jsonify({**page_json(page, lambda hit: hit.as_json()),
                    "notices": [notice.as_json() for notice in page.notices]})


STR = {"type": "string"}
OPENAPI_SCHEMAS = {
    "SearchHit": _obj(["type", "id", "title", "snippet", "status", "url"],
                      type={"type": "string", "enum": ["question", "idea"]}, id={"type": "integer"}, title=STR,
                      snippet={"type": "string", "description": "HTML: text with <mark> around matches"},
                      status=STR, url=STR),
    "SearchResults": _obj(["items", "page", "per_page", "total"],
                          items={"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
                          page={"type": "integer"}, per_page={"type": "integer"}, total={"type": "integer"},
                          notices={"type": "array", "description": "filter values that name nothing, each with "
                                   "the values to try instead; the search ran without them",
                                   "items": {"$ref": "#/components/schemas/SearchFilterNotice"}}),
    "SearchFilterNotice": _obj(["filter", "value", "message", "suggestions"], filter=STR, value=STR, message=STR,
                               suggestions={"type": "array", "items": STR}),
}
OPENAPI_PATHS = {
    "/search": {"get": op("Full-text search of questions and ideas: words, \"phrases\", -words, category:, tag:, "
                          "is:solved, is:unanswered, type:idea, status:planned, lang:nl; category=, tag=, status= and language= work "
                          "like the typed filters (category: takes a category's slug, name or a word of it)",
                          "search", params=["q", "type", "category", "tag", "status", "language", "page",
                                                      "per_page"],
                          schema="SearchResults")},
}
