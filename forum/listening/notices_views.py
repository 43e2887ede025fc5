"""Known-issue notices in the browser: publish (from an alert or a thread), resolve, the staff list, a member's
dismissal (a plain form; static/js/notices.js does it in place), and the banner every page shows (a context
processor; a visitor's dismissals are applied by static/js/notices.js, a member's on the server)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from forum.errors import Invalid
from forum.i18n import _
from forum.listening import bp, notices
from forum.policy import Policy
from forum.redirects import safe_next


@bp.app_context_processor
def _notice_banners() -> dict[str, Any]:
    """Lazy: a page that never renders the banner (JSON, errors before the layout) reads nothing."""
    return {"active_notices": notices.active_notices, "notice_banners": lambda: notices.banners_for(current_user),
            "notice_hints": notices.matching}


@bp.before_app_request
def _prefetch_notices_version() -> None:
    notices.prefetch_version()
    member = str(session.get("_user_id") or "").split(":")[0]  # a hint: the user is not loaded for this
    if member.isdigit():
        notices.prefetch_dismissals(int(member))


@bp.get("/staff/notices")
@login_required
def notices_index() -> ResponseReturnValue:
    return _index({"thread_id": request.args.get("thread_id", "")[:12]})  # "from any thread": its link fills it


def _index(form: Mapping[str, str] | None = None, errors: dict[str, str] | None = None,
           status: int = 200) -> ResponseReturnValue:
    policy = Policy(current_user)
    policy.ensure(policy.can_publish_notice(), _("Only staff publish known-issue notices."))
    return render_template("listening/notices.html", active=notices.list_notices(state="active"),
                           resolved=notices.list_notices(state="resolved", limit=20), form=form or {},
                           errors=errors or {}), status


@bp.post("/staff/notices")
@login_required
def notice_publish() -> ResponseReturnValue:
    try:
        notice = notices.publish_notice(actor=current_user, text=request.form.get("text"),
                                        thread_id=request.form.get("thread_id"), terms=request.form.get("terms", ""),
                                        alert_id=request.form.get("alert_id"))
    except Invalid as error:
        return _index(request.form, error.fields, 422)
    flash(_("Notice published: everyone sees it until you resolve it (notice %(id)d).", id=notice.id), "success")
    return redirect(url_for("listening.notices_index"))


@bp.post("/staff/notices/<int:notice_id>/resolve")
@login_required
def notice_resolve(notice_id: int) -> ResponseReturnValue:
    notices.resolve_notice(actor=current_user, notice_id=notice_id)
    flash(_("Notice resolved: its banner is gone, and everyone who asked about it has been told."), "success")
    return redirect(url_for("listening.notices_index"))


@bp.post("/notices/<int:notice_id>/dismiss")
@login_required
def notice_dismiss(notice_id: int) -> ResponseReturnValue:
    """Without JavaScript: the banner's own form; back to the page it was on, without the banner."""
    notices.dismiss_notice(actor=current_user, notice_id=notice_id)
    return redirect(safe_next(request.form.get("next")) or url_for("questions.index"))
