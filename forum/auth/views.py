"""Account pages: thin views over auth.services."""
from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from forum import lookup, profiles
from forum.auth import bp, confirmation, limits, preferences, services
from forum.customer_context import PROFILE, context_for
from forum.errors import Invalid
from forum.extensions import limiter
from forum.i18n import _, _l
from forum.models import User
from forum.policy import Policy
from forum.redirects import safe_next

LOGIN_LIMITED = _l("Too many failed attempts from your address. Please wait, or reset your password "
                   "(/reset-password).")


@bp.after_app_request
def _retry_after(response: Response) -> Response:
    """Forms refused for a posting rate (forum/trust.py) come back with the text as a 429; say when to retry."""
    wait = g.get("retry_after")
    if response.status_code == 429 and wait and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(wait)
    return response


def _setting(name: str) -> Callable[[], str]:
    """A limit read from the config at request time, so every limit is a setting (config.py)."""
    return lambda: current_app.config[name]


def _not_invalid(response: Response) -> bool:
    """Mistyped fields cost nothing; every submission that reached the account logic counts."""
    return response.status_code != 422


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_setting("REGISTER_LIMIT"), methods=["POST"], deduct_when=_not_invalid, on_breach=limits.sign_up_breach,
               error_message=_l("Too many sign-ups from your address."))
def register() -> ResponseReturnValue:
    """Answers the same whether or not the address has an account: its owner gets a mail instead."""
    if current_user.is_authenticated:
        return redirect(url_for("questions.index"))
    form = request.form
    if request.method == "POST":
        try:
            token = confirmation.sign_up(username=form.get("username"), email=form.get("email"),
                                        password=form.get("password"), honeypot=form.get("website", ""),
                                        time_zone=form.get("time_zone"))
        except Invalid as error:
            return render_template("auth/register.html", form=form, errors=error.fields), 422
        return render_template("auth/confirm_sent.html", email=form.get("email", "").strip(), token=token)
    return render_template("auth/register.html", form=form, errors={})


@bp.get("/confirm/<token>")
def confirm(token: str) -> ResponseReturnValue:
    """A GET changes nothing (link scanners open links): the page's button confirms."""
    return render_template("auth/confirm.html", token=token)


@bp.post("/confirm/<token>")
def confirm_post(token: str) -> ResponseReturnValue:
    try:
        user = confirmation.confirm_email(token=token, log_in=not current_user.is_authenticated)
    except Invalid as error:
        flash(error.message, "error")
        return render_template("auth/confirm.html", token=None), 400
    if not current_user.is_authenticated:
        login_user(user)
    flash(_("Thank you, %(name)s: your address is confirmed and you can post, vote and flag.", name=user.username),
          "success")
    return redirect(url_for("questions.index"))


@bp.post("/confirm/resend")
@login_required
@limiter.limit(_setting("CONFIRM_RESEND_LIMIT"), on_breach=limits.resend_breach,
               error_message=_l("You asked for several confirmation links already. Please check your mail (and its "
                                "spam folder)."))
def resend_confirmation() -> ResponseReturnValue:
    try:
        token = confirmation.resend(user=current_user._get_current_object())
    except Invalid as error:
        flash(error.message, "info")
        return redirect(url_for("auth.settings"))
    return render_template("auth/confirm_sent.html", email=current_user.email, token=token, resent=True)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_setting("LOGIN_LIMIT_PER_ADDRESS"), methods=["POST"], deduct_when=limits.failed,
               on_breach=limits.breach_page, error_message=LOGIN_LIMITED)
@limiter.limit(_setting("LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"), methods=["POST"], key_func=limits.pair_key,
               deduct_when=limits.failed, on_breach=limits.breach_page, error_message=LOGIN_LIMITED)
