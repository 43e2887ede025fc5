"""JSON twin of /admin/categories: list, create, edit, delete and merge categories (admins only)."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

from forum.admin import categories as services
from forum.admin import forms
from forum.api import bp
from forum.api.helpers import json_body, require_user
from forum.api.openapi import BOOL, INT, STR, _obj, op
from forum.errors import Invalid
from forum.i18n import _
from forum.links import questions_path
from forum.models import Category, User
from forum.policy import Policy

# What GET answers but a client cannot set: sent back unchanged in a PATCH, they are ignored.
READ_ONLY = ("id", "question_count", "idea_count", "url")


def category_json(category: Category, counts: services.CategoryRow | None = None) -> dict[str, Any]:
    body = {"id": category.id, "slug": category.slug, "name": category.name, "description": category.description,
            "position": category.position, "archived": category.archived, "sla_hours": category.sla_hours,
            "auto_escalate_hours": category.auto_escalate_hours, "url": questions_path(category=category.slug)}
    if counts is not None:
        body.update(question_count=counts.threads, idea_count=counts.ideas)
    return body


@bp.get("/admin/categories")
def admin_list_categories() -> ResponseReturnValue:
    rows = services.admin_categories(actor=require_user())
    # position is the place in the order (what a PATCH sets), even before any write has numbered them 1..n
    return jsonify(items=[{**category_json(row.category, row), "position": place}
                          for place, row in enumerate(rows, start=1)])


@bp.post("/admin/categories")
def admin_create_category() -> ResponseReturnValue:
    user = require_user()
    body = json_body()
    unknown = sorted(set(body) - set(forms.FIELDS) - set(READ_ONLY))
    if unknown:  # a typo ("achived") must not pass unnoticed
        raise Invalid(_("Some fields need attention."), {name: _("Not a category field.") for name in unknown})
    category = services.create_category(actor=user, **{field: body.get(field) for field in forms.FIELDS
                                                       if field in body or field in ("slug", "name")})
    return jsonify(category_json(category)), 201


@bp.patch("/admin/categories/<slug>")
def admin_update_category(slug: str) -> ResponseReturnValue:
    """An old slug (before a rename or a merge) reaches the category too."""
    user = require_user()
    body = {key: value for key, value in json_body().items() if key not in READ_ONLY}
    category = services.update_category(actor=user, category=_category(user, slug), changes=body)
    return jsonify(category_json(category))


@bp.delete("/admin/categories/<slug>")
def admin_delete_category(slug: str) -> ResponseReturnValue:
    user = require_user()
    category = _category(user, slug)
    services.delete_category(actor=user, category=category)
    return jsonify(deleted=True, slug=slug)


@bp.post("/admin/categories/<slug>/merge")
def admin_merge_category(slug: str) -> ResponseReturnValue:
    user = require_user()
    into = services.merge_category(actor=user, category=_category(user, slug), into=json_body().get("into"))
    return jsonify(category_json(into))


def _category(user: User, slug: str) -> Category:
    """Admins only, checked before the lookup, so others learn nothing about which slugs exist."""
    policy = Policy(user)
    policy.ensure(policy.can_manage_categories(), _("Only admins can manage categories."))
    return services.get_category(slug)


_HOURS = {"type": "integer", "nullable": True, "minimum": 1, "maximum": forms.HOURS_MAX}
_FIELDS = dict(slug={"type": "string", "pattern": forms.SLUG_RE.pattern, "minLength": forms.SLUG_MIN,
                     "maxLength": forms.SLUG_MAX},
               name={"type": "string", "minLength": forms.NAME_MIN, "maxLength": forms.NAME_MAX},
               description={"type": "string", "maxLength": forms.DESCRIPTION_MAX},
               position={"type": "integer", "minimum": 1}, archived=BOOL, sla_hours=_HOURS,
               auto_escalate_hours=_HOURS)
OPENAPI_SCHEMAS = {
    "AdminCategory": _obj(["id", "slug", "name", "description", "position", "archived", "sla_hours",
                           "auto_escalate_hours", "url"], id=INT, url=STR, question_count=INT, idea_count=INT,
                          **_FIELDS),
    "AdminCategoryList": _obj(["items"], items={"type": "array",
                                                "items": {"$ref": "#/components/schemas/AdminCategory"}}),
    # unknown fields are refused (422 "Not a category field."), so the document says no others are allowed
    "NewCategory": {**_obj(["slug", "name"], **_FIELDS), "additionalProperties": False},
    "CategoryChanges": {**_obj([], **_FIELDS), "additionalProperties": False},
    "CategoryMerge": _obj(["into"], into=STR),
    "CategoryDeleted": _obj(["deleted", "slug"], deleted=BOOL, slug=STR),
}
OPENAPI_PATHS = {
    "/admin/categories": {
        "get": op("Every category with its question and idea counts (admins)", "admin", schema="AdminCategoryList",
                  auth=True),
        "post": op("Create a category (admins)", "admin", body="NewCategory", schema="AdminCategory", status="201",
                   auth=True),
    },
    "/admin/categories/{slug}": {
        "patch": op("Edit, reorder or archive a category; an old slug still reaches it (admins)", "admin",
                    body="CategoryChanges", schema="AdminCategory", auth=True, path_id="slug"),
        "delete": op("Delete an empty category; 409 while it holds questions or ideas (admins)", "admin",
                     schema="CategoryDeleted", auth=True, path_id="slug"),
    },
    "/admin/categories/{slug}/merge": {
        "post": op("Move every question and idea into another category and remove this one (admins)", "admin",
                   body="CategoryMerge", schema="AdminCategory", auth=True, path_id="slug"),
    },
}
