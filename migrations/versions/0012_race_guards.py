"""Guards against races: unique answer positions and one auto-hide per post (issue 17).

Concurrent answers on PostgreSQL could share a position (52 answers got 17 positions), which made
`reindex --check` call the thread stale. Threads that have such duplicates are renumbered first, in their
existing order (position, then time, then id), and then (thread_id, position) becomes unique. The auto-hide
race needs no schema change: flag_post locks the post row.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

POSTS = sa.table("posts", sa.column("id"), sa.column("thread_id"), sa.column("position"), sa.column("created_at"))


def _renumber_duplicates(conn) -> None:
    """Read first, then write: an UPDATE whose subquery reads the rows it is changing renumbers wrongly on
    SQLite (it re-reads half-updated rows), and only the few threads with duplicates are touched."""
    racy = (sa.select(POSTS.c.thread_id).where(POSTS.c.position > 0)
            .group_by(POSTS.c.thread_id, POSTS.c.position).having(sa.func.count() > 1))
    rows = conn.execute(sa.select(POSTS.c.id, POSTS.c.thread_id, POSTS.c.position)
                        .where(POSTS.c.position > 0, POSTS.c.thread_id.in_(racy))
                        .order_by(POSTS.c.thread_id, POSTS.c.position, POSTS.c.created_at, POSTS.c.id)).all()
    previous, number = None, 0
    for post_id, thread_id, position in rows:
        number = number + 1 if thread_id == previous else 1
        previous = thread_id
        if position != number:
            conn.execute(sa.update(POSTS).where(POSTS.c.id == post_id).values(position=number))


def upgrade():
    _renumber_duplicates(op.get_bind())
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_thread_position")
        batch_op.create_index("ix_posts_thread_position", ["thread_id", "position"], unique=True)


def downgrade():
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_thread_position")
        batch_op.create_index("ix_posts_thread_position", ["thread_id", "position"], unique=False)
