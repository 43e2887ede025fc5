"""Full-text search: one interface (backend.py), Whoosh or PostgreSQL behind it, kept in step by hooks.py."""
from flask import Blueprint, Flask, current_app

bp = Blueprint("search", __name__)


def init_app(app: Flask) -> None:
    """Choose the backend from SEARCH_BACKEND and attach the session listeners (once per process)."""
    from forum.search import hooks
    if app.config.get("SEARCH_BACKEND", "whoosh") == "postgres":
        if not str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
            raise RuntimeError("SEARCH_BACKEND=postgres needs DATABASE_URL to point at PostgreSQL.")
        from forum.extensions import db
        from forum.search.postgres import PostgresBackend
        app.extensions["search"] = PostgresBackend(lambda: db.engine)
    else:
        from forum.search.whoosh import WhooshBackend
        app.extensions["search"] = WhooshBackend(app.config["SEARCH_INDEX_DIR"])
    hooks.register()
    app.before_request(_start_drainer)


def _start_drainer() -> None:
    """Lazily, in the serving process: a thread started before gunicorn forks would not exist in the workers."""
    from forum.search import queue
    queue.start_drainer(current_app._get_current_object())  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask


from forum.search import views  # noqa: E402,F401  (routes attach to bp)
