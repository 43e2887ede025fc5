"""Account pages: thin views over auth.services."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from forum.auth import bp, confirmation, limits, profiles, services
from forum.auth.redirects import safe_next
from forum.errors import Invalid
from forum.extensions import limiter
from forum.policy import Policy
from forum.privacy import services as privacy


LOGIN_LIMITED = "Too many failed attempts from your address. Please wait, or reset your password (/reset-password)."


@bp.after_app_request
def _retry_after(response):
    """Forms refused for a posting rate (forum/trust.py) come back with the text as a 429; say when to retry."""
    wait = g.get("retry_after")
    if response.status_code == 429 and wait and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(wait)
    return response


def _setting(name: str):
    """A limit read from the config at request time, so every limit is a setting (config.py)."""
    return lambda: current_app.config[name]


def _not_invalid(response) -> bool:
    """Mistyped fields cost nothing; every submission that reached the account logic counts."""
    return response.status_code != 422


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_setting("REGISTER_LIMIT"), methods=["POST"], deduct_when=_not_invalid,
               error_message="Too many sign-ups from your address. Please try again in an hour.")
def register():
    """Answers the same whether or not the address has an account: its owner gets a mail instead."""
    if current_user.is_authenticated:
        return redirect(url_for("questions.index"))
    form = request.form
    if request.method == "POST":
        try:
            token = confirmation.sign_up(username=form.get("username"), email=form.get("email"),
                                        password=form.get("password"), honeypot=form.get("website", ""))
        except Invalid as error:
            return render_template("auth/register.html", form=form, errors=error.fields), 422
        return render_template("auth/confirm_sent.html", email=form.get("email", "").strip(), token=token)
    return render_template("auth/register.html", form=form, errors={})


@bp.get("/confirm/<token>")
def confirm(token: str):
    """A GET changes nothing (link scanners open links): the page's button confirms."""
    return render_template("auth/confirm.html", token=token)


@bp.post("/confirm/<token>")
def confirm_post(token: str):
    try:
        user = confirmation.confirm_email(token=token, log_in=not current_user.is_authenticated)
    except Invalid as error:
        flash(error.message, "error")
        return render_template("auth/confirm.html", token=None), 400
    if not current_user.is_authenticated:
        login_user(user)
    flash(f"Thank you, {user.username}: your address is confirmed and you can post, vote and flag.", "success")
    return redirect(url_for("questions.index"))


@bp.post("/confirm/resend")
@login_required
@limiter.limit(_setting("CONFIRM_RESEND_LIMIT"),
               error_message="You asked for several links already. Please check your mail, or try again in an hour.")
def resend_confirmation():
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
def login():
    """Failures count per account and address together (forum/auth/limits.py): the owner is never locked out
    by someone else's guesses from elsewhere."""
    form = request.form
    if request.method == "POST":
        try:
            user = services.authenticate(login=form.get("login", ""), password=form.get("password", ""))
        except Invalid as error:
            return render_template("auth/login.html", form=form, errors=error.fields), 422
        login_user(user, remember=bool(form.get("remember")))
        flash(f"Welcome back, {user.username}.", "success")
        return redirect(safe_next(request.args.get("next")) or url_for("questions.index"))
    return render_template("auth/login.html", form=form, errors={})


@bp.post("/logout")
def logout():
    """Ends this session on the server too: the cookie and its remember-me twin stop working wherever copied."""
    if current_user.is_authenticated:
        services.log_out(user=current_user._get_current_object())
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("questions.index"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("5/minute", methods=["POST"])
def reset_password():
    if request.method == "POST":
        services.request_password_reset(email=request.form.get("email", ""))
        flash("If an account uses that address, a reset link is on its way. It works for one hour.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=request.form, errors={})


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_with_token(token: str):
    try:
        services.user_for_reset_token(token)
        if request.method == "POST":
            services.reset_password(token=token, password=request.form.get("password", ""))
            flash("Your password is changed. Log in with the new one.", "success")
            return redirect(url_for("auth.login"))
    except Invalid as error:
        if "token" in error.fields:
            flash(error.message, "error")
            return render_template("auth/reset_request.html", form={}, errors={}), 400
        return render_template("auth/reset_form.html", token=token, errors=error.fields), 422
    return render_template("auth/reset_form.html", token=token, errors={})


@bp.get("/settings")
@login_required
def settings():
    return render_template("auth/settings.html", errors={}, new_token=None,
                           tokens=profiles.tokens_of(current_user))


@bp.post("/settings/password")
@login_required
def change_password():
    try:
        user = services.change_password(actor=current_user._get_current_object(), current=request.form.get("current_password", ""),
                                        new=request.form.get("new_password", ""))
    except Invalid as error:
        return render_template("auth/settings.html", errors=error.fields, new_token=None,
                               tokens=profiles.tokens_of(current_user)), 422
    login_user(user)  # the session version changed: keep this session, end the others
    flash("Password changed. Other sessions were logged out.", "success")
    return redirect(url_for("auth.settings"))


@bp.post("/settings/logout-everywhere")
@login_required
def logout_everywhere():
    services.log_out_everywhere(user=current_user._get_current_object())
    logout_user()
    flash("You are logged out everywhere: every browser must log in again. API tokens still work; "
          "revoke them in settings.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/settings/tokens")
@login_required
def create_token():
    raw = services.create_token(user=current_user, name=request.form.get("name", "")[:80])
    flash("Token created. Copy it now: it is shown only once.", "success")
    return render_template("auth/settings.html", errors={}, new_token=raw, tokens=profiles.tokens_of(current_user))


@bp.post("/settings/tokens/<int:token_id>/delete")
@login_required
def revoke_token(token_id: int):
    services.revoke_token(actor=current_user, token_id=token_id)
    flash("Token revoked.", "info")
    return redirect(url_for("auth.settings"))


@bp.get("/users/<username>")
def profile(username: str):
    gone = profiles.deleted_account(username)
    if gone is not None:  # 410: the name's owner left; the page says so (a 404 reads as a broken link)
        return render_template("auth/deleted_profile.html", username=gone.username), 410
    return _render_profile(profiles.get_profile(username))


@bp.post("/users/<username>/email")
@login_required
def reveal_email(username: str):
    """An admin's one look at a member's email, recorded in the audit log; the page is not cached."""
    user = profiles.get_profile(username)
    response = current_app.make_response(_render_profile(user, privacy.reveal_email(actor=current_user, target=user)))
    response.headers["Cache-Control"] = "no-store"
    return response


def _render_profile(user, revealed_email: str | None = None):
    """A profile the viewer may not see shows the name and avatar only, so its activity is not even read."""
    full = Policy(current_user).can_view_profile(user)
    activity = profiles.activity(user) if full else {"questions": [], "answers": [], "counts": {}}
    from forum.listening.context import PROFILE, context_for  # late: listening builds on auth
    customer = context_for(actor=current_user, member=user, purpose=PROFILE) \
        if Policy(current_user).can_view_customer_context(user) else None
    return render_template("auth/profile.html", profile=user, full=full, revealed_email=revealed_email,
                           customer_context=customer, **activity)
