"""Browser sessions that end: one user_sessions row per login, deleted at logout, all deleted (and the session
version bumped) to log out everywhere. Helpers add to the session; the calling service commits."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from forum.clock import utcnow
from forum.extensions import db
from forum.models import User, UserSession


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(user: User) -> str:
    """A new session row for `user`; get_id() then carries its key into the cookie (and remember-me cookie)."""
    key = secrets.token_urlsafe(24)
    # Sessions nobody logged out of would pile up: any older than the remember-me cookie's life is dead anyway.
    lifetime = current_app.config.get("REMEMBER_COOKIE_DURATION") or timedelta(days=365)
    lifetime = lifetime if isinstance(lifetime, timedelta) else timedelta(seconds=int(lifetime))
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id,
                                                    UserSession.created_at < utcnow() - lifetime))
    db.session.add(UserSession(user_id=user.id, key_hash=_digest(key)))
    user.session_key = key
    return key


def end(user: User) -> None:
    """This browser's session only. A session from before keys existed (no key) can only be ended by ending
    them all, which is what happens then."""
    key = getattr(user, "session_key", None)
    if key:
        db.session.execute(sa.delete(UserSession).where(UserSession.key_hash == _digest(key)))
    else:
        end_all(user)


def end_all(user: User) -> None:
    """Every session and remember-me cookie: rows deleted, and the version bumped for key-less old cookies."""
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))
    user.session_version += 1
    user.session_key = None


@functools.cache
def _session_user_statement(keyed: bool) -> sa.Select[tuple[User]]:
    """Built once, bound per request: every member's request runs it, and building it anew (with its EXISTS)
    cost more Python than PostgreSQL spends answering it (0.1 ms a request)."""
    query = sa.select(User).where(User.id == sa.bindparam("id", type_=sa.Integer),
                                  User.session_version == sa.bindparam("version", type_=sa.Integer),
                                  User.is_deleted.is_(False))
    if keyed:
        query = query.where(sa.select(UserSession.id).where(
            UserSession.user_id == User.id, UserSession.key_hash == sa.bindparam("key_hash", type_=sa.String)).exists())
    return query


def load(user_id: str) -> User | None:
    """Flask-Login's loader for "id:version[:key]": one statement, the session row joined to the user, so
    checking that the session still exists costs no extra query per request."""
    parts = (user_id or "").split(":")
    if len(parts) not in (2, 3) or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    params: dict[str, int | str] = {"id": int(parts[0]), "version": int(parts[1])}
    if len(parts) == 3:
        if not parts[2] or len(parts[2]) > 64:
            return None
        params["key_hash"] = _digest(parts[2])
    user = db.session.scalar(_session_user_statement(len(parts) == 3), params)
    if user is not None:
        user.session_key = parts[2] if len(parts) == 3 else None
    return user
