"""Idea pages: thin views over ideas.services, ideas.queries and ideas.export."""
from __future__ import annotations

from flask import Response, flash, jsonify, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user, login_required

from forum.auth.redirects import safe_next
from forum.errors import Invalid
from forum.ideas import bp, export, queries, requests, services
from forum.ideas.badges import STATUS_COLOURS
from forum.ideas.services import idea_url
from forum.models import IdeaStatus
from forum.pagecache import IDEAS, idea_scope, visitor_page
from forum.policy import Policy
from forum.search.pickers import idea_pickers
from forum.privacy.forms import flash_if_private, pii_findings
from forum.questions import services as question_services
from forum.questions.queries import categories, moved_category, open_categories
from forum.trust import held_notice


@bp.app_context_processor
def _idea_globals() -> dict:
    return {"idea_status_labels": IdeaStatus.LABELS, "idea_status_colours": STATUS_COLOURS}


@bp.get("/ideas")
@visitor_page(lambda: [IDEAS])
def index():
    filters = queries.IdeaFilters.from_args(request.args, max_per_page=queries.PER_PAGE)
    shown = categories()
    moved = moved_category(filters.category, shown)
    if moved:  # a renamed or merged category's old slug: bookmarks and old links keep working
        return redirect(url_for("ideas.index", **{**request.args.to_dict(), "category": moved}), 301)
    return render_template("ideas/index.html", page=queries.list_ideas(filters, current_user), filters=filters,
                           categories=shown, sorts=queries.SORT_LABELS)


@bp.route("/ideas/new", methods=["GET", "POST"])
@login_required
def new():
    form = request.form if request.method == "POST" else {"category": request.args.get("category", "")}
    if request.method == "POST":
        try:
            idea = services.submit_idea(actor=current_user, title=form.get("title"), body=form.get("body"),
                                        category=form.get("category"), confirm_public=form.get("confirm_public"),
                                        private_to_staff=form.get("private_to_staff"))
        except Invalid as error:
            return render_template("ideas/new.html", form=form, errors=error.fields, categories=open_categories(),
                                   pii=pii_findings(error)), error.status  # 422; 409, 429 (forum/trust.py)
        flash_if_private(form)
        flash(*((held_notice("idea"), "info") if idea.held_at else
                ("Your idea is posted. You will hear when the team updates its status.", "success")))
        return redirect(idea_url(idea))
    return render_template("ideas/new.html", form=form, errors={}, categories=open_categories())


@bp.get("/ideas/<int:idea_id>")
@visitor_page(lambda idea_id: [idea_scope(idea_id)])
def show(idea_id: int):
    return _render_idea(services.get_idea(idea_id, current_user))


def _render_idea(idea, *, form=None, errors=None, status_form=None, status_errors=None, merge_form=None,
                 merge_errors=None, code: int = 200, pii=None, link_form=None, link_errors=None):
    view = queries.idea_page(idea, current_user)
    return render_template("ideas/show.html", view=view, idea=idea, form=form or {}, errors=errors or {},
                           status_form=status_form or {"status": idea.status}, status_errors=status_errors or {},
                           merge_form=merge_form or {}, merge_errors=merge_errors or {},
                           settable=services.SETTABLE, note_required=services.NOTE_REQUIRED, pii=pii,
                           link_form=link_form or {}, link_errors=link_errors or {},
                           pickers=idea_pickers(idea, current_user)), code


@bp.route("/questions/<int:thread_id>/to-idea", methods=["GET", "POST"])
@login_required
def from_question(thread_id: int):
    """The convert form, prefilled with the question's title, text and category, all editable."""
    thread = question_services.get_thread(thread_id, current_user)
    form = request.form if request.method == "POST" else requests.conversion_defaults(thread)
    if request.method == "POST":
        try:
            idea = requests.question_to_idea(actor=current_user, thread=thread, title=form.get("title", ""),
                                             body=form.get("body", ""), category=form.get("category", ""))
        except Invalid as error:
            return render_template("ideas/from_question.html", thread=thread, form=form, errors=error.fields,
                                   categories=open_categories()), error.status
        flash("The question is now an idea: its votes and watchers came along, and they have been told.", "success")
        return redirect(idea_url(idea))
    policy = Policy(current_user)
    policy.ensure(policy.can_convert_question(thread), requests.refusal(policy, thread))
    requests.ensure_not_linked(thread)
    return render_template("ideas/from_question.html", thread=thread, form=form, errors={},
                           categories=open_categories())


