"""The staff community health dashboard: figures in SQL, server-rendered SVG charts, CSV and JSON."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from forum.dashboard import views  # noqa: E402,F401  (routes attach to bp)
