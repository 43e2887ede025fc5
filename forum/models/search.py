"""The search tables: the queue of documents to (re)index, and the PostgreSQL index (SEARCH_BACKEND=postgres)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from forum.clock import utcnow
from forum.extensions import Model


class SearchDocument(Model):
    """Written by forum.search only; `tsv` is title (A), body (B), tags and category (C). On SQLite it is unused."""

    __tablename__ = "search_documents"

    doc_id: Mapped[str] = mapped_column(sa.String(24), primary_key=True)   # "q:<thread id>" | "i:<idea id>"
    type: Mapped[str] = mapped_column(sa.String(16))
    object_id: Mapped[int]
    title: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(60), default="")
    tags: Mapped[str] = mapped_column(sa.Text, default="")            # space separated
    status: Mapped[str] = mapped_column(sa.String(16), default="")
    language: Mapped[str] = mapped_column(sa.String(16), default="en", server_default="en")  # tsv's stemming
    visibility: Mapped[str] = mapped_column(sa.String(8), default="public")
    url: Mapped[str] = mapped_column(sa.Text, default="")
    digest: Mapped[str] = mapped_column(sa.String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    tsv: Mapped[str | None] = mapped_column(TSVECTOR().with_variant(sa.Text(), "sqlite"))

    __table_args__ = (
        sa.Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),
        sa.Index("ix_search_documents_type_status", "type", "status"),
    )


class SearchQueueEntry(Model):
    """A thread or idea whose document must be rebuilt: inserted in the write's own transaction (so it commits
    or vanishes with the write) and deleted by the drainer only after the index holds the new document.

    Append-only with its own id rather than unique per document: a writer never waits on a row lock or an
    upsert, and a drainer deletes exactly the ids it indexed, so a row queued while it worked survives.
    """

    __tablename__ = "search_queue"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(8))       # "thread" | "idea"
    object_id: Mapped[int]
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchSynonym(Model):
    """One group of words and phrases that mean the same to the similar-titles hints, e.g. "dark mode = night
    theme = black theme". Admins edit the groups at /admin/synonyms; every change is audited (0015)."""

    __tablename__ = "search_synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[str] = mapped_column(sa.String(300))  # the members, normalized, joined by " = "
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
