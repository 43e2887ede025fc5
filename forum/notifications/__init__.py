"""Notifications: the notification centre, watches, email choices and unsubscribe links, mail outbox, feeds."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from forum.notifications import feeds, outbox, views  # noqa: E402,F401  (routes attach to bp)

bp.record_once(lambda state: outbox.install(state.app))
