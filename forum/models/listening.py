"""Listening: staff keyword watches (terms, optional category and tag scope, followers) and the posts they matched.

A watch follows a topic in public posts, never a person (issue 15, item 6). A match is written after the post
commits, by forum/listening/matching.py, and names exactly one source: a question or answer (post_id, with its
thread), an idea (idea_id), or an idea comment (idea_comment_id, with its idea).
"""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import Model, db
from forum.i18n import _l
from forum.models.ideas import Idea, IdeaComment
from forum.models.threads import EXCERPT_LENGTH, Category, Post, Tag, Thread
from forum.models.users import User

watch_categories = sa.Table(
    "watch_categories",
    db.metadata,
    sa.Column("watch_id", sa.ForeignKey("watches.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True, index=True),
)

watch_tags = sa.Table(
    "watch_tags",
    db.metadata,
    sa.Column("watch_id", sa.ForeignKey("watches.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Watch(Model):
    """A named set of terms or phrases; with categories or tags set, only posts there are matched."""

    __tablename__ = "watches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()
    terms: Mapped[list[WatchTerm]] = relationship(back_populates="watch", cascade="all, delete-orphan",
                                                  passive_deletes=True, order_by="WatchTerm.id")
    categories: Mapped[list[Category]] = relationship(secondary=watch_categories, order_by="Category.name")
    tags: Mapped[list[Tag]] = relationship(secondary=watch_tags, order_by="Tag.name")
    followers: Mapped[list[WatchFollower]] = relationship(back_populates="watch", cascade="all, delete-orphan",
                                                          passive_deletes=True)

    @property
    def term_list(self) -> list[str]:
        return [t.term for t in self.terms]


class WatchTerm(Model):
    """One term or phrase as staff typed it (trimmed, spaces collapsed); matching folds case and word forms."""

    __tablename__ = "watch_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    watch_id: Mapped[int] = mapped_column(sa.ForeignKey("watches.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(sa.String(100))

    watch: Mapped[Watch] = relationship(back_populates="terms")

    __table_args__ = (sa.UniqueConstraint("watch_id", "term"),)


class WatchFollower(Model):
    """A staff member told of the watch's matches (and of its spikes); the creator follows from the start."""

    __tablename__ = "watch_followers"

    watch_id: Mapped[int] = mapped_column(sa.ForeignKey("watches.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    watch: Mapped[Watch] = relationship(back_populates="followers")
    user: Mapped[User] = relationship()


class MatchState:
    NEW, CLAIMED, HANDLED = "new", "claimed", "handled"
    ALL = (NEW, CLAIMED, HANDLED)
    LABELS: ClassVar[dict[str, str]] = {NEW: _l("New"), CLAIMED: _l("Claimed"), HANDLED: _l("Handled")}


class MatchKind:
    QUESTION, ANSWER, IDEA, IDEA_COMMENT = "question", "answer", "idea", "idea_comment"
    ALL = (QUESTION, ANSWER, IDEA, IDEA_COMMENT)


class Match(Model):
    """One public post a watch found: the terms as they appeared, an excerpt around them, and who handles it."""

    __tablename__ = "watch_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    watch_id: Mapped[int] = mapped_column(sa.ForeignKey("watches.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # MatchKind
    source_id: Mapped[int]  # the post, idea or idea comment id: with kind, one match per watch and source
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    idea_comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("idea_comments.id", ondelete="CASCADE"),
                                                        index=True)
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(150), default="")
    excerpt: Mapped[str] = mapped_column(sa.String(EXCERPT_LENGTH), default="")
    terms: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # the watch's terms this post contained
    state: Mapped[str] = mapped_column(sa.String(16), default=MatchState.NEW)
    posted_at: Mapped[datetime] = mapped_column(default=utcnow)  # when the post was written
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    claimed_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    handled_at: Mapped[datetime | None]

    watch: Mapped[Watch] = relationship()
    post: Mapped[Post | None] = relationship()
    thread: Mapped[Thread | None] = relationship()
    idea: Mapped[Idea | None] = relationship()
    idea_comment: Mapped[IdeaComment | None] = relationship()
    category: Mapped[Category | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])

    __table_args__ = (
        sa.UniqueConstraint("watch_id", "kind", "source_id"),
        # the listening page's orders, newest first with the id breaking ties, each filter read from an index;
        # (watch_id, posted_at) also serves the spike detector's hourly counts per watch
        sa.Index("ix_watch_matches_newest", "created_at", "id"),
        sa.Index("ix_watch_matches_watch_newest", "watch_id", "created_at", "id"),
        sa.Index("ix_watch_matches_state_newest", "state", "created_at", "id"),
        sa.Index("ix_watch_matches_category_newest", "category_id", "created_at", "id"),
        sa.Index("ix_watch_matches_watch_posted", "watch_id", "posted_at"),
    )

    @property
    def subject_title(self) -> str:
        return self.title
