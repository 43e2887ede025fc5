"""The OpenAPI document, assembled from each domain's OPENAPI_PATHS so it describes what is registered."""
from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from types import ModuleType
from typing import Any

from flask import Flask, current_app, jsonify
from flask.typing import ResponseReturnValue

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
    "language": {"type": "string", "description": "only posts written in this language (a code such as en, nl)"},
}
# the language a question or idea is written in; search stems it in that language (issue 20)
LANGUAGE = {"type": "string", "description": "a language the community writes in (en, nl): the site's LANGUAGES; "
                                            "default: the author's language"}
ERRORS = {code: {"$ref": "#/components/responses/Error"} for code in ("400", "401", "403", "404", "409", "422")}
# Every operation can also meet these: the 1 MB body limit, the rate limits (Retry-After says when to try again).
LIMIT_ERRORS = {"413": {"$ref": "#/components/responses/TooLarge"}, "429": {"$ref": "#/components/responses/RateLimited"}}


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
AUTHOR = _obj(["username", "reputation", "is_staff"], username=STR,
              reputation={"type": "integer", "nullable": True}, is_staff=BOOL)  # null: a private profile
# In the 201 of a new question, answer, idea or idea comment (forum/trust.py held_json): a new account's post with
# more links than NEW_ACCOUNT_MAX_LINKS is created but held for a moderator (the status stays 201).
HELD = {"held": {"type": "boolean", "description": "201 only: true when the post waits in the moderators' pending "
                                                   "queue, visible to its author alone until approved"},
        "notice": {"type": "string", "description": "201 only, when held: what to tell the author"}}


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
               is_staff=BOOL, role=STR, email=STR, created_at=TIME, is_suspended=BOOL, suspended_until=TIME,
               # null: the browser's language (else the site's default) and UTC; chosen at /settings (issue 20)
               language={"type": "string", "nullable": True}, time_zone={"type": "string", "nullable": True}),
    "Answer": _obj(["id", "question_id", "body_html", "author", "score", "my_vote", "is_accepted", "is_staff",
                    "created_at"], id=INT, question_id=INT, body_html=STR, author=AUTHOR, score=INT,
                   my_vote=INT, is_accepted=BOOL, is_staff=BOOL, is_hidden=BOOL, created_at=TIME, edited_at=TIME,
                   **HELD),
    "Question": _obj(["id", "post_id", "title", "body_html", "author", "category", "tags", "score", "my_vote",
                      "answer_count", "status", "accepted_answer_id", "is_locked", "created_at",
                      "last_activity_at", "url"],
                     id=INT, post_id=INT, title=STR, body_html=STR, author=AUTHOR, category=STR,
                     tags={"type": "array", "items": STR}, score=INT, my_vote=INT, answer_count=INT,
                     status={"type": "string", "enum": ["open", "solved", "closed"]},
                     accepted_answer_id={"type": "integer", "nullable": True}, is_locked=BOOL, is_pinned=BOOL,
                     view_count=INT, language=STR, created_at=TIME, last_activity_at=TIME, url=STR,
                     answers={"type": "array", "items": {"$ref": "#/components/schemas/Answer"}},
                     # when read alone: the idea this question's demand went to (issue 16); converted: it became
                     # the idea and takes no new answers; linked: staff linked it to an existing idea
                     idea=_obj(["id", "title", "url", "status", "status_note", "kind"], id=INT, title=STR, url=STR,
                               status=STR, status_note={"type": "string", "nullable": True},
                               kind={"type": "string", "enum": ["converted", "linked"]}),
                     **HELD),
    "QuestionList": _list_of("#/components/schemas/Question"),
    "Post": {"oneOf": [{"$ref": "#/components/schemas/Question"}, {"$ref": "#/components/schemas/Answer"}]},
    "NewQuestion": _obj(["title", "body", "category"], title={"type": "string", "minLength": 10, "maxLength": 150},
                        body={"type": "string", "minLength": 2, "maxLength": 50000},
                        category={"type": "string", "description": "an open category's slug (GET /categories)"},
                        tags={"type": "array", "maxItems": 5, "items": STR}, language=LANGUAGE),
    "NewAnswer": _obj(["body"], body={"type": "string", "minLength": 2, "maxLength": 50000}),
    "PostEdit": _obj(["body"], body={"type": "string", "minLength": 2, "maxLength": 50000},
                     title={"type": "string", "minLength": 10, "maxLength": 150, "description": "questions only"},
                     language={**LANGUAGE, "description": "questions only; " + LANGUAGE["description"]}),
    "VoteValue": _obj(["value"], value={"type": "integer", "enum": [-1, 0, 1]}),
    "VoteResult": _obj(["score", "my_vote"], score=INT, my_vote=INT),
    "ThreadStatus": _obj(["question_id", "status", "accepted_answer_id"], question_id=INT, status=STR,
                         accepted_answer_id={"type": "integer", "nullable": True}),
}


