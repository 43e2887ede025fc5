"""Field checks shared by services: each collects a message per field, then raises one Invalid."""
from __future__ import annotations

import re
from typing import Any

from flask import g, has_app_context
from flask_babel import format_number

from forum.errors import Invalid
from forum.i18n import _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Text no storage or browser should receive: NUL (PostgreSQL refuses it), UTF-16 surrogates that JSON's
# "\ud800" escapes decode to on their own (no UTF-8 encoder accepts them: they were the 500s of issue 17), and
# the 66 Unicode non-characters (U+FDD0..U+FDEF and the last two code points of every plane).
_HOSTILE = re.compile("[\x00\ud800-\udfff\ufdd0-\ufdef" + "".join(
    chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17)) + "]")
REFUSED_KEY = "refused_fields"  # flask.g: form fields forum/web.py cleaned at the door, by name


def has_hostile_text(text: str) -> bool:
    return _HOSTILE.search(text) is not None


def strip_hostile_text(text: str) -> str:
    return _HOSTILE.sub("", text)


def hostile_message(label: str) -> str:
    return _("%(label)s contained characters that are not allowed (NUL, an unpaired UTF-16 surrogate or a Unicode "
             "non-character). They have been removed: check the text and send it again.", label=label)


def _refused_at_the_door() -> dict[str, str]:
    """Fields the request guard cleaned; a service's checks claim them so the form says so next to the field."""
    return g.setdefault(REFUSED_KEY, {}) if has_app_context() else {}


class FieldErrors:
    """Collects messages so a form shows every problem at once, not the first one."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def text(self, field: str, value: object, *, label: str, min_len: int = 1, max_len: int,
             multiline: bool = False, hint: str | None = None) -> str:
        """Strip, refuse control characters (NUL included: PostgreSQL rejects it), check the length.
        `hint` says what a too-short value should hold ("Describe what you tried and what happened"): the
        message is then the hint and the minimum, not just a number of characters."""
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(field, _("%(label)s must be text.", label=label))
            return ""
        value = value.replace("\r\n", "\n").strip()
        bad = _CONTROL.search(value) if multiline else re.search(r"[\x00-\x1f\x7f]", value)
        if _refused_at_the_door().pop(field, None) is not None or has_hostile_text(value):
            self.add(field, hostile_message(label))
            value = strip_hostile_text(value)
        elif bad:
            self.add(field, _("%(label)s contains characters that are not allowed.", label=label))
        elif min_len and len(value) < min_len and hint:
            self.add(field, _("%(hint)s.", hint=hint) if min_len == 1 else
                     _("%(hint)s: at least %(min)d characters (it has %(has)d).", hint=hint, min=min_len,
                       has=len(value)) if value else _("%(hint)s: at least %(min)d characters.", hint=hint,
                                                        min=min_len))
        elif min_len and len(value) < min_len:
            self.add(field, _("%(label)s is required.", label=label) if min_len == 1 else
                     _("%(label)s must be at least %(min)d characters.", label=label, min=min_len))
        elif len(value) > max_len:
            self.add(field, _("%(label)s must be at most %(max)s characters (it has %(has)s).", label=label,
                              max=format_number(max_len), has=format_number(len(value))))
        return value

    def check(self) -> None:
        """Raise one Invalid with every message; fields cleaned at the door that no check claimed are named
        too, so text that lost characters is never saved without the author being told."""
        for field in list(_refused_at_the_door()):
            self.add(field, _refused_at_the_door().pop(field))
        if self.errors:
            raise Invalid(_("Some fields need attention."), self.errors)


def parse_id(value: Any) -> int | None:
    """A row id from a body or form: a whole number within the id column's range, else None (a 25-digit
    number overflowed the database driver: a 500 found by schemathesis)."""
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and 0 < number <= 2**31 - 1 else None


def parse_int(value: Any, default: int, *, minimum: int = 1, maximum: int = 10_000) -> int:
    """Page numbers and sizes from a query string: absurd values fall back instead of failing."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return min(max(number, minimum), maximum)
