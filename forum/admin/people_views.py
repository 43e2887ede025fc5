"""/admin/users: find members by name or email and change their role."""
from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum import lookup
from forum.admin import bp
from forum.admin import people as services
from forum.auth import limits as login_limits
from forum.errors import Conflict, Invalid
from forum.i18n import _, _l
from forum.models import Role
from forum.policy import Policy
from forum.redirects import safe_next
from forum.validation import parse_int


def _page(args: Mapping[str, str], *, errors: dict[str, str] | None = None, problem: str = "",
          code: int = 200) -> ResponseReturnValue:
    page = services.find_people(actor=current_user, query=args.get("q", ""), role=args.get("role", ""),
                                page=parse_int(args.get("page"), 1, maximum=100_000))
    return render_template("admin/users.html", page=page, roles=Role.ORDER, role_labels=services.ROLE_LABELS,
                           masked_email=services.masked_email, errors=errors or {}, problem=problem,
                           failed=request.form), code


@bp.get("/users")
@login_required
def users() -> ResponseReturnValue:
    return _page(request.args)


@bp.post("/users/<username>/role")
@login_required
def set_role(username: str) -> ResponseReturnValue:
    policy = Policy(current_user)
    policy.ensure(policy.can_manage_people(), _("Only admins can manage people and roles."))  # before the lookup
    person = lookup.find_member(username)
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
        flash(str(ALREADY[previous]) % {"name": person.username}, "info")
    else:
        flash(str(NOW[person.role]) % {"name": person.username}, "success")
    return redirect(back)


# whole sentences per role: a role's name is a noun in one language and an adjective in another
ALREADY = {Role.MEMBER: _l("%(name)s is already member."), Role.STAFF: _l("%(name)s is already staff."),
           Role.MODERATOR: _l("%(name)s is already moderator."), Role.ADMIN: _l("%(name)s is already admin.")}
NOW = {Role.MEMBER: _l("%(name)s is now member; it applies on their next page."),
       Role.STAFF: _l("%(name)s is now staff; it applies on their next page."),
       Role.MODERATOR: _l("%(name)s is now moderator; it applies on their next page."),
       Role.ADMIN: _l("%(name)s is now admin; it applies on their next page.")}


@bp.post("/users/<username>/lockout/clear")
@login_required
def clear_lockout(username: str) -> ResponseReturnValue:
    """A member locked out by failed logins (theirs or someone else's) may try again at once; audited."""
    policy = Policy(current_user)
    policy.ensure(policy.can_manage_people(), _("Only admins can manage people and roles."))  # before the lookup
    person = lookup.find_member(username)
    login_limits.clear_login_lockout(actor=current_user, user=person)
    flash(_("%(name)s can log in again from every address (failed-login counts cleared).", name=person.username),
          "success")
    return redirect(safe_next(request.form.get("next")) or url_for("admin.users"))


def _args_of(url: str) -> dict:
    """The list's filters from the `next` URL, so a refused change shows the same page of results."""
    return dict(parse_qsl(urlsplit(url).query))
