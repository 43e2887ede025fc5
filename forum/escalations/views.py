"""Escalation pages: ask staff for help on a thread, and the staff queue."""
from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum import customer_context, links, lookup
from forum.clock import utcnow
from forum.errors import Invalid, PermissionDenied
from forum.escalations import bp, queries, services
from forum.i18n import _
from forum.models import Thread
from forum.policy import Policy
from forum.redirects import safe_next
from forum.site import support_policy


@bp.route("/questions/<int:thread_id>/escalate", methods=["GET", "POST"])
@login_required
def escalate(thread_id: int) -> ResponseReturnValue:
    """The form opens only for someone the policy lets send it (else the page says why, with no form); a refusal
    on sending (the question got solved, the account was suspended meanwhile) keeps the typed reason."""
    thread = lookup.get_thread(thread_id, current_user)
    if request.method == "GET":
        return _render_escalate(thread, {}, {})
    try:
        _escalation, joined = services.escalate_thread(actor=current_user, thread=thread, reason=request.form.get("reason"))
    except Invalid as error:
        return _render_escalate(thread, request.form, error.fields, error.status)
    except PermissionDenied as error:
        return _render_escalate(thread, request.form, {}, error.status, refused=error.message)
    flash(_("This question already had an open request for staff help; yours was added to it.") if joined else
          _("Staff have been asked to help. You will be notified when they answer."), "success")
    return redirect(links.thread_path(thread))


def _render_escalate(thread: Thread, form: Mapping[str, str], errors: dict[str, str], status: int = 200,
                     refused: str | None = None) -> ResponseReturnValue:
    policy = Policy(current_user)
    decision = policy.check_escalate(thread)
    if refused is None and not decision.allowed:
        status, refused = 403, decision.reason
    return render_template("escalations/new.html", thread=thread, form=form, errors=errors, refused=refused,
                           sla_hours=support_policy(thread.category)[0]), status


@bp.get("/staff/escalations")
@login_required
def queue() -> ResponseReturnValue:
    return _render_queue()


def _render_queue(form: Mapping[str, str] | None = None, errors: dict[str, str] | None = None,
                  failed_id: int | None = None, status: int = 200) -> ResponseReturnValue:
    policy = Policy(current_user)
    policy.ensure(policy.check_work_escalations())
    filters = queries.QueueFilters.from_args(request.args)
    page = queries.list_escalations(filters, current_user)
    contexts = customer_context.contexts_for(actor=current_user, members=[e.requested_by for e in page.items],
                                             purpose=customer_context.ESCALATION)
    return render_template("escalations/queue.html", page=page, contexts=contexts,
                           filters=filters, counts=queries.counts(), staff=queries.staff_members(),
                           breached_count=queries.breached_active_count(), sla_clock=queries.sla_clock,
                           duration=queries.duration, subject_url=links.escalation_subject_path, now=utcnow(),
                           form=form or {}, errors=errors or {}, failed_id=failed_id), status


@bp.post("/staff/escalations/<int:escalation_id>/assign")
@login_required
def assign(escalation_id: int) -> ResponseReturnValue:
    escalation = queries.get_escalation(escalation_id)
    try:
        escalation = services.assign_escalation(actor=current_user, escalation=escalation,
                                                assignee=request.form.get("assignee") or None)
    except Invalid as error:
        return _render_queue(request.form, error.fields, escalation_id, 422)
    title = escalation.subject.title
    flash(_("Assigned to you: “%(title)s”.", title=title) if escalation.assignee_id == current_user.id else
          _("Assigned to %(name)s: “%(title)s”.", name=escalation.assignee.username if escalation.assignee else "",
            title=title), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("escalations.queue"))


@bp.post("/staff/escalations/<int:escalation_id>/resolve")
@login_required
def resolve(escalation_id: int) -> ResponseReturnValue:
    escalation = queries.get_escalation(escalation_id)
    try:
        services.resolve_escalation(actor=current_user, escalation=escalation, note=request.form.get("note", ""))
    except Invalid as error:
        return _render_queue(request.form, error.fields, escalation_id, 422)
    flash(_("Resolved: “%(title)s”.", title=escalation.subject.title), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("escalations.queue"))
