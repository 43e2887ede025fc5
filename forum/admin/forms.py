"""Field checks for categories, shared by the admin page, the API and the command line: every problem at once."""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from forum.extensions import db
from forum.i18n import _, _l
from forum.models import Category
from forum.validation import FieldErrors

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MIN, SLUG_MAX, NAME_MIN, NAME_MAX, DESCRIPTION_MAX = 2, 60, 2, 80, 500
HOURS_MAX = 720  # 30 days: a longer promise is no support policy
FIELDS = ("slug", "name", "description", "position", "archived", "sla_hours", "auto_escalate_hours")
LABELS = {"slug": _l("Slug"), "name": _l("Name"), "description": _l("Description"), "position": _l("Position"),
          "archived": _l("Archived"), "sla_hours": _l("Staff reply within (hours)"),
          "auto_escalate_hours": _l("Escalate unanswered questions after (hours)")}


def clean_category(raw: dict[str, Any], *, current: Category | None, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Checked values for the fields given (all of `required` must be); every problem at once, as Invalid."""
    errors, values = FieldErrors(), dict[str, Any]()
    for field in required:
        raw.setdefault(field, None)
    if "slug" in raw:
        slug = errors.text("slug", raw["slug"], label=_("Slug"), max_len=SLUG_MAX).lower()
        if "slug" not in errors.errors and (len(slug) < SLUG_MIN or not SLUG_RE.match(slug)):
            errors.add("slug", _("Use %(min)d to %(max)d lowercase letters, digits and single hyphens, like "
                                 "“billing-and-plans”.", min=SLUG_MIN, max=SLUG_MAX))
        elif "slug" not in errors.errors and _slug_in_use(slug, current):
            errors.add("slug", _("Another category already uses that slug."))
        values["slug"] = slug
    if "name" in raw:
        values["name"] = errors.text("name", raw["name"], label=_("Name"), min_len=NAME_MIN, max_len=NAME_MAX)
        if "name" not in errors.errors and _name_in_use(values["name"], current):
            errors.add("name", _("Another category already has that name."))
    if "description" in raw:
        values["description"] = errors.text("description", raw["description"], label=_("Description"), min_len=0,
                                            max_len=DESCRIPTION_MAX, multiline=True)
    if "position" in raw and raw["position"] not in (None, ""):
        values["position"] = _whole(errors, "position", raw["position"], 1, 10_000, _("Position"))
    if "archived" in raw:
        values["archived"] = _flag(errors, "archived", raw["archived"])
    for field in ("sla_hours", "auto_escalate_hours"):
        if field in raw:
            values[field] = None if raw[field] in (None, "") else _whole(errors, field, raw[field], 1, HOURS_MAX,
                                                                         _("Hours"))
    errors.check()
    return values


def _whole(errors: FieldErrors, field: str, value: object, low: int, high: int, label: str) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.add(field, _("%(label)s must be a whole number from %(low)d to %(high)d, or left blank for the site "
                            "default.", label=label, low=low, high=high) if field.endswith("_hours") else
                   _("%(label)s must be a whole number from %(low)d to %(high)d.", label=label, low=low, high=high))
        return None
    return value


def _flag(errors: FieldErrors, field: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("1", "on", "true", "yes", 1):
        return True
    if value in ("0", "", "false", "no", 0, None):
        return False
    errors.add(field, _("Archived must be true or false."))
    return False


def _slug_in_use(slug: str, current: Category | None) -> bool:
    found = db.session.scalar(sa.select(Category.id).where(Category.slug == slug))
    return found is not None and (current is None or found != current.id)


def _name_in_use(name: str, current: Category | None) -> bool:
    found = db.session.scalar(sa.select(Category.id).where(sa.func.lower(Category.name) == name.lower(),
                                                           Category.id != (current.id if current else -1)))
    return found is not None
