"""Issue 20 (c): who reads which language. Accept-Language among the shipped languages, the member's choice
over it, the site's default when neither says; <html lang> follows; visitors' cached pages are kept apart by
language and say `Vary: Accept-Language`; the settings page and the sign-up store the choices."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import render_template_string

from forum.extensions import db
from forum.i18n import as_member
from forum.models import User
from tests.conftest import login_as
from tests.factories import make_thread, make_user, set_site

DUTCH = {"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.8"}
GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.fixture
def ids(app):
    with app.app_context():
        member = make_user("marit")
        thread = make_thread(member, title="How do I pair a second hub?")
        return {"member": member.id, "thread": thread.id, "slug": thread.slug}


@pytest.mark.parametrize("headers, expected", [(DUTCH, "nl"), (ENGLISH, "en"), (GERMAN, "en"), ({}, "en"),
                                               ({"Accept-Language": "fr;q=0.9, nl;q=0.3"}, "nl")])
def test_a_visitor_gets_the_best_shipped_match_of_their_browser(client, ids, headers, expected):
    assert _lang(client.get("/", headers=headers)) == expected


def test_the_sites_default_language_applies_when_the_browser_names_none_we_ship(app, client, ids):
    with app.app_context():
        set_site(default_language="nl")
    assert _lang(client.get("/questions", headers=GERMAN)) == "nl"
    assert _lang(client.get("/questions", headers=ENGLISH)) == "en"  # the browser's match still comes first


def test_the_members_choice_wins_over_the_browser(app, client, ids):
    with app.app_context():
        db.session.get(User, ids["member"]).language = "en"
        db.session.commit()
    login_as(client, ids["member"])
    assert _lang(client.get("/", headers=DUTCH)) == "en"
    with app.app_context():
        db.session.get(User, ids["member"]).language = None  # "browser's choice"
        db.session.commit()
    assert _lang(client.get("/", headers=DUTCH)) == "nl"


def test_cached_visitor_pages_are_kept_apart_by_language_and_vary_on_it(client, ids):
    path = f"/questions/{ids['thread']}/{ids['slug']}"
    dutch = client.get(path, headers=DUTCH)
    english = client.get(path, headers=ENGLISH)
    again = client.get(path, headers=DUTCH)  # from the cache: still the Dutch page
    assert (_lang(dutch), _lang(english), _lang(again)) == ("nl", "en", "nl")
    assert again.get_data() == dutch.get_data()
    assert dutch.headers["ETag"] != english.headers["ETag"] and again.headers["ETag"] == dutch.headers["ETag"]
    for response in (dutch, english, again):
        assert {"Accept-Language", "Cookie"} <= {value.strip() for value in response.headers["Vary"].split(",")}
    revalidated = client.get(path, headers={**ENGLISH, "If-None-Match": dutch.headers["ETag"]})
    assert revalidated.status_code == 200 and _lang(revalidated) == "en"  # the Dutch ETag is no English 304
    assert client.get(path, headers={**DUTCH, "If-None-Match": dutch.headers["ETag"]}).status_code == 304


def test_a_member_saves_language_and_time_zone_in_settings(app, client, ids):
    login_as(client, ids["member"])
    page = client.get("/settings").get_data(as_text=True)
    assert 'name="language"' in page and ">Nederlands</option>" in page and ">English</option>" in page
    assert '<option value="Europe/Amsterdam">' in page and 'name="time_zone"' in page
    response = client.post("/settings/language", data={"language": "nl", "time_zone": "Europe/Amsterdam"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings#language")
    with app.app_context():
        member = db.session.get(User, ids["member"])
        assert (member.language, member.time_zone) == ("nl", "Europe/Amsterdam")
    page = client.get("/settings", headers=ENGLISH)
    assert _lang(page) == "nl" and 'data-time-zone="Europe/Amsterdam"' in page.get_data(as_text=True)
    client.post("/settings/language", data={"language": "", "time_zone": ""})
    with app.app_context():
        member = db.session.get(User, ids["member"])
        assert (member.language, member.time_zone) == (None, None)


@pytest.mark.parametrize("data, field", [({"language": "nl", "time_zone": "Mars/Olympus_Mons"}, "time_zone"),
                                         ({"language": "klingon", "time_zone": "UTC"}, "language"),
                                         ({"time_zone": "UTC"}, "language")])
def test_a_bad_choice_is_refused_with_the_field_named_and_the_input_kept(app, client, ids, data, field):
    login_as(client, ids["member"])
    response = client.post("/settings/language", data=data, headers=ENGLISH)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="{field}-error"' in page
    if field == "time_zone":
        assert "Choose a time zone from the list" in page
        assert '<option value="Mars/Olympus_Mons" selected>' in page  # what was sent stays in the form
    with app.app_context():
        member = db.session.get(User, ids["member"])
        assert (member.language, member.time_zone) == (None, None)  # both or neither


def test_sign_up_keeps_the_browsers_language_and_guessed_time_zone(app, client):
    page = client.get("/register").get_data(as_text=True)
    assert 'name="time_zone"' in page and "js/timezone_guess." in page
    form = {"username": "joost", "email": "joost@example.com", "password": "a long password"}
    assert client.post("/register", data={**form, "time_zone": "Europe/Amsterdam"}, headers=DUTCH).status_code == 200
    assert client.post("/register", data={"username": "ann", "email": "ann@example.com",
                                          "password": "a long password", "time_zone": "Not/AZone"},
                       headers=GERMAN).status_code == 200
    with app.app_context():
        joost = db.session.scalar(sa.select(User).where(User.username == "joost"))
        ann = db.session.scalar(sa.select(User).where(User.username == "ann"))
        assert (joost.language, joost.time_zone) == ("nl", "Europe/Amsterdam")
        assert (ann.language, ann.time_zone) == (None, None)  # no shipped match, no known zone: the defaults


def test_the_api_tells_the_caller_their_language_and_time_zone(app, client, ids):
    login_as(client, ids["member"])
    assert {"language": None, "time_zone": None}.items() <= client.get("/api/v1/me").get_json().items()
    with app.app_context():
        member = db.session.get(User, ids["member"])
        member.language, member.time_zone = "nl", "Europe/Amsterdam"
        db.session.commit()
    body = client.get("/api/v1/me").get_json()
    assert (body["language"], body["time_zone"]) == ("nl", "Europe/Amsterdam")


def test_the_admin_chooses_the_default_among_the_shipped_languages(app, client):
    with app.app_context():
        admin = make_user("root", role="admin")
        admin_id = admin.id
    login_as(client, admin_id)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert '<select class="input" id="default_language" name="default_language"' in page
    assert '<option value="nl"' in page and ">Nederlands</option>" in page
    response = client.patch("/api/v1/admin/settings", json={"default_language": "de"})
    assert response.status_code == 422 and "default_language" in response.get_json()["error"]["fields"]


def test_templates_switch_language_inside_a_request_for_a_members_mail(app):
    """The page's catalogue is kept for the request, and as_member still switches it for one block."""
    dutch = SimpleNamespace(language="nl", time_zone=None)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string("{{ _('Questions') }}") == "Questions"
        with as_member(dutch):
            assert render_template_string("{{ _('Questions') }}") == "Vragen"
        assert render_template_string("{{ _('Questions') }}") == "Questions"
