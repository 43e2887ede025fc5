"""Pinned threads first on every question list, read from an index: each list order's key leads with is_pinned.

The visitors' lists (visible threads) and the moderators' lists (hidden ones too) each get an index whose key is
(is_pinned, the order's columns, id), so a page of the home list still walks index entries only at a million
threads. The visible indexes of 0003 are replaced; the moderators' activity and newest orders get their own.

Revision ID: 0016
Revises: 0015
"""
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

NEW = [
    ("ix_threads_visible_activity", ["is_hidden", "is_pinned", "last_activity_at", "id"]),
    ("ix_threads_visible_created", ["is_hidden", "is_pinned", "created_at", "id"]),
    ("ix_threads_visible_score", ["is_hidden", "is_pinned", "score", "created_at", "id"]),
    ("ix_threads_pinned_activity", ["is_pinned", "last_activity_at", "id"]),
    ("ix_threads_pinned_created", ["is_pinned", "created_at", "id"]),
    ("ix_threads_score_list", ["is_pinned", "score", "created_at", "id"]),
]
OLD = [
    ("ix_threads_visible_activity", ["is_hidden", "last_activity_at", "id"]),
    ("ix_threads_visible_created", ["is_hidden", "created_at", "id"]),
    ("ix_threads_visible_score", ["is_hidden", "score", "created_at", "id"]),
    ("ix_threads_score_list", ["score", "created_at", "id"]),
]


def upgrade() -> None:
    for name, _ in OLD:
        op.drop_index(name, table_name="threads")
    for name, columns in NEW:
        op.create_index(name, "threads", columns)


def downgrade() -> None:
    for name, _ in NEW:
        op.drop_index(name, table_name="threads")
    for name, columns in OLD:
        op.create_index(name, "threads", columns)
