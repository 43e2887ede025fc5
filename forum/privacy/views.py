"""Privacy pages: the privacy notice, profile visibility, data export, account deletion, staff's private view."""
from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, logout_user

from forum import links, lookup
from forum.database import writes_on_get
from forum.errors import Invalid
from forum.extensions import limiter
from forum.i18n import _
from forum.models import User
from forum.pii_guard import company_patterns
from forum.privacy import bp, export, services
from forum.site import settings as site_settings


@bp.app_template_global()
def pii_client_patterns() -> list[dict]:
    """The company patterns for the in-browser hint (static/js/pii.js); the server check stays the authority."""
    return [{"name": pattern.name, "pattern": pattern.pattern.pattern} for pattern in company_patterns()]


@bp.get("/privacy")
def notice() -> ResponseReturnValue:
    return render_template("privacy/notice.html", patterns=company_patterns(),
                           sla_hours=site_settings().sla_hours)


@bp.route("/settings/privacy", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    if request.method == "POST":
        try:
            services.set_profile_visibility(actor=current_user, visibility=request.form.get("profile_visibility"))
        except Invalid as error:
            return render_template("privacy/settings.html", form=request.form, errors=error.fields,
                                   choices=services.VISIBILITY_LABELS), 422
        flash(_("Your profile visibility is saved."), "success")
        return redirect(url_for("privacy.settings"))
    return render_template("privacy/settings.html", form={"profile_visibility": current_user.profile_visibility},
                           errors={}, choices=services.VISIBILITY_LABELS)


@bp.get("/settings/export")
@login_required
def export_page() -> ResponseReturnValue:
    return render_template("privacy/export.html", files=export.FILES)


@bp.get("/settings/export/download")
@login_required
def export_download() -> ResponseReturnValue:
    return zip_response(current_user)


def zip_response(user: User) -> Response:
    """The archive streamed as it is built; never cached by a proxy or the browser."""
    response = Response(stream_with_context(export.stream(user.id)), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename(user)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
@limiter.limit("10/hour", methods=["POST"])  # the password check must not become a guessing oracle
def delete() -> ResponseReturnValue:
    if request.method == "POST":
        try:
            services.delete_account(actor=current_user, target=current_user,
                                    password=request.form.get("password", ""))
        except Invalid as error:
            return render_template("privacy/delete.html", errors=error.fields), 422
        logout_user()
        flash(_("Your account is deleted. Your posts stay, attributed to a deleted user. Goodbye, and thank you."),
              "info")
        return redirect(url_for("questions.index"))
    return render_template("privacy/delete.html", errors={})


@bp.post("/users/<username>/delete")
@login_required
def admin_delete(username: str) -> ResponseReturnValue:
    target = lookup.find_member(username)
    services.delete_account(actor=current_user, target=target, note=request.form.get("note", ""))
    flash(_("The account %(name)s is deleted; its posts now show as deleted user %(id)d.", name=username,
            id=target.id), "success")
    return redirect(url_for("questions.index"))


@bp.get("/staff/escalations/<int:escalation_id>/private")
@writes_on_get  # the look is the audited event: its rows commit together
@login_required
def private_details(escalation_id: int) -> ResponseReturnValue:
    details = services.read_private_details(actor=current_user, escalation_id=escalation_id)
    response = current_app.make_response(render_template(
        "privacy/private_details.html", subject_url=links.escalation_subject_path(details["escalation"]), **details))
    response.headers["Cache-Control"] = "no-store"
    return response
