"""The idea board: ideas, one vote per member, comments, and the public history of status changes."""
from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from forum.clock import utcnow
from forum.extensions import Model
from forum.i18n import _l
from forum.models.threads import EXCERPT_LENGTH, Category, excerpt_of
from forum.models.users import User


class IdeaStatus:
    NEW, UNDER_REVIEW, PLANNED, IN_PROGRESS = "new", "under_review", "planned", "in_progress"
    SHIPPED, DECLINED, DUPLICATE = "shipped", "declined", "duplicate"
    ALL = (NEW, UNDER_REVIEW, PLANNED, IN_PROGRESS, SHIPPED, DECLINED, DUPLICATE)
    CLOSED = (SHIPPED, DECLINED, DUPLICATE)  # voting is closed on these
    LABELS: ClassVar[dict[str, Any]] = {NEW: _l("New"), UNDER_REVIEW: _l("Under review"), PLANNED: _l("Planned"),
                                         IN_PROGRESS: _l("In progress"), SHIPPED: _l("Shipped"),
                                         DECLINED: _l("Declined"), DUPLICATE: _l("Duplicate")}  # lazy: read per request


class Idea(Model):
    __tablename__ = "ideas"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(150))
    body_md: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    # the board's rows show ~170 characters: kept with the body so a page of the board loads no body (0003)
    excerpt: Mapped[str | None] = mapped_column(sa.String(EXCERPT_LENGTH))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=IdeaStatus.NEW, index=True)
    language: Mapped[str] = mapped_column(sa.String(16), default="en", server_default="en")  # as Thread.language
    status_note: Mapped[str | None] = mapped_column(sa.Text)
    status_changed_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id"))
    vote_count: Mapped[int] = mapped_column(default=0, index=True)
    comment_count: Mapped[int] = mapped_column(default=0)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    # Set while a new account's idea waits in the moderators' pending queue (forum/trust.py, 0013); hidden
    # meanwhile, and hidden_reason is what its author reads (the queue's notice, or a moderator's reason)
    held_at: Mapped[datetime | None] = mapped_column(index=True)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[Category] = relationship()
    author: Mapped[User] = relationship()
    merged_into: Mapped[Idea | None] = relationship(remote_side=[id])

    # the board's lists, the roadmap's columns and an idea's merged duplicates (0003): every order read from an
    # index with the id breaking ties, and the visible count from an index alone
    __table_args__ = (
        sa.Index("ix_ideas_merged_into", "merged_into_id"),
        sa.Index("ix_ideas_visible_status", "is_hidden", "status", "category_id"),
        sa.Index("ix_ideas_votes_list", "vote_count", "created_at", "id"),
        sa.Index("ix_ideas_status_votes", "status", "vote_count", "created_at", "id"),
        sa.Index("ix_ideas_status_created", "status", "created_at", "id"),
        sa.Index("ix_ideas_status_changed", "status", "status_changed_at", "id"),
        sa.Index("ix_ideas_category_votes", "category_id", "vote_count", "created_at", "id"),
        sa.Index("ix_ideas_category_created", "category_id", "created_at", "id"),
    )

    @validates("body_html")
    def _keep_excerpt(self, _key: str, body_html: str) -> str:
        """Every writer of body_html (submit, edit, privacy rename) keeps the excerpt in step."""
        self.excerpt = excerpt_of(body_html)
        return body_html


class IdeaVote(Model):
    __tablename__ = "idea_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The question this vote was carried from (its upvote, watch or asking; issue 16), None for a vote cast here:
    # the export counts the demand that was asked as questions (0014)
    source_thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("threads.id", ondelete="SET NULL"),
                                                         index=True)

    __table_args__ = (sa.UniqueConstraint("user_id", "idea_id"),
                      sa.Index("ix_idea_votes_idea_time", "idea_id", "created_at"),
                      # trending: the last days' votes, read from the index alone (0003)
                      sa.Index("ix_idea_votes_time_idea", "created_at", "idea_id"),
                      # an idea's votes that came from questions, counted from the index alone (0014)
                      sa.Index("ix_idea_votes_idea_source", "idea_id", "source_thread_id"))


class IdeaComment(Model):
    """Comments by staff are official and may be pinned above the others."""

    __tablename__ = "idea_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body_md: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    is_official: Mapped[bool] = mapped_column(default=False)
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    held_at: Mapped[datetime | None] = mapped_column(index=True)  # as Idea.held_at (0013)
    hidden_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()

    __table_args__ = (sa.Index("ix_idea_comments_author", "author_id"),)  # a member's data export (0003)


class IdeaStatusChange(Model):
    """The public history of an idea's status: from, to, the note, who and when."""

    __tablename__ = "idea_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
