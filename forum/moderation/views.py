"""Moderation pages: flagging, the flag queue, the audit log, and the moderator tools' form posts."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.auth.redirects import safe_next
from forum.errors import Invalid
from forum.escalations.queries import find_user
from forum.models import FlagReason
from forum.moderation import bp, pending, queries, services
from forum.moderation.audit import action_groups, action_name
from forum.policy import Policy
from forum.questions.queries import open_categories
# A module reference: questions.services may still be initialising when this domain is imported.
from forum.questions import services as question_services
from forum.validation import parse_int

THREAD_DONE = {"lock": "Thread locked: no new answers or votes.", "unlock": "Thread unlocked.",
               "pin": "Thread pinned to the top of its category.", "unpin": "Thread unpinned.",
               "hide": "Thread hidden from everyone but moderators.", "restore": "Thread visible again.",
               "move": "Thread moved.", "duplicate": "Closed as a duplicate; readers are pointed to the original."}


def _back(default: str):
    return redirect(safe_next(request.form.get("next")) or default)


def _ensure_moderator() -> None:
    policy = Policy(current_user)
    policy.ensure(policy.can_moderate(), "Only moderators can see this page.")


@bp.route("/posts/<int:post_id>/flags", methods=["GET", "POST"])
@login_required
def flag(post_id: int):
    post = question_services.get_post(post_id, current_user)
    if request.method == "GET":
        return render_template("moderation/flag.html", post=post, reasons=FlagReason.ALL, form={}, errors={})
    try:
        services.flag_post(actor=current_user, post=post, reason=request.form.get("reason"),
                           note=request.form.get("note", ""))
    except Invalid as error:
        return render_template("moderation/flag.html", post=post, reasons=FlagReason.ALL, form=request.form,
                               errors=error.fields), 422
    flash("Thanks: moderators will review this post.", "success")
    return redirect(question_services.thread_url(post.thread, f"post-{post.id}"))


@bp.get("/mod/flags")
@login_required
def flags():
    _ensure_moderator()
    page = queries.flag_queue(parse_int(request.args.get("page"), 1, maximum=100_000))
    return render_template("moderation/flags.html", page=page, pending=pending.pending_items(),
                           pending_total=pending.pending_count())


@bp.post("/mod/pending/<key>/<any(approve, reject):action>")
@login_required
def review_held(key: str, action: str):
    """New accounts' held posts, ideas and comments (forum/moderation/pending.py), from the pending part of the
    flag queue; `key` is post-12, idea-3, comment-5 (or a post's bare number)."""
    _ensure_moderator()
    item = pending.find_held(key)
    if action == "approve":
        pending.approve_held(actor=current_user, item=item)
        flash("Approved: it is public now, and the people watching were told.", "success")
        return _back(url_for("moderation.flags", _anchor="pending"))
    try:
        pending.reject_held(actor=current_user, item=item, note=request.form.get("note", ""))
    except Invalid as error:
        return _action_page("Reject a held post", url_for("moderation.review_held", key=key, action=action), error,
                            action=action)
    flash("Rejected: it stays hidden, and its author sees your reason.", "info")
    return _back(url_for("moderation.flags", _anchor="pending"))


@bp.post("/mod/flags/<int:flag_id>/dismiss")
@login_required
def dismiss(flag_id: int):
    count = services.dismiss_flag(actor=current_user, flag=queries.get_flag(flag_id),
                                  note=request.form.get("note", ""), whole_post=bool(request.form.get("all")))
    flash(f"{count} flag{'s' if count != 1 else ''} dismissed.", "success")
    return _back(url_for("moderation.flags"))


@bp.post("/mod/posts/<int:post_id>/<any(hide, restore):action>")
@login_required
def post_action(post_id: int, action: str):
    post = question_services.get_post(post_id, current_user)
    service = services.hide_post if action == "hide" else services.restore_post
    try:
        service(actor=current_user, post=post, note=request.form.get("note", ""))
    except Invalid as error:
        return _action_page(f"{action.title()} this post", url_for("moderation.post_action", post_id=post_id,
                                                                    action=action), error)
    flash("Post hidden; its author sees the reason." if action == "hide" else "Post visible again.", "success")
    return _back(question_services.thread_url(post.thread, f"post-{post.id}"))


@bp.post("/mod/threads/<int:thread_id>/<any(lock, unlock, pin, unpin, hide, restore, move, duplicate):action>")
@login_required
def thread_action(thread_id: int, action: str):
    thread = question_services.get_thread(thread_id, current_user)
    form, actor = request.form, current_user
    try:
        if action == "move":
            services.move_thread(actor=actor, thread=thread, category=form.get("category"), note=form.get("note", ""))
        elif action == "duplicate":
            services.close_as_duplicate(actor=actor, thread=thread, of=form.get("of"), note=form.get("note", ""))
        else:
            getattr(services, f"{action}_thread")(actor=actor, thread=thread, note=form.get("note", ""))
    except Invalid as error:
        return _action_page(f"{action.title()}: “{thread.title}”",
                            url_for("moderation.thread_action", thread_id=thread_id, action=action), error,
                            thread=thread, action=action)
    flash(THREAD_DONE[action], "success")
    return _back(question_services.thread_url(thread))


@bp.get("/mod/threads/<int:thread_id>/<any(move, duplicate):action>")
@login_required
def thread_form(thread_id: int, action: str):
    """The no-hurry form for moving a thread or closing it as a duplicate."""
    _ensure_moderator()
    thread = question_services.get_thread(thread_id, current_user)
    return render_template("moderation/action.html", title=f"{action.title()}: “{thread.title}”", thread=thread,
                           action=action, url=url_for("moderation.thread_action", thread_id=thread_id, action=action),
                           form={"category": thread.category.slug}, errors={}, categories=open_categories())


def _action_page(title: str, url: str, error: Invalid, **context):
    return render_template("moderation/action.html", title=title, url=url, form=request.form, errors=error.fields,
                           categories=open_categories(), **context), 422


@bp.route("/mod/users/<username>/suspend", methods=["GET", "POST"])
@login_required
def suspend(username: str):
    member = find_user(username) or abort(404)
    policy = Policy(current_user)
    policy.ensure(policy.can_suspend(member), "You cannot suspend this member.")
    if request.method == "GET":
        return render_template("moderation/suspend.html", member=member, form={"days": "7"}, errors={})
    try:
        services.suspend_user(actor=current_user, user=member, days=request.form.get("days"),
                              reason=request.form.get("reason"))
    except Invalid as error:
        return render_template("moderation/suspend.html", member=member, form=request.form,
                               errors=error.fields), 422
    flash(f"{member.username} is suspended until {member.suspended_until:%d %b %Y, %H:%M} UTC.", "success")
    return _back(url_for("auth.profile", username=member.username))


@bp.post("/mod/users/<username>/unsuspend")
@login_required
def unsuspend(username: str):
    member = find_user(username) or abort(404)
    services.unsuspend_user(actor=current_user, user=member, note=request.form.get("note", ""))
    flash(f"{member.username} can post again.", "success")
    return _back(url_for("auth.profile", username=member.username))


@bp.get("/mod/audit")
@login_required
def audit():
    _ensure_moderator()
    filters = queries.AuditFilters.from_args(request.args)
    try:
        page, errors, status = queries.audit_log(filters), {}, 200
    except Invalid as error:
        filters.since = ""
        page, errors, status = queries.audit_log(filters), error.fields, 422
        filters.since = request.args.get("since", "")[:40]
    return render_template("moderation/audit.html", page=page, filters=filters, errors=errors,
                           action_groups=action_groups(queries.audit_actions()),
                           action_name=action_name, target_url=queries.target_url), status
