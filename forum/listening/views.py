"""Staff listening pages: the matches (/staff/listening) and the keyword watches (/staff/watches)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from markupsafe import Markup

from forum import customer_context
from forum.errors import Invalid
from forum.i18n import _
from forum.listening import bp, matches, matching, watches
from forum.markup import mark_spans
from forum.models import MatchState
from forum.policy import Policy
from forum.redirects import safe_next
from forum.timefmt import duration


@bp.app_template_filter("highlight_terms")
def highlight_terms(text: str, terms: list[str]) -> Markup:
    """A stored excerpt with the watch's words (in any of their forms) marked; escaping is markup.py's."""
    return mark_spans(text or "", matching.spans(text or "", terms or []))


def _ensure_staff() -> None:
    policy = Policy(current_user)
    policy.ensure(policy.can_listen(), _("Only staff use the listening pages."))


@bp.get("/staff/listening")
@login_required
def index() -> ResponseReturnValue:
    _ensure_staff()
    filters = matches.MatchFilters.from_args(request.args)
    page = matches.list_matches(actor=current_user, filters=filters)
    return render_template("listening/index.html", page=page, filters=filters, states=MatchState,
                           waits=matches.waits(page.items), duration=duration, source_url=matches.source_url,
                           hidden=matches.hidden_since(page.items, current_user),
                           watches=matches.watches_for_filter(), categories=matches.categories_for_filter(),
                           contexts=customer_context.contexts_for(
                               actor=current_user, members=[m.author for m in page.items],
                               purpose=customer_context.LISTENING))


@bp.post("/staff/listening/matches/<int:match_id>/claim")
@login_required
def claim(match_id: int) -> ResponseReturnValue:
    matches.claim_match(actor=current_user, match=matches.get_match(actor=current_user, match_id=match_id))
    flash(_("You are on it: other staff see your name on this match."), "success")
    return _back()


@bp.post("/staff/listening/matches/<int:match_id>/handle")
@login_required
def handle(match_id: int) -> ResponseReturnValue:
    matches.handle_match(actor=current_user, match=matches.get_match(actor=current_user, match_id=match_id))
    flash(_("Marked handled."), "success")
    return _back()


def _back() -> ResponseReturnValue:
    return redirect(safe_next(request.form.get("next")) or url_for("listening.index"))


@bp.get("/staff/watches")
@login_required
def watch_list() -> ResponseReturnValue:
    _ensure_staff()
    return render_template("listening/watches.html", watches=watches.list_watches(actor=current_user),
                           me=current_user.id)


@bp.route("/staff/watches/new", methods=["GET", "POST"])
@login_required
def new_watch() -> ResponseReturnValue:
    _ensure_staff()
    if request.method == "GET":
        return render_template("listening/watch_form.html", watch=None, form={}, errors={})
    try:
        watch = watches.create_watch(actor=current_user, **_form_fields())
    except Invalid as error:
        return render_template("listening/watch_form.html", watch=None, form=request.form, errors=error.fields), 422
    flash(_("Watch “%(name)s” created; you will be told of its matches.", name=watch.name), "success")
    return redirect(url_for("listening.watch_list"))


@bp.route("/staff/watches/<int:watch_id>/edit", methods=["GET", "POST"])
@login_required
def edit_watch(watch_id: int) -> ResponseReturnValue:
    watch = watches.get_watch(actor=current_user, watch_id=watch_id)
    if request.method == "GET":
        form = {"name": watch.name, "terms": "\n".join(watch.term_list),
                "categories": ", ".join(c.slug for c in watch.categories),
                "tags": ", ".join(t.name for t in watch.tags)}
        return render_template("listening/watch_form.html", watch=watch, form=form, errors={})
    try:
        watches.update_watch(actor=current_user, watch=watch, **_form_fields())
    except Invalid as error:
        return render_template("listening/watch_form.html", watch=watch, form=request.form, errors=error.fields), 422
    flash(_("Watch saved."), "success")
    return redirect(url_for("listening.watch_list"))


@bp.post("/staff/watches/<int:watch_id>/delete")
@login_required
def delete_watch(watch_id: int) -> ResponseReturnValue:
    watches.delete_watch(actor=current_user, watch=watches.get_watch(actor=current_user, watch_id=watch_id))
    flash(_("Watch deleted, with its matches."), "success")
    return redirect(url_for("listening.watch_list"))


@bp.post("/staff/watches/<int:watch_id>/follow")
@login_required
def follow_watch(watch_id: int) -> ResponseReturnValue:
    following = watches.set_following(actor=current_user, watch=watches.get_watch(actor=current_user,
                                                                                  watch_id=watch_id),
                                      follow=request.form.get("follow") == "1")
    flash(_("You follow this watch's matches.") if following else _("You no longer follow this watch."), "success")
    return redirect(url_for("listening.watch_list"))


def _form_fields() -> dict[str, str]:
    return {key: request.form.get(key, "") for key in ("name", "terms", "categories", "tags")}

