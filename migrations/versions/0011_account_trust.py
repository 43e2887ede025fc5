"""Accounts that earn trust and sessions that end (issue 17).

users.email_confirmed_at (accounts already there count as confirmed: they were made before confirmation
existed), user_sessions (one row per browser session, deleted at logout), posts.held_at and threads.held_at
(a new account's post waiting for a moderator).

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE users SET email_confirmed_at = created_at")
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_sessions_user_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_user_sessions"),
        sa.UniqueConstraint("key_hash", name="uq_user_sessions_key_hash"),
    )
    op.create_index("ix_user_sessions_user_id", "user_sessions", ["user_id"])
    for table in ("posts", "threads"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("held_at", sa.DateTime(), nullable=True))
            batch.create_index(f"ix_{table}_held_at", ["held_at"])


def downgrade():
    for table in ("threads", "posts"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_held_at")
            batch.drop_column("held_at")
    op.drop_index("ix_user_sessions_user_id", table_name="user_sessions")
    op.drop_table("user_sessions")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_confirmed_at")
