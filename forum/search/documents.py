"""Database rows -> search documents, in a fixed number of queries per batch of ids.

Reads with Core selects (not the identity map) so a document always reflects the rows as the
database has them at that moment: this transaction's flushed changes plus everything committed.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import sqlalchemy as sa

from forum.links import idea_path, thread_path
from forum.markup import plain_text
from forum.models import Category, Idea, IdeaComment, Post, Tag, Thread, ThreadStatus, thread_tags
from forum.policy import Policy
from forum.search.backend import HIDDEN, PUBLIC, Document

MAX_BODY = 200_000  # characters per document; PostgreSQL caps a tsvector at 1 MB
BATCH = 500


def thread_doc_id(thread_id: int) -> str:
    return f"q:{thread_id}"


def idea_doc_id(idea_id: int) -> str:
    return f"i:{idea_id}"


def build(conn, thread_ids: Iterable[int] = (), idea_ids: Iterable[int] = ()) -> dict[str, Document | None]:
    """{doc_id: Document, or None when the row is gone} for the given ids."""
    docs: dict[str, Document | None] = {}
    thread_ids, idea_ids = sorted(set(thread_ids)), sorted(set(idea_ids))
    for start in range(0, len(thread_ids), BATCH):
        docs.update(_threads(conn, thread_ids[start:start + BATCH]))
    for start in range(0, len(idea_ids), BATCH):
        docs.update(_ideas(conn, idea_ids[start:start + BATCH]))
    return docs


def all_documents(conn) -> Iterator[Document]:
    """Every document the database implies, threads then ideas, in batches."""
    for model, ids_key in ((Thread, "threads"), (Idea, "ideas")):
        last = 0
        while True:
            ids = list(conn.execute(sa.select(model.id).where(model.id > last).order_by(model.id)
                                    .limit(BATCH)).scalars())
            if not ids:
                break
            built = build(conn, thread_ids=ids) if ids_key == "threads" else build(conn, idea_ids=ids)
            yield from (doc for doc in built.values() if doc is not None)
            last = ids[-1]


def count_all(conn) -> int:
    return sum(conn.execute(sa.select(sa.func.count()).select_from(model)).scalar() for model in (Thread, Idea))


def _threads(conn, ids: list[int]) -> dict[str, Document | None]:
    docs: dict[str, Document | None] = {thread_doc_id(i): None for i in ids}
    rows = conn.execute(
        sa.select(Thread.id, Thread.title, Thread.slug, Thread.status, Thread.accepted_post_id, Thread.is_hidden,
                  Thread.language,
                  Category.slug.label("category"), Category.name.label("category_name"))
        .join(Category, Category.id == Thread.category_id).where(Thread.id.in_(ids))).all()
    if not rows:
        return docs
    tags: dict[int, list[str]] = {}
    for thread_id, name in conn.execute(sa.select(thread_tags.c.thread_id, Tag.name)
                                        .join(Tag, Tag.id == thread_tags.c.tag_id)
                                        .where(thread_tags.c.thread_id.in_(ids)).order_by(Tag.name)):
        tags.setdefault(thread_id, []).append(name)
    posts: dict[int, list] = {}
    for post in conn.execute(sa.select(Post.thread_id, Post.position, Post.body_html, Post.is_hidden)
                             .where(Post.thread_id.in_(ids)).order_by(Post.thread_id, Post.position)):
        posts.setdefault(post.thread_id, []).append(post)
    for row in rows:
        thread_posts = posts.get(row.id, [])
        question_hidden = any(p.position == 0 and p.is_hidden for p in thread_posts)
        visible = [p for p in thread_posts if not p.is_hidden]
        answers = [p for p in visible if p.position > 0]
        if row.accepted_post_id is not None:
            status = "solved"
        elif row.status == ThreadStatus.CLOSED:
            status = "closed"
        else:
            status = "open" if answers else "unanswered"
        body = "\n".join(plain_text(p.body_html) for p in visible)[:MAX_BODY]
        docs[thread_doc_id(row.id)] = Document(
            doc_id=thread_doc_id(row.id), type="question", object_id=row.id, title=row.title, body=body,
            category=row.category, category_name=row.category_name, tags=tags.get(row.id, []), status=status,
            visibility=HIDDEN if row.is_hidden or question_hidden else PUBLIC, language=row.language,
            url=thread_path(row.id, row.slug))
    return docs


def _ideas(conn, ids: list[int]) -> dict[str, Document | None]:
    docs: dict[str, Document | None] = {idea_doc_id(i): None for i in ids}
    rows = conn.execute(
        sa.select(Idea.id, Idea.title, Idea.body_html, Idea.status, Idea.merged_into_id, Idea.is_hidden, Idea.language,
                  Category.slug.label("category"), Category.name.label("category_name"))
        .join(Category, Category.id == Idea.category_id).where(Idea.id.in_(ids))).all()
    comments: dict[int, list[str]] = {}
    for idea_id, body_html in conn.execute(
            sa.select(IdeaComment.idea_id, IdeaComment.body_html)
            .where(IdeaComment.idea_id.in_(ids), Policy.public_idea_comments())
            .order_by(IdeaComment.idea_id, IdeaComment.id)):
        comments.setdefault(idea_id, []).append(plain_text(body_html))
    for row in rows:
        body = "\n".join([plain_text(row.body_html), *comments.get(row.id, [])])[:MAX_BODY]
        docs[idea_doc_id(row.id)] = Document(
            doc_id=idea_doc_id(row.id), type="idea", object_id=row.id, title=row.title, body=body,
            category=row.category, category_name=row.category_name, status=row.status,
            visibility=HIDDEN if row.is_hidden or row.merged_into_id is not None else PUBLIC, language=row.language,
            url=idea_path(row.id))
    return docs
