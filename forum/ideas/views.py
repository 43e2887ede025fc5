"""Idea pages: thin views over ideas.services, ideas.queries and ideas.export."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask import Response, flash, jsonify, redirect, render_template, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum import links, lookup
from forum.categories import categories, moved_category, open_categories
from forum.errors import Invalid
from forum.i18n import _
from forum.ideas import bp, export, queries, requests, services
from forum.ideas.badges import STATUS_COLOURS
from forum.ideas.links import already_linked
from forum.models import Idea, IdeaStatus
from forum.pagecache import IDEAS, idea_scope, visitor_page
from forum.pii_forms import flash_if_private, pii_findings
from forum.policy import Policy
from forum.redirects import safe_next
from forum.search.pickers import idea_pickers
from forum.trust import held_notice

if TYPE_CHECKING:
    from forum.pii import Finding


@bp.app_context_processor
def _idea_globals() -> dict:
    return {"idea_status_labels": IdeaStatus.LABELS, "idea_status_colours": STATUS_COLOURS}


@bp.get("/ideas")
@visitor_page(lambda: [IDEAS])
def index() -> ResponseReturnValue:
    filters = queries.IdeaFilters.from_args(request.args, max_per_page=queries.PER_PAGE)
    shown = categories()
    moved = moved_category(filters.category, shown)
    if moved:  # a renamed or merged category's old slug: bookmarks and old links keep working
        args: dict[str, Any] = {**request.args.to_dict(), "category": moved}
        return redirect(url_for("ideas.index", **args), 301)
    return render_template("ideas/index.html", page=queries.list_ideas(filters, current_user), filters=filters,
                           categories=shown, sorts=queries.SORT_LABELS)


@bp.route("/ideas/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = request.form if request.method == "POST" else {"category": request.args.get("category", "")}
    if request.method == "POST":
        try:
            idea = services.submit_idea(actor=current_user, title=form.get("title"), body=form.get("body"),
                                        category=form.get("category"), confirm_public=form.get("confirm_public"),
                                        private_to_staff=form.get("private_to_staff"),
                                        language=form.get("language"))
        except Invalid as error:
            return render_template("ideas/new.html", form=form, errors=error.fields, categories=open_categories(),
                                   pii=pii_findings(error)), error.status  # 422; 409, 429 (forum/trust.py)
        flash_if_private(form)
        flash(*((held_notice("idea"), "info") if idea.held_at else
                (_("Your idea is posted. You will hear when the team updates its status."), "success")))
        return redirect(links.idea_path(idea))
    return render_template("ideas/new.html", form=form, errors={}, categories=open_categories())


@bp.get("/ideas/<int:idea_id>")
@visitor_page(lambda idea_id: [idea_scope(idea_id)])
def show(idea_id: int) -> ResponseReturnValue:
    return _render_idea(lookup.get_idea(idea_id, current_user))


def _render_idea(idea: Idea, *, form: Mapping[str, str] | None = None, errors: dict[str, str] | None = None,
                 status_form: Mapping[str, str] | None = None, status_errors: dict[str, str] | None = None,
                 merge_form: Mapping[str, str] | None = None, merge_errors: dict[str, str] | None = None,
                 code: int = 200, pii: dict[str, list[Finding]] | None = None,
                 link_form: Mapping[str, str] | None = None,
                 link_errors: dict[str, str] | None = None) -> ResponseReturnValue:
    view = queries.idea_page(idea, current_user)
    return render_template("ideas/show.html", view=view, idea=idea, form=form or {}, errors=errors or {},
                           status_form=status_form or {"status": idea.status}, status_errors=status_errors or {},
                           merge_form=merge_form or {}, merge_errors=merge_errors or {},
                           settable=services.SETTABLE, note_required=services.NOTE_REQUIRED, pii=pii,
                           link_form=link_form or {}, link_errors=link_errors or {},
                           pickers=_pickers(idea)), code


def _pickers(idea: Idea) -> dict:
    """The staff pickers' suggestions, less the questions already linked to an idea (linking one again is a 409)."""
    picks = idea_pickers(idea, current_user)
    linked = already_linked([hit.id for hit in picks["link"]])
    return {**picks, "link": [hit for hit in picks["link"] if hit.id not in linked]}


@bp.route("/questions/<int:thread_id>/to-idea", methods=["GET", "POST"])
@login_required
def from_question(thread_id: int) -> ResponseReturnValue:
    """The convert form, prefilled with the question's title, text and category, all editable."""
    thread = lookup.get_thread(thread_id, current_user)
    form = request.form if request.method == "POST" else requests.conversion_defaults(thread)
    if request.method == "POST":
        try:
            idea = requests.question_to_idea(actor=current_user, thread=thread, title=form.get("title", ""),
                                             body=form.get("body", ""), category=form.get("category", ""))
        except Invalid as error:
            return render_template("ideas/from_question.html", thread=thread, form=form, errors=error.fields,
                                   categories=open_categories()), error.status
        flash(_("The question is now an idea: its votes and watchers came along, and they have been told."), "success")
        return redirect(links.idea_path(idea))
    policy = Policy(current_user)
    policy.ensure(policy.check_convert_question(thread))
    requests.ensure_not_linked(thread)
    return render_template("ideas/from_question.html", thread=thread, form=form, errors={},
                           categories=open_categories())


