"""Plain builders that go through the services, so test data obeys the same rules as real data."""
from __future__ import annotations

import itertools

from forum.auth.services import register_user
from forum.extensions import db
from forum.models import Category, Post, Role, Thread, User
from forum.questions import services as questions

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_user(username: str | None = None, *, role: str = Role.MEMBER, password: str = PASSWORD,
              email: str | None = None) -> User:
    n = next(_seq)
    username = username or f"user{n}"
    return register_user(username=username, email=email or f"{username.lower()}@example.com",
                         password=password, role=role)


def make_category(slug: str = "general", name: str | None = None) -> Category:
    category = db.session.query(Category).filter_by(slug=slug).one_or_none()
    if category is None:
        category = Category(slug=slug, name=name or slug.replace("-", " ").title(), description="")
        db.session.add(category)
        db.session.commit()
    return category


def make_thread(author: User | None = None, *, title: str | None = None, body: str = "It does not work. Help?",
                category: str = "general", tags: list[str] | None = None) -> Thread:
    make_category(category)
    author = author or make_user()
    return questions.ask_question(actor=author, title=title or f"How do I fix problem number {next(_seq)}?",
                                  body=body, category=category, tags=tags or [])


def make_answer(thread: Thread, author: User | None = None, body: str = "Try turning it off and on.") -> Post:
    return questions.post_answer(actor=author or make_user(), thread=thread, body=body)
