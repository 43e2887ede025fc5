"""The one rule roles keep whoever changes them: the last active admin stays. Demoting a member (forum/admin) and
deleting an account (forum/privacy) both ask it, so it lives with the accounts, below both."""
from __future__ import annotations

import sqlalchemy as sa

from forum.clock import utcnow
from forum.errors import Conflict
from forum.extensions import db
from forum.i18n import _
from forum.models import Role, User


def ensure_not_last_admin(user: User, doing: str) -> None:
    """Refuse to demote or delete the only active admin: nobody could then promote or configure anyone.

    The active admins' rows are locked first (PostgreSQL; SQLite's write transactions are already serial), so two
    admins demoting each other at once cannot both succeed."""
    now = utcnow()
    admins = db.session.scalars(
        sa.select(User.id).where(User.role == Role.ADMIN, User.is_deleted.is_(False),
                                 sa.or_(User.suspended_until.is_(None), User.suspended_until <= now))
        .order_by(User.id).with_for_update()).all()
    if not [admin_id for admin_id in admins if admin_id != user.id]:
        raise Conflict(_("%(name)s is the last admin and cannot be demoted: make another member an admin first.",
                         name=user.username) if doing == "demote" else
                       _("%(name)s is the last admin and cannot be deleted: make another member an admin first.",
                         name=user.username))