@bp.post("/ideas/<int:idea_id>/questions")
@login_required
def link_question(idea_id: int):
    idea = services.get_idea(idea_id, current_user)
    try:
        link = requests.link_question(actor=current_user, idea=idea, question_id=request.form.get("question_id"))
    except Invalid as error:
        return _render_idea(idea, link_form=request.form, link_errors=error.fields, code=422)
    flash(f"Question #{link.thread_id} now counts as a request for this idea; its people have been told.", "success")
    return redirect(idea_url(idea, "requests"))


@bp.post("/ideas/<int:idea_id>/vote")
@login_required
def vote(idea_id: int):
    idea = services.get_idea(idea_id, current_user)
    raw = request.form.get("value", "")
    vote_count, my_vote = services.vote_idea(actor=current_user, idea=idea,
                                             value=int(raw) if raw.isdigit() else raw)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(vote_count=vote_count, my_vote=my_vote)
    flash("Thanks for your vote." if my_vote else "Your vote is withdrawn.", "success")
    return redirect(safe_next(request.form.get("next")) or idea_url(idea))


@bp.post("/ideas/<int:idea_id>/comments")
@login_required
def comment(idea_id: int):
    idea = services.get_idea(idea_id, current_user)
    try:
        posted = services.comment_on_idea(actor=current_user, idea=idea, body=request.form.get("body"),
                                          confirm_public=request.form.get("confirm_public"),
                                          private_to_staff=request.form.get("private_to_staff"))
    except Invalid as error:
        return _render_idea(idea, form=request.form, errors=error.fields, code=422, pii=pii_findings(error))
    flash_if_private(request.form)
    flash(*((held_notice("comment"), "info") if posted.held_at else ("Your comment is posted.", "success")))
    return redirect(idea_url(idea, f"comment-{posted.id}"))


@bp.post("/ideas/comments/<int:comment_id>/pin")
@login_required
def pin(comment_id: int):
    comment = services.get_comment(comment_id, current_user)
    pinned = request.form.get("pinned") == "1"
    services.pin_idea_comment(actor=current_user, comment=comment, pinned=pinned)
    flash("Comment pinned to the top." if pinned else "Comment unpinned.", "success")
    return redirect(idea_url(comment.idea_id, f"comment-{comment.id}"))


@bp.post("/ideas/<int:idea_id>/status")
@login_required
def set_status(idea_id: int):
    idea = services.get_idea(idea_id, current_user)
    form = request.form
    try:
        services.set_idea_status(actor=current_user, idea=idea, status=form.get("status"), note=form.get("note"))
    except Invalid as error:
        return _render_idea(idea, status_form=form, status_errors=error.fields, code=422)
    flash(f"Status set to {IdeaStatus.LABELS[idea.status].lower()}; voters and followers are notified.", "success")
    return redirect(idea_url(idea, "status-history"))


@bp.post("/ideas/<int:idea_id>/merge")
@login_required
def merge(idea_id: int):
    idea = services.get_idea(idea_id, current_user)
    form = request.form
    try:
        services.merge_ideas(actor=current_user, idea=idea, into=form.get("into"), note=form.get("note"))
    except Invalid as error:
        return _render_idea(idea, merge_form=form, merge_errors=error.fields, code=422)
    flash(f"Merged into idea #{idea.merged_into_id}; its voters now count there.", "success")
    return redirect(idea_url(idea.merged_into_id))


@bp.get("/ideas/roadmap")
@visitor_page(lambda: [IDEAS])
def roadmap():
    return render_template("ideas/roadmap.html", columns=queries.roadmap(current_user),
                           totals=queries.roadmap_totals(current_user))


@bp.get("/ideas/similar")
def similar():
    ideas = queries.similar_ideas(request.args.get("q", "")[:200])
    return jsonify(items=[{"id": i.id, "title": i.title, "url": idea_url(i), "status": i.status,
                           "vote_count": i.vote_count} for i in ideas])


@bp.get("/ideas/top-participants")
def top_participants():
    return render_template("ideas/top_participants.html", view=queries.top_participants(request.args.get("month")))


@bp.get("/staff/ideas/export")
@login_required
def export_page():
    policy = Policy(current_user)
    policy.ensure(policy.can_export_ideas(), "Only staff can export ideas.")
    return render_template("ideas/export.html", form=request.args, errors={}, categories=categories())


@bp.get("/staff/ideas/export/download")
@login_required
def export_download():
    try:
        filters, chunks = export.export_ideas(actor=current_user, args=request.args)
    except Invalid as error:
        return render_template("ideas/export.html", form=request.args, errors=error.fields,
                               categories=categories()), 422
    return Response(stream_with_context(chunks), content_type=filters.mimetype,  # names its charset once
                    headers={"Content-Disposition": f'attachment; filename="{filters.filename}"',
                             "Cache-Control": "no-store"})
