"""Dashboard benchmark: 100,000 questions and 1,000,000 posts, then time the staff dashboard for 30 and 90 days.

    python -m bench dashboard [--questions 100000] [--posts 1000000] [--runs 5] [--db FILE] [--keep]
                              [--pg-url postgresql+psycopg://...]

Rows go in with executemany into a SQLite file (COPY on PostgreSQL when --pg-url is given: a private
database is created and dropped), spread over the year before now with a fixed seed. Each timing is one
full request of /staff/dashboard by a staff member through the test client: every SQL query of the
figures plus the template and its SVG charts. Target: under 1 s.

Three rounds: "scan" computes the figures from the source tables (stats.scan_dashboard, the code before the
rollups, about 40 statements); then `refresh-stats` rolls up the year (timed); "rollups" reads them; "dirty"
reads them after a write has marked today and yesterday (those two days come from the source tables).
`--skip-scan` leaves out the slow first round.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

TARGET_S = 1.0
YEAR = timedelta(days=365)
BODY = ("The hub drops off the network every evening and the app shows it as offline until I restart it. "
        "I tried a different channel and moving it closer to the router, with no change so far.")
CATEGORIES = ["wifi", "app", "devices", "automations", "billing", "security"]


def _defaults(table: sa.Table, given: tuple[str, ...]) -> tuple[list[str], list[Any]]:
    """Columns the generator does not give, filled with their model defaults (raw inserts skip them)."""
    names, values = [], []
    for column in table.columns:
        if column.name in given or column.primary_key and column.name == "id" and "id" in given:
            continue
        if column.default is not None and not column.nullable:
            arg = column.default.arg
            names.append(column.name)
            values.append(arg(None) if callable(arg) else arg)
    return names, values


class Generator:
    """Every table's rows as tuples, in dependency order, with a fixed seed."""

    def __init__(self, questions: int, posts: int, now: datetime, seed: int = 8) -> None:
        self.rng, self.now, self.questions = random.Random(seed), now, questions
        self.answers_target = max(0, posts - questions)
        self.members, self.staff = 5_000, 25

    def users(self) -> Iterator[tuple]:
        for n in range(1, self.members + self.staff + 1):
            role = "staff" if n > self.members else "member"
            yield n, f"user{n}", f"user{n}@example.com", role, self.now - YEAR - timedelta(days=n % 300)

    def categories(self) -> Iterator[tuple]:
        for n, slug in enumerate(CATEGORIES, 1):
            yield n, slug, slug.title()

    def _delay(self, median_h: float) -> timedelta:
        return timedelta(seconds=min(self.rng.lognormvariate(0, 1.4) * median_h * 3600, 30 * 86400))

    def threads_and_posts(self) -> tuple[list[tuple], list[tuple]]:
        """Questions spread over the year; 9 % get no answer; answers follow a lognormal delay (median ~2 h)."""
        rng, threads, posts = self.rng, [], []
        per_thread = self.answers_target / (self.questions * .91) if self.questions else 0
        post_id = 0
        for tid in range(1, self.questions + 1):
            asked = self.now - YEAR * rng.random()  # a year of history, evenly spread
            author = rng.randint(1, self.members)
            post_id += 1
            posts.append((post_id, tid, author, 0, asked, False, False))
            answers = 0 if rng.random() < .09 else max(1, int(rng.expovariate(1 / per_thread) + .5))
            moment, first, accepted, solved_at, answered = asked, None, None, None, 0
            for position in range(1, answers + 1):
                moment = moment + self._delay(2.0 if position == 1 else 6.0)
                if moment >= self.now:
                    break
                staff = rng.random() < .12
                post_id += 1
                posts.append((post_id, tid, self.members + rng.randint(1, self.staff) if staff else
                              rng.randint(1, self.members), position, moment, staff, rng.random() < .005))
                first, answered = first or moment, answered + 1
                if accepted is None and rng.random() < .3:
                    accepted, solved_at = post_id, moment + self._delay(3.0)
            solved_at = min(solved_at, self.now) if solved_at else None
            threads.append((tid, f"Question {tid} about the hub", f"question-{tid}", rng.randint(1, len(CATEGORIES)),
                            author, "solved" if accepted else "open", accepted, rng.random() < .01, asked,
                            moment, answered, first, solved_at))
        return threads, posts

    def escalations(self, threads: list[tuple]) -> Iterator[tuple]:
        for n, thread in enumerate(self.rng.sample(threads, min(len(threads), 4_000)), 1):
            created = thread[8] + timedelta(hours=24)
            if created >= self.now:
                continue
            due = created + timedelta(hours=24)
            reply = created + self._delay(10.0)
            reply = reply if reply < self.now else None
            resolved = reply + self._delay(5.0) if reply and self.rng.random() < .8 else None
            resolved = resolved if resolved and resolved < self.now else None
            yield (n, thread[0], "resolved" if resolved else "assigned" if reply else "open", created, due, reply,
                   resolved)

    def flags(self, posts: list[tuple]) -> Iterator[tuple]:
        for n, post in enumerate(self.rng.sample(posts, min(len(posts), 6_000)), 1):
            created = post[4] + self._delay(5.0)
            if created >= self.now:
                continue
            handled = created + self._delay(4.0)
            handled = handled if handled < self.now else None
            yield n, post[0], "spam", "upheld" if handled else "open", created, handled

    def audit(self, posts: list[tuple]) -> Iterator[tuple]:
        for n, post in enumerate(self.rng.sample(posts, min(len(posts), 3_000)), 1):
            created = post[4] + self._delay(6.0)
            if created < self.now:
                yield n, self.members + 1, self.rng.choice(["post.hide", "post.auto_hide", "thread.lock"]), "post", \
                    post[0], created

    def ideas(self) -> tuple[list[tuple], list[tuple], list[tuple]]:
        rng, ideas, votes, changes = self.rng, [], [], []
        vote_id = 0
        for iid in range(1, 2_001):
            created = self.now - YEAR * rng.random()
            voters = rng.sample(range(1, self.members + 1), min(self.members, int(rng.expovariate(1 / 50))))
            for user in voters:
                vote_id += 1
                moment = created + (self.now - created) * rng.random()
                votes.append((vote_id, user, iid, moment))
            ideas.append((iid, f"Idea {iid}", "x", "<p>x</p>", rng.randint(1, len(CATEGORIES)), rng.randint(1, 5000),
                          rng.choice(["new", "under_review", "planned", "shipped"]), len(voters), created, created))
            if rng.random() < .5:
                changes.append((len(changes) + 1, iid, "new", "planned", self.members + 1,
                                created + (self.now - created) * rng.random()))
        return ideas, votes, changes


