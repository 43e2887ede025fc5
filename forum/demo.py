"""Loads the demo community through the real services, with the clock set back to each post's time."""
from __future__ import annotations

from datetime import timedelta

from forum import clock
from forum.auth.services import register_user
from forum.demo_content import CATEGORIES, QUESTIONS, USERS
from forum.extensions import db
from forum.models import Category, User
from forum.questions import services as questions

PASSWORD = "community-demo"


def seed() -> list[tuple[str, str]]:
    """Seed categories, people, questions, answers, votes and accepted answers; returns (username, role)."""
    now = clock.utcnow()
    try:
        clock.freeze(now - timedelta(days=90))
        users = {spec["username"]: register_user(username=spec["username"], email=spec["email"],
                                                 password=PASSWORD, role=spec["role"]) for spec in USERS}
        for spec in USERS:
            users[spec["username"]].bio = spec["bio"]
        db.session.add_all(Category(**spec) for spec in CATEGORIES)
        db.session.commit()
        members = [user for user in users.values() if user.role == "member"]
        for spec in sorted(QUESTIONS, key=lambda q: -q["age_hours"]):
            _seed_question(spec, users, members, now)
    finally:
        clock.freeze(None)
    return [(spec["username"], spec["role"]) for spec in USERS]


def _voters(members: list[User], exclude: User, count: int, offset: int) -> list[User]:
    pool = [member for member in members if member.id != exclude.id]
    return [pool[(offset + i) % len(pool)] for i in range(min(count, len(pool)))]


def _cast(post, members: list[User], up: int, down: int, offset: int) -> None:
    voters = _voters(members, post.author, up + down, offset)
    for index, voter in enumerate(voters):
        questions.vote_post(actor=voter, post=post, value=1 if index < up else -1)


def _seed_question(spec: dict, users: dict[str, User], members: list[User], now) -> None:
    asked_at = now - timedelta(hours=spec["age_hours"])
    clock.freeze(asked_at)
    thread = questions.ask_question(actor=users[spec["author"]], title=spec["title"], body=spec["body"],
                                    category=spec["category"], tags=spec["tags"])
    _cast(thread.question, members, spec["votes"]["up"], spec["votes"]["down"], thread.id)
    accepted = None
    for index, answer_spec in enumerate(spec["answers"]):
        moment = min(asked_at + timedelta(hours=answer_spec["after_hours"]), now - timedelta(minutes=1))
        clock.freeze(moment)
        answer = questions.post_answer(actor=users[answer_spec["author"]], thread=thread, body=answer_spec["body"])
        _cast(answer, members, answer_spec["up"], answer_spec["down"], thread.id + index + 3)
        if answer_spec["accepted"]:
            accepted = (answer, moment)
    if accepted is not None:
        answer, moment = accepted
        clock.freeze(min(moment + timedelta(hours=2), now))
        questions.accept_answer(actor=users[spec["author"]], answer=answer)
