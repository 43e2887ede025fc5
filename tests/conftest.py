"""Fixtures: a fresh app per test on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from config import TestingConfig
from forum import clock, create_app
from forum.extensions import db
from forum.notifications import outbox

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


def _truncate_all(engine: sa.Engine) -> None:
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


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


def wait_for_delivery(timeout: float = 10.0) -> None:
    """Wait for the post-response mail senders started so far (forum/notifications/outbox.py's threads)."""
    while outbox._workers:
        outbox._workers.pop().join(timeout)


@pytest.fixture
def app(app_config, backend) -> Iterator[Flask]:
    wait_for_delivery()  # a mail thread of the previous test must not hold rows we truncate
    app = create_app(app_config)
    with app.app_context():
        if backend == "sqlite":
            db.create_all()
        else:
            _truncate_all(db.engine)
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
