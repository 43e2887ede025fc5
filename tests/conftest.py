"""Fixtures: a fresh app per test on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too."""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from config import TestingConfig
from forum import clock, create_app
from forum.extensions import db
from forum.notifications import outbox
from werkzeug.routing.rules import Rule

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgres"] if PG_URL else ["sqlite"]


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A private database per test run, so concurrent runs (and developers) never share tables."""
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    name = f"forum_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = sa.create_engine(url)
    from forum import models  # noqa: F401  (registers every table on the metadata)
    db.metadata.create_all(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _builder_key(rule: Rule, append_unknown: bool) -> tuple:
    converters = tuple(sorted(
        (name, type(converter).__name__, repr(sorted((k, v) for k, v in vars(converter).items() if k != "map")))
        for name, converter in rule._converters.items()))
    defaults = repr(sorted((rule.defaults or {}).items()))
    return rule.rule, rule.subdomain, rule.host, append_unknown, defaults, converters


def _reuse_url_builders() -> None:
    """Every test builds its own app, and werkzeug compiles two URL builders per rule (ast, then compile()):
    about 400 compiles, most of an app's start. A builder's code depends only on its rule, so the suite compiles
    each rule's once and binds it to every app's Rule as werkzeug itself does."""
    compile_builder = Rule._compile_builder
    compiled: dict[tuple, object] = {}

    def reused(self: Rule, append_unknown: bool = True):
        key = _builder_key(self, append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = reused  # type: ignore[method-assign]


_reuse_url_builders()


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory) -> Path:
    """One SQLite file with every table, copied for each test: creating 44 tables and their indexes per test
    cost more than most tests' own work."""
    folder = tmp_path_factory.mktemp("schema")
    path = folder / "schema.db"
    app = create_app(build_config(f"sqlite:///{path}", folder))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


def _truncate_all(engine: sa.Engine) -> None:
    """Empty every table at once: after a large seeded dataset, where deleting row by row would cost more."""
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _empty_postgres(engine: sa.Engine) -> None:
    """Empty the tables a test wrote to and restart the sequences it used, as a new database would be.
    TRUNCATE of every table costs 180-380 ms (new files for 44 tables and their indexes) and CASCADE widens
    any subset to nearly all of them; finding the few written tables and deleting their rows costs a few ms.
    session_replication_role = replica skips the foreign-key triggers, so the order of the deletes is free."""
    probe = " UNION ALL ".join(f"SELECT '{table.name}' WHERE EXISTS (SELECT 1 FROM \"{table.name}\")"
                               for table in db.metadata.sorted_tables)
    with engine.begin() as conn:
        written = conn.exec_driver_sql(probe).scalars().all()
        used = conn.exec_driver_sql("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
                                    "AND last_value IS NOT NULL").scalars().all()
        if written:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for name in written:
                conn.exec_driver_sql(f'DELETE FROM "{name}"')
        for name in used:
            conn.exec_driver_sql(f'ALTER SEQUENCE "{name}" RESTART')


def build_config(url: str, tmp_path, **overrides) -> TestingConfig:
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.SEARCH_INDEX_DIR = str(tmp_path / "search-index")
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app_config(backend, tmp_path, request):
    """The config the `app` fixture builds with; a test may mark overrides with @pytest.mark.config(...)."""
    url = f"sqlite:///{tmp_path / 'test.db'}" if backend == "sqlite" else request.getfixturevalue("pg_database")
    marker = request.node.get_closest_marker("config")
    return build_config(url, tmp_path, **(marker.kwargs if marker else {}))


def wait_for_delivery() -> None:
    """Wait until the mail senders (forum/notifications/outbox.py) have dealt with every mail handed to them."""
    outbox.wait_for_senders()


def _copy_schema(url: str, request) -> bool:
    """Start a test's SQLite file from the session's schema when the file does not exist yet."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or ":memory:" in url:
        return False
    target = Path(url[len(prefix):])
    if target.exists():
        return False
    shutil.copyfile(request.getfixturevalue("sqlite_schema"), target)
    return True


@pytest.fixture
def app(app_config, backend, request) -> Iterator[Flask]:
    wait_for_delivery()  # a mail thread of the previous test must not hold rows we truncate
    copied = backend == "sqlite" and _copy_schema(app_config.SQLALCHEMY_DATABASE_URI, request)
    app = create_app(app_config)
    with app.app_context():
        if backend == "sqlite":
            if not copied:
                db.create_all()
        else:
            _empty_postgres(db.engine)
    yield app
    wait_for_delivery()
    clock.freeze(None)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def ctx(app) -> Iterator[Flask]:
    """An app context for service tests; view tests use `client` without one."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


def login_as(client: FlaskClient, user_id: int, session_version: int = 1) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:{session_version}"
        session["_fresh"] = True


@contextmanager
def count_queries(engine: sa.Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE", "COMMIT",
                                                      "ROLLBACK")):
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "config(**settings): override config values for the app fixture")
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright")