SPECS = {  # table -> the columns the generator gives, in tuple order
    "users": ("id", "username", "email", "role", "created_at"),
    "categories": ("id", "slug", "name"),
    "threads": ("id", "title", "slug", "category_id", "author_id", "status", "accepted_post_id", "is_hidden",
                "created_at", "last_activity_at", "answer_count", "first_answer_at", "solved_at"),
    "posts": ("id", "thread_id", "author_id", "position", "created_at", "is_staff_reply", "is_hidden"),
    "escalations": ("id", "thread_id", "status", "created_at", "due_at", "first_staff_reply_at", "resolved_at"),
    "flags": ("id", "post_id", "reason", "status", "created_at", "handled_at"),
    "audit_entries": ("id", "actor_id", "action", "target_type", "target_id", "created_at"),
    "ideas": ("id", "title", "body_md", "body_html", "category_id", "author_id", "status", "vote_count",
              "created_at", "last_activity_at"),
    "idea_votes": ("id", "user_id", "idea_id", "created_at"),
    "idea_status_changes": ("id", "idea_id", "from_status", "to_status", "actor_id", "created_at"),
}
EXTRA = {"posts": {"body_md": BODY, "body_html": f"<p>{BODY}</p>"}}


def _sqlite_value(value: Any) -> Any:
    """The text SQLAlchemy itself stores for a datetime on SQLite (string comparison must agree)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return int(value) if isinstance(value, bool) else value


def load(engine: sa.Engine, generator: Generator) -> dict[str, int]:
    from forum.extensions import db
    threads, posts = generator.threads_and_posts()
    ideas, votes, changes = generator.ideas()
    rows = {"users": list(generator.users()), "categories": list(generator.categories()), "threads": threads,
            "posts": posts, "escalations": list(generator.escalations(threads)), "flags": list(generator.flags(posts)),
            "audit_entries": list(generator.audit(posts)), "ideas": ideas, "idea_votes": votes,
            "idea_status_changes": changes}
    accepted = [(row[6], row[0]) for row in threads if row[6] is not None]
    rows["threads"] = [row[:6] + (None,) + row[7:] for row in threads]  # set after the posts exist (a cycle)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        for name, given in SPECS.items():
            table = db.metadata.tables[name]
            extra = EXTRA.get(name, {})
            names, values = _defaults(table, given + tuple(extra))
            columns = list(given) + list(extra) + names
            tail = list(extra.values()) + values
            if postgres:
                with conn.connection.cursor() as cursor, \
                        cursor.copy(f'COPY {name} ({", ".join(columns)}) FROM STDIN') as copy:
                    for row in rows[name]:
                        copy.write_row(tuple(row) + tuple(tail))
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                     f"(SELECT COALESCE(MAX(id), 1) FROM {name}))")
            else:
                sql = f'INSERT INTO {name} ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
                tail_values = [_sqlite_value(v) for v in tail]
                conn.exec_driver_sql(sql, [tuple(_sqlite_value(v) for v in row) + tuple(tail_values)
                                           for row in rows[name]])
        mark = "%s" if postgres else "?"
        conn.exec_driver_sql(f"UPDATE threads SET accepted_post_id = {mark} WHERE id = {mark}", accepted)
        conn.exec_driver_sql("ANALYZE")
    return {name: len(table_rows) for name, table_rows in rows.items()}


def time_dashboard(app, staff_id: int, runs: int, scan: bool = False) -> dict[str, list[tuple[float, float, int]]]:
    """(wall, CPU, statements) per request; `scan` serves the figures the way they were computed before rollups."""
    from forum.dashboard import read, stats
    from forum.extensions import db
    from tests.conftest import count_queries, login_as
    client = app.test_client()
    login_as(client, staff_id)
    original = read.dashboard
    read.dashboard = stats.scan_dashboard if scan else original
    try:
        assert client.get("/staff/dashboard?days=7").status_code == 200  # warm the caches and the template
        with app.app_context():
            engine = db.engine
        timings: dict[str, list[tuple[float, float, int]]] = {}
        for days in (30, 90):
            for query, repeat in ((f"days={days}", runs), (f"days={days}&category=wifi", 1)):
                for _ in range(repeat):
                    with count_queries(engine) as statements:
                        started, cpu = time.perf_counter(), time.process_time()
                        response = client.get(f"/staff/dashboard?{query}")
                        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
                    timings.setdefault(query, []).append((wall, cpu, len(statements)))
                    assert response.status_code == 200, response.status_code
    finally:
        read.dashboard = original
    return timings


def _report(label: str, timings: dict[str, list[tuple[float, float, int]]]) -> bool:
    ok = True
    for query, values in timings.items():
        walls, cpus = [w for w, _, _ in values], [c for _, c, _ in values]
        median = statistics.median(walls)
        ok = ok and median < TARGET_S
        print(f"  {label:<8} /staff/dashboard?{query:<24} wall median {median * 1000:6.0f} ms "
              f"(max {max(walls) * 1000:6.0f})   CPU median {statistics.median(cpus) * 1000:6.0f} ms   "
              f"{values[-1][2]:>2} statements   {len(values)} run{'s' if len(values) > 1 else ''}   "
              f"{'OK' if median < TARGET_S else 'OVER'} (target < {TARGET_S * 1000:.0f} ms)", flush=True)
    return ok


def _mark_recent_days(app) -> None:
    """What any write does to the rollups: today and yesterday become marked (computed live until refreshed)."""
    from forum.clock import utcnow
    from forum.extensions import db
    from forum.models import DashboardDirtyDay
    with app.app_context():
        today = utcnow().date()
        db.session.add_all([DashboardDirtyDay(day=today), DashboardDirtyDay(day=today - timedelta(days=1))])
        db.session.commit()


def rounds(app, staff_id: int, runs: int, skip_scan: bool = False) -> bool:
    from forum.dashboard import rollups
    ok = True
    if not skip_scan:
        _report("scan", time_dashboard(app, staff_id, max(1, runs // 2), scan=True))
    with app.app_context():
        started = time.perf_counter()
        done = rollups.refresh_stats()
        print(f"  refresh-stats: rolled up {done['days']} days in {time.perf_counter() - started:.1f} s", flush=True)
    ok = _report("rollups", time_dashboard(app, staff_id, runs)) and ok
    _mark_recent_days(app)
    return _report("dirty", time_dashboard(app, staff_id, runs)) and ok


def run(url: str, questions: int, posts: int, runs: int, skip_scan: bool = False) -> bool:
    from config import TestingConfig
    from forum import create_app
    from forum.extensions import db
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.SEARCH_INDEX_DIR = tempfile.mkdtemp(prefix="bench-dashboard-index-")
    app = create_app(config)
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        counts = load(db.engine, Generator(questions, posts, datetime.now(UTC).replace(tzinfo=None, microsecond=0)))
        print(f"{db.engine.dialect.name}: loaded {counts['threads']:,} questions, {counts['posts']:,} posts, "
              f"{counts['escalations']:,} escalations, {counts['flags']:,} flags, {counts['idea_votes']:,} idea "
              f"votes in {time.perf_counter() - started:.1f} s", flush=True)
        staff_id = db.session.scalar(sa.select(sa.func.max(sa.column("id"))).select_from(sa.table("users")))
        db.session.remove()
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time suffers when it is high; "
          f"CPU time is this process's own work)")
    ok = rounds(app, staff_id, runs, skip_scan)
    with app.app_context():
        db.engine.dispose()
    return ok


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", default=None, help="SQLite file to build (default: a temporary file)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file afterwards")
    parser.add_argument("--pg-url", default=None, help="also run on PostgreSQL (a private database is created)")
    parser.add_argument("--skip-scan", action="store_true", help="leave out the round without rollups (slow)")
    args = parser.parse_args(argv)
    path = args.db or os.path.join(tempfile.mkdtemp(prefix="bench-dashboard-"), "dashboard.db")
    if os.path.exists(path):
        os.remove(path)
    try:
        ok = run(f"sqlite:///{path}", args.questions, args.posts, args.runs, args.skip_scan)
    finally:
        if not args.keep and os.path.exists(path):
            os.remove(path)
    if args.pg_url:
        ok = _run_postgres(args.pg_url, args.questions, args.posts, args.runs, args.skip_scan) and ok
    return 0 if ok else 1


def _run_postgres(server_url: str, questions: int, posts: int, runs: int, skip_scan: bool = False) -> bool:
    name = f"bench_dashboard_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        url = sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)
        return run(url, questions, posts, runs, skip_scan)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def time_existing(path: str, runs: int) -> int:
    """Time an already built SQLite file (python -c: bench.dashboard.time_existing(FILE, 5)): for tuning."""
    from config import TestingConfig
    from forum import create_app
    from forum.extensions import db
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"
    config.SEARCH_INDEX_DIR = tempfile.mkdtemp(prefix="bench-dashboard-index-")
    app = create_app(config)
    with app.app_context():
        staff_id = db.session.scalar(sa.select(sa.func.max(sa.column("id"))).select_from(sa.table("users")))
    for label, values in time_dashboard(app, staff_id, runs).items():
        print(label, [f"{w * 1000:.0f}/{c * 1000:.0f} ({n})" for w, c, n in values])
    return 0
