"""JSON twin of /admin/settings: GET and PATCH /api/v1/admin/settings (admins only)."""
from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

from forum import site
from forum.admin import site_services as services
from forum.api import bp
from forum.api.helpers import json_body, require_user
from forum.api.openapi import STR, _obj, op


def settings_json(current: site.Site) -> dict[str, Any]:
    """Exactly the fields of DESIGN.md §5, as they apply now (an hour left to the server shows its default)."""
    return {"community_name": current.community_name, "company_name": current.company_name,
            "tagline": current.tagline, "guidelines": current.guidelines_md, "accent_color": current.accent_color,
            "sla_hours": current.sla_hours, "auto_escalate_hours": current.auto_escalate_hours,
            "default_language": current.default_language}


@bp.get("/admin/settings")
def get_site_settings() -> ResponseReturnValue:
    return jsonify(settings_json(services.site_settings(actor=require_user())))


@bp.patch("/admin/settings")
def update_site_settings() -> ResponseReturnValue:
    user = require_user()
    return jsonify(settings_json(services.update_site_settings(actor=user, values=json_body())))


_HOURS = {"type": "integer", "minimum": 1, "maximum": services.HOURS_MAX}
_FIELDS: dict[str, dict[str, Any]] = {
    "community_name": {"type": "string", "minLength": 1, "maxLength": services.NAME_MAX},
    "company_name": {"type": "string", "maxLength": services.NAME_MAX,
                     "description": "may be blank: the pages then name no company"},
    "tagline": {"type": "string", "maxLength": services.TAGLINE_MAX},
    "guidelines": {"type": "string", "maxLength": services.GUIDELINES_MAX,
                   "description": "Markdown; shown in the footer and on the privacy notice"},
    "accent_color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$",
                     "description": "refused under 4.5:1 contrast for white text on it, or for it as link text on the "
                                    "page background (#f4f6fa) and on its own light tint (10% of it in white)"},
    "sla_hours": _HOURS, "auto_escalate_hours": _HOURS, "default_language": STR,
}
OPENAPI_SCHEMAS = {
    "SiteSettings": _obj(list(services.FIELDS), **_FIELDS),
    "SiteSettingsUpdate": {"type": "object", "properties": {
        name: {**schema, "nullable": True} if name.endswith("_hours") else schema for name, schema in _FIELDS.items()},
        "description": "Any subset of the fields; null hours fall back to the server's defaults. New SLA and "
                       "delay hours apply to new escalations only."},
}
OPENAPI_PATHS = {
    "/admin/settings": {
        "get": op("The site settings (admins)", "admin", schema="SiteSettings", auth=True),
        "patch": op("Change site settings (admins); audited, every cached page refreshed", "admin",
                    body="SiteSettingsUpdate", schema="SiteSettings", auth=True),
    },
}
