"""Escalation pages: ask staff for help on a thread, and the staff queue."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.auth.redirects import safe_next
from forum.clock import utcnow
from forum.errors import Invalid, PermissionDenied
from forum.escalations import bp, queries, services
from forum.policy import Policy
from forum.site import support_policy
# A module reference: questions.services may still be initialising when this domain is imported.
from forum.questions import services as question_services


@bp.route("/questions/<int:thread_id>/escalate", methods=["GET", "POST"])
@login_required
def escalate(thread_id: int):
    """The form opens only for someone the policy lets send it (else the page says why, with no form); a refusal
    on sending (the question got solved, the account was suspended meanwhile) keeps the typed reason."""
    thread = question_services.get_thread(thread_id, current_user)
    if request.method == "GET":
        return _render_escalate(thread, {}, {})
    try:
        _, joined = services.escalate_thread(actor=current_user, thread=thread, reason=request.form.get("reason"))
    except Invalid as error:
        return _render_escalate(thread, request.form, error.fields, error.status)
    except PermissionDenied as error:
        return _render_escalate(thread, request.form, {}, error.status, refused=error.message)
    flash("This question already had an open request for staff help; yours was added to it." if joined else
          "Staff have been asked to help. You will be notified when they answer.", "success")
    return redirect(question_services.thread_url(thread))


def _render_escalate(thread, form, errors, status: int = 200, refused: str | None = None):
    policy = Policy(current_user)
    if refused is None and not policy.can_escalate(thread):
        status, refused = 403, services.escalate_refusal(policy, thread)
    return render_template("escalations/new.html", thread=thread, form=form, errors=errors, refused=refused,
                           sla_hours=support_policy(thread.category)[0]), status


@bp.get("/staff/escalations")
@login_required
def queue():
    return _render_queue()


def _render_queue(form=None, errors=None, failed_id: int | None = None, status: int = 200):
    policy = Policy(current_user)
    policy.ensure(policy.can_work_escalations(), "Only staff see the escalation queue.")
    filters = queries.QueueFilters.from_args(request.args)
    page = queries.list_escalations(filters, current_user)
    from forum.listening import context  # late: listening builds on escalations
    contexts = context.contexts_for(actor=current_user, members=[e.requested_by for e in page.items],
                                    purpose=context.ESCALATION)
    return render_template("escalations/queue.html", page=page, contexts=contexts,
                           filters=filters, counts=queries.counts(), staff=queries.staff_members(),
                           breached_count=queries.breached_active_count(), sla_clock=queries.sla_clock,
                           duration=queries.duration, subject_url=services.subject_url, now=utcnow(),
                           form=form or {}, errors=errors or {}, failed_id=failed_id), status


@bp.post("/staff/escalations/<int:escalation_id>/assign")
@login_required
def assign(escalation_id: int):
    escalation = queries.get_escalation(escalation_id)
    try:
        escalation = services.assign_escalation(actor=current_user, escalation=escalation,
                                                assignee=request.form.get("assignee") or None)
    except Invalid as error:
        return _render_queue(request.form, error.fields, escalation_id, 422)
    who = "you" if escalation.assignee_id == current_user.id else escalation.assignee.username
    flash(f"Assigned to {who}: “{escalation.subject.title}”.", "success")
    return redirect(safe_next(request.form.get("next")) or url_for("escalations.queue"))


@bp.post("/staff/escalations/<int:escalation_id>/resolve")
@login_required
def resolve(escalation_id: int):
    escalation = queries.get_escalation(escalation_id)
    try:
        services.resolve_escalation(actor=current_user, escalation=escalation, note=request.form.get("note", ""))
    except Invalid as error:
        return _render_queue(request.form, error.fields, escalation_id, 422)
    flash(f"Resolved: “{escalation.subject.title}”.", "success")
    return redirect(safe_next(request.form.get("next")) or url_for("escalations.queue"))
