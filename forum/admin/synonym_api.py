"""JSON twin of /admin/synonyms: list, add, edit and delete search synonym groups (admins only)."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum.admin import synonyms as services
from forum.api import bp
from forum.api.helpers import json_body, page_json, require_user
from forum.api.openapi import INT, STR, TIME, _obj, op
from forum.clock import isoformat
from forum.i18n import _
from forum.models import SearchSynonym, User
from forum.policy import Policy
from forum.validation import parse_int


def synonym_json(group: SearchSynonym) -> dict[str, Any]:
    return {"id": group.id, "terms": group.terms.split(" = "), "text": group.terms,
            "updated_at": isoformat(group.updated_at)}


def _group(user: User, group_id: int) -> SearchSynonym:
    """Admins only, checked before the lookup, so others learn nothing about which groups exist."""
    policy = Policy(user)
    policy.ensure(policy.can_manage_synonyms(), _("Only admins can edit the search synonyms."))
    return services.get_group(group_id)


def _terms(body: dict[str, Any]) -> object:
    """`terms` as a list of words and phrases, or as one text ("a = b = c")."""
    terms = body.get("terms")
    if isinstance(terms, list) and all(isinstance(term, str) for term in terms):
        return " = ".join(terms)
    return terms


@bp.get("/admin/synonyms")
def admin_list_synonyms() -> ResponseReturnValue:
    page = parse_int(request.args.get("page"), 1)
    per_page = parse_int(request.args.get("per_page"), services.PER_PAGE, maximum=100)
    return jsonify(page_json(services.list_groups(actor=require_user(), page=page, per_page=per_page), synonym_json))


@bp.post("/admin/synonyms")
def admin_create_synonym() -> ResponseReturnValue:
    group = services.add_synonym_group(actor=require_user(), terms=_terms(json_body()))
    return jsonify(synonym_json(group)), 201


@bp.patch("/admin/synonyms/<int:group_id>")
def admin_update_synonym(group_id: int) -> ResponseReturnValue:
    user = require_user()
    group = services.update_synonym_group(actor=user, group=_group(user, group_id), terms=_terms(json_body()))
    return jsonify(synonym_json(group))


@bp.delete("/admin/synonyms/<int:group_id>")
def admin_delete_synonym(group_id: int) -> ResponseReturnValue:
    user = require_user()
    services.delete_synonym_group(actor=user, group=_group(user, group_id))
    return jsonify(deleted=True, id=group_id)


OPENAPI_PATHS = {
    "/admin/synonyms": {
        "get": op("The search synonym groups the similar-titles hints use, newest first (admins)", "admin",
                  schema="SynonymList", auth=True, params=["page", "per_page"]),
        "post": op("Add a synonym group (admins; audited)", "admin", body="SynonymChanges", schema="Synonym",
                   status="201", auth=True),
    },
    "/admin/synonyms/{id}": {
        "patch": op("Replace a synonym group's words (admins; audited)", "admin", body="SynonymChanges",
                    schema="Synonym", auth=True, path_id=True),
        "delete": op("Delete a synonym group (admins; audited)", "admin", schema="SynonymDeleted", auth=True,
                     path_id=True),
    },
}
_TERMS = {"oneOf": [{"type": "array", "minItems": 2, "maxItems": services.MEMBERS_MAX,
                     "items": {"type": "string", "maxLength": 60}},
                    {"type": "string", "maxLength": services.TERMS_MAX}],
          "description": "words or phrases that mean the same: a list, or one text separated by = or commas"}
OPENAPI_SCHEMAS = {
    "Synonym": _obj(["id", "terms", "text", "updated_at"], id=INT, terms={"type": "array", "items": STR}, text=STR,
                    updated_at=TIME),
    "SynonymList": _obj(["items", "page", "per_page", "total"],
                        items={"type": "array", "items": {"$ref": "#/components/schemas/Synonym"}},
                        page=INT, per_page=INT, total=INT),
    "SynonymChanges": _obj(["terms"], terms=_TERMS),
    "SynonymDeleted": _obj(["deleted", "id"], deleted={"type": "boolean"}, id=INT),
}
