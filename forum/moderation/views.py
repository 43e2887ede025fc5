"""Moderation pages: flagging, the flag queue, the audit log, and the moderator tools' form posts."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_babel import format_datetime

from forum import links, lookup
from forum.categories import open_categories
from forum.errors import Invalid
from forum.i18n import _, _l, ngettext
from forum.models import FlagReason
from forum.moderation import bp, pending, queries, services
from forum.moderation.audit import action_groups, action_name, target_name
from forum.policy import Policy
from forum.redirects import safe_next
from forum.validation import parse_int

THREAD_DONE = {"lock": _l("Thread locked: no new answers or votes."), "unlock": _l("Thread unlocked."),
               "pin": _l("Thread pinned: it comes first on the home page and in the question lists."),
               "unpin": _l("Thread unpinned."),
               "hide": _l("Thread hidden from everyone but moderators and its asker, who sees your reason."),
               "restore": _l("Thread visible again."),
               "move": _l("Thread moved."),
               "duplicate": _l("Closed as a duplicate; readers are pointed to the original.")}


THREAD_ACTION_TITLES = {"lock": _l("Lock: “%(title)s”"), "unlock": _l("Unlock: “%(title)s”"),
                        "pin": _l("Pin: “%(title)s”"), "unpin": _l("Unpin: “%(title)s”"),
                        "hide": _l("Hide: “%(title)s”"), "restore": _l("Restore: “%(title)s”"),
                        "move": _l("Move: “%(title)s”"), "duplicate": _l("Duplicate: “%(title)s”")}


def _back(default: str) -> ResponseReturnValue:
    return redirect(safe_next(request.form.get("next")) or default)


def _ensure_moderator() -> None:
    policy = Policy(current_user)
    policy.ensure(policy.check_moderate())


@bp.route("/posts/<int:post_id>/flags", methods=["GET", "POST"])
@login_required
def flag(post_id: int) -> ResponseReturnValue:
    post = lookup.get_post(post_id, current_user)
    if request.method == "GET":
        return render_template("moderation/flag.html", post=post, reasons=FlagReason.ALL, form={}, errors={})
    try:
        services.flag_post(actor=current_user, post=post, reason=request.form.get("reason"),
                           note=request.form.get("note", ""))
    except Invalid as error:
        return render_template("moderation/flag.html", post=post, reasons=FlagReason.ALL, form=request.form,
                               errors=error.fields), 422
    flash(_("Thanks: moderators will review this post."), "success")
    return redirect(links.thread_path(post.thread, post_id=post.id))


@bp.get("/mod/flags")
@login_required
def flags() -> ResponseReturnValue:
    _ensure_moderator()
    page = queries.flag_queue(parse_int(request.args.get("page"), 1, maximum=100_000))
    return render_template("moderation/flags.html", page=page, pending=pending.pending_items(),
                           pending_total=pending.pending_count())


@bp.post("/mod/pending/<key>/<any(approve, reject):action>")
@login_required
def review_held(key: str, action: str) -> ResponseReturnValue:
    """New accounts' held posts, ideas and comments (forum/moderation/pending.py), from the pending part of the
    flag queue; `key` is post-12, idea-3, comment-5 (or a post's bare number)."""
    _ensure_moderator()
    item = pending.find_held(key)
    if action == "approve":
        pending.approve_held(actor=current_user, item=item)
        flash(_("Approved: it is public now, and the people watching were told."), "success")
        return _back(url_for("moderation.flags", _anchor="pending"))
    try:
        pending.reject_held(actor=current_user, item=item, note=request.form.get("note", ""))
    except Invalid as error:
        return _action_page(_("Reject a held post"), url_for("moderation.review_held", key=key, action=action), error,
                            action=action)
    flash(_("Rejected: it stays hidden, and its author sees your reason."), "info")
    return _back(url_for("moderation.flags", _anchor="pending"))


@bp.post("/mod/flags/<int:flag_id>/dismiss")
@login_required
def dismiss(flag_id: int) -> ResponseReturnValue:
    count = services.dismiss_flag(actor=current_user, flag=queries.get_flag(flag_id),
                                  note=request.form.get("note", ""), whole_post=bool(request.form.get("all")))
    flash(ngettext("%(num)d flag dismissed.", "%(num)d flags dismissed.", count), "success")
    return _back(url_for("moderation.flags"))


@bp.post("/mod/posts/<int:post_id>/<any(hide, restore):action>")
@login_required
def post_action(post_id: int, action: str) -> ResponseReturnValue:
    post = lookup.get_post(post_id, current_user)
    service = services.hide_post if action == "hide" else services.restore_post
    try:
        service(actor=current_user, post=post, note=request.form.get("note", ""))
    except Invalid as error:
        title = _("Hide this post") if action == "hide" else _("Restore this post")
        return _action_page(title, url_for("moderation.post_action", post_id=post_id, action=action), error)
    flash(_("Post hidden; its author sees the reason.") if action == "hide" else _("Post visible again."), "success")
    return _back(links.thread_path(post.thread, post_id=post.id))


@bp.post("/mod/threads/<int:thread_id>/<any(lock, unlock, pin, unpin, hide, restore, move, duplicate):action>")
@login_required
def thread_action(thread_id: int, action: str) -> ResponseReturnValue:
    thread = lookup.get_thread(thread_id, current_user)
    form, actor = request.form, current_user
    try:
        if action == "move":
            services.move_thread(actor=actor, thread=thread, category=form.get("category"), note=form.get("note", ""))
        elif action == "duplicate":
            services.close_as_duplicate(actor=actor, thread=thread, of=form.get("of"), note=form.get("note", ""))
        else:
            services.THREAD_TOGGLES[action](actor=actor, thread=thread, note=form.get("note", ""))
    except Invalid as error:
        return _action_page(str(THREAD_ACTION_TITLES[action]) % {"title": thread.title},
                            url_for("moderation.thread_action", thread_id=thread_id, action=action), error,
                            thread=thread, action=action)
    flash(str(THREAD_DONE[action]), "success")
    return _back(links.thread_path(thread))


@bp.get("/mod/threads/<int:thread_id>/<any(move, duplicate):action>")
@login_required
def thread_form(thread_id: int, action: str) -> ResponseReturnValue:
    """The no-hurry form for moving a thread or closing it as a duplicate."""
    _ensure_moderator()
    thread = lookup.get_thread(thread_id, current_user)
    return render_template("moderation/action.html", title=f"{action.title()}: “{thread.title}”", thread=thread,
                           action=action, url=url_for("moderation.thread_action", thread_id=thread_id, action=action),
                           form={"category": thread.category.slug}, errors={}, categories=open_categories())


def _action_page(title: str, url: str, error: Invalid, **context: object) -> ResponseReturnValue:
    return render_template("moderation/action.html", title=title, url=url, form=request.form, errors=error.fields,
                           categories=open_categories(), **context), 422


@bp.route("/mod/users/<username>/suspend", methods=["GET", "POST"])
@login_required
def suspend(username: str) -> ResponseReturnValue:
    member = lookup.find_member(username)
    policy = Policy(current_user)
    policy.ensure(policy.check_suspend(member))
    if request.method == "GET":
        return render_template("moderation/suspend.html", member=member, form={"days": "7"}, errors={})
    try:
        services.suspend_user(actor=current_user, user=member, days=request.form.get("days"),
                              reason=request.form.get("reason"))
    except Invalid as error:
        return render_template("moderation/suspend.html", member=member, form=request.form,
                               errors=error.fields), 422
    flash(_("%(name)s is suspended until %(until)s UTC.", name=member.username,
            until=format_datetime(member.suspended_until, "dd MMM yyyy, HH:mm", rebase=False)), "success")
    return _back(url_for("auth.profile", username=member.username))


@bp.post("/mod/users/<username>/unsuspend")
@login_required
def unsuspend(username: str) -> ResponseReturnValue:
    member = lookup.find_member(username)
    services.unsuspend_user(actor=current_user, user=member, note=request.form.get("note", ""))
    flash(_("%(name)s can post again.", name=member.username), "success")
    return _back(url_for("auth.profile", username=member.username))


@bp.get("/mod/audit")
@login_required
def audit() -> ResponseReturnValue:
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
                           action_name=action_name, target_name=target_name, target_url=queries.target_url), status
