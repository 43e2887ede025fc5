"""Indexes for every access path a page or API list takes, so cost does not grow with size.

Each list order is read from an index with the id breaking ties (visible rows first in the key, so a page and
its count walk index entries only); a thread's duplicates, an idea's merged duplicates, a member's
notifications and idea comments, and the last days' idea votes get their own. posts.excerpt holds the text
the question lists show, so a list loads no body; existing questions get theirs here.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from markupsafe import Markup

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

EXCERPT_LENGTH = 300  # forum.models.threads.EXCERPT_LENGTH when this was written
BATCH = 2000

INDEXES = [
    ("threads", "ix_threads_duplicate_of", ["duplicate_of_id"]),
    ("threads", "ix_threads_visible_activity", ["is_hidden", "last_activity_at", "id"]),
    ("threads", "ix_threads_visible_created", ["is_hidden", "created_at", "id"]),
    ("threads", "ix_threads_visible_score", ["is_hidden", "score", "created_at", "id"]),
    ("threads", "ix_threads_category_activity_list", ["category_id", "is_hidden", "is_pinned", "last_activity_at",
                                                      "id"]),
    ("threads", "ix_threads_category_created_list", ["category_id", "is_hidden", "is_pinned", "created_at", "id"]),
    ("threads", "ix_threads_category_score_list", ["category_id", "is_hidden", "is_pinned", "score", "created_at",
                                                   "id"]),
    ("threads", "ix_threads_author_created", ["author_id", "created_at"]),
    ("ideas", "ix_ideas_merged_into", ["merged_into_id"]),
    ("ideas", "ix_ideas_visible_status", ["is_hidden", "status", "category_id"]),
    ("ideas", "ix_ideas_votes_list", ["vote_count", "created_at", "id"]),
    ("ideas", "ix_ideas_status_votes", ["status", "vote_count", "created_at", "id"]),
    ("ideas", "ix_ideas_status_created", ["status", "created_at", "id"]),
    ("ideas", "ix_ideas_status_changed", ["status", "status_changed_at", "id"]),
    ("ideas", "ix_ideas_category_votes", ["category_id", "vote_count", "created_at", "id"]),
    ("ideas", "ix_ideas_category_created", ["category_id", "created_at", "id"]),
    ("idea_votes", "ix_idea_votes_time_idea", ["created_at", "idea_id"]),
    ("idea_comments", "ix_idea_comments_author", ["author_id"]),
    ("notifications", "ix_notifications_user_created", ["user_id", "created_at", "id"]),
]


def upgrade():
    op.add_column("posts", sa.Column("excerpt", sa.String(length=EXCERPT_LENGTH), nullable=True))
    _fill_excerpts()
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_column("excerpt")


def _fill_excerpts():
    """The questions' excerpts, in batches by id (only questions: the lists show no answer's text; an answer
    gets its excerpt when next written)."""
    conn = op.get_bind()
    posts = sa.table("posts", sa.column("id", sa.Integer), sa.column("position", sa.Integer),
                     sa.column("body_html", sa.Text), sa.column("excerpt", sa.String))
    last = 0
    while True:
        rows = conn.execute(sa.select(posts.c.id, posts.c.body_html)
                            .where(posts.c.position == 0, posts.c.id > last).order_by(posts.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(sa.update(posts).where(posts.c.id == sa.bindparam("post_id"))
                     .values(excerpt=sa.bindparam("text")),
                     [{"post_id": row.id, "text": _excerpt(row.body_html)}
                      for row in rows])
        last = rows[-1].id


def _excerpt(body_html):
    """forum.models.threads.excerpt_of as it was written (a migration keeps its own copy)."""
    return Markup((body_html or "").replace("><", "> <")).striptags()[:EXCERPT_LENGTH]
