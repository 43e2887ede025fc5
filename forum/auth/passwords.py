"""Argon2id password hashing; the library's defaults in production, a cheap profile under test."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_DEFAULT = PasswordHasher()
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hasher() -> PasswordHasher:
    return _FAST if current_app.config.get("PASSWORD_HASH_FAST") else _DEFAULT


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> tuple[bool, bool]:
    """(matches, needs_rehash): a hash made with older parameters is replaced at the next login."""
    if not stored:
        _hasher().hash(password)  # spend the same time as a real check, so timing does not reveal the account
        return False, False
    hasher = _hasher()
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, hasher.check_needs_rehash(stored)
