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


def make_escalation(thread: Thread, requester: User | None = None, reason: str = "Nobody can help me here."):
    """An escalation requested by the asker (or `requester`) through the service."""
    from forum.escalations.services import escalate_thread
    escalation, _ = escalate_thread(actor=requester or thread.author, thread=thread, reason=reason)
    return escalation


def make_flag(post: Post, reporter: User | None = None, reason: str = "spam", note: str = ""):
    from forum.moderation.services import flag_post
    return flag_post(actor=reporter or make_user(), post=post, reason=reason, note=note)


def make_idea(author: User | None = None, *, title: str | None = None,
              body: str = "It would help a lot if this existed.", category: str = "general"):
    """An idea submitted through the service (status new, no votes)."""
    from forum.ideas.services import submit_idea
    make_category(category)
    return submit_idea(actor=author or make_user(), title=title or f"Please add feature number {next(_seq)}",
                       body=body, category=category)


def set_site(**values: object) -> None:
    """Save site settings as an admin would at /admin/settings (an admin is made if there is none)."""
    import sqlalchemy as sa

    from forum.admin.site_services import update_site_settings
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN).limit(1)) or make_user(role=Role.ADMIN)
    update_site_settings(actor=admin, values=values)
