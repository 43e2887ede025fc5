"""Found by search engines and shared well (issue 18): robots.txt, a sitemap index of pages of at most 50,000
URLs that never lists hidden threads and stays a primary-key range read at 100k threads, canonical links, meta
descriptions from the rendered text, Open Graph and Twitter tags, and slugs that keep non-ASCII letters."""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa

from forum import create_app, seo
from forum.extensions import db
from forum.models import Category, Idea, Thread, User
from forum.questions.services import slugify
from tests.conftest import BACKENDS, _truncate_all, build_config, count_queries
from tests.factories import make_idea, make_thread, make_user

THREADS = 100_001  # three sitemap pages: 50,000 ids, 50,000 ids, one id
SITE = "https://community.example.com"
LOC = re.compile(r"<loc>([^<]+)</loc>")


@pytest.fixture(scope="module", params=BACKENDS)
def big(request, tmp_path_factory) -> Iterator:
    """100k threads inserted in bulk once per backend (a few seconds); every 7th hidden, every 11th held."""
    backend = request.param
    tmp = tmp_path_factory.mktemp(f"seo-{backend}")
    url = f"sqlite:///{tmp / 'seo.db'}" if backend == "sqlite" else request.getfixturevalue("pg_database")
    app = create_app(build_config(url, tmp, SITE_URL=SITE))
    with app.app_context():
        if backend == "sqlite":
            db.create_all()
        else:
            _truncate_all(db.engine)
        now = datetime(2026, 12, 1, 12, 0)
        with db.engine.begin() as conn:
            conn.execute(sa.insert(User), [dict(id=1, username="asker", email="asker@example.com", role="member",
                                                reputation=1, created_at=now)])
            conn.execute(sa.insert(Category), [dict(id=1, slug="general", name="General", position=1)])
            series = (f"WITH RECURSIVE series(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM series WHERE n < {THREADS})"
                      if backend == "sqlite" else f"WITH series(n) AS (SELECT generate_series(1, {THREADS}))")
            conn.execute(sa.text(  # one statement: 100k rows in about a second on either backend
                f"{series} INSERT INTO threads (id, title, slug, category_id, author_id, status, is_pinned, is_locked,"
                " is_hidden, held_at, created_at, last_activity_at, answer_count, score, view_count)"
                " SELECT n, 'Question ' || n, 'question-' || n, 1, 1, 'open', :no, :no, (n % 7 = 0),"
                " CASE WHEN n % 11 = 0 THEN :now END, :now, :now, 0, 0, 0 FROM series"
                if backend == "postgres" else
                f"INSERT INTO threads (id, title, slug, category_id, author_id, status, is_pinned, is_locked,"
                " is_hidden, held_at, created_at, last_activity_at, answer_count, score, view_count)"
                f" {series} SELECT n, 'Question ' || n, 'question-' || n, 1, 1, 'open', :no, :no, (n % 7 = 0),"
                " CASE WHEN n % 11 = 0 THEN :now END, :now, :now, 0, 0, 0 FROM series"),
                {"no": False, "now": now})
            if backend == "postgres":
                conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('threads', 'id'), 100002, false)")
        if backend == "sqlite":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
    yield app
    with app.app_context():
        db.session.remove()
        if backend == "postgres":
            _truncate_all(db.engine)
        db.engine.dispose()


def test_sitemap_index_pages_of_at_most_50000_without_hidden_threads(big):
    client = big.test_client()
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index.mimetype == "application/xml"
    pages = LOC.findall(index.get_data(as_text=True))
    assert pages == [f"{SITE}/sitemaps/pages.xml", *(f"{SITE}/sitemaps/questions.xml?page={n}" for n in (1, 2, 3))]
    listed: list[int] = []
    for n in (1, 2, 3):
        started = time.perf_counter()
        body = client.get(f"/sitemaps/questions.xml?page={n}").get_data(as_text=True)
        assert time.perf_counter() - started < 10  # a primary-key range, read once (well under 1 s when idle)
        urls = LOC.findall(body)
        assert len(urls) <= seo.URLS_PER_PAGE
        listed += [int(url.split("/")[4]) for url in urls]
        assert body.count("<lastmod>") == len(urls)
    expected = [n for n in range(1, THREADS + 1) if n % 7 and n % 11]
    assert listed == expected  # every visible thread once, in order; no hidden or held one
    assert client.get("/sitemaps/questions.xml?page=4").status_code == 404


def test_sitemap_pages_are_cached_until_a_question_changes(big):
    client = big.test_client()
    with big.app_context():
        engine = db.engine
    client.get("/sitemaps/questions.xml?page=2")
    with count_queries(engine) as statements:
        again = client.get("/sitemaps/questions.xml?page=2")
    assert again.status_code == 200 and not [s for s in statements if "threads" in s]


