"""Listeners on the ORM session, attached once per process (tests build many apps; listeners attach to the shared
Session class, not to one app)."""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_sqlalchemy.session import Session


def attach_once(listeners: dict[str, Callable]) -> None:
    """`{"after_flush": fn, ...}`: each attached unless it already is."""
    for name, listener in listeners.items():
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)
