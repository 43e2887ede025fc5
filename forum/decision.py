"""Decision: the Policy's answer to "may this person do this?", carrying the reason a refusal shows."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Decision:
    """Allowed, or refused with one reason in the reader's language.

    The reason is written once, beside the rule that refuses (forum/policy.py), so the 403 page, the JSON error
    and a form that explains why it is not shown all say the same thing, and no service words it again."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def refused(reason: str) -> Decision:
    return Decision(False, reason)
