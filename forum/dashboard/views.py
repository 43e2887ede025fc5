"""The staff dashboard page and its CSV downloads: thin over dashboard.read (the rollups)."""
from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum.categories import categories
from forum.clock import utcnow
from forum.dashboard import bp, charts, csv, display, listening, read, stats
from forum.dashboard.period import PRESETS, Period
from forum.errors import Invalid, NotFound
from forum.i18n import _
from forum.links import site_root
from forum.notifications import queries as notification_queries
from forum.pagecache import prefetch


@bp.get("/staff/dashboard")
@login_required
def show() -> ResponseReturnValue:
    # the header's bell: its versions ride along with the figures' lookup, which leaves the page's statement
    # budget room for the listening figures (forum/dashboard/listening.py)
    prefetch(*notification_queries.count_scopes(current_user))
    try:
        period, data = read.dashboard_for(actor=current_user, args=request.args)
    except Invalid as error:
        return _page(None, None, error.fields), 422
    return _page(period, data, {})


def _page(period: Period | None, data: dict[str, Any] | None, errors: dict[str, str]) -> str:
    heard = listening.figures_for(period, utcnow()) if period is not None else None
    return render_template("dashboard/show.html", period=period, data=data, errors=errors, form=request.args,
                           listening=heard,
                           presets=PRESETS, categories=categories(), figures=stats.FIGURES, charts=charts, fmt=display,
                           tables=csv.TABLES)


@bp.get("/staff/dashboard/<table>.csv")
@login_required
def download(table: str) -> ResponseReturnValue:
    if table not in csv.TABLES:
        raise NotFound(_("There is no such table on the dashboard."))
    try:
        period, data = read.dashboard_for(actor=current_user, args=request.args)
    except Invalid as error:
        return _page(None, None, error.fields), 422
    body = csv.render(table, data, site_root())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{csv.filename(table, period)}"'})
