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

# The domains' api modules attach their routes to bp themselves; forum/web.py imports them (before the blueprint
# is registered) and names them to openapi.describe, so this package, the floor of the JSON API, imports no domain.
