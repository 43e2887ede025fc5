"""Categories an admin runs: archiving, and per-category support policy (SLA and auto-escalation hours).

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    # plain ADD COLUMNs: SQLite adds them in place, where a batch would rebuild a table other tables reference
    op.add_column("categories", sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("categories", sa.Column("sla_hours", sa.Integer(), nullable=True))
    op.add_column("categories", sa.Column("auto_escalate_hours", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("auto_escalate_hours")
        batch.drop_column("sla_hours")
        batch.drop_column("archived")
