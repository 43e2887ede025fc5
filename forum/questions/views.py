"""Question pages: thin views over questions.services and questions.queries."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from forum import content_language, links, lookup
from forum.categories import categories, moved_category, open_categories
from forum.errors import Invalid, PermissionDenied
from forum.escalations.queries import first_reply_recorded
from forum.i18n import _
from forum.markup import render_markdown
from forum.pagecache import QUESTIONS, prefetch, thread_scope, visitor_page
from forum.pagecache.members import shared_member_page
from forum.models import Post, Thread
from forum.pii_forms import flash_if_private, pii_findings
from forum.policy import Policy
from forum.questions import bp, queries, services
from forum.search.filters import FilterNotice, resolve_category, tag_notice
from forum.timefmt import duration
from forum.trust import held_notice

if TYPE_CHECKING:
    from forum.pii import Finding


@bp.get("/")
@bp.get("/questions")
@visitor_page(lambda: [QUESTIONS])
def index() -> ResponseReturnValue:
    filters = queries.ListFilters.from_args(request.args, max_per_page=queries.PER_PAGE)
    prefetch(QUESTIONS)  # the list's count reads this version: with the locale's first lookup, not after it
    filters.prefer = content_language.reader_language()  # the reader's language first (cached per language)
    shown = categories()
    moved = moved_category(filters.category, shown)
    if moved:  # a renamed or merged category's old slug: bookmarks and old links keep working
        args: dict[str, Any] = {**request.args.to_dict(), "category": moved}
        return redirect(url_for("questions.index", **args), 301)
    notice, named = _unknown_category(filters, shown)
    if named:  # ?category=wifi: the category a person would mean, as search's category:wifi finds it
        args = {**request.args.to_dict(), "category": named}
        return redirect(url_for("questions.index", **args))
    page = queries.list_questions(filters, current_user)
    if not page.total and filters.tag and not queries.tag_exists(filters.tag):  # asked only of an empty list
        notice = tag_notice(filters.tag[:60])
    return render_template("questions/index.html", page=page, filters=filters, categories=shown,
                           notice=_said_back(notice))


def _unknown_category(filters: queries.ListFilters, shown: list) -> tuple[FilterNotice | None, str | None]:
    """A ?category= that is no slug but names a category (its name or a word of it): that category's slug, to
    redirect to; one that names nothing: the notice saying so ("No category called 'x' — did you mean …?")."""
    if not filters.category or any(category.slug == filters.category for category in shown):
        return None, None
    found, notice = resolve_category(filters.category[:60], shown)
    return (None, found.slug) if found is not None else (notice, None)


def _said_back(notice: FilterNotice | None) -> dict[str, Any] | None:
    """The notice for the page: its sentence, and the list again with each nearest real value as a link."""
    if notice is None:
        return None
    args: dict[str, Any] = {key: value for key, value in request.args.to_dict().items() if key != "page"}
    return {"message": notice.message,
            "tries": [(label, url_for("questions.index", **{**args, notice.key: value}))
                      for value, label in notice.suggestions]}


@bp.route("/questions/ask", methods=["GET", "POST"])
@login_required
def ask() -> ResponseReturnValue:
    form: Mapping[str, str] = request.form
    if request.method == "POST":
        try:
            thread = services.ask_question(actor=current_user, title=form.get("title"), body=form.get("body"),
                                           category=form.get("category"), tags=form.get("tags"),
                                           confirm_public=form.get("confirm_public"),
                                           private_to_staff=form.get("private_to_staff"),
                                           language=form.get("language"))
        except Invalid as error:
            return render_template("questions/ask.html", form=form, errors=error.fields, pii=pii_findings(error),
                                   categories=open_categories()), error.status  # 422; 409, 429 (trust)
        except PermissionDenied as error:  # suspended (or unconfirmed) meanwhile: the question typed is kept
            return render_template("questions/ask.html", form=form, errors={}, refused=error.message,
                                   categories=open_categories()), error.status
        flash_if_private(form)
        flash(held_notice("question") if thread.held_at else
              _("Your question is posted. You will be notified when someone answers."),
              "info" if thread.held_at else "success")
        return redirect(links.thread_path(thread))
    if request.args.get("title"):  # "ask about this" links, and the ask form's hint without JavaScript
        form = MultiDict({"title": request.args["title"][:150]})
    return render_template("questions/ask.html", form=form, errors={}, categories=open_categories())


@bp.get("/questions/<int:thread_id>")
@bp.get("/questions/<int:thread_id>/<slug>")
@visitor_page(lambda thread_id, slug=None: [thread_scope(thread_id)])
def show(thread_id: int, slug: str | None = None) -> ResponseReturnValue:
    thread = lookup.get_thread(thread_id, current_user)
    if slug != thread.slug:
        return redirect(links.thread_path(thread), 301)
    return _render_thread(thread, form={}, errors={})


@bp.after_request
def _count_view(response: Response) -> Response:
    """A thread page served (200, or 304 for a repeat visit) is a view. Counted after the response is made, so a
    page answered whole from the visitor cache, which never runs `show`, counts too. No cookie, no SQL: the page
    shows the stored count, which trails the buffered views by at most one flush interval."""
    if request.endpoint == "questions.show" and request.method == "GET" and response.status_code in (200, 304):
        services.record_view(thread_id=(request.view_args or {})["thread_id"], viewer=current_user)
    return response


def _render_thread(thread: Thread, *, form: Mapping[str, str], errors: dict[str, str], status: int = 200,
                   pii: dict[str, list[Finding]] | None = None) -> ResponseReturnValue:
    member = queries.member_view(thread, current_user) if request.method == "GET" and not form else None

    def render() -> str:
        page = queries.thread_page(thread, current_user, member)
        known = {"watching": member.watching} if member else {}
        return render_template("questions/show.html", view=page, form=form, errors=errors, pii=pii, **known)

    if member is None:
        return render(), status
    return shared_member_page(f"thread:{thread.id}", [thread_scope(thread.id)], member, render), status


@bp.post("/questions/<int:thread_id>/answers")
@login_required
def answer(thread_id: int) -> ResponseReturnValue:
    thread = lookup.get_thread(thread_id, current_user)
    try:
        post = services.post_answer(actor=current_user, thread=thread, body=request.form.get("body"),
                                    confirm_public=request.form.get("confirm_public"),
                                    private_to_staff=request.form.get("private_to_staff"))
    except Invalid as error:
        return _render_thread(thread, form=request.form, errors=error.fields, status=error.status,
                              pii=pii_findings(error))
    flash_if_private(request.form)
    flash(held_notice("answer") if post.held_at else _answer_posted(post), "info" if post.held_at else "success")
    return redirect(links.thread_path(thread, post_id=post.id))


def _answer_posted(post: Post) -> str:
    """A staff answer that stopped an escalation's SLA clock says so: the author knows the case moved."""
    escalation = first_reply_recorded(post)
    if escalation is None:
        return _("Thanks for helping! Your answer is posted.")
    if post.created_at <= escalation.due_at:
        return _("Your answer is posted and recorded as the escalation's first staff reply (%(time)s before the SLA "
                 "ran out); the asker is told.", time=duration(escalation.due_at - post.created_at))
    return _("Your answer is posted and recorded as the escalation's first staff reply (%(time)s late); the asker "
             "is told.", time=duration(post.created_at - escalation.due_at))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int) -> ResponseReturnValue:
    post = lookup.get_post(post_id, current_user)
    form = request.form if request.method == "POST" else {"body": post.body_md, "title": post.thread.title,
                                                          "language": post.thread.language}
    if request.method == "POST":
        title = form.get("title") if post.is_question else None
        try:
            services.edit_post(actor=current_user, post=post, body=form.get("body"), title=title,
                               confirm_public=form.get("confirm_public"), private_to_staff=form.get("private_to_staff"),
                               language=form.get("language") if post.is_question else None)
        except Invalid as error:
            return render_template("questions/edit.html", post=post, form=form, errors=error.fields,
                                   pii=pii_findings(error)), 422
        flash_if_private(form)
        flash(_("Your edit is saved; the previous version is kept in the history."), "success")
        return redirect(links.thread_path(post.thread, post_id=post.id))
    policy = Policy(current_user)
    policy.ensure(policy.check_edit_post(post))
    return render_template("questions/edit.html", post=post, form=form, errors={})


