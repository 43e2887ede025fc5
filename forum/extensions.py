"""Unbound extension singletons; create_app binds them."""
from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints, because SQLite can only ALTER them in batch mode when they have names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


AUTOCOMMIT_READS = "forum_autocommit_reads"  # set on the session for a page view (forum/database.py)


class ForumSession(Session):
    """The request's session. A page view on PostgreSQL runs in autocommit: no BEGIN and ROLLBACK around its
    statements, two round trips of a cached page's three. Nothing is lost: at READ COMMITTED every statement
    takes its own snapshot inside a transaction too, and a GET writes nothing (but the views marked
    `writes_on_get` in forum/database.py). Only this session's statements: a connection of its own (the search
    queue's drain, the health check) keeps its transactions, and the pool puts the isolation level back on
    return."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any) -> Any:
        engine = super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
        if bind is None and self.info.get(AUTOCOMMIT_READS) and isinstance(engine, Engine):
            return _autocommit_engine(engine)
        return engine


_autocommit_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _autocommit_engine(engine: Engine) -> Engine:
    """The same pool and listeners, its connections in autocommit."""
    found = _autocommit_engines.get(engine)
    if found is None:
        found = _autocommit_engines[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return found


db = SQLAlchemy(model_class=Base, session_options={"class_": ForumSession})

# Models subclass `Model`. At run time it is db.Model, a subclass of Base that Flask-SQLAlchemy builds (adding its
# bind and table-name mixins); the type checker cannot see through that attribute, so it is told Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()


def _client_address() -> str:
    """The peer address. Behind TRUSTED_PROXY_COUNT proxies the factory's ProxyFix has already made it the
    client's (from X-Forwarded-For); with 0 the header is ignored, so a forged one cannot pick a budget."""
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_client_address, default_limits=[])


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    """Every limit the forum sets guards a write (signing up, logging in, a password check), so a read is never
    counted: the limiter then skips resolving the route's limits, about 0.1 ms, 7% of a cached visitor's page.
    Unless the deployment sets limits for every route (Flask-Limiter's RATELIMIT_DEFAULT or
    RATELIMIT_APPLICATION): those count reads too."""
    return (request.method in ("GET", "HEAD", "OPTIONS") and not current_app.config.get("RATELIMIT_DEFAULT")
            and not current_app.config.get("RATELIMIT_APPLICATION"))


def limit_writes_only(app: Flask) -> None:
    """Flask-Limiter's own hooks (before, after and teardown of every request) still ran on a read the filter
    above lets through: setting up and releasing its context, 55 us of a cached visitor's page of 935 (6%, in
    process). On a read they are skipped; a write, or every request where the deployment limits reads too,
    runs them as before."""
    def ours(hook: Callable) -> bool:
        return getattr(hook, "__self__", None) is limiter or (
            isinstance(hook, functools.partial) and limiter in hook.args)

    def skipped_on_reads(hook: Callable) -> Callable:
        def run(*args: Any) -> Any:
            if _reads_are_not_limited():
                return args[0] if args else None  # an after_request hook hands its response on
            return hook(*args)
        return run

    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        registered = cast(dict[Any, list[Any]], hooks)  # three kinds of hook, one shape: name -> functions
        registered[None] = [skipped_on_reads(hook) if ours(hook) else hook for hook in registered.get(None, [])]
