"""The /api/v1 blueprint: token or session auth, JSON bodies, the error format; domains add their routes."""
from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_login import current_user

from forum.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer-token clients carry no CSRF token; session callers are checked below


@bp.before_request
def _csrf_for_session_callers() -> None:
    """A browser session writing through the API must send X-CSRFToken; a bearer token needs none."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and current_user.is_authenticated \
            and not g.get("token_auth") and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


from forum.api.helpers import add_location  # noqa: E402

bp.after_request(add_location)  # every 201 names what it created (issue 17)

from forum.api import core, openapi  # noqa: E402,F401  (routes attach to bp)
from forum.questions import api as questions_api  # noqa: E402,F401
from forum.escalations import api as escalations_api  # noqa: E402,F401
from forum.moderation import api as moderation_api  # noqa: E402,F401
from forum.ideas import api as ideas_api  # noqa: E402,F401
from forum.search import api as search_api  # noqa: E402,F401
from forum.notifications import api as notifications_api  # noqa: E402,F401
from forum.privacy import api as privacy_api  # noqa: E402,F401
from forum.dashboard import api as dashboard_api  # noqa: E402,F401
from forum.admin import category_api, people_api, site_api, synonym_api  # noqa: E402,F401
from forum.listening import alerts_api, notices_api  # noqa: E402,F401
from forum.listening import api as listening_api  # noqa: E402,F401

DOMAIN_APIS = [core, questions_api, escalations_api, moderation_api, ideas_api, search_api, notifications_api,
               privacy_api, dashboard_api, category_api, people_api, site_api, synonym_api, alerts_api, notices_api,
               listening_api]
