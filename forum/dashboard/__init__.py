"""The staff community health dashboard: figures from daily rollups kept in step by the writes, server-rendered
SVG charts, CSV and JSON."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from forum.dashboard import dirty, views  # noqa: E402,F401  (routes attach to bp)

dirty.register()  # once per process: the listeners attach to the Session class
