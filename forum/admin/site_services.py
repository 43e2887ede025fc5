"""Site settings use cases: read them for editing, save them (checked, audited, every cached page made stale)."""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_decimal

from forum import site
from forum.audit import record_audit
from forum.extensions import db
from forum.i18n import _, shipped_languages
from forum.links import path_for
from forum.markup import render_markdown
from forum.models import Category, Role, SiteSettings, User
from forum.policy import Policy
from forum.validation import FieldErrors

# the fields of /admin/settings and of GET, PATCH /api/v1/admin/settings (DESIGN.md §5), in the form's order
FIELDS = ("community_name", "company_name", "tagline", "guidelines", "accent_color", "sla_hours",
          "auto_escalate_hours", "default_language")
NAME_MAX, TAGLINE_MAX, GUIDELINES_MAX, HOURS_MAX = 60, 140, 10_000, 720
_SHORT_HEX = re.compile(r"#[0-9a-f]{3}\Z")


def site_settings(*, actor: User) -> site.Site:
    """The settings as they apply now (stored values over the defaults): admins only."""
    policy = Policy(actor)
    policy.ensure(policy.can_edit_site_settings(), _("Only admins can change the site settings."))
    return site.settings()


def stored_site_settings(*, actor: User) -> SiteSettings | None:
    """The row an admin edits (None on a fresh database): the form shows the stored values, not the defaults."""
    policy = Policy(actor)
    policy.ensure(policy.can_edit_site_settings(), _("Only admins can change the site settings."))
    return db.session.scalar(sa.select(SiteSettings).order_by(SiteSettings.id).limit(1))


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    where: str  # the page to do it at, or "" when it is the operator's environment
    hint: str


def setup_checklist(*, actor: User) -> list[ChecklistItem]:
    """What a new community still needs, each ticked when done: admins only."""
    policy = Policy(actor)
    policy.ensure(policy.can_edit_site_settings(), _("Only admins see the setup checklist."))
    current, config = site.settings(), current_app.config
    categories = db.session.scalar(sa.select(sa.func.count()).select_from(Category)
                                   .where(Category.archived.is_(False)))
    staff = db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.role.in_((Role.STAFF, Role.MODERATOR)), User.is_deleted.is_(False)))
    host = urlsplit(config.get("SITE_URL") or "").hostname or ""
    return [
        ChecklistItem("community_name", _("Name the community"), "community_name" in current.configured,
                      path_for("admin.settings"), _("Shown in every page's header and title; now “%(name)s”.",
                                           name=current.community_name)),
        ChecklistItem("company_name", _("Say which company runs it"), "company_name" in current.configured,
                      path_for("admin.settings"), _("Staff badges say “Works at …” and escalations name your staff.")),
        ChecklistItem("categories", _("Create at least one category"), bool(categories), path_for("admin.categories"),
                      _("Members cannot ask a question or share an idea until one exists.")),
        ChecklistItem("staff", _("Give at least one person the staff role"), bool(staff), path_for("admin.users"),
                      _("Staff answer escalations and respond to ideas.")),
        ChecklistItem("mail", _("Configure outgoing mail"), bool(config.get("MAIL_SERVER")), "",
                      _("Set MAIL_SERVER (and MAIL_PORT, MAIL_USERNAME, ...) in the server's environment; until "
                        "then mail waits in the outbox (docs/operations.md, “Mail”).")),
        ChecklistItem("site_url", _("Set the site's public address"), host not in ("", "127.0.0.1", "localhost"),
                      "", _("Set SITE_URL in the server's environment: every link in mail, feeds and exports is "
                            "built from it (docs/deploy.md).")),
    ]


