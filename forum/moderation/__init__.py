"""Moderation: the flag queue, hiding and restoring, thread tools, suspensions and the audit log."""
from flask import Blueprint

bp = Blueprint("moderation", __name__)

from forum.moderation import views  # noqa: E402,F401  (routes attach to bp)
