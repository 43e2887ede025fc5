"""Staff escalations: members ask staff for help, staff work the queue against an SLA."""
from flask import Blueprint

bp = Blueprint("escalations", __name__)

from forum.escalations import views  # noqa: E402,F401  (routes attach to bp)
