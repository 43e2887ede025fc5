"""The site's settings as everything reads them: the stored row over the configuration's defaults, read at most
once per request and cached across requests until an admin changes them; and the support policy built on them."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, g

from forum import pagecache
from forum.extensions import db
from forum.i18n import _
from forum.pagecache.store import cache_get, cache_set, current_versions
from forum.models import Category, SiteSettings

log = logging.getLogger(__name__)
_KEY = "site-settings"
STORED = ("community_name", "company_name", "tagline", "guidelines_md", "guidelines_html", "accent_color",
          "sla_hours", "auto_escalate_hours", "default_language")
TEXT_ON_ACCENT = "#ffffff"  # what the stylesheets put on the accent (buttons, the hero): see static/css/forum.css
PAGE_BACKGROUND = "#f4f6fa"  # --c-bg in static/css/forum.css, under links in the accent
SOFT_TINT = 0.9  # white's share in --c-primary-soft, the lightest tint the accent is written on (active tabs, chips)
MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text
HEX_COLOR = re.compile(r"#[0-9a-f]{6}\Z")


@dataclass(frozen=True)
class Site:
    """What pages, mail, feeds and exports say about the community. `configured` names the fields an admin set
    (the rest are the configuration's defaults), for the setup checklist."""

    community_name: str
    company_name: str
    tagline: str
    guidelines_md: str
    guidelines_html: str
    accent_color: str
    sla_hours: int
    auto_escalate_hours: int
    default_language: str
    configured: frozenset[str]

    @property
    def staff_name(self) -> str:
        """Who answers escalations: "Acme staff", or just "staff" until a company name is set."""
        return _("%(company)s staff", company=self.company_name) if self.company_name else _("staff")

    @property
    def staff_title(self) -> str:
        """The same at the start of a sentence: "Acme staff", "Staff"."""
        return self.staff_name[:1].upper() + self.staff_name[1:]

    @property
    def team_name(self) -> str:
        """Who answers ideas: "the Acme team", or "the team"."""
        return _("the %(company)s team", company=self.company_name) if self.company_name else _("the team")

    @property
    def theme_version(self) -> str:
        """Part of the stylesheet's URL, so a new colour is a new URL that browsers may cache for a year."""
        return self.accent_color.lstrip("#")


def settings() -> Site:
    """The current settings: once per request (or CLI command) from `g`, else from the shared cache, else one
    read of the row. On a GET request their version rides along with the page's other version lookups
    (forum/pagecache/store.py), so a page pays no statement for them once they are cached."""
    site: Site | None = g.get("site_settings")
    if site is None:
        try:
            values = _cached()
        except sa.exc.SQLAlchemyError:  # the error page of a database outage still renders, with the defaults
            log.warning("site settings unreadable: showing the defaults", exc_info=True)
            values = {"stored": False}
        site = g.site_settings = _build(values)
    return site


def _cached() -> dict[str, Any]:
    """Version 0 means no settings were ever saved (saving bumps it, forum/pagecache/scopes.py): the defaults,
    without reading the table. Otherwise the stored values, kept in the shared cache under their version."""
    (version,) = current_versions([pagecache.SETTINGS])
    if version == 0:
        return {"stored": False}
    key = f"memo:{_KEY}|{pagecache.SETTINGS}={version}"
    values: dict[str, Any] | None = cache_get(key)
    if values is None:
        values = _load()
        cache_set(key, values, timeout=current_app.config.get("PAGE_CACHE_SECONDS", 300))
    return values


def forget() -> None:
    """After saving: this request or command reads the new settings, not the ones it had."""
    g.pop("site_settings", None)
    current_app.extensions.pop("forum_site_language", None)  # forum/i18n.py: this process's default language


def _load() -> dict[str, Any]:
    row = db.session.scalar(sa.select(SiteSettings).order_by(SiteSettings.id).limit(1))
    if row is None:
        return {"stored": False}  # None would read as a miss: a row never saved is cached too
    return {"stored": True, **{name: getattr(row, name) for name in STORED}}


def defaults() -> dict[str, Any]:
    """What applies where no admin set a value: the configuration (the environment, for the support hours)."""
    config = current_app.config
    return {"community_name": config.get("COMMUNITY_NAME", "Community"),
            "company_name": config.get("COMPANY_NAME", ""), "tagline": "", "guidelines_md": "",
            "guidelines_html": "", "accent_color": config.get("ACCENT_COLOR", "#1747b8"),
            "sla_hours": config["ESCALATION_SLA_HOURS"], "auto_escalate_hours": config["AUTO_ESCALATE_AFTER_HOURS"],
            "default_language": config.get("DEFAULT_LANGUAGE", "en")}


def _build(values: dict[str, Any]) -> Site:
    fallback = defaults()
    configured = frozenset(name for name in STORED if values.get(name) not in (None, ""))
    merged = {name: values[name] if name in configured else fallback[name] for name in STORED}
    return Site(**merged, configured=configured)


def support_policy(category: Category | None) -> tuple[int, int]:
    """(SLA hours, auto-escalation delay in hours) for a question in `category`: the category's own value, else
    the site setting, else the environment's ESCALATION_SLA_HOURS / AUTO_ESCALATE_AFTER_HOURS. Escalations
    keep the due time they were opened with, so a change applies to new escalations only."""
    site = settings()
    sla = category.sla_hours if category is not None and category.sla_hours else site.sla_hours
    delay = category.auto_escalate_hours if category is not None and category.auto_escalate_hours \
        else site.auto_escalate_hours
    return sla, delay


# -- colour ---------------------------------------------------------------------------------------------------
def _channels(color: str) -> tuple[float, float, float]:
    red, green, blue = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return red, green, blue


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _channels(color)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(color: str, other: str, share: float) -> str:
    """`color` with `share` (0..1) of `other` mixed in, as #rrggbb."""
    parts = [round((a * (1 - share) + b * share) * 255) for a, b in zip(_channels(color), _channels(other))]
    return "#" + "".join(f"{part:02x}" for part in parts)


def soft_tint(accent: str) -> str:
    return mix(accent, "#ffffff", SOFT_TINT)


def theme_css(site: Site) -> str:
    """The custom properties that carry the accent colour (static/css/forum.css defines the rest)."""
    accent = site.accent_color
    return (":root {\n"
            f"  --c-primary: {accent};\n  --c-link: {accent};\n"
            f"  --c-primary-hover: {mix(accent, '#000000', 0.2)};\n"
            f"  --c-primary-soft: {soft_tint(accent)};\n"
            f"  --c-primary-border: {mix(accent, '#ffffff', 0.7)};\n"
            "}\n")
