"""/admin: the setup checklist ticks each item once it is done and links to where to do it."""
from __future__ import annotations

import re

import pytest

from forum.models import Role
from tests.conftest import login_as
from tests.factories import make_category, make_user, set_site

KEYS = ["community_name", "company_name", "categories", "staff", "mail", "site_url"]


def _ticks(page: str) -> dict[str, bool]:
    return {key: done == "true" for key, done in re.findall(r'data-check="(\w+)" data-done="(\w+)"', page)}


@pytest.mark.config(MAIL_SERVER="", SITE_URL="http://127.0.0.1:5000")
def test_a_fresh_community_has_nothing_ticked_and_links_to_each_page(app, client):
    with app.app_context():
        admin = make_user("root", role=Role.ADMIN).id
    login_as(client, admin)
    page = client.get("/admin").get_data(as_text=True)
    assert _ticks(page) == dict.fromkeys(KEYS, False)
    assert "0 of 6 done" in page
    for href in ('href="/admin/settings"', 'href="/admin/categories"', 'href="/admin/users"'):
        assert href in page
    assert "MAIL_SERVER" in page and "SITE_URL" in page and "docs/deploy.md" in page
    nav = page[page.index('aria-label="Admin sections"'):]
    links = re.findall(r">(Setup|Categories|People|Settings)</a>", nav)
    assert links[:4] == ["Setup", "Categories", "People", "Settings"]
    assert 'href="/admin" aria-current="page"' in nav


@pytest.mark.config(MAIL_SERVER="smtp.example.com", SITE_URL="https://community.example.com")
def test_each_item_is_ticked_once_done(app, client):
    with app.app_context():
        admin = make_user("root", role=Role.ADMIN).id
    login_as(client, admin)
    assert _ticks(client.get("/admin").get_data(as_text=True)) == {
        **dict.fromkeys(KEYS, False), "mail": True, "site_url": True}
    with app.app_context():
        set_site(community_name="Acme Community")
    assert _ticks(client.get("/admin").get_data(as_text=True))["community_name"] is True
    with app.app_context():
        set_site(company_name="Acme")
        make_category("general")
        make_user("sam", role=Role.STAFF)
    page = client.get("/admin").get_data(as_text=True)
    assert _ticks(page) == dict.fromkeys(KEYS, True) and "6 of 6 done" in page
    assert "Set up Acme Community" in page
