"""Pooled connections to a network database are pinged only after sitting idle (forum/database.py): under load
the ping was a round trip on every request; a connection a restart or a firewall dropped is still replaced
before a request sees it."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from forum.database import engine_options
from forum.extensions import db

PG = "postgresql+psycopg://db.example/forum"


@pytest.mark.parametrize("url, ping_after_idle, pre_ping", [
    ("sqlite:///forum.db", 10.0, False),   # a file cannot drop
    ("sqlite:///forum.db", 0.0, False),
    (PG, 10.0, None),                      # the idle ping of configure_engine instead
    (PG, 0.0, True),                       # every checkout, as SQLAlchemy's pre-ping does
])
def test_who_pings_and_when(url, ping_after_idle, pre_ping):
    options = engine_options({"SQLALCHEMY_DATABASE_URI": url, "DATABASE_PING_AFTER_IDLE": ping_after_idle,
                              "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 5}})
    assert options.get("pool_pre_ping") is pre_ping and options["pool_size"] == 5


def test_the_setting_reads_the_environment(monkeypatch):
    from config import DevelopmentConfig
    monkeypatch.delenv("DATABASE_PING_AFTER_IDLE", raising=False)
    assert DevelopmentConfig().DATABASE_PING_AFTER_IDLE == 10.0
    for raw, seconds in (("0", 0.0), ("2.5", 2.5), ("soon", 10.0), ("-3", 10.0)):
        monkeypatch.setenv("DATABASE_PING_AFTER_IDLE", raw)
        configured = DevelopmentConfig().DATABASE_PING_AFTER_IDLE
        assert configured == seconds, raw


def _drop_the_apps_connections(app) -> int:
    """What a PostgreSQL restart does to the pool: every server process behind it ends."""
    with app.app_context():
        admin = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        ended = conn.execute(sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                     "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    admin.dispose()
    return int(ended or 0)


def _read(app) -> int:
    with app.app_context():
        try:
            return int(db.session.scalar(sa.text("SELECT 1")))
        finally:
            db.session.remove()


@pytest.mark.config(DATABASE_PING_AFTER_IDLE=0.05)
def test_a_dropped_idle_connection_is_replaced_before_use(app, backend):
    if backend != "postgres":
        pytest.skip("a SQLite file has no connection to drop")
    assert _read(app) == 1
    assert _drop_the_apps_connections(app) >= 1
    time.sleep(0.1)  # idle longer than DATABASE_PING_AFTER_IDLE
    assert _read(app) == 1  # the ping failed, the pool connected afresh: the caller saw nothing
    assert app.test_client().get("/api/v1/questions").status_code == 200


@pytest.mark.config(DATABASE_PING_AFTER_IDLE=3600.0)
def test_a_connection_in_steady_use_is_not_pinged(app, backend):
    """The contrast, and the reason for the setting: back in use within the interval, nobody pings it (a
    restart in the middle of traffic then fails that one use, and SQLAlchemy discards the pool)."""
    if backend != "postgres":
        pytest.skip("a SQLite file has no connection to drop")
    assert _read(app) == 1
    _drop_the_apps_connections(app)
    with pytest.raises(sa.exc.OperationalError):
        _read(app)
    assert _read(app) == 1  # the pool was discarded with the dead connection


# -- page views read in autocommit on PostgreSQL (forum/database.py, ForumSession) ----------------------------
def _probe(app):
    """A view that reports whether the request's session reads in autocommit."""
    from forum.database import writes_on_get

    def autocommit() -> dict:
        dbapi = db.session.connection().connection.dbapi_connection
        return {"autocommit": bool(getattr(dbapi, "autocommit", False))}

    def audited_look() -> dict:
        return autocommit()

    app.add_url_rule("/_probe", "probe", autocommit, methods=["GET", "POST"])
    app.add_url_rule("/_probe_writes", "probe_writes", writes_on_get(audited_look))
    return app.test_client()


def test_a_page_view_reads_in_autocommit_and_a_write_keeps_its_transaction(app, backend):
    if backend != "postgres":
        pytest.skip("SQLite's deferred BEGIN costs no round trip")
    client = _probe(app)
    assert client.get("/_probe").get_json() == {"autocommit": True}
    assert client.post("/_probe").get_json() == {"autocommit": False}
    assert client.get("/_probe_writes").get_json() == {"autocommit": False}  # an audited look commits as one
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))  # a transaction the request joins (a test's, say)
        assert client.get("/_probe").get_json() == {"autocommit": False}
        db.session.rollback()
        assert client.get("/_probe").get_json() == {"autocommit": True}
        assert not db.session.connection().connection.dbapi_connection.autocommit  # the flag ended with the request
        db.session.rollback()


def test_the_pool_hands_back_transactional_connections_after_a_page_view(app, backend):
    if backend != "postgres":
        pytest.skip("SQLite's deferred BEGIN costs no round trip")
    client = _probe(app)
    for _ in range(3):
        assert client.get("/_probe").get_json() == {"autocommit": True}
    with app.app_context(), db.engine.connect() as conn:
        assert not conn.connection.dbapi_connection.autocommit  # the isolation level went back with it


def test_a_network_databases_pool_hands_out_the_connection_returned_last():
    """LIFO: a worker's requests reuse one warm connection, whose statements psycopg has prepared; the others
    sit idle (and are pinged when they next serve)."""
    assert engine_options({"SQLALCHEMY_DATABASE_URI": PG, "DATABASE_PING_AFTER_IDLE": 10.0})["pool_use_lifo"] is True
    assert engine_options({"SQLALCHEMY_DATABASE_URI": PG, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_use_lifo": False},
                           "DATABASE_PING_AFTER_IDLE": 10.0})["pool_use_lifo"] is False  # a deployment's choice wins
