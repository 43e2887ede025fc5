"""Whole pages cached for visitors, and values cached until the data they show changes.

A cached entry's key carries the versions of the scopes it shows ("thread:12", "questions", "site"), bumped in
the writing transaction (scopes.py), so any write that changes a page makes its cached copy unreachable at once.
"""
from __future__ import annotations

from flask import Flask

from forum.pagecache import scopes
from forum.pagecache.pages import visitor_page
from forum.pagecache.scopes import (
    AUDIT,
    ESCALATIONS,
    FLAGS,
    IDEAS,
    QUESTIONS,
    SETTINGS,
    SITE,
    idea_scope,
    notifications_scope,
    thread_scope,
    touch,
)
from forum.pagecache.store import MINUTE, cache, drop_expired, memo, prefetch

__all__ = ["AUDIT", "ESCALATIONS", "FLAGS", "IDEAS", "MINUTE", "QUESTIONS", "SETTINGS", "SITE", "cache", "drop_expired",
           "idea_scope", "init_app", "memo",
           "notifications_scope", "prefetch", "thread_scope", "touch", "visitor_page"]


def init_app(app: Flask) -> None:
    from forum.pagecache import store
    store.init_app(app)
    scopes.register()
