"""The language a question or idea is written in (issue 20): search stems each in its own language (Whoosh's
language analyzers; PostgreSQL's `english` and `dutch` text search configurations), and lists can be filtered
by it or show the reader's language first. Everything written before is English.

Revision ID: 0020
Revises: 0019
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_LIST_INDEXES = {
    "ix_threads_language_activity": ["language", "is_hidden", "is_pinned", "last_activity_at", "id"],
    "ix_threads_language_created": ["language", "is_hidden", "is_pinned", "created_at", "id"],
    "ix_threads_language_score": ["language", "is_hidden", "is_pinned", "score", "created_at", "id"],
}


def upgrade() -> None:
    # plain ADD COLUMNs with a constant default: no table copy, so this is quick at a million rows
    for table in ("threads", "ideas", "search_documents"):
        op.add_column(table, sa.Column("language", sa.String(length=16), nullable=False, server_default="en"))
    for name, columns in _LIST_INDEXES.items():
        op.create_index(name, "threads", columns)


def downgrade() -> None:
    for name in _LIST_INDEXES:
        op.drop_index(name, table_name="threads")
    for table in ("search_documents", "ideas", "threads"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("language")