def login() -> ResponseReturnValue:
    """Failures count per account and address together (forum/auth/limits.py): the owner is never locked out
    by someone else's guesses from elsewhere."""
    form = request.form
    if request.method == "POST":
        try:
            user = services.authenticate(login=form.get("login", ""), password=form.get("password", ""))
        except Invalid as error:
            return render_template("auth/login.html", form=form, errors=error.fields), 422
        login_user(user, remember=bool(form.get("remember")))
        flash(_("Welcome back, %(name)s.", name=user.username), "success")
        return redirect(safe_next(request.args.get("next")) or url_for("questions.index"))
    return render_template("auth/login.html", form=form, errors={})


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Ends this session on the server too: the cookie and its remember-me twin stop working wherever copied."""
    if current_user.is_authenticated:
        services.log_out(user=current_user._get_current_object())
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("questions.index"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("5/minute", methods=["POST"])
def reset_password() -> ResponseReturnValue:
    if request.method == "POST":
        services.request_password_reset(email=request.form.get("email", ""))
        flash(_("If an account uses that address, a reset link is on its way. It works for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=request.form, errors={})


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_with_token(token: str) -> ResponseReturnValue:
    try:
        services.user_for_reset_token(token)
        if request.method == "POST":
            services.reset_password(token=token, password=request.form.get("password", ""))
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    except Invalid as error:
        if "token" in error.fields:
            flash(error.message, "error")
            return render_template("auth/reset_request.html", form={}, errors={}), 400
        return render_template("auth/reset_form.html", token=token, errors=error.fields), 422
    return render_template("auth/reset_form.html", token=token, errors={})


@bp.get("/settings")
@login_required
def settings() -> ResponseReturnValue:
    return render_template("auth/settings.html", errors={}, new_token=None,
                           tokens=profiles.tokens_of(current_user))


@bp.post("/settings/password")
@login_required
def change_password() -> ResponseReturnValue:
    try:
        user = services.change_password(actor=current_user._get_current_object(), current=request.form.get("current_password", ""),
                                        new=request.form.get("new_password", ""))
    except Invalid as error:
        return render_template("auth/settings.html", errors=error.fields, new_token=None,
                               tokens=profiles.tokens_of(current_user)), 422
    login_user(user)  # the session version changed: keep this session, end the others
    flash(_("Password changed. Other sessions were logged out."), "success")
    return redirect(url_for("auth.settings"))


@bp.post("/settings/language")
@login_required
def language_and_zone() -> ResponseReturnValue:
    try:
        preferences.update_language_and_zone(actor=current_user._get_current_object(),
                                             language=request.form.get("language"),
                                             time_zone=request.form.get("time_zone"))
    except Invalid as error:
        return render_template("auth/settings.html", errors={}, new_token=None, tokens=profiles.tokens_of(current_user),
                               language_errors=error.fields, language_form=request.form), 422
    refresh()  # the message below, and the next page, in the language just chosen
    flash(_("Your language and time zone are saved."), "success")
    return redirect(url_for("auth.settings") + "#language")


@bp.post("/settings/logout-everywhere")
@login_required
def logout_everywhere() -> ResponseReturnValue:
    services.log_out_everywhere(user=current_user._get_current_object())
    logout_user()
    flash(_("You are logged out everywhere: every browser must log in again. API tokens still work; "
            "revoke them in settings."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/settings/tokens")
@login_required
def create_token() -> ResponseReturnValue:
    raw = services.create_token(user=current_user, name=request.form.get("name", "")[:80])
    flash(_("Token created. Copy it now: it is shown only once."), "success")
    return render_template("auth/settings.html", errors={}, new_token=raw, tokens=profiles.tokens_of(current_user))


@bp.post("/settings/tokens/<int:token_id>/delete")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    services.revoke_token(actor=current_user, token_id=token_id)
    flash(_("Token revoked."), "info")
    return redirect(url_for("auth.settings"))


@bp.get("/users/<username>")
def profile(username: str) -> ResponseReturnValue:
    gone = profiles.deleted_account(username)
    if gone is not None:  # 410: the name's owner left; the page says so (a 404 reads as a broken link)
        return render_template("auth/deleted_profile.html", username=gone.username), 410
    return _render_profile(lookup.find_member(username))


@bp.post("/users/<username>/email")
@login_required
def reveal_email(username: str) -> ResponseReturnValue:
    """An admin's one look at a member's email, recorded in the audit log; the page is not cached."""
    user = lookup.find_member(username)
    response = current_app.make_response(_render_profile(user, services.reveal_email(actor=current_user, target=user)))
    response.headers["Cache-Control"] = "no-store"
    return response


def _render_profile(user: User, revealed_email: str | None = None) -> str:
    """A profile the viewer may not see shows the name and avatar only, so its activity is not even read."""
    full = Policy(current_user).can_view_profile(user)
    activity = profiles.activity(user) if full else {"questions": [], "answers": [], "counts": {}}
    customer = context_for(actor=current_user, member=user, purpose=PROFILE) \
        if Policy(current_user).can_view_customer_context(user) else None
    return render_template("auth/profile.html", profile=user, full=full, revealed_email=revealed_email,
                           customer_context=customer, **activity)
