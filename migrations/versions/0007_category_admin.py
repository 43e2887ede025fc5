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
    # old slugs of renamed and merged categories, so links and list filters naming them still arrive
    op.create_table(
        "category_slug_redirects",
        sa.Column("slug", sa.String(60), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], ondelete="CASCADE",
                                name=op.f("fk_category_slug_redirects_category_id_categories")),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_category_slug_redirects")),
    )
    op.create_index(op.f("ix_category_slug_redirects_category_id"), "category_slug_redirects", ["category_id"])


def downgrade():
    op.drop_index(op.f("ix_category_slug_redirects_category_id"), table_name="category_slug_redirects")
    op.drop_table("category_slug_redirects")
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("auto_escalate_hours")
        batch.drop_column("sla_hours")
        batch.drop_column("archived")
