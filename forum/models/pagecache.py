"""Page versions: one counter per cached scope ("thread:12", "idea:7", "questions", "ideas", "site")."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model


class PageVersion(Model):
    """Bumped in the same transaction as the write that changes what the scope's pages show, so a cached page
    keyed by its versions is stale the moment that write commits, on every server that shares the database."""

    __tablename__ = "page_versions"

    scope: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
