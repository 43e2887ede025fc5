"""The migrations build the schema the models describe, from an empty database, on each backend."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from forum.extensions import db


def _empty_database() -> None:
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _schema_differences() -> list:
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), db.metadata)


def test_upgrade_from_empty_matches_models(app, backend):
    with app.app_context():
        _empty_database()
        upgrade()
        assert _schema_differences() == []
        assert "users" in db.inspect(db.engine).get_table_names()


def test_idea_escalations_migration_downgrades_and_upgrades_again(app, backend):
    """0002 is the first change on a landed schema: it must also step back to 0001 and forward again."""
    with app.app_context():
        _empty_database()
        upgrade()
        downgrade(revision="0001")
        columns = {column["name"] for column in db.inspect(db.engine).get_columns("escalations")}
        assert "idea_id" not in columns
        upgrade()
        assert _schema_differences() == []
