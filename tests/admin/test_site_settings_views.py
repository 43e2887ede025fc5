"""/admin/settings (HTML) and /api/v1/admin/settings (JSON): who may, the form, the API's fields, bad input, and
every page (cached visitors' pages included) showing the new name at once."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.admin.site_services import FIELDS
from forum.extensions import db
from forum.models import AuditEntry, Role, SiteSettings, Thread
from tests.conftest import login_as
from tests.factories import make_thread, make_user

ROLES = {"member": Role.MEMBER, "staff": Role.STAFF, "moderator": Role.MODERATOR, "admin": Role.ADMIN}
GOOD = {"community_name": "Acme Community", "company_name": "Acme", "tagline": "Answers from Acme owners",
        "guidelines": "Be *kind*.", "accent_color": "#0055aa", "sla_hours": "6", "auto_escalate_hours": "20",
        "default_language": "en"}


@pytest.fixture
def ids(app):
    with app.app_context():
        found = {name: make_user(name, role=role).id for name, role in ROLES.items()}
        asker = make_user("asker")
        thread = make_thread(asker, title="How do I pair a second hub?")
        return {**found, "asker": asker.id, "thread": thread.id, "slug": thread.slug}


def as_(client, ids, who):
    if who != "visitor":
        login_as(client, ids[who])
    return client


def _stored(app) -> SiteSettings | None:
    with app.app_context():
        return db.session.scalar(sa.select(SiteSettings))


@pytest.mark.parametrize("who", ["member", "staff", "moderator"])
def test_member_staff_and_moderator_cannot_see_or_change_the_settings(app, client, ids, who):
    as_(client, ids, who)
    assert client.get("/admin").status_code == 403
    assert client.get("/admin/settings").status_code == 403
    assert client.post("/admin/settings", data=GOOD).status_code == 403
    assert client.get("/api/v1/admin/settings").status_code == 403
    response = client.patch("/api/v1/admin/settings", json={"community_name": "Mine"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert _stored(app) is None
    assert ">Admin</a>" not in client.get("/").get_data(as_text=True)


def test_a_visitor_is_sent_to_log_in_or_told_401(app, client, ids):
    for url in ("/admin", "/admin/settings"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/admin/settings", data=GOOD).status_code == 302
    assert client.get("/api/v1/admin/settings").status_code == 401
    assert client.patch("/api/v1/admin/settings", json={"community_name": "Mine"}).status_code == 401
    assert _stored(app) is None


def test_an_admin_saves_the_form_and_every_page_shows_the_new_identity(app, client, ids):
    as_(client, ids, "admin")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'name="community_name"' in page and "new escalations only" in page
    response = client.post("/admin/settings", data=GOOD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/settings")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Site settings saved" in page and "open ones keep their due time" in page
    assert 'value="Acme Community"' in page and 'value="#0055aa"' in page
    page = client.get(f"/questions/{ids['thread']}/{ids['slug']}").get_data(as_text=True)
    assert "· Acme Community</title>" in page and '<span class="brand__name">Acme Community</span>' in page
    assert "<em>kind</em>" in page and "© " in page and "Acme." in page
    assert 'content="#0055aa"' in page and "/theme.css?v=0055aa" in page
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "site.settings"))
        assert entry.actor_id == ids["admin"] and "company_name = Acme" in entry.note


def test_bad_input_comes_back_next_to_the_fields_with_everything_typed_kept(app, client, ids):
    as_(client, ids, "admin")
    client.post("/admin/settings", data=GOOD)
    bad = {**GOOD, "community_name": "", "tagline": "t" * 141, "accent_color": "#ffd166", "sla_hours": "soon",
           "company_name": "Typed Corp"}
    response = client.post("/admin/settings", data=bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="community_name-error"' in page and "Community name is required." in page
    assert 'id="accent_color-error"' in page and "4.5:1" in page and 'value="#ffd166"' in page
    assert 'id="tagline-error"' in page and 'id="sla_hours-error"' in page and 'value="soon"' in page
    assert 'value="Typed Corp"' in page and 'aria-invalid="true"' in page
    assert _stored(app).company_name == "Acme"  # nothing of the refused form was saved


def test_an_accent_too_light_for_links_comes_back_on_the_form_and_the_api_names_it(app, client, ids):
    """#2f6bf0 passes under white text (4.7:1) but not as link text on the page's light backgrounds."""
    as_(client, ids, "admin")
    client.post("/admin/settings", data=GOOD)
    response = client.post("/admin/settings", data={**GOOD, "accent_color": "#2f6bf0"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="accent_color-error"' in page and "Links in #2f6bf0" in page and "4.1:1" in page
    assert 'value="#2f6bf0"' in page
    response = client.patch("/api/v1/admin/settings", json={"accent_color": "#2f6bf0"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"accent_color"}
    assert "4.1:1" in response.get_json()["error"]["fields"]["accent_color"]
    assert _stored(app).accent_color == "#0055aa"
    assert client.patch("/api/v1/admin/settings", json={"accent_color": "#1747b8"}).status_code == 200


def test_the_api_reads_and_patches_exactly_the_design_fields(app, client, ids):
    as_(client, ids, "admin")
    body = client.get("/api/v1/admin/settings").get_json()
    assert set(body) == set(FIELDS) and body["sla_hours"] == app.config["ESCALATION_SLA_HOURS"]
    response = client.patch("/api/v1/admin/settings", json={**GOOD, "sla_hours": 6, "auto_escalate_hours": None})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == set(FIELDS) and body["community_name"] == "Acme Community" and body["sla_hours"] == 6
    assert body["auto_escalate_hours"] == app.config["AUTO_ESCALATE_AFTER_HOURS"] and body["guidelines"] == "Be *kind*."
    assert client.get("/api/v1/admin/settings").get_json() == body


def test_the_api_answers_422_with_the_fields_and_saves_nothing(app, client, ids):
    as_(client, ids, "admin")
    client.patch("/api/v1/admin/settings", json={"community_name": "Kept"})
    response = client.patch("/api/v1/admin/settings", json={
        "community_name": "", "accent_color": "#eeeeee", "tagline": "x" * 200, "sla_hours": "8h",
        "auto_escalate_hours": 1.5})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"community_name", "accent_color", "tagline", "sla_hours", "auto_escalate_hours"}
    assert "contrast" in error["fields"]["accent_color"]
    assert client.patch("/api/v1/admin/settings", data="[1]", content_type="application/json").status_code == 400
    assert client.get("/api/v1/admin/settings").get_json()["community_name"] == "Kept"


def test_a_visitors_cached_page_shows_the_new_name_on_the_next_request(app, ids):
    visitor, admin = app.test_client(), as_(app.test_client(), ids, "admin")
    url = f"/questions/{ids['thread']}/{ids['slug']}"
    first = visitor.get(url)
    assert first.headers.get("ETag") and visitor.get(url).get_data() == first.get_data()  # served from the cache
    assert "Acme Community" not in first.get_data(as_text=True)
    assert admin.patch("/api/v1/admin/settings", json={"community_name": "Acme Community"}).status_code == 200
    fresh = visitor.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200 and "· Acme Community</title>" in fresh.get_data(as_text=True)
    assert "Acme Community" in visitor.get("/").get_data(as_text=True)


def test_the_accent_colour_is_a_versioned_stylesheet_of_our_own_origin(app, client, ids):
    as_(client, ids, "admin")
    client.patch("/api/v1/admin/settings", json={"accent_color": "#0055aa"})
    page = client.get("/")
    assert "style-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'href="/theme.css?v=0055aa"' in page.get_data(as_text=True)
    css = client.get("/theme.css?v=0055aa")
    assert css.mimetype == "text/css" and "--c-primary: #0055aa;" in css.get_data(as_text=True)
    assert "immutable" in css.headers["Cache-Control"]
    assert client.get("/theme.css?v=old").headers["Cache-Control"] == "no-cache"


def test_the_admin_link_is_in_the_admins_header_only_never_in_a_visitors_cached_page(app, ids):
    admin, visitor = as_(app.test_client(), ids, "admin"), app.test_client()
    url = f"/questions/{ids['thread']}/{ids['slug']}"
    assert 'href="/admin"' in admin.get(url).get_data(as_text=True)
    assert 'href="/admin"' in admin.get("/").get_data(as_text=True)
    for _ in range(2):
        assert 'href="/admin"' not in visitor.get(url).get_data(as_text=True)
        assert 'href="/admin"' not in visitor.get("/").get_data(as_text=True)


def test_a_company_name_changes_the_copy_that_named_one(app, client, ids):
    as_(client, ids, "admin")
    client.patch("/api/v1/admin/settings", json={"community_name": "Acme Community", "company_name": "Acme",
                                                 "sla_hours": 5})
    login_as(client, ids["staff"])
    assert "Acme staff" in client.get("/users/staff").get_data(as_text=True)
    notice = client.get("/privacy").get_data(as_text=True)
    assert "Acme staff see what every member sees" in notice and "answered within 5 hours" in notice
    assert "How Acme Community handles your data" in notice
    feed = app.test_client().get("/feeds/questions.atom").get_data(as_text=True)
    assert "Acme Community: new questions" in feed


def test_the_escalation_form_promises_the_questions_own_sla(app, client, ids):
    as_(client, ids, "admin")
    client.patch("/api/v1/admin/settings", json={"sla_hours": 9})
    login_as(client, ids["asker"])
    page = client.get(f"/questions/{ids['thread']}/escalate").get_data(as_text=True)
    assert "usually within 9 hours" in page
    with app.app_context():
        thread = db.session.get(Thread, ids["thread"])
        thread.category.sla_hours = 3
        db.session.commit()
    assert "usually within 3 hours" in client.get(f"/questions/{ids['thread']}/escalate").get_data(as_text=True)
