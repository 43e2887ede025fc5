"""ids_named: the rows a bulk statement names by key, read without a SELECT (forum/session_events.py)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.models import Post, Thread
from forum.session_events import ids_named


@pytest.mark.parametrize("statement, column, ids", [
    (sa.update(Thread).where(Thread.id == 7), Thread.id, {7}),
    (sa.update(Thread).where(Thread.id.in_([7, 9])), Thread.id, {7, 9}),
    (sa.delete(Post).where(Post.thread_id == 7), Post.thread_id, {7}),
    (sa.update(Thread).where(Thread.id == 7), Thread.__table__.c.id, {7}),
])
def test_one_key_or_a_list_of_keys_is_read_off_the_statement(statement, column, ids):
    assert ids_named(statement.whereclause, column) == ids


@pytest.mark.parametrize("statement, column", [
    (sa.update(Post).where(Post.thread_id == 7), Post.id),  # another column: the rows are not known
    (sa.update(Thread).where(Thread.id == 7, Thread.is_locked.is_(False)), Thread.id),  # a further condition
    (sa.update(Thread).where(Thread.id > 7), Thread.id),
    (sa.update(Thread).where(Thread.id.in_(sa.select(Post.thread_id))), Thread.id),
    (sa.update(Thread).where(Thread.id == sa.select(Post.thread_id).where(Post.id == 1).scalar_subquery()),
     Thread.id),
    (sa.update(Thread), Thread.id),  # every row
])
def test_anything_else_is_left_to_a_select(statement, column):
    assert ids_named(statement.whereclause, column) is None
