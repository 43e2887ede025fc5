"""Listening (issue 15): keyword watches, matches, spike alerts, known-issue notices, for staff."""
from flask import Blueprint

bp = Blueprint("listening", __name__)

from forum.listening import views  # noqa: E402,F401  (routes attach to bp)
from forum.listening import alerts_views, notices_views  # noqa: E402,F401


@bp.record_once
def _attach_hooks(_state) -> None:
    """Match new public posts after their commit (once per process; the listeners are shared)."""
    from forum.listening import hooks
    hooks.register()
