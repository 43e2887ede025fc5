"""Site settings: the community's name, company, tagline, guidelines, accent colour and support policy.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "site_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_name", sa.String(length=60), nullable=False),
        sa.Column("company_name", sa.String(length=60), nullable=False),
        sa.Column("tagline", sa.String(length=160), nullable=False),
        sa.Column("guidelines_md", sa.Text(), nullable=False),
        sa.Column("guidelines_html", sa.Text(), nullable=False),
        sa.Column("accent_color", sa.String(length=7), nullable=False),
        sa.Column("sla_hours", sa.Integer(), nullable=True),
        sa.Column("auto_escalate_hours", sa.Integer(), nullable=True),
        sa.Column("default_language", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_site_settings_updated_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_settings")),
    )


def downgrade():
    op.drop_table("site_settings")
