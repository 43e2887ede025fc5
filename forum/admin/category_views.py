"""/admin/categories: the list with its create form and order buttons, the edit page, merge, archive, delete."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum.admin import bp, forms
from forum.admin import categories as services
from forum.errors import Conflict, Invalid
from forum.i18n import _, _l
from forum.models import Category
from forum.policy import Policy

ACTION_DONE = {"up": _l("“%(name)s” moved up."), "down": _l("“%(name)s” moved down."),
               "archive": _l("“%(name)s” archived: still readable, but it takes no new questions or ideas."),
               "unarchive": _l("“%(name)s” takes new questions and ideas again.")}


def _ensure_admin() -> None:
    """Before any lookup, so a refused caller learns nothing about which slugs exist."""
    policy = Policy(current_user)
    policy.ensure(policy.can_manage_categories(), _("Only admins can manage categories."))


def _list(form: Mapping[str, Any] | None = None, errors: dict[str, str] | None = None, problem: str = "",
          code: int = 200) -> ResponseReturnValue:
    return render_template("admin/categories.html", rows=services.admin_categories(actor=current_user),
                           form=form or {}, errors=errors or {}, problem=problem, labels=forms.LABELS,
                           limits=forms), code


@bp.route("/categories", methods=["GET", "POST"])
@login_required
def categories() -> ResponseReturnValue:
    if request.method == "GET":
        return _list()
    form = request.form
    try:
        category = services.create_category(actor=current_user, slug=form.get("slug"), name=form.get("name"),
                                            description=form.get("description", ""), archived=False,
                                            sla_hours=form.get("sla_hours"),
                                            auto_escalate_hours=form.get("auto_escalate_hours"))
    except Invalid as error:
        return _list(form, error.fields, code=422)
    flash(_("Category “%(name)s” created.", name=category.name), "success")
    return redirect(url_for("admin.categories"))


@bp.route("/categories/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_category(slug: str) -> ResponseReturnValue:
    _ensure_admin()
    category = services.get_category(slug)
    if request.method == "GET":
        if category.slug != slug:  # an old slug: send bookmarks to the current address
            return redirect(url_for("admin.edit_category", slug=category.slug), 301)
        return _edit(category, _stored(category))
    form = request.form
    changes: dict[str, object] = {field: form.get(field, "") for field in forms.FIELDS
                                  if field not in ("archived", "position")}
    changes["archived"] = bool(form.get("archived"))
    try:
        services.update_category(actor=current_user, category=category, changes=changes)
    except Invalid as error:
        return _edit(category, form, errors=error.fields, code=422)
    flash(_("“%(name)s” saved.", name=category.name), "success")
    return redirect(url_for("admin.categories"))


@bp.post("/categories/<slug>/merge")
@login_required
def merge_category(slug: str) -> ResponseReturnValue:
    _ensure_admin()
    category = services.get_category(slug)
    name = category.name
    try:
        into = services.merge_category(actor=current_user, category=category, into=request.form.get("into"))
    except Invalid as error:
        return _edit(category, _stored(category), merge_form=request.form, merge_errors=error.fields, code=422)
    flash(_("“%(name)s” merged into “%(into)s”: its questions and ideas moved, and its links lead there.",
            name=name, into=into.name), "success")
    return redirect(url_for("admin.categories"))


@bp.post("/categories/<slug>/<any(up, down, archive, unarchive, delete):action>")
@login_required
def category_action(slug: str, action: str) -> ResponseReturnValue:
    _ensure_admin()
    category = services.get_category(slug)
    name = category.name
    try:
        if action in ("up", "down"):
            services.move_category(actor=current_user, category=category, direction=action)
        elif action == "delete":
            services.delete_category(actor=current_user, category=category)
        else:
            services.update_category(actor=current_user, category=category,
                                     changes={"archived": action == "archive"})
    except Conflict as error:
        return _list(problem=error.message, code=409)
    flash(_("Category “%(name)s” deleted.", name=name) if action == "delete"
          else str(ACTION_DONE[action]) % {"name": name}, "success")
    return redirect(url_for("admin.categories"))


def _stored(category: Category) -> dict[str, Any]:
    return {field: "" if getattr(category, field) is None else getattr(category, field) for field in forms.FIELDS}


def _edit(category: Category, form: Mapping[str, Any], *, errors: dict[str, str] | None = None,
          merge_form: Mapping[str, Any] | None = None, merge_errors: dict[str, str] | None = None,
          code: int = 200) -> ResponseReturnValue:
    others = [other for other in services.all_categories() if other.id != category.id]
    return render_template("admin/category_form.html", category=category, form=form, errors=errors or {},
                           merge_form=merge_form or {}, merge_errors=merge_errors or {}, others=others,
                           labels=forms.LABELS, limits=forms), code
