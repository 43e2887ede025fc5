"""Notification pages: the centre, read marks, watch buttons, email settings and one-click unsubscribe."""
from __future__ import annotations

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum import links, lookup, profiles
from forum.errors import BadRequest, Invalid
from forum.extensions import csrf
from forum.i18n import _
from forum.notifications import bp, queries, services
from forum.redirects import safe_next
from forum.validation import parse_int


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.get("/notifications")
@login_required
def index() -> ResponseReturnValue:
    page = queries.list_notifications(current_user, page=parse_int(request.args.get("page"), 1),
                                      unread_only=request.args.get("unread") == "1")
    return render_template("notifications/index.html", page=page, unread_only=request.args.get("unread") == "1")


@bp.post("/notifications/read")
@login_required
def read_all() -> ResponseReturnValue:
    unread = services.mark_notifications_read(actor=current_user)
    if _wants_json():
        return jsonify(unread_count=unread)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read_one(notification_id: int) -> ResponseReturnValue:
    unread = services.mark_notification_read(actor=current_user, notification_id=notification_id)
    if _wants_json():
        return jsonify(unread_count=unread)
    page = parse_int(request.form.get("page"), 1)
    return redirect(url_for("notifications.index", page=page if page > 1 else None))


@bp.post("/notifications/read/<any(thread, idea):about>/<int:target_id>")
@login_required
def read_about(about: str, target_id: int) -> ResponseReturnValue:
    """The thread and idea pages' script posts here on opening (forum.js: [data-mark-seen]); without it the
    notification centre's "Mark read" buttons do the same."""
    target = {"thread_id": target_id} if about == "thread" else {"idea_id": target_id}
    unread = services.mark_read_about(actor=current_user, **target)
    if _wants_json():
        return jsonify(unread_count=unread)
    return redirect(url_for("notifications.index"))


@bp.post("/questions/<int:thread_id>/watch")
@bp.post("/questions/<int:thread_id>/unwatch")
@login_required
def watch_thread(thread_id: int) -> ResponseReturnValue:
    thread = lookup.get_thread(thread_id, current_user)
    change = services.stop_watching if request.path.endswith("/unwatch") else services.start_watching
    watching = change(actor=current_user, thread=thread)
    return _watched(watching, links.thread_path(thread), "question")


@bp.post("/ideas/<int:idea_id>/watch")
@bp.post("/ideas/<int:idea_id>/unwatch")
@login_required
def watch_idea(idea_id: int) -> ResponseReturnValue:
    idea = lookup.get_idea(idea_id, current_user)
    change = services.stop_watching if request.path.endswith("/unwatch") else services.start_watching
    watching = change(actor=current_user, idea=idea)
    return _watched(watching, links.idea_path(idea), "idea")


def _watched(watching: bool, back: str, noun: str) -> ResponseReturnValue:
    if _wants_json():
        return jsonify(watching=watching)
    messages = {  # whole sentences: the noun changes the words around it in other languages
        ("question", True): _("You are watching this question: new activity shows up in your notifications."),
        ("question", False): _("You no longer watch this question."),
        ("idea", True): _("You are watching this idea: new activity shows up in your notifications."),
        ("idea", False): _("You no longer watch this idea."),
    }
    flash(messages[noun, watching], "success" if watching else "info")
    return redirect(safe_next(request.form.get("next")) or back)  # the settings list unfollows in place


@bp.route("/settings/following", methods=["GET", "POST"])
@login_required
def following() -> ResponseReturnValue:
    """Every question and idea you follow, a page at a time, with one-click unfollow; and whether voting for an
    idea follows it."""
    if request.method == "POST":
        chosen = request.form.getlist("follow_voted_ideas")  # a hidden "0" then the checkbox's "1" when ticked
        follow = services.set_follow_on_vote(actor=current_user, follow="1" in chosen)
        flash(_("Voting for an idea now also follows it.") if follow else
              _("Voting for an idea no longer follows it; use Watch on the ideas you want to hear about."), "success")
        return redirect(safe_next(request.form.get("next")) or url_for("notifications.following"))
    page = queries.followed(current_user, page=parse_int(request.args.get("page"), 1))
    return render_template("notifications/following.html", page=page)


@bp.post("/settings/notifications")
@login_required
def preferences() -> ResponseReturnValue:
    try:
        services.update_email_preferences(actor=current_user, choices=request.form)
    except Invalid as error:
        return render_template("auth/settings.html", errors={}, new_token=None,
                               tokens=profiles.tokens_of(current_user), notification_errors=error.fields,
                               email_choices=queries.email_choices(current_user, request.form)), 422
    flash(_("Your email settings are saved."), "success")
    return redirect(url_for("auth.settings") + "#notifications")


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie; the signed token is the key
def unsubscribe(token: str) -> ResponseReturnValue:
    try:
        if request.method == "GET":
            user, scope = services.describe_unsubscribe(token=token)
            return render_template("notifications/unsubscribe.html", token=token, user=user, scope=scope, done=None)
        user, stopped = services.unsubscribe(token=token)
    except BadRequest as error:
        return render_template("notifications/unsubscribe_invalid.html", message=error.message), 400
    return render_template("notifications/unsubscribe.html", token=token, user=user, scope=None, done=stopped)


@bp.app_template_global()
def is_watching(thread_id: int | None = None, idea_id: int | None = None) -> bool:
    """For the watch button partial: does the signed-in member watch this thread or idea?"""
    return queries.is_watching(current_user, thread_id=thread_id, idea_id=idea_id)


@bp.app_template_global()
def watch_assets_needed() -> bool:
    """True once per page: the watch buttons' stylesheet and script load once however many buttons a list has."""
    if g.get("_watch_assets_loaded"):
        return False
    g._watch_assets_loaded = True
    return True


@bp.app_template_global()
def followed_preview() -> queries.Page:
    """The first page of what the member follows, for the settings page's Following section."""
    return queries.followed(current_user, page=1, per_page=queries.FOLLOWING_PREVIEW)


@bp.app_template_global()
def notification_email_choices() -> list[dict[str, str]]:
    """For the settings partial on every render of /settings, whichever view rendered it."""
    return queries.email_choices(current_user) if current_user.is_authenticated else []
