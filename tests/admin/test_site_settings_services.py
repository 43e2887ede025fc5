"""Site settings as a service: defaults, saving, checks, the audit entry, and the support policy built on them."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from forum import clock, site
from forum.admin import site_services as services
from forum.errors import Invalid, PermissionDenied
from forum.escalations import services as escalations
from forum.extensions import db
from forum.models import AuditEntry, Category, Escalation, Role, SiteSettings
from tests.factories import make_category, make_thread, make_user

T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def admin(ctx):
    return make_user("root", role=Role.ADMIN)


def _row() -> SiteSettings | None:
    return db.session.scalar(sa.select(SiteSettings))


@pytest.mark.config(ESCALATION_SLA_HOURS=30, AUTO_ESCALATE_AFTER_HOURS=50)
def test_a_fresh_database_shows_the_configured_defaults_and_names_no_company(ctx):
    current = site.settings()
    assert (current.community_name, current.company_name) == ("Community", "")
    assert (current.sla_hours, current.auto_escalate_hours, current.default_language) == (30, 50, "en")
    assert current.configured == frozenset() and current.staff_name == "staff" and current.team_name == "the team"
    assert _row() is None


def test_an_admin_saves_every_field_and_one_audit_entry_says_what_changed(admin):
    saved = services.update_site_settings(actor=admin, values={
        "community_name": "  Acme Community ", "company_name": "Acme", "tagline": "Help from Acme owners",
        "guidelines": "Be **kind**.<script>alert(1)</script>", "accent_color": "#05A", "sla_hours": "8",
        "auto_escalate_hours": 12, "default_language": "nl"})
    assert (saved.community_name, saved.company_name, saved.tagline) == ("Acme Community", "Acme",
                                                                         "Help from Acme owners")
    assert saved.accent_color == "#0055aa" and (saved.sla_hours, saved.auto_escalate_hours) == (8, 12)
    assert saved.default_language == "nl" and saved.staff_name == "Acme staff"
    assert "<strong>kind</strong>" in saved.guidelines_html and "<script" not in saved.guidelines_html
    db.session.expire_all()
    assert _row().updated_by_id == admin.id
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "site.settings")).all()
    assert len(entries) == 1 and entries[0].actor_id == admin.id
    assert "community_name = Acme Community" in entries[0].note and "sla_hours = 8" in entries[0].note


def test_saving_only_some_fields_keeps_the_others_and_null_hours_mean_the_default(admin, app):
    services.update_site_settings(actor=admin, values={"community_name": "Acme", "company_name": "Acme Inc",
                                                       "sla_hours": 6})
    current = services.update_site_settings(actor=admin, values={"tagline": "One line", "sla_hours": None})
    assert (current.community_name, current.company_name, current.tagline) == ("Acme", "Acme Inc", "One line")
    assert current.sla_hours == app.config["ESCALATION_SLA_HOURS"]


def test_saving_nothing_new_writes_no_audit_entry(admin):
    services.update_site_settings(actor=admin, values={"community_name": "Acme"})
    services.update_site_settings(actor=admin, values={"community_name": "Acme"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("community_name", "", "Community name is required."),
    ("community_name", "   ", "Community name is required."),
    ("company_name", "x" * 61, "at most 60 characters"),
    ("company_name", 42, "must be text"),
    ("tagline", "t" * 141, "at most 140 characters"),
    ("tagline", "two\nlines", "not allowed"),
    ("accent_color", "blue", "hex code"),
    ("accent_color", "#12345g", "hex code"),
    ("accent_color", "#ffff00", "contrast"),
    ("accent_color", "#7a9cff", "4.5:1"),
    ("sla_hours", "eight", "whole number of hours"),
    ("sla_hours", 2.5, "whole number of hours"),
    ("sla_hours", True, "whole number of hours"),
    ("auto_escalate_hours", 0, "between 1 and 720"),
    ("auto_escalate_hours", "721", "between 1 and 720"),
    ("default_language", "english!", "language code"),
    ("default_language", "pt-BR", "language code"),  # well formed, but no catalogue ships for it
])
def test_bad_values_are_refused_with_a_message_for_the_field_and_nothing_is_saved(admin, field, value, message):
    services.update_site_settings(actor=admin, values={"community_name": "Kept", "company_name": "Kept Inc"})
    with pytest.raises(Invalid) as raised:
        services.update_site_settings(actor=admin, values={"community_name": "Changed", field: value})
    assert message in raised.value.fields[field]
    db.session.rollback()
    assert site.settings().community_name == "Kept" and _row().community_name == "Kept"


def test_the_contrast_message_gives_the_ratio_and_the_minimum(admin):
    with pytest.raises(Invalid) as raised:
        services.update_site_settings(actor=admin, values={"accent_color": "#ffd166"})
    assert "contrast of only 1.4:1" in raised.value.fields["accent_color"]
    assert "at least 4.5:1" in raised.value.fields["accent_color"]


def test_an_accent_too_light_for_links_is_refused_though_white_text_on_it_passes(admin):
    """#2f6bf0 carries white text at 4.7:1 but, as link text, reads at 4.3:1 on the page and 4.1:1 on its tint."""
    assert site.contrast_ratio("#2f6bf0", site.TEXT_ON_ACCENT) >= site.MIN_CONTRAST
    with pytest.raises(Invalid) as raised:
        services.update_site_settings(actor=admin, values={"accent_color": "#2f6bf0"})
    message = raised.value.fields["accent_color"]
    assert "Links in #2f6bf0" in message and "contrast of only 4.1:1" in message and "at least 4.5:1" in message
    db.session.rollback()
    assert _row() is None or _row().accent_color != "#2f6bf0"


