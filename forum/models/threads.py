"""Questions: categories, tags, threads, their posts and every revision of a post."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from forum.clock import utcnow
from forum.extensions import Model, db
from forum.models.users import User

EXCERPT_LENGTH = 300

thread_tags = sa.Table(
    "thread_tags",
    db.metadata,
    sa.Column("thread_id", sa.ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Category(Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Support policy overrides; None falls back to the site settings, then the environment's defaults.
    sla_hours: Mapped[int | None] = mapped_column(default=None)
    auto_escalate_hours: Mapped[int | None] = mapped_column(default=None)


class CategorySlugRedirect(Model):
    """A slug a category had before it was renamed or merged away: old links and list filters naming it still
    reach the category. A slug is here or on a category, never both (the admin services keep it so)."""

    __tablename__ = "category_slug_redirects"

    slug: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Tag(Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(30), unique=True)


class ThreadStatus:
    OPEN, SOLVED, CLOSED = "open", "solved", "closed"


class Thread(Model):
    """A question and its answers; counters are cached here so lists need no aggregates."""

    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(150))
    slug: Mapped[str] = mapped_column(sa.String(160))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=ThreadStatus.OPEN)
    accepted_post_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("posts.id", use_alter=True, ondelete="SET NULL"))
    is_pinned: Mapped[bool] = mapped_column(default=False)
    # the language the question is written in (its author's, editable): search stems it in that language (0020)
    language: Mapped[str] = mapped_column(sa.String(16), default="en", server_default="en")
    is_locked: Mapped[bool] = mapped_column(default=False)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text)  # a moderator's, shown to the asker (0017)
    # Set while a new account's question waits for a moderator (forum/trust.py); the thread is hidden meanwhile,
    # so every list, search, feed and cached page leaves it out, and its author sees it with a notice.
    held_at: Mapped[datetime | None] = mapped_column(index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("threads.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    answer_count: Mapped[int] = mapped_column(default=0)
    score: Mapped[int] = mapped_column(default=0)
    view_count: Mapped[int] = mapped_column(default=0)
    first_answer_at: Mapped[datetime | None]
    solved_at: Mapped[datetime | None]

    category: Mapped[Category] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    tags: Mapped[list[Tag]] = relationship(secondary=thread_tags, order_by="Tag.name")
    posts: Mapped[list[Post]] = relationship(
        back_populates="thread", foreign_keys="Post.thread_id", order_by="Post.position",
        cascade="all, delete-orphan", passive_deletes=True)
    duplicate_of: Mapped[Thread | None] = relationship(remote_side=[id], foreign_keys=[duplicate_of_id])
    question: Mapped[Post] = relationship(
        primaryjoin="and_(Post.thread_id == Thread.id, Post.position == 0)", viewonly=True, uselist=False)

    __table_args__ = (
        sa.Index("ix_threads_category_activity", "category_id", "last_activity_at"),
        sa.Index("ix_threads_score", "score"),
        # the staff dashboard: questions of a period read from the index alone; answers accepted by thread
        sa.Index("ix_threads_created_stats", "created_at", "is_hidden", "category_id", "first_answer_at",
                 "accepted_post_id", "solved_at"),
        sa.Index("ix_threads_accepted_post", "accepted_post_id"),
        sa.Index("ix_threads_unanswered", "answer_count", "is_hidden", "created_at", "status", "category_id"),
        # the question lists (0003): each order read from an index, visible threads only, the id breaking ties,
        # so a page (and a count) walks index entries only however large the forum is
        sa.Index("ix_threads_duplicate_of", "duplicate_of_id"),
        # pinned threads first on every list but "unanswered" (0016): each order's key leads with is_pinned
        sa.Index("ix_threads_visible_activity", "is_hidden", "is_pinned", "last_activity_at", "id"),
        sa.Index("ix_threads_visible_created", "is_hidden", "is_pinned", "created_at", "id"),
        # a list filtered by language, or one language's run of a list shown in the reader's language first (0020)
        sa.Index("ix_threads_language_activity", "language", "is_hidden", "is_pinned", "last_activity_at", "id"),
        sa.Index("ix_threads_language_created", "language", "is_hidden", "is_pinned", "created_at", "id"),
        sa.Index("ix_threads_language_score", "language", "is_hidden", "is_pinned", "score", "created_at", "id"),
        sa.Index("ix_threads_visible_score", "is_hidden", "is_pinned", "score", "created_at", "id"),
        sa.Index("ix_threads_pinned_activity", "is_pinned", "last_activity_at", "id"),  # moderators see hidden too
        sa.Index("ix_threads_pinned_created", "is_pinned", "created_at", "id"),
        # a category's lists put pinned threads first for everyone, moderators (who see hidden threads) too: so
        # is_hidden comes last, filtered from the index rather than splitting its order
        sa.Index("ix_threads_category_activity_list", "category_id", "is_pinned", "last_activity_at", "id",
                 "is_hidden"),
        sa.Index("ix_threads_category_created_list", "category_id", "is_pinned", "created_at", "id", "is_hidden"),
        sa.Index("ix_threads_category_score_list", "category_id", "is_pinned", "score", "created_at", "id",
                 "is_hidden"),
        sa.Index("ix_threads_score_list", "is_pinned", "score", "created_at", "id"),  # moderators' top list
        sa.Index("ix_threads_author_created", "author_id", "created_at"),
    )

    @property
    def is_solved(self) -> bool:
        return self.accepted_post_id is not None


class Post(Model):
    """Position 0 is the question itself; answers follow. HTML is rendered once, at write time."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    body_md: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    edited_at: Mapped[datetime | None]
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    score: Mapped[int] = mapped_column(default=0)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text)
    held_at: Mapped[datetime | None] = mapped_column(index=True)  # hidden while it waits in the moderators' pending queue (forum/trust.py)
    is_staff_reply: Mapped[bool] = mapped_column(default=False)
    # The question lists show ~180 characters of text: kept with the body so a list loads neither 20 full
    # bodies nor strips their tags on every render (filled whenever body_html is set, see below)
    excerpt: Mapped[str | None] = mapped_column(sa.String(EXCERPT_LENGTH))

    thread: Mapped[Thread] = relationship(back_populates="posts", foreign_keys=[thread_id])
    author: Mapped[User] = relationship(foreign_keys=[author_id])

    __table_args__ = (
        sa.Index("ix_posts_thread_position", "thread_id", "position", unique=True),  # concurrent answers (0012)
        # the staff dashboard: answers of a period by author, and who wrote a thread's first answer,
        # both read from the index alone (posts rows carry the bodies and are large)
        sa.Index("ix_posts_created_stats", "created_at", "position", "is_hidden", "is_staff_reply", "author_id",
                 "thread_id"),
        sa.Index("ix_posts_thread_position_staff", "thread_id", "position", "is_staff_reply"),
        sa.Index("ix_posts_author_created", "author_id", "created_at", "position", "is_hidden", "is_staff_reply"),
    )

    @property
    def is_question(self) -> bool:
        return self.position == 0

    @validates("body_html")
    def _keep_excerpt(self, _key: str, body_html: str) -> str:
        """Every writer of body_html (ask, answer, edit, privacy rename) keeps the excerpt in step."""
        self.excerpt = excerpt_of(body_html)
        return body_html


def excerpt_of(body_html: str | None) -> str:
    """The text the lists show, cut long enough for `truncate(180)`: the tags stripped, with a space where two
    tags meet so "</p><p>" does not glue the last word of a paragraph to the first of the next."""
    return Markup((body_html or "").replace("><", "> <")).striptags()[:EXCERPT_LENGTH]


class PostRevision(Model):
    """Every version of a post, the original included, with who wrote it and when; the history is public."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str | None] = mapped_column(sa.String(150))
    body_md: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    editor: Mapped[User] = relationship()
