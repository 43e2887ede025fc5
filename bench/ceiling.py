"""The ceiling apps of the page benchmark, served by gunicorn in the same rounds as the forum.

    gunicorn -w 2 bench.ceiling:bare_app                       a bare Flask page (about 1 KB)
    CEILING_DB=items.db gunicorn -w 2 bench.ceiling:query_app  a Flask page rendering one SQLite query

They are what any page of the forum could at best reach on this machine: routing, a Jinja template and
one indexed read, with nothing else. `make_ceiling_db(path)` writes the small table query_app reads.
"""
from __future__ import annotations

import os
import random
import sqlite3
import threading

from flask import Flask, render_template
from jinja2 import DictLoader

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><header><a href="/">Community</a></header><main><h1>{{ title }}</h1>
{% for row in rows %}<article id="item-{{ row[0] }}"><h2>{{ row[1] }}</h2>{{ row[2] | safe }}</article>{% endfor %}
</main><footer>Ceiling app</footer></body></html>"""
ROWS = 1_000

bare_app = Flask("bench_bare")
query_app = Flask("bench_query")
for _app in (bare_app, query_app):  # a loaded template is compiled once and cached, as the forum's are
    _app.jinja_loader = DictLoader({"page.html": PAGE})
_local = threading.local()


@bare_app.get("/")
def bare_page() -> str:
    return render_template("page.html", title="A bare page", rows=[(1, "Hello", "<p>Nothing to read.</p>")])


def _connection() -> sqlite3.Connection:
    """One connection per worker thread, as a pooled engine would keep."""
    if getattr(_local, "db", None) is None:
        _local.db = sqlite3.connect(os.environ.get("CEILING_DB", "ceiling.db"), check_same_thread=False)
    return _local.db


@query_app.get("/")
def query_page() -> str:
    rows = _connection().execute("SELECT id, title, body_html FROM items WHERE id = ?",
                                 (random.randint(1, ROWS),)).fetchall()
    return render_template("page.html", title="One query", rows=rows)


@bare_app.get("/healthz")
@query_app.get("/healthz")
def healthz() -> str:
    return "ok"


def make_ceiling_db(path: str) -> str:
    """The table query_app reads: ROWS short rows with an HTML body, keyed by id."""
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE IF EXISTS items")
        db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body_html TEXT NOT NULL)")
        db.executemany("INSERT INTO items VALUES (?, ?, ?)",
                       [(n, f"Item {n}", f"<p>The body of item {n}, <em>rendered</em> once.</p>")
                        for n in range(1, ROWS + 1)])
    return path
