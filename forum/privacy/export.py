"""A member's data as a ZIP of JSON files, streamed: rows are read in batches and compressed as they go,
so neither the archive nor any table is ever held in memory whole."""
from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any, cast

import sqlalchemy as sa

from forum.clock import isoformat, utcnow
from forum.extensions import db
from forum.links import absolute, thread_path
from forum.models import (ApiToken, Escalation, Flag, Idea, IdeaComment, IdeaVote, Notification, NotificationPreference,
                          Post, PostRevision, Subscription, Thread, User, Vote)

BATCH = 1000
FILES = ("profile.json", "posts.json", "votes.json", "flags.json", "ideas.json", "idea_comments.json",
         "idea_votes.json", "notifications.json", "subscriptions.json", "escalations.json")


class _Pipe:
    """A write-only, unseekable file: zipfile writes into it (with data descriptors) and we drain it."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def filename(user: User) -> str:
    return f"forum-data-{user.username}-{utcnow():%Y%m%d}.zip"


def stream(user_id: int) -> Iterator[bytes]:
    """Yield the archive's bytes file by file; needs an app context for as long as it is iterated."""
    pipe = _Pipe()
    with zipfile.ZipFile(cast(IO[bytes], pipe), "w", compression=zipfile.ZIP_DEFLATED,  # write() is all it needs
                         compresslevel=6) as archive:
        for name, rows in _sections(user_id):
            with archive.open(name, "w", force_zip64=True) as member:
                if isinstance(rows, dict):
                    member.write(_dumps(rows, indent=2).encode())
                else:
                    member.write(b"[")
                    for index, row in enumerate(rows):
                        member.write((",\n" if index else "\n").encode() + _dumps(row).encode())
                        if len(pipe.chunks) > 32:
                            yield pipe.drain()
                    member.write(b"\n]\n")
            yield pipe.drain()
    yield pipe.drain()


def _dumps(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, default=lambda moment: isoformat(moment))


def _sections(user_id: int) -> Iterator[tuple[str, Any]]:
    yield "profile.json", _profile(user_id)
    yield "posts.json", _posts(user_id)
    yield "votes.json", _rows(sa.select(Vote.post_id, Vote.value, Vote.created_at).where(Vote.user_id == user_id)
                              .order_by(Vote.id))
    yield "flags.json", _rows(sa.select(Flag.id, Flag.post_id, Flag.reason, Flag.note, Flag.status, Flag.created_at,
                                        Flag.handled_at).where(Flag.reporter_id == user_id).order_by(Flag.id))
    yield "ideas.json", _rows(sa.select(Idea.id, Idea.title, Idea.body_md, Idea.status, Idea.status_note,
                                        Idea.vote_count, Idea.comment_count, Idea.created_at)
                              .where(Idea.author_id == user_id).order_by(Idea.id), url="/ideas/{id}")
    yield "idea_comments.json", _rows(sa.select(IdeaComment.id, IdeaComment.idea_id, IdeaComment.body_md,
                                                IdeaComment.is_official, IdeaComment.created_at)
                                      .where(IdeaComment.author_id == user_id).order_by(IdeaComment.id))
    yield "idea_votes.json", _rows(sa.select(IdeaVote.idea_id, IdeaVote.created_at)
                                   .where(IdeaVote.user_id == user_id).order_by(IdeaVote.id))
    yield "notifications.json", _rows(sa.select(Notification.id, Notification.kind, Notification.text,
                                                Notification.url, Notification.created_at, Notification.read_at)
                                      .where(Notification.user_id == user_id).order_by(Notification.id))
    yield "subscriptions.json", _rows(sa.select(Subscription.thread_id, Subscription.idea_id, Subscription.created_at)
                                      .where(Subscription.user_id == user_id).order_by(Subscription.id))
    # What the member asked and wrote; which staff member handled it is the company's business.
    yield "escalations.json", _rows(sa.select(Escalation.id, Escalation.thread_id, Escalation.idea_id,
                                              Escalation.reason, Escalation.private_note, Escalation.status,
                                              Escalation.created_at, Escalation.resolved_at, Escalation.resolution_note)
                                    .where(Escalation.requested_by_id == user_id).order_by(Escalation.id))


def _profile(user_id: int) -> dict[str, Any]:
    user = db.session.get_one(User, user_id)
    preferences = db.session.execute(sa.select(NotificationPreference.kind, NotificationPreference.delivery)
                                     .where(NotificationPreference.user_id == user_id)).all()
    tokens = db.session.execute(sa.select(ApiToken.name, ApiToken.created_at, ApiToken.last_used_at)
                                .where(ApiToken.user_id == user_id).order_by(ApiToken.id)).mappings().all()
    return {"id": user.id, "username": user.username, "email": user.email, "role": user.role,
            "reputation": user.reputation, "bio": user.bio, "profile_visibility": user.profile_visibility,
            "created_at": user.created_at, "last_seen_at": user.last_seen_at,
            "suspended_until": user.suspended_until, "suspension_reason": user.suspension_reason,
            "email_preferences": {kind: delivery for kind, delivery in preferences},
            "api_tokens": [dict(token) for token in tokens], "exported_at": utcnow()}


def _rows(query: sa.Select, url: str | None = None) -> Iterator[dict[str, Any]]:
    for row in db.session.execute(query.execution_options(yield_per=BATCH)).mappings():
        item = dict(row)
        if url:
            item["url"] = absolute(url.format(**item))  # SITE_URL: the archive is read away from the site
        yield item


def _posts(user_id: int) -> Iterator[dict[str, Any]]:
    """Questions and answers with every revision, in batches: two queries per thousand posts."""
    last_id = 0
    while True:
        batch = db.session.execute(
            sa.select(Post.id, Post.thread_id, Thread.title.label("thread_title"), Thread.slug, Post.position,
                      Post.body_md, Post.score, Post.is_hidden, Post.created_at, Post.edited_at)
            .join(Thread, Thread.id == Post.thread_id)
            .where(Post.author_id == user_id, Post.id > last_id).order_by(Post.id).limit(BATCH)).mappings().all()
        if not batch:
            return
        revisions: dict[int, list[dict]] = {}
        for revision in db.session.execute(
                sa.select(PostRevision.post_id, PostRevision.title, PostRevision.body_md, PostRevision.note,
                          PostRevision.created_at, (PostRevision.editor_id == user_id).label("by_you"))
                .where(PostRevision.post_id.in_([row["id"] for row in batch])).order_by(PostRevision.id)).mappings():
            item = dict(revision)
            revisions.setdefault(item.pop("post_id"), []).append(item)
        for row in batch:
            yield _post(row, revisions.get(row["id"], []))
        last_id = batch[-1]["id"]


def _post(row: Any, revisions: list[dict]) -> dict[str, Any]:
    item = dict(row)
    slug = item.pop("slug")
    item["kind"] = "question" if item["position"] == 0 else "answer"
    item["url"] = absolute(thread_path(item["thread_id"], slug, post_id=None if item["position"] == 0 else item["id"]))
    item["revisions"] = revisions
    return item


def write_to(user_id: int, handle: Any, progress: Callable[[int], None] | None = None) -> int:
    """Write the archive to an open binary file; returns its size (the CLI uses this)."""
    size = 0
    for chunk in stream(user_id):
        handle.write(chunk)
        size += len(chunk)
        if progress:
            progress(len(chunk))
    return size

