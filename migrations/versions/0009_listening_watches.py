"""Listening: keyword watches and the posts they matched (issue 15).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_watches_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watches")),
    )
    op.create_index(op.f("ix_watches_created_by_id"), "watches", ["created_by_id"])
    op.create_table(
        "watch_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["watch_id"], ["watches.id"], name=op.f("fk_watch_terms_watch_id_watches"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_terms")),
        sa.UniqueConstraint("watch_id", "term", name=op.f("uq_watch_terms_watch_id_term")),
    )
    op.create_table(
        "watch_categories",
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"],
                                name=op.f("fk_watch_categories_category_id_categories"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["watch_id"], ["watches.id"], name=op.f("fk_watch_categories_watch_id_watches"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("watch_id", "category_id", name=op.f("pk_watch_categories")),
    )
    op.create_index(op.f("ix_watch_categories_category_id"), "watch_categories", ["category_id"])
    op.create_table(
        "watch_tags",
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_watch_tags_tag_id_tags"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["watch_id"], ["watches.id"], name=op.f("fk_watch_tags_watch_id_watches"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("watch_id", "tag_id", name=op.f("pk_watch_tags")),
    )
    op.create_index(op.f("ix_watch_tags_tag_id"), "watch_tags", ["tag_id"])
    op.create_table(
        "watch_followers",
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_watch_followers_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["watch_id"], ["watches.id"], name=op.f("fk_watch_followers_watch_id_watches"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("watch_id", "user_id", name=op.f("pk_watch_followers")),
    )
    op.create_index(op.f("ix_watch_followers_user_id"), "watch_followers", ["user_id"])
    op.create_table(
        "watch_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("idea_id", sa.Integer(), nullable=True),
        sa.Column("idea_comment_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("excerpt", sa.String(length=300), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["watch_id"], ["watches.id"], name=op.f("fk_watch_matches_watch_id_watches"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_watch_matches_post_id_posts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], name=op.f("fk_watch_matches_thread_id_threads"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"], name=op.f("fk_watch_matches_idea_id_ideas"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["idea_comment_id"], ["idea_comments.id"],
                                name=op.f("fk_watch_matches_idea_comment_id_idea_comments"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"],
                                name=op.f("fk_watch_matches_category_id_categories"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_watch_matches_author_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["claimed_by_id"], ["users.id"], name=op.f("fk_watch_matches_claimed_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["handled_by_id"], ["users.id"], name=op.f("fk_watch_matches_handled_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_matches")),
        sa.UniqueConstraint("watch_id", "kind", "source_id", name=op.f("uq_watch_matches_watch_id_kind_source_id")),
    )
    for column in ("post_id", "thread_id", "idea_id", "idea_comment_id", "author_id", "claimed_by_id",
                   "handled_by_id"):
        op.create_index(op.f(f"ix_watch_matches_{column}"), "watch_matches", [column])
    op.create_index("ix_watch_matches_newest", "watch_matches", ["created_at", "id"])
    op.create_index("ix_watch_matches_watch_newest", "watch_matches", ["watch_id", "created_at", "id"])
    op.create_index("ix_watch_matches_state_newest", "watch_matches", ["state", "created_at", "id"])
    op.create_index("ix_watch_matches_category_newest", "watch_matches", ["category_id", "created_at", "id"])
    op.create_index("ix_watch_matches_watch_posted", "watch_matches", ["watch_id", "posted_at"])


def downgrade():
    op.drop_table("watch_matches")
    op.drop_table("watch_followers")
    op.drop_table("watch_tags")
    op.drop_table("watch_categories")
    op.drop_table("watch_terms")
    op.drop_table("watches")
