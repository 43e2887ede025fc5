"""Email confirmation: a signed, expiring link proves the address before an account may post, vote or flag.
The sign-up use case lives here too, because it answers the same whether or not the address is taken."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from forum.auth import services, sessions
from forum.auth.passwords import hash_password
from forum.clock import utcnow
from forum.errors import Invalid
from forum.extensions import db
from forum.links import site_root
from forum.models import Role, User
from forum.notifications.mail import send_mail
from forum.validation import FieldErrors


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirm")


def confirmation_token(user: User) -> str:
    """The address is inside the token, so a link sent before an address change confirms nothing."""
    return _serializer().dumps({"uid": user.id, "email": user.email})


def _link(token: str) -> str:
    return site_root() + f"/confirm/{token}"


def show_link_on_page() -> bool:
    """Development without MAIL_SERVER shows the link, so a newcomer trying the demo is not stuck; production
    never does (ProductionConfig turns the setting off), since the page would then prove the address."""
    config = current_app.config
    return bool(config.get("CONFIRM_LINK_ON_PAGE")) and not config.get("MAIL_SERVER")


def _mail_link(user: User, link: str) -> None:
    hours = current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 3600
    send_mail(to=user.email, subject="Confirm your email address",
              text=f"Hello {user.username},\n\nTo finish signing up, open this link within {hours} hours:\n\n"
                   f"{link}\n\nUntil then you can read and edit your profile, but not post, vote or flag.\n"
                   "If you did not sign up, ignore this mail: the account stays unconfirmed.\n")


def sign_up(*, username: object, email: object, password: object, honeypot: object = "") -> str | None:
    """Create an unconfirmed account and mail its link; the link's token, for pages allowed to show it.

    An address that already has an account gets a mail telling its owner instead, and the caller answers
    exactly as for a new one: the form must not tell strangers who has an account. A filled honeypot (a field
    people never see) is a bot: nothing is created and the answer is the same."""
    errors = FieldErrors()
    username = errors.text("username", username, label="Username", max_len=30)
    email = errors.text("email", email, label="Email", max_len=254).lower()
    password = password if isinstance(password, str) else ""
    if "username" not in errors.errors and not services.USERNAME_RE.match(username):
        errors.add("username", "Use 3 to 30 letters, digits, dots, dashes or underscores.")
    elif "username" not in errors.errors and services.find_user(username) is not None:
        errors.add("username", "That username is taken.")
    if "email" not in errors.errors and not services.EMAIL_RE.match(email):
        errors.add("email", "Enter a valid email address, like name@example.com.")
    services._check_password(errors, "password", password)  # noqa: SLF001 - the one password rule
    errors.check()
    if honeypot:
        return None
    existing = services.find_user(email)
    if existing is not None:
        _tell_owner(existing)
        return None
    user = User(username=username, email=email, password_hash=hash_password(password), role=Role.MEMBER)
    db.session.add(user)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same name or address registered a moment ago by another request
        db.session.rollback()
        raise Invalid("Some fields need attention.",
                      {"username": "That username was just taken. Please choose another."}) from None
    token = confirmation_token(user)
    _mail_link(user, _link(token))
    return token if show_link_on_page() else None


def _tell_owner(user: User) -> None:
    base = site_root()
    send_mail(to=user.email, subject="Someone tried to sign up with your address",
              text=f"Hello {user.username},\n\nSomeone (perhaps you) tried to create a new account with this "
                   f"address, which already has one. To use it, log in at {base}/login, or choose a new "
                   f"password at {base}/reset-password.\nIf it was not you, nothing changed: ignore this mail.\n")


def resend(*, user: User) -> str | None:
    """Mail a fresh link to an unconfirmed account; its token where the page may show the link."""
    if user.is_confirmed:
        raise Invalid("Your address is already confirmed.", {"email": "Already confirmed."})
    token = confirmation_token(user)
    _mail_link(user, _link(token))
    return token if show_link_on_page() else None


def confirm_email(*, token: str, log_in: bool = False) -> User:
    """Mark the address confirmed; a link used twice still works (it confirms nothing new). With `log_in` a
    session starts too: the link proves the mailbox, as a password reset link does."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    except SignatureExpired:
        raise Invalid("This confirmation link has expired. Log in and ask for a new one.",
                      {"token": "expired"}) from None
    except BadSignature:
        raise Invalid("This confirmation link is not valid. Log in and ask for a new one.",
                      {"token": "invalid"}) from None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.is_deleted or data.get("email") != user.email:
        raise Invalid("This confirmation link is not valid. Log in and ask for a new one.", {"token": "invalid"})
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    if log_in:
        sessions.start(user)
    db.session.commit()
    return user
