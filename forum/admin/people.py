"""People and roles for admins: find a member by name or email, change their role; the last admin always stays.

`actor=None` is the operator at the command line (`flask forum set-role`), trusted like every CLI command but
held to the same last-admin rule. A new role is read with the account on the member's next request (the
session loader and token lookup read the row each time), so nothing needs to be logged out.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from forum import pagecache
from forum.audit import record_audit
from forum.auth.roles import ensure_not_last_admin
from forum.errors import NotFound
from forum.extensions import db
from forum.i18n import _, _l
from forum.models import Role, User
from forum.pagination import Page, clamp, page_of_ids
from forum.policy import Policy
from forum.validation import FieldErrors

PER_PAGE, MAX_MATCHES, QUERY_MAX = 20, 1000, 254
ROLE_LABELS = {Role.MEMBER: _l("Member"), Role.STAFF: _l("Staff"), Role.MODERATOR: _l("Moderator"),
               Role.ADMIN: _l("Admin")}


@dataclass
class PeoplePage(Page):
    """A page of accounts; `by_email` when the search was an exact address (then that address may be shown:
    the admin typed it). Otherwise addresses stay masked: looking one up is the audited reveal on the profile."""

    query: str = ""
    role: str = ""
    by_email: bool = False
    capped: bool = False  # more than MAX_MATCHES matched: the total says MAX_MATCHES, the page asks for more letters


def _ensure_admin(actor: User | None) -> None:
    if actor is None:  # the command line
        return
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.can_manage_people(), _("Only admins can manage people and roles."))


def find_people(*, actor: User | None, query: object = "", role: object = "", page: int = 1,
                per_page: int = PER_PAGE) -> PeoplePage:
    """Accounts whose username starts with `query` (any case), or whose email is exactly `query`; optionally of
    one role. Every form of the search reads an index (lower(username), email, role) and stops at MAX_MATCHES."""
    _ensure_admin(actor)
    text = (query if isinstance(query, str) else "").strip().lower()[:QUERY_MAX]
    role = role if role in Role.ORDER else ""
    ids = sa.select(User.id).where(User.is_deleted.is_(False))
    by_email = "@" in text
    order: list = [(User.id, True)]  # newest accounts first
    if by_email:
        ids = ids.where(User.email == text)
    elif text:
        name = sa.func.lower(User.username)
        # a range on the lower(username) index; U+FFFF sorts after every character in ICU and C collations
        ids = ids.where(name >= text, name < text + "\uffff", name.startswith(text, autoescape=True))
        order = [(name, False)]  # unique: the index's own order
    if role:
        ids = ids.where(User.role == role)
    if text or role:
        matched = db.session.scalar(sa.select(sa.func.count()).select_from(ids.limit(MAX_MATCHES + 1).subquery())) or 0
    else:  # everyone: counted once per change to the accounts
        matched = pagecache.memo("admin:people-count", [pagecache.SITE], lambda: db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.is_deleted.is_(False))) or 0)
    capped = bool(text or role) and matched > MAX_MATCHES
    total = min(matched, MAX_MATCHES) if capped else matched
    page = clamp(page, total, per_page)
    if capped:  # past MAX_MATCHES the far end is unknown: read forwards (at most MAX_MATCHES entries)
        page_ids = list(db.session.scalars(ids.order_by(*(column.asc() if not descending else column.desc()
                                                          for column, descending in order))
                                           .limit(per_page).offset((page - 1) * per_page)))
    else:  # from whichever end of the index is nearer, so the last page costs what the first does
        page_ids = page_of_ids(ids, order, page, total, per_page)
    users = {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(page_ids)))} \
        if page_ids else {}
    return PeoplePage(items=[users[i] for i in page_ids], page=page, per_page=per_page, total=total, query=text,
                      role=role, by_email=by_email, capped=capped)


def masked_email(email: str | None) -> str:
    """“j•••@example.com”: enough to tell two accounts apart, not enough to write to."""
    if not email or "@" not in email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def set_role(*, actor: User | None, user: User, role: object, note: object = "") -> User:
    """Give `user` a role; audited. The last active admin cannot step down (promote another admin first)."""
    _ensure_admin(actor)
    errors = FieldErrors()
    if role not in Role.ORDER:
        errors.add("role", _("Choose a role: member, staff, moderator or admin."))
    note = errors.text("note", note, label=_("Note"), min_len=0, max_len=500, multiline=True)
    errors.check()
    if user.is_deleted:
        raise NotFound(_("No member by that name."))
    if user.role == role:
        return user  # nothing changes, nothing to record
    if user.role == Role.ADMIN:
        ensure_not_last_admin(user, "demote")
    previous = user.role
    user.role = str(role)  # one of Role.ORDER: check() raised otherwise
    record_audit(actor=actor, action="user.role", target_type="user", target_id=user.id, label=user.username,
                 note=f"{previous} → {role}" + (f": {note}" if note else "")
                 + (" (command line)" if actor is None else ""))
    db.session.commit()
    return user
