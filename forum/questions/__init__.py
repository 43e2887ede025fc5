"""Questions and answers: threads, posts, edits, votes and accepted answers."""
from flask import Blueprint

bp = Blueprint("questions", __name__)

from forum.questions import views  # noqa: E402,F401  (routes attach to bp)