def update_site_settings(*, actor: User, values: Mapping[str, Any]) -> site.Site:
    """Change the fields present in `values`; every field is checked and all problems are reported together.
    One audit entry names what changed. The SLA and auto-escalation hours apply to new escalations only."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.can_edit_site_settings(), _("Only admins can change the site settings."))
    cleaned = _clean({name: values[name] for name in FIELDS if name in values})
    row = db.session.scalar(sa.select(SiteSettings).order_by(SiteSettings.id).limit(1).with_for_update())
    if row is None:
        row = SiteSettings(id=1, community_name="", company_name="", tagline="", guidelines_md="",
                           guidelines_html="", accent_color="", default_language="en")
        db.session.add(row)
    changed = [name for name, value in cleaned.items() if getattr(row, name) != value]
    if not changed:
        return site.settings()
    for name in changed:
        setattr(row, name, cleaned[name])
    if "guidelines_md" in changed:
        row.guidelines_html = render_markdown(row.guidelines_md) if row.guidelines_md else ""
    row.updated_by_id = actor.id
    record_audit(actor=actor, action="site.settings", target_type="site", target_id=None, label="Site settings",
                 note="; ".join(_describe(name, cleaned[name]) for name in changed))
    db.session.commit()  # the row's flush bumps the "site" and "settings" versions: every cached page is stale
    site.forget()
    return site.settings()


def _describe(name: str, value: Any) -> str:
    if name == "guidelines_md":
        return "guidelines edited"
    return f"{name} = {'default' if value is None else value}"


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Checked values under the model's column names; raises Invalid with a message per bad field."""
    errors, out = FieldErrors(), dict[str, Any]()
    if "community_name" in values:
        out["community_name"] = errors.text("community_name", values["community_name"], label=_("Community name"),
                                            max_len=NAME_MAX)
    if "company_name" in values:  # optional: without one, staff are just "staff" (its own checklist step)
        out["company_name"] = errors.text("company_name", values["company_name"], label=_("Company name"), min_len=0,
                                          max_len=NAME_MAX)
    if "tagline" in values:
        out["tagline"] = errors.text("tagline", values["tagline"], label=_("Tagline"), min_len=0, max_len=TAGLINE_MAX)
    if "guidelines" in values:
        out["guidelines_md"] = errors.text("guidelines", values["guidelines"], label=_("Guidelines"), min_len=0,
                                           max_len=GUIDELINES_MAX, multiline=True)
    if "accent_color" in values:
        out["accent_color"] = _color(errors, values["accent_color"])
    for name, label in (("sla_hours", _("The escalation SLA")),
                        ("auto_escalate_hours", _("The auto-escalation delay"))):
        if name in values:
            out[name] = _hours(errors, name, values[name], label)
    if "default_language" in values:
        language = errors.text("default_language", values["default_language"], label=_("Default language"),
                               min_len=0, max_len=16)  # blank: the server's default, as the form says
        if language and language not in shipped_languages():  # a catalogue must exist for it (issue 20)
            errors.add("default_language", _("Choose the language code of a shipped language: %(codes)s.",
                                             codes=", ".join(shipped_languages())))
        out["default_language"] = language
    errors.check()
    return out


def _color(errors: FieldErrors, value: Any) -> str:
    color = errors.text("accent_color", value, label=_("Accent colour"), min_len=0,
                        max_len=7).lower()  # blank: the default
    if not color:
        return ""
    if _SHORT_HEX.match(color):
        color = "#" + "".join(c * 2 for c in color[1:])
    if not site.HEX_COLOR.match(color):
        errors.add("accent_color", _("Give the colour as a hex code such as #1747b8."))
        return color
    ratio = site.contrast_ratio(color, site.TEXT_ON_ACCENT)
    if ratio < site.MIN_CONTRAST:
        errors.add("accent_color", _("White text on %(color)s has a contrast of only %(ratio)s:1; it needs at "
                                     "least %(minimum)s:1 to be readable. Choose a darker colour.", color=color,
                                     ratio=_ratio(ratio), minimum=format_decimal(site.MIN_CONTRAST)))
        return color
    # the accent is also the links' colour, on the page and on its own light tint (active tabs, mentions)
    ratio = min(site.contrast_ratio(color, background) for background in (site.PAGE_BACKGROUND,
                                                                          site.soft_tint(color)))
    if ratio < site.MIN_CONTRAST:
        errors.add("accent_color", _("Links in %(color)s on the page's light backgrounds have a contrast of only "
                                     "%(ratio)s:1; they need at least %(minimum)s:1 to be readable. Choose a "
                                     "darker colour.", color=color, ratio=_ratio(ratio),
                                     minimum=format_decimal(site.MIN_CONTRAST)))
    return color


def _ratio(ratio: float) -> str:
    """Rounded down, so a refused 4.46 never reads as the 4.5 it needs."""
    return str(format_decimal(math.floor(ratio * 10) / 10, "0.0"))


def _hours(errors: FieldErrors, name: str, value: Any, label: str) -> int | None:
    """A whole number of hours; empty or null means "the server's default"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        errors.add(name, _("%(label)s must be a whole number of hours.", label=label))
        return None
    try:
        hours = int(value.strip() if isinstance(value, str) else value)
    except ValueError:
        errors.add(name, _("%(label)s must be a whole number of hours.", label=label))
        return None
    if not 1 <= hours <= HOURS_MAX:
        errors.add(name, _("%(label)s must be between 1 and %(max)d hours.", label=label, max=HOURS_MAX))
    return hours

