"""Email confirmation: a signed, expiring link proves the address before an account may post, vote or flag.
The sign-up use case lives here too, because it answers the same whether or not the address is taken."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from forum.auth import preferences, services, sessions
from forum.auth.passwords import hash_password
from forum.clock import utcnow
from forum.errors import Invalid
from forum.extensions import db
from forum.i18n import _, as_member
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
    if not user.email:  # an account made without an address has nowhere to be sent
        return
    hours = current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 3600
    with as_member(user):  # the language the account chose (or was registered in), not the request's
        send_mail(to=user.email, subject=_("Confirm your email address"),
                  text=_("Hello %(name)s,\n\nTo finish signing up, open this link within %(hours)d hours:\n\n"
                         "%(link)s\n\nUntil then you can read and edit your profile, but not post, vote or flag.\n"
                         "If you did not sign up, ignore this mail: the account stays unconfirmed.\n",
                         name=user.username, hours=hours, link=link))


def sign_up(*, username: object, email: object, password: object, honeypot: object = "",
            time_zone: object = None) -> str | None:
    """Create an unconfirmed account and mail its link; the link's token, for pages allowed to show it.

    An address that already has an account gets a mail telling its owner instead, and the caller answers
    exactly as for a new one: the form must not tell strangers who has an account. A filled honeypot (a field
    people never see) is a bot: nothing is created and the answer is the same."""
    errors = FieldErrors()
    username = errors.text("username", username, label=_("Username"), max_len=30)
    email = errors.text("email", email, label=_("Email"), max_len=254).lower()
    password = password if isinstance(password, str) else ""
    if "username" not in errors.errors and not services.USERNAME_RE.match(username):
        errors.add("username", _("Use 3 to 30 letters, digits, dots, dashes or underscores."))
    elif "username" not in errors.errors and services.find_user(username) is not None:
        errors.add("username", _("That username is taken."))
    if "email" not in errors.errors and not services.EMAIL_RE.match(email):
        errors.add("email", _("Enter a valid email address, like name@example.com."))
    services._check_password(errors, "password", password)  # the one password rule
    errors.check()
    if honeypot:
        return None
    existing = services.find_user(email)
    if existing is not None:
        _tell_owner(existing)
        return None
    user = User(username=username, email=email, password_hash=hash_password(password), role=Role.MEMBER,
                **preferences.guessed_at_sign_up(time_zone))
    db.session.add(user)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same name or address registered a moment ago by another request
        db.session.rollback()
        raise Invalid(_("Some fields need attention."),
                      {"username": _("That username was just taken. Please choose another.")}) from None
    token = confirmation_token(user)
    _mail_link(user, _link(token))
    return token if show_link_on_page() else None


def _tell_owner(user: User) -> None:
    if not user.email:  # never taken: the owner was found by this address
        return
    base = site_root()
    with as_member(user):
        send_mail(to=user.email, subject=_("Someone tried to sign up with your address"),
                  text=_("Hello %(name)s,\n\nSomeone (perhaps you) tried to create a new account with this address, "
                         "which already has one. To use it, log in at %(base)s/login, or choose a new password at "
                         "%(base)s/reset-password.\nIf it was not you, nothing changed: ignore this mail.\n",
                         name=user.username, base=base))


def resend(*, user: User) -> str | None:
    """Mail a fresh link to an unconfirmed account; its token where the page may show the link."""
    if user.is_confirmed:
        raise Invalid(_("Your address is already confirmed."), {"email": _("Already confirmed.")})
    token = confirmation_token(user)
    _mail_link(user, _link(token))
    return token if show_link_on_page() else None


def confirm_email(*, token: str, log_in: bool = False) -> User:
    """Mark the address confirmed; a link used twice still works (it confirms nothing new). With `log_in` a
    session starts too: the link proves the mailbox, as a password reset link does."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    except SignatureExpired:
        raise Invalid(_("This confirmation link has expired. Log in and ask for a new one."),
                      {"token": "expired"}) from None
    except BadSignature:
        raise Invalid(_("This confirmation link is not valid. Log in and ask for a new one."),
                      {"token": "invalid"}) from None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.is_deleted or data.get("email") != user.email:
        raise Invalid(_("This confirmation link is not valid. Log in and ask for a new one."), {"token": "invalid"})
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    if log_in:
        sessions.start(user)
    db.session.commit()
    return user
