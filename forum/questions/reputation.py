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
    """Apply `delta`, floored at 1, as an SQL increment on the locked row (concurrent votes all count),
    and record what was really applied, so the events of a period sum to the reputation it moved."""
    if not delta:
        return
    current = db.session.scalar(sa.select(User.reputation).where(User.id == user_id).with_for_update())
    if current is None:
        return
    applied = max(FLOOR, current + delta) - current
    if not applied:
        return
    db.session.execute(sa.update(User).where(User.id == user_id).values(reputation=User.reputation + applied))
    db.session.add(ReputationEvent(user_id=user_id, delta=applied, reason=reason, post_id=post_id))
