"""What every publishing form (question, answer, edit, idea, idea comment) shares about the personal-data check."""
from __future__ import annotations

from collections.abc import Mapping

from flask import flash

from forum.errors import Invalid
from forum.i18n import _
from forum.pii_guard import Finding, PIIDetected


def pii_findings(error: Invalid) -> dict[str, list[Finding]] | None:
    """The details found, for the warning with its three choices (edit, post anyway, send privately)."""
    return error.findings if isinstance(error, PIIDetected) else None


def flash_if_private(form: Mapping[str, str]) -> None:
    """Tell the author where the details went when they chose to send them privately."""
    if form.get("private_to_staff"):
        flash(_("The personal details were removed from the public post and sent privately to staff; only the "
                "staff member who takes your case can read them."), "info")
