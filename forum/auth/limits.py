"""Failed-login lockout that an attacker cannot turn against the owner (issue 17).

Failures count per (account, address) pair and per address: hammering one account from some addresses locks
those addresses out of it, while its owner, from an address that has not failed, still logs in. A guesser
rotating addresses meets the per-address limit on each. The limits are Flask-Limiter's (its Redis storage, its
in-memory fallback through a Redis outage); an admin clears an account's lockout by moving the account's epoch,
which every pair key contains, so no list of addresses is needed."""
from __future__ import annotations

import logging
import time

from flask import Response, current_app, render_template, request

from forum.audit import record_audit
from forum.auth.services import find_user
from forum.errors import Conflict, try_again_in, wants_json
from forum.extensions import _client_address, db, limiter
from forum.i18n import _, ngettext
from forum.policy import Policy

log = logging.getLogger(__name__)
EPOCH_SECONDS = 7 * 24 * 3600  # longer than any login window, so an expired epoch cannot revive old counts


def account_key(login: object) -> str:
    """The account itself when the name or email finds one (alternating the two must not double the guesses),
    else the submitted text, so guessing names is limited too."""
    login = (login if isinstance(login, str) else "").strip().lower()[:254]
    user = find_user(login)
    return f"user:{user.id}" if user is not None else "name:" + login


def _epoch(account: str) -> int:
    try:
        return int(limiter.storage.get(f"login-epoch/{account}") or 0)
    except Exception:  # noqa: BLE001 - storage down: Flask-Limiter falls back to memory, where no epoch moved
        return 0


def pair_key() -> str:
    """Flask-Limiter key of the per-(account, address) limit on POST /login."""
    account = account_key(request.form.get("login"))
    return f"login-pair/{account}/{_epoch(account)}/{_client_address()}"


def failed(response: Response) -> bool:
    """Only failures count: a member who logs in and out all day never meets the limit."""
    return response.status_code != 302


def breach_page(request_limit):
    """The login form again, with what was typed and when to try again (JSON callers get the JSON error)."""
    if wants_json():
        return None
    wait = max(1, request_limit.reset_at - int(time.time()))
    minutes = -(-wait // 60)
    message = ngettext("Too many failed attempts from your address. Try again in %(num)d minute, or reset your "
                       "password (/reset-password).", "Too many failed attempts from your address. Try again in "
                       "%(num)d minutes, or reset your password (/reset-password).", minutes)
    response = current_app.make_response((render_template("auth/login.html", form=request.form,
                                                           errors={"login": message}), 429))
    response.headers["Retry-After"] = str(wait)
    return response


def sign_up_breach(request_limit):
    """The sign-up form again, with what was typed (never the password), saying when to try again: the wait is
    the breached limit's own (an hour's or a day's), not a fixed phrase."""
    wait = max(1, request_limit.reset_at - int(time.time()))
    message = _("Too many sign-ups from your address.") + " " + try_again_in(wait)
    form = {key: value for key, value in request.form.items() if key != "password"}
    response = current_app.make_response((render_template("auth/register.html", form=form, errors={},
                                                           refusal=message), 429))
    response.headers["Retry-After"] = str(wait)
    return response


def resend_breach(request_limit):
    """Asked for too many confirmation links: the error page says when another can be sent."""
    if wants_json():
        return None
    wait = max(1, request_limit.reset_at - int(time.time()))
    message = _("You asked for several confirmation links already. Please check your mail (and its spam folder).") \
        + " " + try_again_in(wait)
    response = current_app.make_response((render_template("errors/error.html", status=429, message=message,
                                                           fields={}, hint=""), 429))
    response.headers["Retry-After"] = str(wait)
    return response


def clear_login_lockout(*, actor, user) -> None:
    """An admin lets a member who is locked out (by their own typos or by someone else) try again; audited."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.can_manage_people(), _("Only admins can clear a login lockout."))
    try:
        if current_app.config.get("RATELIMIT_ENABLED", True):
            limiter.storage.incr(f"login-epoch/user:{user.id}", EPOCH_SECONDS)
    except Exception:
        log.exception("login limits: storage unavailable, lockout not cleared")
        raise Conflict(_("The rate-limit store is unreachable just now; nothing was cleared. Try again shortly.")) \
            from None
    record_audit(actor=actor, action="user.clear_lockout", target_type="user", target_id=user.id,
                 label=user.username, note="Failed-login counts cleared")
    db.session.commit()