@pytest.mark.parametrize("color", ["#1747b8", "#0055aa", "#3b5bdb", "#6d28d9"])
def test_accents_readable_as_links_and_under_white_text_are_kept(admin, color):
    saved = services.update_site_settings(actor=admin, values={"accent_color": color})
    assert saved.accent_color == color
    for background in (site.TEXT_ON_ACCENT, site.PAGE_BACKGROUND, site.soft_tint(color)):
        assert site.contrast_ratio(color, background) >= site.MIN_CONTRAST


def test_a_refused_ratio_is_rounded_down_never_up_to_the_minimum(admin):
    assert site.contrast_ratio("#2563eb", site.soft_tint("#2563eb")) == pytest.approx(4.49, abs=0.005)
    with pytest.raises(Invalid) as raised:
        services.update_site_settings(actor=admin, values={"accent_color": "#2563eb"})
    assert "contrast of only 4.4:1" in raised.value.fields["accent_color"]


def test_the_contrast_check_reads_the_backgrounds_the_stylesheets_draw(ctx):
    css = (Path(__file__).parents[2] / "static" / "css" / "forum.css").read_text(encoding="utf-8")
    assert f"--c-bg: {site.PAGE_BACKGROUND};" in css
    theme = site.theme_css(dataclasses.replace(site.settings(), accent_color="#1747b8"))
    assert f"--c-primary-soft: {site.soft_tint('#1747b8')};" in theme and "--c-link: #1747b8;" in theme


def test_wcag_contrast_is_computed_from_relative_luminance():
    assert site.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert site.contrast_ratio("#1747b8", "#ffffff") == pytest.approx(8.0, abs=0.1)
    assert site.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    assert site.contrast_ratio("#777777", "#ffffff") < 4.5


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF, Role.MODERATOR])
def test_member_staff_and_moderator_cannot_change_or_read_the_settings(ctx, role):
    user = make_user(role=role)
    with pytest.raises(PermissionDenied):
        services.update_site_settings(actor=user, values={"community_name": "Mine"})
    with pytest.raises(PermissionDenied):
        services.site_settings(actor=user)
    with pytest.raises(PermissionDenied):
        services.setup_checklist(actor=user)
    assert _row() is None


# -- support policy ---------------------------------------------------------------------------------------------
@pytest.mark.config(ESCALATION_SLA_HOURS=24, AUTO_ESCALATE_AFTER_HOURS=48)
def test_support_policy_takes_the_category_then_the_site_then_the_environment(admin):
    billing, general = make_category("billing"), make_category("general")
    assert site.support_policy(general) == (24, 48) and site.support_policy(None) == (24, 48)
    services.update_site_settings(actor=admin, values={"sla_hours": 12})
    assert site.support_policy(general) == (12, 48)
    billing.sla_hours, billing.auto_escalate_hours = 4, 6
    db.session.commit()
    assert site.support_policy(billing) == (4, 6) and site.support_policy(general) == (12, 48)
    services.update_site_settings(actor=admin, values={"auto_escalate_hours": 20})
    assert site.support_policy(billing) == (4, 6) and site.support_policy(general) == (12, 20)


@pytest.mark.config(ESCALATION_SLA_HOURS=24, AUTO_ESCALATE_AFTER_HOURS=48)
def test_new_hours_apply_to_new_escalations_only(admin):
    clock.freeze(T0)
    asker = make_user("asker")
    first = make_thread(asker, title="The hub keeps dropping off Wi-Fi")
    second = make_thread(asker, title="The app logs me out every morning")
    clock.freeze(T0 + timedelta(days=2))
    old, _ = escalations.escalate_thread(actor=asker, thread=first, reason="Still broken after a reset")
    assert old.due_at == T0 + timedelta(days=2, hours=24)
    services.update_site_settings(actor=admin, values={"sla_hours": 4})
    new, _ = escalations.escalate_thread(actor=asker, thread=second, reason="Nobody has answered at all")
    db.session.expire_all()
    assert db.session.get(Escalation, old.id).due_at == T0 + timedelta(days=2, hours=24)  # kept
    assert db.session.get(Escalation, new.id).due_at == T0 + timedelta(days=2, hours=4)


@pytest.mark.config(ESCALATION_SLA_HOURS=24, AUTO_ESCALATE_AFTER_HOURS=48)
def test_the_overdue_sweep_waits_each_categorys_own_delay(admin):
    clock.freeze(T0)
    billing, general = make_category("billing"), make_category("general")
    billing.sla_hours, billing.auto_escalate_hours = 2, 4
    db.session.commit()
    asker = make_user("asker")
    bill = make_thread(asker, title="I was charged twice this month", category="billing")
    other = make_thread(asker, title="Which bulbs work with the hub?", category="general")
    now = T0 + timedelta(hours=5)
    assert escalations.escalate_overdue_questions(now=now) == 1
    auto = db.session.scalar(sa.select(Escalation).where(Escalation.thread_id == bill.id))
    assert auto.source == "auto" and auto.reason == "No answer after 4 hours."
    assert auto.due_at == now + timedelta(hours=2)
    services.update_site_settings(actor=admin, values={"auto_escalate_hours": 6, "sla_hours": 10})
    assert escalations.escalate_overdue_questions(now=T0 + timedelta(hours=5, minutes=59)) == 0
    later = T0 + timedelta(hours=6)
    assert escalations.escalate_overdue_questions(now=later) == 1
    swept = db.session.scalar(sa.select(Escalation).where(Escalation.thread_id == other.id))
    assert swept.reason == "No answer after 6 hours." and swept.due_at == later + timedelta(hours=10)
    assert db.session.get(Category, general.id).sla_hours is None
