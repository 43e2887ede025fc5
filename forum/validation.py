"""Field checks shared by services: each collects a message per field, then raises one Invalid."""
from __future__ import annotations

import re
from typing import Any

from forum.errors import Invalid

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FieldErrors:
    """Collects messages so a form shows every problem at once, not the first one."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def text(self, field: str, value: Any, *, label: str, min_len: int = 1, max_len: int,
             multiline: bool = False) -> str:
        """Strip, refuse control characters (NUL included: PostgreSQL rejects it), check the length."""
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(field, f"{label} must be text.")
            return ""
        value = value.replace("\r\n", "\n").strip()
        bad = _CONTROL.search(value) if multiline else re.search(r"[\x00-\x1f\x7f]", value)
        if bad:
            self.add(field, f"{label} contains characters that are not allowed.")
        elif min_len and len(value) < min_len:
            self.add(field, f"{label} is required." if min_len == 1 else
                     f"{label} must be at least {min_len} characters.")
        elif len(value) > max_len:
            self.add(field, f"{label} must be at most {max_len:,} characters (it has {len(value):,}).")
        return value

    def check(self) -> None:
        if self.errors:
            raise Invalid("Some fields need attention.", self.errors)


def parse_int(value: Any, default: int, *, minimum: int = 1, maximum: int = 10_000) -> int:
    """Page numbers and sizes from a query string: absurd values fall back instead of failing."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return min(max(number, minimum), maximum)
