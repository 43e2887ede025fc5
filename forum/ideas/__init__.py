"""The idea board: customers propose and vote, staff set status with public notes, the product team exports."""
from flask import Blueprint

bp = Blueprint("ideas", __name__)

from forum.ideas import views  # noqa: E402,F401  (routes attach to bp)