@bp.get("/posts/<int:post_id>/revisions")
def revisions(post_id: int) -> ResponseReturnValue:
    post = lookup.get_post(post_id, current_user)
    history = queries.revisions(post)
    return render_template("questions/revisions.html", post=post, revisions=history,
                           withheld=queries.withheld_revisions(post, history, current_user))


@bp.post("/posts/<int:post_id>/vote")
@login_required
def vote(post_id: int) -> ResponseReturnValue:
    post = lookup.get_post(post_id, current_user)
    raw = request.form.get("value", "")
    try:
        value: object = int(raw)
    except ValueError:  # "--1", "²": the service answers 422 for anything that is not 1, -1 or 0
        value = raw
    score, my_vote = services.vote_post(actor=current_user, post=post, value=value)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(score=score, my_vote=my_vote)
    return redirect(links.thread_path(post.thread, post_id=post.id))


@bp.post("/posts/<int:post_id>/accept")
@login_required
def accept(post_id: int) -> ResponseReturnValue:
    post = lookup.get_post(post_id, current_user)
    services.accept_answer(actor=current_user, answer=post)
    flash(_("Answer accepted. The question is marked solved."), "success")
    return redirect(links.thread_path(post.thread, post_id=post.id))


@bp.post("/posts/<int:post_id>/unaccept")
@login_required
def unaccept(post_id: int) -> ResponseReturnValue:
    post = lookup.get_post(post_id, current_user)
    services.unaccept_answer(actor=current_user, thread=post.thread, answer=post)
    flash(_("The answer is no longer marked as accepted."), "info")
    return redirect(links.thread_path(post.thread, post_id=post.id))


@bp.post("/posts/<int:post_id>/delete")
@login_required
def delete(post_id: int) -> ResponseReturnValue:
    post = lookup.get_post(post_id, current_user)
    thread = services.delete_answer(actor=current_user, post=post)
    flash(_("Your answer was deleted."), "info")
    return redirect(links.thread_path(thread))


@bp.post("/preview")
@login_required
def preview() -> ResponseReturnValue:
    """Live preview while typing: the same renderer and sanitizer as the stored post."""
    text = request.form.get("body", "")[: services.BODY_MAX]
    return jsonify(html=render_markdown(text.replace("\x00", "")))


@bp.get("/questions/similar")
def similar() -> ResponseReturnValue:
    threads = queries.similar_titles(request.args.get("q", "")[:200])
    return jsonify(items=[{"id": t.id, "title": t.title, "url": links.thread_path(t), "solved": t.is_solved,
                           "answer_count": t.answer_count} for t in threads])
