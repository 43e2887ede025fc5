"""Questions that asked for an idea: the link that carries a question's demand to the idea board (issue 16)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import Model
from forum.models.ideas import Idea
from forum.models.threads import Thread
from forum.models.users import User


class IdeaQuestionKind:
    """`converted`: the question became the idea and takes no new answers; `linked`: staff linked an existing
    question to an existing idea ("requested on the board"), and it stays open."""

    CONVERTED, LINKED = "converted", "linked"
    ALL = (CONVERTED, LINKED)


class IdeaQuestion(Model):
    """One question's request, carried to one idea: a question carries its demand once, so thread_id is unique."""

    __tablename__ = "idea_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    linked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)

    idea: Mapped[Idea] = relationship()
    thread: Mapped[Thread] = relationship()
    linked_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_idea_questions_idea", "idea_id", "linked_at", "id"),  # the idea's list
                      sa.CheckConstraint("kind IN ('converted', 'linked')", name="kind"))