def test_the_sitemap_page_query_reads_a_primary_key_range(big):
    """Whatever the backend: the page's rows come from the primary key, bounded by the page's id range."""
    with big.app_context():
        with count_queries(db.engine) as statements:
            seo.entries("questions", 2)
        assert len(statements) == 1 and "threads.id >" in statements[0] and "threads.id <=" in statements[0]


@pytest.fixture
def content(app):
    with app.app_context():
        thread = make_thread(title="Störung: Hub zeigt rotes Licht nach dem Update",
                             body="# Hub offline\n\nThe **hub** light is *red* after the `2.1` update.\n\nWhat now?")
        hidden = make_thread(title="A hidden thread nobody may list")
        db.session.get(Thread, hidden.id).is_hidden = True
        idea = make_idea(title="Please add a night mode", body="A **dark** theme for the app, please.")
        merged = make_idea(title="Dark mode please")
        db.session.get(Idea, merged.id).merged_into_id = idea.id
        db.session.commit()
        make_user("reader")
        return {"thread": thread.id, "slug": thread.slug, "hidden": hidden.id, "idea": idea.id, "merged": merged.id}


def test_slugs_keep_non_ascii_letters():
    assert slugify("Störung beim Router") == "storung-beim-router"
    assert slugify("Ça coûte 5 € à Zürich?") == "ca-coute-5-eur-a-zurich"
    assert slugify("???") == "question"
    assert len(slugify("wort " * 100)) <= 80 and not slugify("wort " * 100).endswith("-")


@pytest.mark.config(SITE_URL=SITE)
def test_question_page_is_shared_well(client, content):
    assert content["slug"] == "storung-hub-zeigt-rotes-licht-nach-dem-update"
    page = client.get(f"/questions/{content['thread']}/{content['slug']}").get_data(as_text=True)
    url = f"{SITE}/questions/{content['thread']}/{content['slug']}"
    description = "Hub offline The hub light is red after the 2.1 update. What now?"
    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta name="description" content="{description}">' in page  # the rendered text, not Markdown
    assert f'<meta property="og:url" content="{url}">' in page
    assert f'<meta property="og:description" content="{description}">' in page
    assert '<meta property="og:title" content="Störung: Hub zeigt rotes Licht nach dem Update">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert page.count('rel="canonical"') == 1


@pytest.mark.config(SITE_URL=SITE)
def test_idea_page_is_shared_well(client, content):
    page = client.get(f"/ideas/{content['idea']}").get_data(as_text=True)
    assert f'<link rel="canonical" href="{SITE}/ideas/{content["idea"]}">' in page
    assert '<meta name="description" content="A dark theme for the app, please.">' in page
    assert '<meta property="og:title" content="Please add a night mode">' in page
    assert '<meta name="twitter:title" content="Please add a night mode">' in page


@pytest.mark.config(SITE_URL=SITE)
def test_robots_and_small_sitemaps(client, content):
    robots = client.get("/robots.txt")
    assert robots.mimetype == "text/plain"
    text = robots.get_data(as_text=True)
    assert f"Sitemap: {SITE}/sitemap.xml" in text and "Disallow: /search" in text and "Disallow: /admin" in text
    questions = LOC.findall(client.get("/sitemaps/questions.xml?page=1").get_data(as_text=True))
    assert questions == [f"{SITE}/questions/{content['thread']}/{content['slug']}"]
    ideas = LOC.findall(client.get("/sitemaps/ideas.xml?page=1").get_data(as_text=True))
    assert ideas == [f"{SITE}/ideas/{content['idea']}"]  # the merged duplicate points at this one
    pages = LOC.findall(client.get("/sitemaps/pages.xml").get_data(as_text=True))
    assert f"{SITE}/" in pages and f"{SITE}/ideas/roadmap" in pages
    for bad in ("/sitemaps/questions.xml?page=0", "/sitemaps/questions.xml?page=x", "/sitemaps/other.xml",
                "/sitemaps/questions.xml?page=99999999999"):
        assert client.get(bad).status_code in (200, 404), bad


def test_a_hidden_thread_leaves_the_cached_sitemap_at_once(app, client, content):
    before = client.get("/sitemaps/questions.xml?page=1").get_data(as_text=True)
    assert f"/questions/{content['thread']}/" in before
    from forum.models import Role
    from forum.moderation.services import hide_thread
    with app.app_context():
        hide_thread(actor=make_user("mod", role=Role.MODERATOR), thread=db.session.get(Thread, content["thread"]))
    after = client.get("/sitemaps/questions.xml?page=1").get_data(as_text=True)
    assert f"/questions/{content['thread']}/" not in after
