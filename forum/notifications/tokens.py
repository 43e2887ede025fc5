"""Signed one-click unsubscribe tokens: no login, no database row, an age limit (itsdangerous)."""
from __future__ import annotations

import calendar

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from forum.clock import utcnow
from forum.errors import BadRequest
from forum.i18n import _
from forum.notifications import kinds

DEFAULT_MAX_AGE = 90 * 86_400  # a mail read three months later still unsubscribes
_SCOPES = frozenset((*kinds.BY_KEY, "digest"))


class _ClockSigner(TimestampSigner):
    """Timestamps from forum.clock, so tests can age a token with clock.freeze()."""

    def get_timestamp(self) -> int:
        return calendar.timegm(utcnow().timetuple())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="forum.unsubscribe",
                                  signer=_ClockSigner)


def make_unsubscribe_token(user_id: int, scope: str) -> str:
    """`scope` is a kinds group key (stop that group's emails) or "digest" (stop every daily digest)."""
    return _serializer().dumps({"u": user_id, "s": scope})


def bad_link() -> BadRequest:
    return BadRequest(_("This unsubscribe link is not valid: it may be incomplete or altered. Open the latest "
                        "email and use its link again, or change your email settings after logging in."))


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, scope) from a token; BadRequest with a clear message when malformed, altered or expired."""
    max_age = current_app.config.get("UNSUBSCRIBE_MAX_AGE", DEFAULT_MAX_AGE)
    try:
        data = _serializer().loads(token or "", max_age=max_age)
    except SignatureExpired:
        raise BadRequest(_("This unsubscribe link has expired. Use the link in a more recent email, or change "
                           "your email settings after logging in.")) from None
    except (BadSignature, ValueError, TypeError, UnicodeError):
        raise bad_link() from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or data.get("s") not in _SCOPES:
        raise bad_link()
    return data["u"], data["s"]
