"""People: accounts, roles and API tokens."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import Model


class Role:
    """Roles are ordered; each holds the powers of those before it."""

    MEMBER, STAFF, MODERATOR, ADMIN = "member", "staff", "moderator", "admin"
    ORDER = (MEMBER, STAFF, MODERATOR, ADMIN)

    @classmethod
    def rank(cls, role: str) -> int:
        return cls.ORDER.index(role) if role in cls.ORDER else 0


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(30))
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), default=Role.MEMBER)
    reputation: Mapped[int] = mapped_column(default=1)
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    profile_visibility: Mapped[str] = mapped_column(sa.String(16), default="public")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]
    suspended_until: Mapped[datetime | None]
    suspension_reason: Mapped[str | None] = mapped_column(sa.Text)
    session_version: Mapped[int] = mapped_column(default=1)  # bumped to end every session (password change)
    # None until the address is confirmed through the signed link (0011): until then the account reads, edits its
    # profile and settings, but does not post, vote or flag. Accounts made by an admin or the CLI start confirmed.
    email_confirmed_at: Mapped[datetime | None]
    is_deleted: Mapped[bool] = mapped_column(default=False)
    # Voting for an idea also follows it unless the member turned this off in their notification settings (0015).
    follow_voted_ideas: Mapped[bool] = mapped_column(server_default=sa.true())  # no Python default: old migrations insert users
    # None follows the browser's Accept-Language (else the site's default language) and UTC (0019); mail and
    # digests read them, since they are sent outside the member's request.
    language: Mapped[str | None] = mapped_column(sa.String(16))
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))

    if TYPE_CHECKING:  # not a column: forum/auth/sessions.py sets it on the loaded user (see get_id)
        session_key: str | None

    __table_args__ = (sa.Index("uq_users_username_lower", sa.func.lower(username), unique=True),
                      sa.Index("ix_users_role", "role"))  # the staff, among however many members (0003)

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def is_staff(self) -> bool:
        return Role.rank(self.role) >= Role.rank(Role.STAFF)

    def has_role(self, role: str) -> bool:
        return Role.rank(self.role) >= Role.rank(role)

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def get_id(self) -> str:
        """Flask-Login's id carries the session version (bumped: every session ends) and, for sessions started
        since 0011, this browser's session key (its user_sessions row deleted: this session and its remember-me
        cookie end). forum/auth/sessions.py sets `session_key` when it starts or loads a session."""
        key = getattr(self, "session_key", None)
        return f"{self.id}:{self.session_version}:{key}" if key else f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserSession(Model):
    """One browser session (and its remember-me cookie): only a SHA-256 of its key is kept. Logout deletes the
    row, so a copied cookie stops working; the row is read in the same statement as the user (no extra query)."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Model):
    """Only a SHA-256 of the token is kept: a leaked database does not leak usable tokens."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
