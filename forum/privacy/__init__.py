"""Privacy and customer trust: profile visibility, personal-data warnings, data export, account deletion."""
from flask import Blueprint

bp = Blueprint("privacy", __name__)

from forum.privacy import views  # noqa: E402,F401  (routes attach to bp)
