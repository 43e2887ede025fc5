"""The server-side personal-data check every publishing service runs before text goes public.

The browser hint (static/js/pii.js) is a courtesy; this is the authority. It never blocks for good:
with `confirm_public` the author posts anyway, with `private_to_staff` the details are removed from the
public text and kept in a private note that only the assigned staff member reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from flask import current_app, has_app_context

from forum.errors import Invalid
from forum.escalation_opening import open_escalation
from forum.i18n import _, _l
from forum.models import Escalation, Idea, Thread, User
from forum.pii import CustomPattern, Finding, describe, find_pii, parse_patterns, redact

PRIVATE_REASON = ("The member sent personal details privately with their post. Only the staff member assigned "
                  "to this escalation can read them.")


class PIIDetected(Invalid):
    """422 with code "pii_detected": the text looks personal and the author has not confirmed."""

    code, default_message = "pii_detected", _l("This looks like it contains personal information.")

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
    message = _("This looks like it contains %(kinds)s. Posts are public: edit it out, post anyway, or send it "
                "privately to staff.", kinds=describe(every))
    fields: dict[str, str] = {name: Advisory(_("Looks like %(kinds)s: %(found)s. Anyone can read this once it is posted.",
                               kinds=describe(found), found=", ".join(f.text for f in found[:3])))
              for name, found in findings.items()}
    raise PIIDetected(message, fields, findings)


def attach_private_note(*, actor: User, note: str, thread: Thread | None = None,
                        idea: Idea | None = None) -> Escalation:
    """Open an escalation carrying `note` for staff only, on the thread or the idea the text was posted to;
    adds, never commits (the caller's post commits it).

    A separate escalation per note, requested by its writer, so deleting that member's account removes
    exactly their notes and nobody else's.
    """
    return open_escalation(thread=thread, idea=idea, requested_by=actor, source="member", reason=PRIVATE_REASON,
                           private_note=note)
