"""Spike alert pages for staff: the list, one alert with its chart and posts, acknowledge, resolve, follow tags."""
from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum.errors import Invalid
from forum.i18n import _
from forum.listening import alerts, bp
from forum.listening.alert_chart import hourly_chart
from forum.models import AlertState


@bp.get("/staff/alerts")
@login_required
def alerts_index() -> ResponseReturnValue:
    return _index()


def _index(form: Mapping[str, str] | None = None, errors: dict[str, str] | None = None,
           status: int = 200) -> ResponseReturnValue:
    state = request.args.get("state") or None
    state = state if state in AlertState.ALL else None
    page = alerts.list_alerts(actor=current_user, state=state, page=request.args.get("page", 1, type=int))
    return render_template("listening/alerts.html", page=page, state=state, states=AlertState,
                           tags=alerts.followed_tags(current_user), form=form or {}, errors=errors or {}), status


@bp.get("/staff/alerts/<int:alert_id>")
@login_required
def alert_show(alert_id: int) -> ResponseReturnValue:
    alert = alerts.get_alert(actor=current_user, alert_id=alert_id)
    hours = alerts.hourly_counts(alert)
    return render_template("listening/alert.html", alert=alert, hours=hours, states=AlertState,
                           chart=hourly_chart(hours, alert.baseline),
                           posts=alerts.matching_posts(alert, viewer=current_user))


@bp.post("/staff/alerts/<int:alert_id>/acknowledge")
@login_required
def alert_acknowledge(alert_id: int) -> ResponseReturnValue:
    alerts.acknowledge_alert(actor=current_user, alert_id=alert_id)
    flash(_("Alert acknowledged: the others can see you are on it."), "success")
    return redirect(url_for("listening.alert_show", alert_id=alert_id))


@bp.post("/staff/alerts/<int:alert_id>/resolve")
@login_required
def alert_resolve(alert_id: int) -> ResponseReturnValue:
    alerts.resolve_alert(actor=current_user, alert_id=alert_id)
    flash(_("Alert resolved. The same burst will not reopen it."), "success")
    return redirect(url_for("listening.alert_show", alert_id=alert_id))


@bp.post("/staff/alerts/tags")
@login_required
def alert_follow_tag() -> ResponseReturnValue:
    follow = request.form.get("action") != "unfollow"
    try:
        tag = alerts.follow_tag(actor=current_user, tag_name=request.form.get("tag", ""), follow=follow)
    except Invalid as error:
        return _index(request.form, error.fields, 422)
    flash(_("You will now be told when #%(tag)s spikes.", tag=tag.name) if follow else
          _("You will no longer be told when #%(tag)s spikes.", tag=tag.name), "success")
    return redirect(url_for("listening.alerts_index"))
