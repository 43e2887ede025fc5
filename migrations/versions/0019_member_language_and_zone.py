"""A member's language and time zone (issue 20): null follows the browser (Accept-Language) or the site's default
language, and UTC; the mail, digests and the staff's day boundaries read them.

Revision ID: 0019
Revises: 0018
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMNs (no batch copy): SQLite cannot drop and rebuild `users` while other tables point at it
    op.add_column("users", sa.Column("language", sa.String(length=16), nullable=True))
    op.add_column("users", sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("time_zone")
        batch.drop_column("language")
