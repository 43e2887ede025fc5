"""The page benchmark's bulk generator: a tiny dataset migrates, loads and reads back consistent counts."""
from __future__ import annotations

import sqlite3

from bench.dataset import Plan, build_sqlite, parse_size


def test_sizes_parse() -> None:
    assert (parse_size("10k"), parse_size("1m"), parse_size("2500")) == (10_000, 1_000_000, 2_500)


def test_tiny_dataset_is_consistent(tmp_path) -> None:
    path = tmp_path / "tiny.db"
    manifest = build_sqlite(path, 200, plan=Plan(200, questions=20, ideas=10, users=40), progress=lambda _: None)
    db = sqlite3.connect(path)
    one = lambda sql: db.execute(sql).fetchone()[0]
    assert one("SELECT COUNT(*) FROM threads") == 20
    assert one("SELECT COUNT(*) FROM posts WHERE position = 0") == 20
    assert one("SELECT COUNT(*) FROM posts") == manifest.posts == manifest.counts["posts"]
    assert one("SELECT COUNT(*) FROM ideas") == 10 and one("SELECT COUNT(*) FROM users") == 40
    assert one("SELECT COUNT(*) FROM threads t WHERE answer_count <> "
               "(SELECT COUNT(*) FROM posts p WHERE p.thread_id = t.id AND p.position > 0)") == 0
    assert one("SELECT COUNT(*) FROM posts p WHERE score <> "
               "(SELECT COALESCE(SUM(value), 0) FROM votes v WHERE v.post_id = p.id)") == 0
    assert one("SELECT COUNT(*) FROM ideas i WHERE vote_count <> "
               "(SELECT COUNT(*) FROM idea_votes v WHERE v.idea_id = i.id)") == 0
    assert one(f"SELECT answer_count FROM threads WHERE id = {manifest.thread_id}") == 20
    assert one("SELECT COUNT(*) FROM post_revisions") == manifest.posts
    assert one("SELECT COUNT(*) FROM posts WHERE body_html NOT LIKE '<%'") == 0
    assert {row[0] for row in db.execute("SELECT DISTINCT role FROM users")} == {"member", "staff", "moderator",
                                                                                  "admin"}
    assert one(f"SELECT role FROM users WHERE username = '{manifest.staff}'") == "staff"
