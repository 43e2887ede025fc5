"""The server-side personal-data check every publishing service runs before text goes public.

The browser hint (static/js/pii.js) is a courtesy; this is the authority. It never blocks for good:
with `confirm_public` the author posts anyway, with `private_to_staff` the details are removed from the
public text and kept in a private note that only the assigned staff member reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from flask import current_app, has_app_context

from forum.clock import utcnow
from forum.errors import Invalid
from forum.extensions import db
from forum.models import Escalation, EscalationStatus, Idea, Thread, User
from forum.privacy.pii import CustomPattern, Finding, describe, find_pii, parse_patterns, redact
from forum.site import support_policy

PRIVATE_REASON = ("The member sent personal details privately with their post. Only the staff member assigned "
                  "to this escalation can read them.")


class PIIDetected(Invalid):
    """422 with code "pii_detected": the text looks personal and the author has not confirmed."""

    code, default_message = "pii_detected", "This looks like it contains personal information."

    def __init__(self, message: str, fields: dict[str, str], findings: dict[str, list[Finding]]) -> None:
        super().__init__(message, fields)
        self.findings = findings


class Advisory(str):
    """A field message that warns without refusing: the author may post anyway. The JSON error carries it like any
    message; a form shows it once, in the warning panel with the three choices, and does not mark the field as an
    error (templates/_macros/forms.html reads `advisory`)."""

    advisory = True


@dataclass
class Screened:
    """The text to publish (redacted when sent privately) and the private note to keep, if any."""

    values: dict[str, str]
    private_note: str | None = None
    findings: dict[str, list[Finding]] = field(default_factory=dict)


@lru_cache(maxsize=8)
def _compiled(raw: object) -> tuple[CustomPattern, ...]:
    return parse_patterns(raw)


def company_patterns() -> tuple[CustomPattern, ...]:
    """The PII_PATTERNS in force (compiled once per distinct setting; bad ones skipped with a warning)."""
    if not has_app_context():
        return ()
    raw = current_app.config.get("PII_PATTERNS") or ""
    return _compiled(tuple(raw) if isinstance(raw, list) else raw)


def truthy(value: object) -> bool:
    """confirm_public arrives as true (JSON), "1"/"true"/"on" (forms) or not at all."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return value is True or value == 1


def screen(values: dict[str, str], *, confirm_public: object = False, private_to_staff: object = False,
           labels: dict[str, str] | None = None) -> Screened:
    """Raise PIIDetected unless the author confirmed; redact and keep a private note when sent to staff."""
    patterns = company_patterns()
    findings = {name: found for name, text in values.items() if text and (found := find_pii(text, patterns))}
    if not findings or truthy(confirm_public):
        return Screened(values, None, findings)
    if truthy(private_to_staff):
        redacted = {name: redact(text, findings[name]) if name in findings else text for name, text in values.items()}
        note = "\n\n".join(f"{(labels or {}).get(name, name.title())}:\n{values[name]}" for name in findings)
        return Screened(redacted, note, findings)
    every = [finding for found in findings.values() for finding in found]
    message = (f"This looks like it contains {describe(every)}. Posts are public: edit it out, post anyway, "
               "or send it privately to staff.")
    fields = {name: Advisory(f"Looks like {describe(found)}: {', '.join(f.text for f in found[:3])}. Anyone can "
                             "read this once it is posted.") for name, found in findings.items()}
    raise PIIDetected(message, fields, findings)


def attach_private_note(*, actor: User, note: str, thread: Thread | None = None,
                        idea: Idea | None = None) -> Escalation:
    """Open an escalation carrying `note` for staff only, on the thread or the idea the text was posted to;
    adds, never commits (the caller's post commits it).

    A separate escalation per note, requested by its writer, so deleting that member's account removes
    exactly their notes and nobody else's.
    """
    if (thread is None) == (idea is None):
        raise ValueError("A private note belongs to exactly one thread or idea.")
    now = utcnow()
    escalation = Escalation(thread_id=thread.id if thread else None, idea_id=idea.id if idea else None,
                            requested_by_id=actor.id, source="member", reason=PRIVATE_REASON,
                            private_note=note, status=EscalationStatus.OPEN, created_at=now,
                            due_at=now + timedelta(hours=support_policy((thread or idea).category)[0]))
    db.session.add(escalation)
    db.session.flush()
    return escalation
