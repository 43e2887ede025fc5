"""Atom feeds (feedgen): new questions, optionally per category, and new ideas with their status changes.

Only what a visitor may read: hidden threads, hidden questions and hidden ideas never appear.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, redirect, request
from sqlalchemy.orm import joinedload

from forum.categories import moved_category
from forum.clock import utcnow
from forum.errors import NotFound
from forum.extensions import db
from forum.i18n import _, get_locale
from forum.links import idea_path, ideas_path, questions_path, site_root, thread_path
from forum.markup import plain_text
from forum.models import Category, Idea, IdeaStatus, IdeaStatusChange, Post, Tag, Thread, thread_tags
from forum.notifications import bp
from forum.pagecache import IDEAS, QUESTIONS, visitor_page
from forum.policy import Policy
from forum.site import settings as site_settings

FEED_SIZE = 30


def _aware(moment: datetime | None) -> datetime:
    return (moment or utcnow()).replace(tzinfo=UTC)


def _author_name(user) -> str:
    return _("deleted user") if user is None or user.is_deleted else user.username


def _feed(*, title: str, subtitle: str, page: str, entries: list[dict]) -> Response:
    from feedgen.feed import FeedGenerator  # here: feedgen and lxml (~2 MB) load in the workers that serve feeds

    root = site_root()  # SITE_URL: a feed reader keeps these links long after the request (forum/links.py)
    feed = FeedGenerator()
    feed.id(root + request.full_path.rstrip("?"))
    feed.title(title)
    feed.subtitle(subtitle)
    feed.link(href=root + page, rel="alternate", type="text/html")
    feed.link(href=root + request.full_path.rstrip("?"), rel="self", type="application/atom+xml")
    feed.language(str(get_locale() or "en"))
    feed.updated(max((entry["updated"] for entry in entries), default=_aware(None)))
    for data in entries:
        entry = feed.add_entry(order="append")
        entry.id(root + data["id"])
        entry.title(data["title"])
        entry.link(href=root + data["link"], rel="alternate", type="text/html")
        entry.published(data["published"])
        entry.updated(data["updated"])
        entry.author(name=data["author"])
        entry.summary(data["summary"])
        if data.get("html"):
            entry.content(data["html"], type="html")
    return Response(feed.atom_str(pretty=True), mimetype="application/atom+xml",
                    headers={"Cache-Control": "public, max-age=300"})


@bp.get("/feeds/questions.atom")
@visitor_page(lambda: [QUESTIONS])
def questions_feed():
    query = (sa.select(Thread, Post).join(Post, sa.and_(Post.thread_id == Thread.id, Post.position == 0))
             .where(Policy.public_threads(), Policy.public_posts())
             .options(joinedload(Thread.author), joinedload(Thread.category)))
    site = site_settings().community_name
    page, in_category, tagged = questions_path(sort="newest"), None, None
    slug = request.args.get("category", "").strip()
    if slug:
        category = db.session.scalar(sa.select(Category).where(Category.slug == slug[:60]))
        moved = moved_category(slug[:60], []) if category is None else None
        if moved:  # a renamed or merged category: feed readers follow a permanent redirect
            tag = request.args.get("tag", "").strip()
            return redirect(f"/feeds/questions.atom?category={moved}" + (f"&tag={quote(tag)}" if tag else ""), 301)
        if category is None:
            raise NotFound(_("There is no category with that name, so there is no feed for it."))
        query = query.where(Thread.category_id == category.id)
        in_category, page = category.name, questions_path(sort="newest", category=category.slug)
    name = request.args.get("tag", "").strip().lower().lstrip("#")
    if name:  # like ?category=: a tag no question has is a 404, not an empty feed that looks like a quiet one
        tag = db.session.scalar(sa.select(Tag).where(Tag.name == name[:30]))
        if tag is None:
            raise NotFound(_("There is no tag with that name, so there is no feed for it."))
        query = query.where(Thread.id.in_(sa.select(thread_tags.c.thread_id).where(thread_tags.c.tag_id == tag.id)))
        tagged = tag.name
        page = f"{page}&tag={quote(tag.name)}"
    rows = db.session.execute(query.order_by(Thread.created_at.desc(), Thread.id.desc()).limit(FEED_SIZE)).all()
    entries = [{"id": thread_path(thread.id), "link": thread_path(thread),
                "title": thread.title, "author": _author_name(thread.author), "published": _aware(thread.created_at),
                "updated": _aware(post.edited_at or thread.created_at), "summary": plain_text(post.body_html, 300),
                "html": post.body_html} for thread, post in rows]
    return _feed(title=_questions_feed_title(site, in_category, tagged),
                 subtitle=_("The newest questions asked by the community."),
                 page=page, entries=entries)


def _questions_feed_title(site: str, category: str | None, tag: str | None) -> str:
    if category and tag:
        return _("%(community)s: new questions in %(category)s tagged %(tag)s", community=site, category=category,
                 tag=tag)
    if category:
        return _("%(community)s: new questions in %(category)s", community=site, category=category)
    if tag:
        return _("%(community)s: new questions tagged %(tag)s", community=site, tag=tag)
    return _("%(community)s: new questions", community=site)


@bp.get("/feeds/ideas.atom")
@visitor_page(lambda: [IDEAS])
def ideas_feed():
    ideas = db.session.scalars(sa.select(Idea).where(Policy.public_ideas()).options(joinedload(Idea.author))
                               .order_by(Idea.created_at.desc(), Idea.id.desc()).limit(FEED_SIZE)).all()
    changes = db.session.execute(
        sa.select(IdeaStatusChange, Idea).join(Idea, Idea.id == IdeaStatusChange.idea_id)
        .where(Policy.public_ideas()).options(joinedload(IdeaStatusChange.actor))
        .order_by(IdeaStatusChange.created_at.desc(), IdeaStatusChange.id.desc()).limit(FEED_SIZE)).all()
    entries: list[dict[str, Any]] = [
        {"id": idea_path(idea), "link": idea_path(idea), "title": _("New idea: %(title)s", title=idea.title),
         "author": _author_name(idea.author), "published": _aware(idea.created_at),
         "updated": _aware(idea.created_at), "summary": plain_text(idea.body_html, 300),
         "html": idea.body_html} for idea in ideas]
    for change, idea in changes:
        label = IdeaStatus.LABELS.get(change.to_status, change.to_status)
        note = change.note or _("Status changed from %(status)s.",
                                status=IdeaStatus.LABELS.get(change.from_status, change.from_status))
        entries.append({"id": idea_path(idea, status_change_id=change.id), "link": idea_path(idea),
                        "title": _("%(status)s: %(title)s", status=label, title=idea.title),
                        "author": _author_name(change.actor),
                        "published": _aware(change.created_at), "updated": _aware(change.created_at),
                        "summary": plain_text(note, 300)})
    entries.sort(key=lambda entry: entry["updated"], reverse=True)
    site = site_settings().community_name
    return _feed(title=_("%(community)s: ideas", community=site),
                 subtitle=_("New ideas and status changes on the idea board."),
                 page=ideas_path(sort="new"), entries=entries[:FEED_SIZE])
