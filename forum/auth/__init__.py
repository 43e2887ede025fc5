"""Accounts: register, log in and out, passwords, tokens, profiles and settings."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from forum.auth import views  # noqa: E402,F401  (routes attach to bp)