def describe(app: Flask, modules: Iterable[ModuleType]) -> None:
    """Name the modules whose OPENAPI_PATHS and OPENAPI_SCHEMAS make up the document, in order (a later module's
    schema replaces an earlier one of the same name). The app factory's wiring (forum/web.py) passes every api
    module it imported, so this package names no domain and the domains import it, never the other way round."""
    app.extensions["openapi_modules"] = tuple(modules)


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas = dict(SCHEMAS)
    for module in current_app.extensions.get("openapi_modules", ()):
        for path, operations in getattr(module, "OPENAPI_PATHS", {}).items():
            paths.setdefault(path, {}).update(copy.deepcopy(operations))  # finished below, per document
        schemas.update(getattr(module, "OPENAPI_SCHEMAS", {}))
    _finish_operations(paths)
    schemas = _without_empty_required(schemas)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Community forum API", "version": "1.0.0",
                 "description": "Bearer tokens from `flask forum create-token NAME` or the settings page; a "
                                "browser session works too, with the X-CSRFToken header on writes. Every protected "
                                "operation answers 401 without a caller. Text lengths count after surrounding "
                                "spaces are trimmed. Text holding NUL, an unpaired UTF-16 surrogate or a Unicode "
                                "non-character is refused with 422, `fields` naming each field. List filters "
                                "are lenient: an unknown or malformed query value (page, per_page, sort, ...) "
                                "falls back to its default, and per_page above 100 is read as 100."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                "Error": {"description": "An error", "content": _ERROR_CONTENT},
                "TooLarge": {"description": "The body is larger than 1 MB", "content": _ERROR_CONTENT},
                "RateLimited": {"description": "Too many requests; the message says when to try again",
                                "headers": {"Retry-After": {"description": "seconds to wait",
                                                            "schema": {"type": "integer"}}},
                                "content": _ERROR_CONTENT},
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
        },
    }


_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _finish_operations(paths: dict[str, Any]) -> None:
    """What every operation shares, added in one place so no domain can forget it: a unique operationId (the
    view's name, with the method where one view answers several), the limit errors, and the errors of the
    common ones (every write can be malformed, every path id can miss, every protected call needs a caller)."""
    adapter = current_app.url_map.bind("localhost")
    seen: set[str] = set()
    for path, operations in paths.items():
        url = "/api/v1" + re.sub(r"\{[^}]+\}", "1", path)
        for method, operation in operations.items():
            try:
                endpoint, _ = adapter.match(url, method=method.upper())
                name = endpoint.removeprefix("api.")
            except Exception:  # noqa: BLE001 - documented but not routed: tests/api/test_openapi.py says so
                name = re.sub(r"\W+", "_", f"{method}_{path}").strip("_")
            if name in seen:  # one view behind several paths (/mod/threads/{id}/lock, .../pin): add the action
                name = f"{name}_{path.rstrip('/').rsplit('/', 1)[-1].strip('{}')}"
            if name in seen:
                name = f"{name}_{method}"
            seen.add(name)
            operation.setdefault("operationId", name)
            responses = operation.setdefault("responses", {})
            for code, response in {**ERRORS, **LIMIT_ERRORS}.items():
                responses.setdefault(code, response)


def _without_empty_required(value: Any) -> Any:
    """OpenAPI 3.0 forbids `required: []` (the document was invalid for it): an empty list is left out."""
    if isinstance(value, dict):
        return {key: _without_empty_required(item) for key, item in value.items()
                if not (key == "required" and item == [])}
    if isinstance(value, list):
        return [_without_empty_required(item) for item in value]
    return value


@bp.get("/openapi.json")
def openapi_json() -> ResponseReturnValue:
    return jsonify(document())
