"""Account use cases: registration, login, passwords, reset tokens and API tokens."""
from __future__ import annotations

import hashlib
import re
import secrets

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from forum.audit import record_audit
from forum.auth import sessions
from forum.auth.passwords import hash_password, verify_password
from forum.clock import utcnow
from forum.errors import Invalid, NotFound
from forum.extensions import db
from forum.i18n import _, as_member
from forum.links import site_root
from forum.models import ApiToken, Role, User
from forum.notifications.mail import send_mail
from forum.policy import Policy
from forum.validation import FieldErrors

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,30}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$")
LOGIN_FAILED = "That username or email and password do not match an account."


def find_user(login: str) -> User | None:
    """By username (ignoring case) or email."""
    login = (login or "").strip()
    if not login:
        return None
    column = User.email if "@" in login else sa.func.lower(User.username)
    return db.session.scalar(sa.select(User).where(column == login.lower(), User.is_deleted.is_(False)))


def _check_new_account(errors: FieldErrors, username: str, email: str, password: str) -> None:
    if "username" not in errors.errors and not USERNAME_RE.match(username):
        errors.add("username", _("Use 3 to 30 letters, digits, dots, dashes or underscores."))
    elif "username" not in errors.errors and find_user(username) is not None:
        errors.add("username", _("That username is taken."))
    if "email" not in errors.errors and not EMAIL_RE.match(email):
        errors.add("email", _("Enter a valid email address, like name@example.com."))
    elif "email" not in errors.errors and find_user(email) is not None:
        errors.add("email", _("An account with that email already exists. Log in or reset your password."))
    _check_password(errors, "password", password)


def _check_password(errors: FieldErrors, field: str, password: str) -> None:
    if not isinstance(password, str) or len(password) < 8:
        errors.add(field, _("Use at least 8 characters."))
    elif len(password) > 1000 or "\x00" in password:
        errors.add(field, _("That password is too long or has characters that are not allowed."))


def register_user(*, username: str, email: str, password: str, role: str = Role.MEMBER) -> User:
    """An account made by someone trusted (`flask forum create-user`, an admin, seed-demo, the tests' builders):
    it starts confirmed. Strangers sign up through confirmation.sign_up, which confirms by mail."""
    errors = FieldErrors()
    username = errors.text("username", username, label=_("Username"), max_len=30)
    email = errors.text("email", email, label=_("Email"), max_len=254).lower()
    if role not in Role.ORDER:
        errors.add("role", _("Role must be one of %(roles)s.", roles=", ".join(Role.ORDER)))
    _check_new_account(errors, username, email, password if isinstance(password, str) else "")
    errors.check()
    user = User(username=username, email=email, password_hash=hash_password(password), role=role,
                email_confirmed_at=utcnow())
    db.session.add(user)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same name or email registered a moment ago by another request
        db.session.rollback()
        raise Invalid(_("Some fields need attention."),
                      {"username": _("That username or email was just taken. Please choose another.")}) from None
    return user


def authenticate(*, login: str, password: str) -> User:
    """The account for these credentials; one message for every failure so it reveals nothing."""
    user = find_user(login if isinstance(login, str) else "")
    matches, needs_rehash = verify_password(user.password_hash if user else None,
                                            password if isinstance(password, str) else "")
    if user is None or not matches:
        failed = _("That username or email and password do not match an account.")  # LOGIN_FAILED, translated
        raise Invalid(failed, {"login": failed})
    if needs_rehash:
        user.password_hash = hash_password(password)
    user.last_seen_at = utcnow()
    sessions.start(user)
    db.session.commit()
    return user


def log_out(*, user: User) -> None:
    """This browser's session and its remember-me cookie stop working, wherever the cookie was copied to."""
    sessions.end(user)
    db.session.commit()


def log_out_everywhere(*, user: User) -> None:
    """Every session and remember-me cookie of the account; API tokens are listed and revoked separately."""
    sessions.end_all(user)
    db.session.commit()


def change_password(*, actor: User, current: str, new: str) -> User:
    """Ends every other session and remember-me cookie by bumping the session version."""
    Policy(actor).ensure(actor is not None and actor.is_authenticated, _("Please log in first."))
    errors = FieldErrors()
    if not verify_password(actor.password_hash, current or "")[0]:
        errors.add("current_password", _("That is not your current password."))
    _check_password(errors, "new_password", new)
    errors.check()
    actor.password_hash = hash_password(new)
    sessions.end_all(actor)
    sessions.start(actor)  # this browser stays logged in with a fresh session
    db.session.commit()
    return actor


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _reset_fingerprint(user: User) -> str:
    """Part of the current hash inside the token makes a used token (or one from before a change) invalid."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def request_password_reset(*, email: str) -> None:
    """Mail a signed, expiring link; says nothing about whether the account exists."""
    user = find_user(email) if isinstance(email, str) and "@" in email else None
    if user is None or not user.email:
        return
    token = _reset_serializer().dumps({"uid": user.id, "fp": _reset_fingerprint(user)})
    link = site_root() + f"/reset-password/{token}"
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    with as_member(user):
        send_mail(to=user.email, subject=_("Reset your password"),
                  text=_("Hello %(name)s,\n\nTo choose a new password, open this link within %(minutes)d minutes:"
                         "\n\n%(link)s\n\nIf you did not ask for this, ignore this mail.\n", name=user.username,
                         minutes=minutes, link=link))


def user_for_reset_token(token: str) -> User:
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise Invalid(_("This reset link has expired. Ask for a new one."), {"token": "expired"}) from None
    except BadSignature:
        raise Invalid(_("This reset link is not valid. Ask for a new one."), {"token": "invalid"}) from None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.is_deleted or data.get("fp") != _reset_fingerprint(user):
        raise Invalid(_("This reset link was already used. Ask for a new one."), {"token": "used"})
    return user


def reset_password(*, token: str, password: str) -> User:
    user = user_for_reset_token(token)
    errors = FieldErrors()
    _check_password(errors, "password", password)
    errors.check()
    user.password_hash = hash_password(password)
    sessions.end_all(user)
    db.session.commit()
    return user


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, user: User, name: str = "") -> str:
    """A new API token; the raw value is returned once and only its digest is stored."""
    raw = "fm_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_digest(raw), name=name[:80]))
    db.session.commit()
    return raw


def revoke_token(*, actor: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound(_("No such token."))
    db.session.delete(token)
    db.session.commit()


def user_for_token(raw: str) -> User | None:
    if not raw or len(raw) > 200:
        return None
    user = db.session.scalar(_TOKEN_USER, {"token_hash": _token_digest(raw)})  # one statement: every API call pays it
    if user is None or user.is_deleted:
        return None
    return user


# Built once, bound per call (as a member's session is read, forum/auth/sessions.py): building the join anew on
# every API call cost more Python than PostgreSQL spends answering it.
_TOKEN_USER = sa.select(User).join(ApiToken, ApiToken.user_id == User.id).where(
    ApiToken.token_hash == sa.bindparam("token_hash", type_=sa.String))


def load_session_user(user_id: str) -> User | None:
    """Flask-Login's loader: "id:version:key"; an old version or a deleted session row means logged out."""
    return sessions.load(user_id)


def reveal_email(*, actor: User, target: User) -> str | None:
    """An admin looks up a member's email (to confirm a request, say): allowed one audited look at a time."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.can_reveal_email(target), _("Only admins can look up a member's email."))
    record_audit(actor=actor, action="user.email_view", target_type="user", target_id=target.id,
                 label=target.username, note="looked up the email address on the profile")
    db.session.commit()
    return target.email
