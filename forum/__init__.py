"""The application factory."""
from __future__ import annotations

import logging
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import import_string

from forum import cli, errors, i18n, memory, pagecache, requestlog, search, staticfiles, web, workload
from forum.database import configure_engine, engine_options, install_autocommit_reads
from forum.extensions import csrf, db, limit_writes_only, limiter, login_manager, mail


def create_app(config: object | str | None = None) -> Flask:
    """Build the app from a config class, instance or import string (default: $FORUM_CONFIG or development)."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder="../templates", static_folder="../static")
    app.config.from_object(_load_config(config or os.environ.get("FORUM_CONFIG", "config.DevelopmentConfig")))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    for ext in (db, csrf, login_manager, limiter, mail):
        ext.init_app(app)
    limit_writes_only(app)
    if not _serving_only():
        init_migrations(app)
    with app.app_context():
        configure_engine(db.engine, app.config)
        install_autocommit_reads(app, db.session, db.engine)
    workload.init_app(app)  # first: the requests it counts start before any other before_request
    i18n.init_app(app)
    pagecache.init_app(app)
    search.init_app(app)
    web.register(app)
    errors.register(app)
    cli.register(app)
    staticfiles.init_app(app)  # WSGI layers, innermost first: static files, the access log, then the proxy fix
    requestlog.init_app(app)
    memory.init_app(app)
    _trust_proxies(app)
    _warn_without_mail_server(app)
    return app


def init_migrations(app: Flask) -> None:
    """Flask-Migrate (with Alembic) for `flask db`, the tests and the benchmark's loader."""
    from flask_migrate import Migrate
    Migrate(render_as_batch=True).init_app(app, db, directory=MIGRATIONS)


MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "migrations")


def _serving_only() -> bool:
    """A gunicorn worker only serves requests: it never migrates, so it does not load Alembic (~12 MB of every
    worker). The `flask` command sets FLASK_RUN_FROM_CLI, and tests and scripts are not gunicorn."""
    return (os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn")
            and os.environ.get("FLASK_RUN_FROM_CLI") != "true")


def _trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For/-Proto/-Host from exactly TRUSTED_PROXY_COUNT proxies, so rate limits, logs
    and redirects see the client and its scheme; with 0 the headers are ignored (a client could forge them)."""
    hops = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if hops > 0:
        # wrapping app.wsgi_app is Flask's documented middleware hook, which mypy reads as assigning to a method
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _warn_without_mail_server(app: Flask) -> None:
    """Production starts without MAIL_SERVER (nothing is lost: the outbox keeps the mail) but says so, here
    rather than in the config so the line comes in the configured log format."""
    if app.config.get("WARN_WITHOUT_MAIL_SERVER") and not app.config.get("MAIL_SERVER"):
        logging.getLogger("forum.mail").warning(
            "MAIL_SERVER is not set: mail is written to the log and kept unsent in the outbox; "
            "set MAIL_SERVER and run `flask forum send-mail` to deliver it.")


def _load_config(config: object | str) -> object:
    if isinstance(config, str):
        config = import_string(config)
    return config() if isinstance(config, type) else config
