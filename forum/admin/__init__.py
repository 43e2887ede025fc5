"""Admins run the community from the browser: the setup checklist, categories, people and roles, site settings."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from forum.admin import category_views, people_views, site_views, synonym_views  # noqa: E402,F401  (routes attach to bp)