@bp.post("/ideas/<int:idea_id>/questions")
@login_required
def link_question(idea_id: int) -> ResponseReturnValue:
    idea = lookup.get_idea(idea_id, current_user)
    try:
        link = requests.link_question(actor=current_user, idea=idea, question_id=request.form.get("question_id"))
    except Invalid as error:
        return _render_idea(idea, link_form=request.form, link_errors=error.fields, code=422)
    flash(_("Question #%(id)d now counts as a request for this idea; its people have been told.",
            id=link.thread_id), "success")
    return redirect(links.idea_path(idea, anchor="requests"))


@bp.post("/ideas/<int:idea_id>/vote")
@login_required
def vote(idea_id: int) -> ResponseReturnValue:
    idea = lookup.get_idea(idea_id, current_user)
    raw = request.form.get("value", "")
    vote_count, my_vote = services.vote_idea(actor=current_user, idea=idea,
                                             value=int(raw) if raw.isdigit() else raw)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(vote_count=vote_count, my_vote=my_vote)
    flash(_("Thanks for your vote.") if my_vote else _("Your vote is withdrawn."), "success")
    return redirect(safe_next(request.form.get("next")) or links.idea_path(idea))


@bp.post("/ideas/<int:idea_id>/comments")
@login_required
def comment(idea_id: int) -> ResponseReturnValue:
    idea = lookup.get_idea(idea_id, current_user)
    try:
        posted = services.comment_on_idea(actor=current_user, idea=idea, body=request.form.get("body"),
                                          confirm_public=request.form.get("confirm_public"),
                                          private_to_staff=request.form.get("private_to_staff"))
    except Invalid as error:
        return _render_idea(idea, form=request.form, errors=error.fields, code=422, pii=pii_findings(error))
    flash_if_private(request.form)
    flash(*((held_notice("comment"), "info") if posted.held_at else (_("Your comment is posted."), "success")))
    return redirect(links.idea_path(idea, comment_id=posted.id))


@bp.post("/ideas/comments/<int:comment_id>/pin")
@login_required
def pin(comment_id: int) -> ResponseReturnValue:
    comment = lookup.get_comment(comment_id, current_user)
    pinned = request.form.get("pinned") == "1"
    services.pin_idea_comment(actor=current_user, comment=comment, pinned=pinned)
    flash(_("Comment pinned to the top.") if pinned else _("Comment unpinned."), "success")
    return redirect(links.idea_path(comment.idea_id, comment_id=comment.id))


@bp.post("/ideas/<int:idea_id>/status")
@login_required
def set_status(idea_id: int) -> ResponseReturnValue:
    idea = lookup.get_idea(idea_id, current_user)
    form = request.form
    try:
        services.set_idea_status(actor=current_user, idea=idea, status=form.get("status"), note=form.get("note"))
    except Invalid as error:
        return _render_idea(idea, status_form=form, status_errors=error.fields, code=422)
    flash(_("Status set to %(status)s; voters and followers are notified.",
            status=str(IdeaStatus.LABELS[idea.status]).lower()), "success")
    return redirect(links.idea_path(idea, anchor="status-history"))


@bp.post("/ideas/<int:idea_id>/merge")
@login_required
def merge(idea_id: int) -> ResponseReturnValue:
    idea = lookup.get_idea(idea_id, current_user)
    form = request.form
    try:
        services.merge_ideas(actor=current_user, idea=idea, into=form.get("into"), note=form.get("note"))
    except Invalid as error:
        return _render_idea(idea, merge_form=form, merge_errors=error.fields, code=422)
    flash(_("Merged into idea #%(id)d; its voters now count there.", id=idea.merged_into_id), "success")
    return redirect(links.idea_path(idea.merged_into_id or idea.id))  # set by the merge


@bp.get("/ideas/roadmap")
@visitor_page(lambda: [IDEAS])
def roadmap() -> ResponseReturnValue:
    return render_template("ideas/roadmap.html", columns=queries.roadmap(current_user),
                           totals=queries.roadmap_totals(current_user))


@bp.get("/ideas/similar")
def similar() -> ResponseReturnValue:
    ideas = queries.similar_ideas(request.args.get("q", "")[:200])
    return jsonify(items=[{"id": i.id, "title": i.title, "url": links.idea_path(i), "status": i.status,
                           "vote_count": i.vote_count} for i in ideas])


@bp.get("/ideas/top-participants")
def top_participants() -> ResponseReturnValue:
    return render_template("ideas/top_participants.html", view=queries.top_participants(request.args.get("month")))


@bp.get("/staff/ideas/export")
@login_required
def export_page() -> ResponseReturnValue:
    policy = Policy(current_user)
    policy.ensure(policy.check_export_ideas())
    return render_template("ideas/export.html", form=request.args, errors={}, categories=categories())


@bp.get("/staff/ideas/export/download")
@login_required
def export_download() -> ResponseReturnValue:
    try:
        filters, chunks = export.export_ideas(actor=current_user, args=request.args)
    except Invalid as error:
        return render_template("ideas/export.html", form=request.args, errors=error.fields,
                               categories=categories()), 422
    return Response(stream_with_context(chunks), content_type=filters.mimetype,  # names its charset once
                    headers={"Content-Disposition": f'attachment; filename="{filters.filename}"',
                             "Cache-Control": "no-store"})
