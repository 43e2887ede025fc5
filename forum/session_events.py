"""Listeners on the ORM session, attached once per process (tests build many apps; listeners attach to the shared
Session class, not to one app)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.session import Session


_LAST: list[tuple[str, Callable]] = []


def attach_once(listeners: dict[str, Callable]) -> None:
    """`{"after_flush": fn, ...}`: each attached unless it already is; the `attach_last` ones stay after them."""
    for name, listener in listeners.items():
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)
    _keep_last()


def attach_last(name: str, listener: Callable) -> None:
    """A listener that must run after every other of its event, whichever domain attaches later (SQLAlchemy
    calls a class's listeners in the order they were attached): forum/commit_batch.py writes the rows the
    other `before_commit` listeners added."""
    if (name, listener) not in _LAST:
        _LAST.append((name, listener))
    _keep_last()


def _keep_last() -> None:
    for name, listener in _LAST:
        if sa.event.contains(Session, name, listener):
            sa.event.remove(Session, name, listener)
        sa.event.listen(Session, name, listener)


def ids_named(whereclause: sa.ColumnElement[bool] | None, column: Any) -> set[int] | None:
    """The ids a bulk statement's WHERE names outright (`column = :id`, `column IN (...)`), or None when it says
    anything else. The listeners that must know which rows a bulk UPDATE touches then need no SELECT for the
    common case of one row by its key (an answer bumping its thread's counters)."""
    if not isinstance(whereclause, sa.BinaryExpression) or not isinstance(whereclause.left, sa.Column):
        return None
    if not whereclause.left.shares_lineage(getattr(column, "expression", column)):  # Thread.id or its Column
        return None
    right, operator = whereclause.right, whereclause.operator
    if operator is sa.sql.operators.eq and isinstance(right, sa.BindParameter) and isinstance(right.value, int):
        return {right.value}
    if (operator is sa.sql.operators.in_op and isinstance(right, sa.BindParameter) and right.expanding
            and isinstance(right.value, (list, tuple)) and all(isinstance(value, int) for value in right.value)):
        return set(right.value)
    return None
