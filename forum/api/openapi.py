"""The OpenAPI document, assembled from each domain's OPENAPI_PATHS so it describes what is registered."""
from __future__ import annotations

from typing import Any

from flask import jsonify

from forum.api import bp

QUERY_PARAMS = {
    "page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
    "sort": {"type": "string", "enum": ["active", "newest", "top", "unanswered"]},
    "status": {"type": "string"}, "category": {"type": "string"}, "tag": {"type": "string"},
    "q": {"type": "string"}, "type": {"type": "string"}, "since": {"type": "string"},
    "until": {"type": "string"}, "actor": {"type": "string"}, "action": {"type": "string"},
    "format": {"type": "string", "enum": ["csv", "json"]}, "limit": {"type": "integer"},
    "days": {"type": "integer"}, "role": {"type": "string", "enum": ["member", "staff", "moderator", "admin"]},
    "include_archived": {"type": "string", "enum": ["0", "1"]},
}
ERRORS = {code: {"$ref": "#/components/responses/Error"} for code in ("400", "401", "403", "404", "409", "422")}


def op(summary: str, tag: str, *, body: str | None = None, schema: str | None = None, status: str = "200",
       auth: bool = False, params: list[str] | None = None, path_id: bool | str = False) -> dict[str, Any]:
    """One operation; `body` and `schema` name entries of components.schemas."""
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}} if schema else None
    operation: dict[str, Any] = {
        "summary": summary, "tags": [tag],
        "responses": {status: {"description": summary, **({"content": content} if content else {})}, **ERRORS},
    }
    parameters = [{"name": name, "in": "query", "required": False, "schema": QUERY_PARAMS.get(name, {"type": "string"})}
                  for name in params or []]
    if path_id:
        name = path_id if isinstance(path_id, str) else "id"
        parameters.insert(0, {"name": name, "in": "path", "required": True,
                              "schema": {"type": "string" if name in ("username", "slug") else "integer"}})
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}}
    if auth:
        operation["security"] = [{"bearer": []}, {"session": []}]
    return operation


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
TIME = {"type": "string", "format": "date-time", "nullable": True}
AUTHOR = _obj(["username", "reputation", "is_staff"], username=STR, reputation=INT, is_staff=BOOL)


def _list_of(ref: str) -> dict[str, Any]:
    return _obj(["items", "page", "per_page", "total"], items={"type": "array", "items": {"$ref": ref}},
                page=INT, per_page=INT, total=INT)


SCHEMAS: dict[str, Any] = {
    "Error": _obj(["error"], error=_obj(["code", "message"], code=STR, message=STR,
                                        fields={"type": "object", "additionalProperties": STR})),
    "Author": AUTHOR,
    "Category": _obj(["slug", "name", "description"], slug=STR, name=STR, description=STR, archived=BOOL),
    "CategoryList": _obj(["items"], items={"type": "array", "items": {"$ref": "#/components/schemas/Category"}}),
    "Me": _obj(["username", "reputation", "is_staff", "role"], id=INT, username=STR, reputation=INT,
               is_staff=BOOL, role=STR, email=STR, created_at=TIME, is_suspended=BOOL, suspended_until=TIME),
    "Answer": _obj(["id", "question_id", "body_html", "author", "score", "my_vote", "is_accepted", "is_staff",
                    "created_at"], id=INT, question_id=INT, body_html=STR, author=AUTHOR, score=INT,
                   my_vote=INT, is_accepted=BOOL, is_staff=BOOL, is_hidden=BOOL, created_at=TIME, edited_at=TIME),
    "Question": _obj(["id", "post_id", "title", "body_html", "author", "category", "tags", "score", "my_vote",
                      "answer_count", "status", "accepted_answer_id", "is_locked", "created_at",
                      "last_activity_at", "url"],
                     id=INT, post_id=INT, title=STR, body_html=STR, author=AUTHOR, category=STR,
                     tags={"type": "array", "items": STR}, score=INT, my_vote=INT, answer_count=INT,
                     status={"type": "string", "enum": ["open", "solved", "closed"]},
                     accepted_answer_id={"type": "integer", "nullable": True}, is_locked=BOOL, is_pinned=BOOL,
                     view_count=INT, created_at=TIME, last_activity_at=TIME, url=STR,
                     answers={"type": "array", "items": {"$ref": "#/components/schemas/Answer"}}),
    "QuestionList": _list_of("#/components/schemas/Question"),
    "Post": {"oneOf": [{"$ref": "#/components/schemas/Question"}, {"$ref": "#/components/schemas/Answer"}]},
    "NewQuestion": _obj(["title", "body", "category"], title={"type": "string", "minLength": 10, "maxLength": 150},
                        body={"type": "string", "maxLength": 50000}, category=STR,
                        tags={"type": "array", "maxItems": 5, "items": STR}),
    "NewAnswer": _obj(["body"], body={"type": "string", "maxLength": 50000}),
    "PostEdit": _obj(["body"], body={"type": "string", "maxLength": 50000}, title=STR),
    "VoteValue": _obj(["value"], value={"type": "integer", "enum": [-1, 0, 1]}),
    "VoteResult": _obj(["score", "my_vote"], score=INT, my_vote=INT),
    "ThreadStatus": _obj(["question_id", "status", "accepted_answer_id"], question_id=INT, status=STR,
                         accepted_answer_id={"type": "integer", "nullable": True}),
}


def document() -> dict[str, Any]:
    from forum.api import DOMAIN_APIS
    paths: dict[str, Any] = {}
    schemas = dict(SCHEMAS)
    for module in DOMAIN_APIS:
        for path, operations in getattr(module, "OPENAPI_PATHS", {}).items():
            paths.setdefault(path, {}).update(operations)
        schemas.update(getattr(module, "OPENAPI_SCHEMAS", {}))
    return {
        "openapi": "3.0.3",
        "info": {"title": "Community forum API", "version": "1.0.0",
                 "description": "Bearer tokens from `flask forum create-token NAME` or the settings page; a "
                                "browser session works too, with the X-CSRFToken header on writes."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {"Error": {"description": "An error", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())
