"""Export benchmarks: 100,000 ideas as CSV (time and peak memory) and one member's data ZIP with 10,000 posts.

`python -m bench exports [--database-url URL]`; the default is a fresh SQLite file in a temporary folder.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from config import TestingConfig
from forum import clock, create_app
from forum.extensions import db
from forum.ideas import export as idea_export
from forum.models import (
    Category,
    Idea,
    IdeaVote,
    Notification,
    Post,
    PostRevision,
    Thread,
    User,
)
from forum.privacy import export as user_export

IDEAS, IDEA_VOTES, MEMBERS, POSTS = 100_000, 300_000, 1_000, 10_000


def _fill(now) -> None:
    random.seed(1)
    db.session.execute(sa.insert(Category), [{"slug": f"cat{i}", "name": f"Category {i}", "description": "",
                                             "position": i} for i in range(6)])
    db.session.execute(sa.insert(User), [{"username": f"user{i}", "email": f"u{i}@example.com", "role": "member",
                                         "reputation": 1, "bio": "", "profile_visibility": "public",
                                         "created_at": now, "session_version": 1, "is_deleted": False}
                                        for i in range(1, MEMBERS + 1)])
    statuses = ["new"] * 6 + ["under_review", "planned", "in_progress", "shipped", "declined"]
    for start in range(1, IDEAS + 1, 10_000):
        rows = []
        for i in range(start, start + 10_000):
            created = now - timedelta(days=random.randint(0, 400))
            title = f"=cmd idea {i} with ünïcode “quotes”, commas" if i % 1000 == 0 else f"Idea {i}: make it better"
            rows.append({"id": i, "title": title, "body_md": "body", "body_html": "<p>body</p>",
                         "category_id": 1 + i % 6, "author_id": 1 + i % MEMBERS, "status": random.choice(statuses),
                         "vote_count": 0, "comment_count": random.randint(0, 9), "is_hidden": False,
                         "created_at": created, "last_activity_at": created,
                         "status_changed_at": created + timedelta(days=1) if i % 3 else None})
        db.session.execute(sa.insert(Idea), rows)
    pairs = set()
    while len(pairs) < IDEA_VOTES:
        pairs.add((random.randint(1, MEMBERS), random.randint(1, IDEAS)))
    votes = [{"user_id": u, "idea_id": i, "created_at": now - timedelta(days=random.randint(0, 120))} for u, i in pairs]
    for start in range(0, len(votes), 20_000):
        db.session.execute(sa.insert(IdeaVote), votes[start:start + 20_000])
    db.session.execute(sa.update(Idea).values(vote_count=sa.select(sa.func.count()).where(
        IdeaVote.idea_id == Idea.id).scalar_subquery()))
    db.session.commit()


def _heavy_member(now) -> int:
    """user1 with 10,000 answers, each with a revision, and 2,000 notifications."""
    thread = Thread(title="A long-running question about the hub", slug="hub", category_id=1, author_id=2)
    db.session.add(thread)
    db.session.flush()
    body = "I had the same problem with the hub; re-pairing fixed it for me. " * 4
    db.session.execute(sa.insert(Post), [{"thread_id": thread.id, "author_id": 1, "position": i, "body_md": body,
                                          "body_html": f"<p>{body}</p>", "created_at": now} for i in range(POSTS)])
    ids = db.session.scalars(sa.select(Post.id).where(Post.author_id == 1)).all()
    db.session.execute(sa.insert(PostRevision), [{"post_id": i, "editor_id": 1, "body_md": body, "note": "",
                                                  "created_at": now} for i in ids])
    db.session.execute(sa.insert(Notification), [{"user_id": 1, "kind": "answer", "text": "x answered", "url": "/q",
                                                  "created_at": now} for _ in range(2000)])
    db.session.commit()
    return 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench exports")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp())
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    config.SEARCH_INDEX_DIR = str(folder / "index")
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        now = clock.utcnow()
        started = time.perf_counter()
        _fill(now)
        print(f"exports   filled {IDEAS:,} ideas and {IDEA_VOTES:,} votes in {time.perf_counter() - started:.1f} s")
        filters = idea_export.parse_filters({"format": "csv", "limit": str(IDEAS)})
        db.session.expunge_all()
        tracemalloc.start()
        started = time.perf_counter()
        with open(folder / "ideas.csv", "w", encoding="utf-8") as handle:
            handle.writelines(idea_export.stream(filters))
        elapsed, (_, peak) = time.perf_counter() - started, tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"          idea export: {IDEAS:,} rows as CSV in {elapsed:.1f} s (traced), peak Python memory during "
              f"the export {peak / 2**20:.1f} MB for a {(folder / 'ideas.csv').stat().st_size / 2**20:.1f} MB file")
        user_id = _heavy_member(now)
        started = time.perf_counter()
        with open(folder / "member.zip", "wb") as handle:
            size = user_export.write_to(user_id, handle)
        print(f"          member export: {POSTS:,} posts, {POSTS:,} revisions, 2,000 notifications as a ZIP in "
              f"{time.perf_counter() - started:.2f} s ({size:,} bytes)")
    return 0
