"""Links that work anywhere (issue 18): feeds, exports and mail build absolute links from SITE_URL, and in
development without it from the request's own host; the CSV's Content-Type names its charset once; feeds filter by
tag like by category."""
from __future__ import annotations

import re

import pytest

from forum.extensions import db
from forum.links import DEVELOPMENT_SITE_URL, absolute, site_root
from forum.models import Role
from forum.notifications.emails import site_url as mail_site_url
from tests.conftest import login_as
from tests.factories import make_idea, make_thread, make_user

SITE = "https://community.example.com"


@pytest.fixture
def data(app):
    with app.app_context():
        thread = make_thread(title="Hub drops off the network every night", tags=["hub", "c++"])
        make_thread(title="Router lights blink orange all day", tags=["router"])
        make_idea(title="Please add a night mode to the app")
        return {"thread": thread.id, "staff": make_user("staff1", role=Role.STAFF).id,
                "admin": make_user("admin1", role=Role.ADMIN).id}


def _links(body: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', body) + re.findall(r"<id>([^<]+)</id>", body)


@pytest.mark.config(SITE_URL=SITE)
@pytest.mark.parametrize("path", ["/feeds/questions.atom", "/feeds/ideas.atom", "/feeds/questions.atom?tag=hub"])
def test_feeds_link_to_site_url_whatever_host_was_asked(client, data, path):
    body = client.get(path, base_url="http://10.0.0.5:8000").get_data(as_text=True)
    links = _links(body)
    assert links and all(link.startswith(SITE + "/") for link in links), links


def test_without_site_url_feeds_use_the_requests_host(client, data):
    body = client.get("/feeds/questions.atom", base_url="http://forum.lan:8080").get_data(as_text=True)
    links = _links(body)
    assert links and all(link.startswith("http://forum.lan:8080/") for link in links), links
    assert DEVELOPMENT_SITE_URL not in body


@pytest.mark.parametrize("path", ["/feeds/questions.atom", "/sitemap.xml", "/questions"])
def test_without_site_url_a_cached_page_keeps_each_hosts_links(client, data, path):
    """Visitors' pages are cached whole: the copy built for one host must not send another host's readers there."""
    for host in ("http://127.0.0.1:5000", "http://forum.lan:8080", "http://127.0.0.1:5000"):
        body = client.get(path, base_url=host).get_data(as_text=True)
        hosts = set(re.findall(r"(?:href=\"|<loc>|<id>)(https?://[^/\"<]+)", body))
        assert hosts == {host}, (path, host, hosts)


def test_mail_outside_a_request_uses_site_url_or_the_clear_fallback(app):
    with app.app_context():
        assert app.config["SITE_URL"] == DEVELOPMENT_SITE_URL and mail_site_url() == DEVELOPMENT_SITE_URL
        app.config["SITE_URL"] = SITE + "/"
        assert mail_site_url() == SITE and absolute("/questions/3") == SITE + "/questions/3"
    with app.test_request_context(base_url="http://forum.lan:8080"):
        assert site_root() == SITE  # set: the request's host never overrides it
        app.config["SITE_URL"] = DEVELOPMENT_SITE_URL
        assert site_root() == "http://forum.lan:8080"


def test_reset_mail_link_uses_the_host_the_form_was_sent_to(app, client, data):
    outbox = app.extensions["mailman"].__dict__.setdefault("outbox", [])
    with app.app_context():
        make_user("carol", email="carol@example.com")
    outbox.clear()
    client.post("/reset-password", data={"email": "carol@example.com"}, base_url="http://forum.lan:8080")
    assert re.search(r"http://forum\.lan:8080/reset-password/\S+", outbox[-1].body)


def test_feed_filters_by_tag_like_by_category(client, data):
    body = client.get("/feeds/questions.atom?tag=hub").get_data(as_text=True)
    assert "Hub drops off the network every night" in body and "Router lights blink" not in body
    assert "tagged hub" in body
    assert "Hub drops off" in client.get("/feeds/questions.atom?tag=c%2B%2B").get_data(as_text=True)
    assert "/questions?sort=newest&amp;tag=c%2B%2B" in client.get("/feeds/questions.atom?tag=c%2B%2B").get_data(
        as_text=True)
    missing = client.get("/feeds/questions.atom?tag=nothing-here")
    assert missing.status_code == 404


@pytest.mark.config(SITE_URL=SITE)
def test_idea_export_csv_links_and_a_single_charset(client, data):
    login_as(client, data["staff"])
    response = client.get("/staff/ideas/export/download?format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f"{SITE}/ideas/" in response.get_data(as_text=True)
    api = client.get("/api/v1/ideas/export?format=csv")
    assert api.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_dashboard_csv_names_its_charset_once(client, data):
    login_as(client, data["staff"])
    response = client.get("/staff/dashboard/figures.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].count("charset") == 1


@pytest.mark.config(SITE_URL=SITE)
def test_privacy_export_links_are_absolute(app, client, data):
    import io
    import json
    import zipfile
    with app.app_context():
        from forum.models import Thread
        author_id = db.session.get(Thread, data["thread"]).author_id
    login_as(client, author_id)
    response = client.get("/settings/export/download")
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    posts = json.loads(archive.read("posts.json"))
    assert posts and all(post["url"].startswith(f"{SITE}/questions/{data['thread']}/") for post in posts)
