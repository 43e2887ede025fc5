"""Account pages: thin views over auth.services."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from forum.auth import bp, profiles, services
from forum.auth.redirects import safe_next
from forum.errors import Invalid
from forum.extensions import limiter
from forum.policy import Policy
from forum.privacy import services as privacy


def _login_key() -> str:
    """Per-account limit, so an attacker rotating IPs still hits it: the account itself when the name or
    email finds one (alternating the two must not double the guesses), else the submitted name."""
    login = (request.form.get("login") or "").strip().lower()[:254]
    user = services.find_user(login)
    return f"login:user:{user.id}" if user is not None else "login:" + login


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("questions.index"))
    form = request.form
    if request.method == "POST":
        try:
            user = services.register_user(username=form.get("username"), email=form.get("email"),
                                          password=form.get("password"))
        except Invalid as error:
            return render_template("auth/register.html", form=form, errors=error.fields), 422
        login_user(user)
        flash(f"Welcome, {user.username}! Your account is ready.", "success")
        return redirect(safe_next(request.args.get("next")) or url_for("questions.index"))
    return render_template("auth/register.html", form=form, errors={})


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20/minute;100/hour", methods=["POST"], deduct_when=_failed)
@limiter.limit("5/minute;20/hour", methods=["POST"], key_func=_login_key, deduct_when=_failed)
def login():
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
    return render_template("auth/profile.html", profile=user, full=full, revealed_email=revealed_email, **activity)
