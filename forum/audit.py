"""The audit writer: every staff and moderator action adds one entry in the action's own transaction, under a code
`<what>.<verb>` (forum/moderation/audit.py names each code for the log, and a test fails on a code it lacks)."""
from __future__ import annotations

from forum.extensions import db
from forum.models import AuditEntry, User


def record_audit(*, actor: User | None, action: str, target_type: str, target_id: int | None,
                 label: str = "", note: str = "") -> None:
    """Adds, never commits: the entry lands with the action or not at all. Entries are never edited,
    except that erasing an account replaces that member's name in them (forum/privacy/services.py)."""
    db.session.add(AuditEntry(actor_id=actor.id if actor is not None else None, action=action,
                              target_type=target_type, target_id=target_id, target_label=label[:200],
                              note=note or ""))
