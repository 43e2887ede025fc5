"""Reputation arithmetic: +10 per upvote on an answer, +5 on a question, -2 per downvote, +15 accepted."""
from __future__ import annotations

import sqlalchemy as sa

from forum.extensions import db
from forum.models import ReputationEvent, User

UP_ANSWER, UP_QUESTION, DOWN, ACCEPTED, FLOOR = 10, 5, -2, 15, 1


def for_vote(value: int, is_question: bool) -> int:
    if value > 0:
        return UP_QUESTION if is_question else UP_ANSWER
    return DOWN if value < 0 else 0


def change(user_id: int, delta: int, reason: str, post_id: int | None) -> None:
    """An atomic SQL increment (concurrent votes must all count), floored at 1, with its event row."""
    if not delta:
        return
    new = User.reputation + delta
    db.session.execute(sa.update(User).where(User.id == user_id)
                       .values(reputation=sa.case((new < FLOOR, FLOOR), else_=new)))
    db.session.add(ReputationEvent(user_id=user_id, delta=delta, reason=reason, post_id=post_id))
