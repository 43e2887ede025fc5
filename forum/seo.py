"""What search engines read: /robots.txt and /sitemap.xml, a sitemap index of pages of at most 50,000 URLs.

Each sitemap page covers a fixed range of ids (page n: ids in ((n - 1) * 50,000, n * 50,000]), so the index needs
only the largest id and a page is one primary-key range read, however many threads there are; hidden, held and
merged rows are left out of a page (which can then hold fewer URLs, never more). Pages are cached whole with
the lists they follow (the questions or ideas version), so a crawler's next visit after a write rebuilds one.
"""
from __future__ import annotations

import math
from datetime import datetime
from xml.sax.saxutils import escape

import sqlalchemy as sa
from flask import Blueprint, Response, request

from forum.errors import NotFound
from forum.extensions import db
from forum.i18n import _
from forum.links import site_root
from forum.models import Idea, Thread
from forum.pagecache import IDEAS, QUESTIONS, visitor_page
from forum.policy import Policy
from forum.validation import parse_int

bp = Blueprint("seo", __name__)

URLS_PER_PAGE = 50_000  # the sitemap protocol's limit per file
XML = "application/xml"
# Pages with nothing for a search engine: forms, a person's own pages, staff tools, search results, the API.
DISALLOW = ("/search", "/login", "/register", "/reset-password", "/confirm/", "/logout", "/settings",
            "/notifications", "/unsubscribe/", "/questions/ask", "/ideas/new", "/posts/", "/staff/", "/mod/",
            "/admin", "/api/", "/users/")
STATIC_PAGES = ("/", "/questions", "/ideas", "/ideas/roadmap")


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOW), "",
             f"Sitemap: {site_root()}/sitemap.xml", ""]
    return Response("\n".join(lines), mimetype="text/plain", headers={"Cache-Control": "public, max-age=3600"})


def _pages_of(model: type[Thread | Idea]) -> int:
    """How many id ranges the table spans: its largest id, read from the primary key."""
    return math.ceil((db.session.scalar(sa.select(sa.func.max(model.id))) or 0) / URLS_PER_PAGE)


@bp.get("/sitemap.xml")
@visitor_page(lambda: [QUESTIONS, IDEAS])
def sitemap_index():
    root = site_root()
    locations = [f"{root}/sitemaps/pages.xml"]
    for kind, model in (("questions", Thread), ("ideas", Idea)):
        locations += [f"{root}/sitemaps/{kind}.xml?page={n}" for n in range(1, _pages_of(model) + 1)]
    body = "".join(f"<sitemap><loc>{escape(location)}</loc></sitemap>" for location in locations)
    return _xml(f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>')


@bp.get("/sitemaps/<any(pages, questions, ideas):kind>.xml")
@visitor_page(lambda kind: [QUESTIONS] if kind == "questions" else [IDEAS] if kind == "ideas" else [])
def sitemap_page(kind: str):
    """One page of URLs: the list pages, or the visible questions or ideas of one id range, with last changes."""
    root = site_root()
    if kind == "pages":
        return _xml(_urlset((root + path, None) for path in STATIC_PAGES))
    number = parse_int(request.args.get("page"), 1, maximum=100_000)
    model = Thread if kind == "questions" else Idea
    if number > max(1, _pages_of(model)):
        raise NotFound(_("There is no such sitemap page."))
    return _xml(_urlset(entries(kind, number, root)))


def entries(kind: str, number: int, root: str = "") -> list[tuple[str, datetime | None]]:
    """(URL, last change) of the visible questions or ideas with ids in page `number`'s range, by id."""
    low, high = (number - 1) * URLS_PER_PAGE, number * URLS_PER_PAGE
    if kind == "questions":
        rows = db.session.execute(
            sa.select(Thread.id, Thread.slug, Thread.last_activity_at)
            .where(Thread.id > low, Thread.id <= high, Policy.public_threads(), Thread.held_at.is_(None))
            .order_by(Thread.id)).all()
        return [(f"{root}/questions/{row.id}/{row.slug}", row.last_activity_at) for row in rows]
    idea_rows = db.session.execute(
        sa.select(Idea.id, Idea.last_activity_at)
        .where(Idea.id > low, Idea.id <= high, Policy.public_ideas(), Idea.held_at.is_(None),
               Idea.merged_into_id.is_(None))  # a merged idea's page points at the one it joined
        .order_by(Idea.id)).all()
    return [(f"{root}/ideas/{row.id}", row.last_activity_at) for row in idea_rows]


def _urlset(urls) -> str:
    items = "".join(f"<url><loc>{escape(location)}</loc>"
                    + (f"<lastmod>{moment.strftime('%Y-%m-%dT%H:%M:%SZ')}</lastmod>" if moment else "") + "</url>"
                    for location, moment in urls)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'


def _xml(body: str) -> Response:
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body, mimetype=XML)
