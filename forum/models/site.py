"""Site settings: the community's identity and support policy, one row an admin edits at /admin/settings."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.clock import utcnow
from forum.extensions import Model


class SiteSettings(Model):
    """At most one row (id 1). A None column falls back to the configuration's default, so a fresh database
    works before anyone opens the settings page, and an operator's environment still sets the support policy."""

    __tablename__ = "site_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_name: Mapped[str] = mapped_column(sa.String(60), default="")
    company_name: Mapped[str] = mapped_column(sa.String(60), default="")
    tagline: Mapped[str] = mapped_column(sa.String(160), default="")
    guidelines_md: Mapped[str] = mapped_column(sa.Text, default="")
    guidelines_html: Mapped[str] = mapped_column(sa.Text, default="")  # rendered once, at save, by forum/markup.py
    accent_color: Mapped[str] = mapped_column(sa.String(7), default="")
    sla_hours: Mapped[int | None] = mapped_column(default=None)
    auto_escalate_hours: Mapped[int | None] = mapped_column(default=None)
    default_language: Mapped[str] = mapped_column(sa.String(16), default="en")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
