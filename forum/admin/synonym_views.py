"""/admin/synonyms: the community's search synonyms, with a box to try a title against them."""
from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum.admin import bp
from forum.admin import synonyms as services
from forum.errors import Conflict, Invalid
from forum.i18n import _
from forum.policy import Policy
from forum.search import service as search
from forum.search import synonyms, thesaurus
from forum.validation import parse_int


def _ensure_admin() -> None:
    """Before any lookup, so a refused caller learns nothing about which groups exist."""
    policy = Policy(current_user)
    policy.ensure(policy.can_manage_synonyms(), _("Only admins can edit the search synonyms."))


def _page(form: Mapping[str, str] | None = None, errors: dict[str, str] | None = None, problem: str = "",
          code: int = 200, editing: int | None = None) -> ResponseReturnValue:
    _ensure_admin()
    tried = request.args.get("try", "")[:150].strip()
    trial = None
    if tried:  # what the hints make of a title: the concepts read, and the ideas and questions they offer
        lexicon = synonyms.lexicon()
        trial = {"concepts": [c for c in synonyms.concepts(tried, lexicon) if not c.generic],
                 "ideas": search.similar(tried, viewer=current_user, type="idea", catch_up=False),
                 "questions": search.similar(tried, viewer=current_user, type="question", catch_up=False),
                 "lexicon": lexicon}
    page = services.list_groups(actor=current_user, page=parse_int(request.args.get("page"), 1))
    return render_template("admin/synonyms.html", page=page, form=form or {}, errors=errors or {}, problem=problem,
                           editing=editing, tried=tried, trial=trial, builtin=thesaurus.GROUPS,
                           variants=len(thesaurus.VARIANTS), limits=services), code


@bp.route("/synonyms", methods=["GET", "POST"])
@login_required
def synonym_list() -> ResponseReturnValue:
    if request.method == "GET":
        return _page()
    try:
        group = services.add_synonym_group(actor=current_user, terms=request.form.get("terms"))
    except Invalid as error:
        return _page(request.form, error.fields, code=422)
    except Conflict as error:
        return _page(request.form, {"terms": error.message}, code=409)
    flash(_("Added: %(terms)s. The similar-titles hints use it from now on.", terms=group.terms), "success")
    return redirect(url_for("admin.synonym_list"))


@bp.post("/synonyms/<int:group_id>")
@login_required
def synonym_update(group_id: int) -> ResponseReturnValue:
    _ensure_admin()
    group = services.get_group(group_id)
    try:
        services.update_synonym_group(actor=current_user, group=group, terms=request.form.get("terms"))
    except Invalid as error:
        return _page(request.form, error.fields, code=422, editing=group_id)
    except Conflict as error:
        return _page(request.form, {"terms": error.message}, code=409, editing=group_id)
    flash(_("Saved: %(terms)s.", terms=group.terms), "success")
    return redirect(url_for("admin.synonym_list", page=request.form.get("page") or None))


@bp.post("/synonyms/<int:group_id>/delete")
@login_required
def synonym_delete(group_id: int) -> ResponseReturnValue:
    _ensure_admin()
    group = services.get_group(group_id)
    terms = group.terms
    services.delete_synonym_group(actor=current_user, group=group)
    flash(_("Deleted: %(terms)s.", terms=terms), "info")
    return redirect(url_for("admin.synonym_list"))
