"""Privacy use cases: profile visibility, account deletion, and personal details sent privately to staff."""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from forum.audit import record_audit
from forum.auth.passwords import verify_password
from forum.auth.roles import ensure_not_last_admin
from forum.errors import Invalid, NotFound
from forum.extensions import db
from forum.i18n import _, _l
from forum.markup import rename_mention, render_markdown
from forum.models import (ApiToken, AuditEntry, Escalation, Flag, Idea, IdeaComment, IdeaVote, Notification,
                          NotificationPreference, OutboxMail, Post, PostRevision, ReputationEvent, Role, Subscription,
                          User, Vote)
from forum.notifications.mentions import MentionResolver
from forum.policy import Policy
from forum.validation import FieldErrors

VISIBILITIES = ("public", "members", "private")
VISIBILITY_LABELS = {
    "public": _l("Public: anyone can see your profile"),
    "members": _l("Members only: signed-in members can see your profile"),
    "private": _l("Private: others see only your name and avatar"),
}


def deleted_name(user_id: int) -> str:
    """The placeholder username a deleted account keeps; unique because the id is."""
    return f"deleted-{user_id}"


def set_profile_visibility(*, actor: User, visibility: object) -> User:
    """Public, members-only or private; posts stay attributed by username whatever the choice."""
    Policy(actor).ensure(actor is not None and actor.is_authenticated and not actor.is_deleted,
                         _("Please log in first."))
    if visibility not in VISIBILITIES:
        raise Invalid(_("Some fields need attention."),
                      {"profile_visibility": _("Choose public, members or private.")})
    actor.profile_visibility = visibility
    db.session.commit()
    return actor


def delete_account(*, actor: User, target: User, password: object = None, note: object = "") -> User:
    """Erase the person, keep the conversation: posts, ideas and comments stay, attributed to "deleted user N".

    Members confirm with their password; an admin acting on request gives no password and the deletion is
    audited. Everything happens in one transaction, so a failure leaves the account exactly as it was.
    """
    policy = Policy(actor)
    policy.ensure(policy.can_delete_account(target), _("You cannot delete this account."))
    errors = FieldErrors()
    self_service = actor.id == target.id
    if self_service and not verify_password(target.password_hash, password if isinstance(password, str) else "")[0]:
        errors.add("password", _("That is not your password."))
    note = errors.text("note", note, label=_("Note"), min_len=0, max_len=500, multiline=True)
    errors.check()
    if target.role == Role.ADMIN:  # only admins themselves get here: admins never delete another admin
        ensure_not_last_admin(target, "delete")
    user_id, old_name = target.id, target.username
    try:
        _erase(target, old_name)
        if not self_service:
            record_audit(actor=actor, action="user.delete", target_type="user", target_id=user_id,
                         label=deleted_name(user_id), note=note or "deleted on request")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return target


def _erase(user: User, old_name: str) -> None:
    user_id, placeholder = user.id, f"deleted user {user.id}"
    # Votes keep counting (scores and reputation stay right) but no longer say whose they were.
    db.session.execute(sa.update(Vote).where(Vote.user_id == user_id).values(user_id=None))
    db.session.execute(sa.update(IdeaVote).where(IdeaVote.user_id == user_id).values(user_id=None))
    db.session.execute(sa.update(Flag).where(Flag.reporter_id == user_id).values(reporter_id=None))
    db.session.execute(sa.update(Escalation).where(Escalation.requested_by_id == user_id).values(private_note=None))
    for model in (ApiToken, Subscription, NotificationPreference, OutboxMail, Notification, ReputationEvent):
        db.session.execute(sa.delete(model).where(model.user_id == user_id))
    # Notifications others received begin with the name at the time ("jo answered ..."); only that prefix
    # is rewritten, so a name that is also a word elsewhere in the text is not mangled.
    db.session.execute(sa.update(Notification).where(
        Notification.actor_id == user_id,
        sa.func.substr(Notification.text, 1, len(old_name)) == old_name).values(
        text=sa.literal(placeholder, sa.String).concat(sa.func.substr(Notification.text, len(old_name) + 1))))
    _rename_mentions(old_name, deleted_name(user_id))
    _redact_audit_labels(user_id, old_name)
    db.session.execute(sa.update(User).where(User.id == user_id).values(
        username=deleted_name(user_id), email=None, password_hash=None, bio="", reputation=0,
        profile_visibility="private", last_seen_at=None, suspension_reason=None, is_deleted=True,
        session_version=User.session_version + 1))  # every session and remember-me cookie ends
    db.session.expire(user)


def _mentioning(model: type[Any], old_name: str) -> list[Any]:
    """Rows whose Markdown may hold @old_name (LIKE narrows, rename_mention decides)."""
    needle = f"@{old_name.lower()}"
    return list(db.session.scalars(sa.select(model).where(sa.func.lower(model.body_md).contains(needle,
                                                                                                autoescape=True))))


def _rename_mentions(old_name: str, new_name: str) -> None:
    """Others' @mentions of the member now name the placeholder: the conversation still reads, the name is gone.
    Posts are rendered again with their other mentions still linked (and so reindexed for search)."""
    for model in (Post, PostRevision, Idea, IdeaComment):
        for row in _mentioning(model, old_name):
            renamed = rename_mention(row.body_md, old_name, new_name)
            if renamed == row.body_md:
                continue
            row.body_md = renamed
            if model is Post:
                row.body_html = render_markdown(renamed, mention_resolver=MentionResolver())
            elif model is not PostRevision:
                row.body_html = render_markdown(renamed)


def _redact_audit_labels(user_id: int, old_name: str) -> None:
    """The audit log is append-only, except for erasure: entries keep what happened and who did it (by id),
    while the deleted member's name in their labels and notes becomes the placeholder."""
    word = re.compile(rf"(?<![\w.-]){re.escape(old_name)}(?![\w-])", re.IGNORECASE)
    needle = old_name.lower()
    entries = db.session.scalars(sa.select(AuditEntry).where(sa.or_(
        sa.func.lower(AuditEntry.target_label).contains(needle, autoescape=True),
        sa.func.lower(AuditEntry.note).contains(needle, autoescape=True))))
    for entry in entries:
        entry.target_label = word.sub(deleted_name(user_id), entry.target_label)
        entry.note = word.sub(deleted_name(user_id), entry.note)


def read_private_details(*, actor: User, escalation_id: int) -> dict:
    """The private note and the requester's email for the assigned staff member; every look is audited."""
    escalation = db.session.get(Escalation, escalation_id)
    if escalation is None:
        raise NotFound(_("That escalation does not exist."))
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.can_read_private_note(escalation),
                  _("Only the staff member assigned to this escalation can read its private details."))
    requester = escalation.requested_by
    email = requester.email if requester is not None and policy.can_see_email(requester, escalation) else None
    record_audit(actor=actor, action="escalation.private_view", target_type="escalation", target_id=escalation.id,
                 label=escalation.subject.title, note="viewed the private note and the requester's email"
                 if email else "viewed the private note")
    db.session.commit()
    return {"escalation": escalation, "note": escalation.private_note, "email": email, "requester": requester}
