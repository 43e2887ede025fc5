"""The application factory."""
from __future__ import annotations

import os

from flask import Flask
from werkzeug.utils import import_string

from forum import cli, errors, pagecache, search, web
from forum.database import configure_engine, engine_options
from forum.extensions import csrf, db, limiter, login_manager, mail, migrate


def create_app(config: object | str | None = None) -> Flask:
    """Build the app from a config class, instance or import string (default: $FORUM_CONFIG or development)."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder="../templates", static_folder="../static")
    app.config.from_object(_load_config(config or os.environ.get("FORUM_CONFIG", "config.DevelopmentConfig")))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    for ext in (db, csrf, login_manager, limiter, mail):
        ext.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    with app.app_context():
        configure_engine(db.engine)
    pagecache.init_app(app)
    search.init_app(app)
    web.register(app)
    errors.register(app)
    cli.register(app)
    return app


def _load_config(config: object | str) -> object:
    if isinstance(config, str):
        config = import_string(config)
    return config() if isinstance(config, type) else config
