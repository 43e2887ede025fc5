"""The admin's first page (the setup checklist), the site settings form, and the accent colour's stylesheet."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum import site
from forum.admin import bp
from forum.admin import site_services as services
from forum.errors import Invalid
from forum.i18n import _


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    items = services.setup_checklist(actor=current_user)
    return render_template("admin/index.html", items=items, done=sum(item.done for item in items))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    if request.method == "POST":
        try:
            services.update_site_settings(actor=current_user, values=request.form.to_dict())
        except Invalid as error:
            return _form(request.form, error.fields), 422
        flash(_("Site settings saved. New escalations use the new support hours; open ones keep their due time."),
              "success")
        return redirect(url_for("admin.settings"))
    row = services.stored_site_settings(actor=current_user)
    stored = {name: getattr(row, "guidelines_md" if name == "guidelines" else name) for name in services.FIELDS} \
        if row is not None else {}
    return _form({name: "" if value is None else value for name, value in stored.items()}, {})


def _form(form: Mapping[str, Any], errors: dict[str, str]) -> str:
    return render_template("admin/settings.html", form=form, errors=errors, current=site.settings(),
                           defaults=site.defaults(), limits=services)


def theme_stylesheet() -> Response:
    """/theme.css?v=<colour>: the accent colour as custom properties. A stylesheet of our own origin keeps the
    Content-Security-Policy's `style-src 'self'`; the versioned URL lets browsers keep it for a year."""
    current = site.settings()
    response = Response(site.theme_css(current), mimetype="text/css")
    if request.args.get("v") == current.theme_version:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response
