"""/admin/users: find members by name or email and change their role."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.admin import bp
from forum.admin import people as services
from forum.auth import limits as login_limits
from forum.auth.redirects import safe_next
from forum.errors import Conflict, Invalid
from forum.models import Role
from forum.policy import Policy
from forum.validation import parse_int


def _page(args, *, errors=None, problem: str = "", code: int = 200):
    page = services.find_people(actor=current_user, query=args.get("q", ""), role=args.get("role", ""),
                                page=parse_int(args.get("page"), 1, maximum=100_000))
    return render_template("admin/users.html", page=page, roles=Role.ORDER, role_labels=services.ROLE_LABELS,
                           masked_email=services.masked_email, errors=errors or {}, problem=problem,
                           failed=request.form), code


@bp.get("/users")
@login_required
def users():
    return _page(request.args)


@bp.post("/users/<username>/role")
@login_required
def set_role(username: str):
    policy = Policy(current_user)
    policy.ensure(policy.can_manage_people(), "Only admins can manage people and roles.")  # before the lookup
    person = services.get_person(username)
    back = safe_next(request.form.get("next")) or url_for("admin.users")
    previous = person.role
    try:
        services.set_role(actor=current_user, user=person, role=request.form.get("role"),
                          note=request.form.get("note", ""))
    except Invalid as error:
        return _page(_args_of(back), errors={person.username: next(iter(error.fields.values()))}, code=422)
    except Conflict as error:
        return _page(_args_of(back), problem=error.message, code=409)
    if person.role == previous:
        flash(f"{person.username} is already {services.ROLE_LABELS[previous].lower()}.", "info")
    else:
        flash(f"{person.username} is now {services.ROLE_LABELS[person.role].lower()}; it applies on their next "
              "page.", "success")
    return redirect(back)


@bp.post("/users/<username>/lockout/clear")
@login_required
def clear_lockout(username: str):
    """A member locked out by failed logins (theirs or someone else's) may try again at once; audited."""
    policy = Policy(current_user)
    policy.ensure(policy.can_manage_people(), "Only admins can manage people and roles.")  # before the lookup
    person = services.get_person(username)
    login_limits.clear_login_lockout(actor=current_user, user=person)
    flash(f"{person.username} can log in again from every address (failed-login counts cleared).", "success")
    return redirect(safe_next(request.form.get("next")) or url_for("admin.users"))


def _args_of(url: str) -> dict:
    """The list's filters from the `next` URL, so a refused change shows the same page of results."""
    return dict(parse_qsl(urlsplit(url).query))
