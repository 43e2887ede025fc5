"""Bulk datasets of 10k, 100k and 1M posts for the page benchmark, kept in a cache folder between runs.

    python -m bench pages --sizes 10k,100k,1m        (builds what is missing, then measures)
    python -c "from bench.dataset import build_sqlite; build_sqlite('demo.db', 2000)"   (a file of any size)

The schema comes from the migrations (`flask_migrate.upgrade()`), so the dataset is what production runs;
rows go in with executemany (SQLite) or COPY (PostgreSQL), then the derived tables (revisions,
subscriptions, notifications, reputation) with INSERT ... SELECT: a service call per row would take hours.
A size of N posts has N/10 questions with 0-30 answers each (about 9 on average), about one vote per post,
N/100 ideas with votes, comments and status history, 1 % of questions escalated, a few hundred people
(staff, moderators and an admin among them). Bodies are a few dozen Markdown texts rendered once with
forum.markup and reused. A dataset is keyed by its size and a digest of the migrated tables and of this file,
so a table change rebuilds it, while a changed index is applied to the cached SQLite file in place;
columns the generator does not know get their model defaults.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import dataset_rows, dataset_sink
from bench.dataset_rows import Generator, Plan
from bench.dataset_sink import DERIVED, Sink, _drop_indexes, _reset_sequences

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
GENERATOR_FILES = [Path(module.__file__) for module in (dataset_rows, dataset_sink)] + [Path(__file__)]
PASSWORD = "bench-password-1"  # every generated account; the page benchmark logs in with it


@dataclass
class Manifest:
    """What a built dataset holds and where the benchmark finds its test objects."""

    key: str
    size: str
    posts: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    thread_id: int = 0           # a thread with THREAD_ANSWERS answers
    idea_id: int = 0             # an idea with votes and comments
    member: str = ""             # a member with notifications, for the member's pages
    staff: str = ""              # a staff member, for the staff pages
    build_seconds: float = 0.0
    built_at: str = ""
    commands_done: list[str] = field(default_factory=list)  # POST_LOAD_COMMANDS that ran; a failed one is retried

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        return cls(**json.loads(text))


def parse_size(label: str) -> int:
    """"10k" -> 10_000, "1m" -> 1_000_000, "2500" -> 2500."""
    label = label.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(label[-1:], 1)
    return int(float(label[:-1] if scale > 1 else label) * scale)


def schema_digest(schema: str = "migrations", *, with_indexes: bool = True) -> str:
    """Changes whenever the schema or this generator changes: the cache key besides the size.

    The schema is what the migrations build (their comments and data steps change nothing), or with
    `schema="models"` what `db.create_all()` builds: the escape hatch for a tree whose migrations lag behind
    its models. Without `with_indexes` only the tables count: SQLite datasets take new indexes in place."""
    digest = hashlib.sha1()
    for module in GENERATOR_FILES:  # the rows they write are part of what a cached dataset is
        digest.update(module.read_bytes())
    for kind, _, ddl in target_schema(schema):
        if with_indexes or kind == "table":
            digest.update(_canonical(ddl).encode())
    return f"{_alembic_head() if schema != 'models' else 'models'}-{digest.hexdigest()[:10]}"


def _canonical(ddl: str) -> str:
    """The DDL with its lines sorted: a table that a batch migration rebuilt on SQLite lists its constraints in
    an order that follows Python's string hashing, so the same schema printed differently from run to run and
    every run rebuilt a 1M dataset it already had."""
    return "\n".join(sorted(line.strip().rstrip(",") for line in ddl.splitlines()))


_SCHEMAS: dict[str, list[tuple[str, str, str]]] = {}


def target_schema(schema: str = "migrations") -> list[tuple[str, str, str]]:
    """(type, name, DDL) of an empty SQLite database built by the migrations or the models (about a second)."""
    if schema in _SCHEMAS:
        return _SCHEMAS[schema]
    import sqlite3

    import flask_migrate

    from config import Config
    from forum import create_app
    from forum.extensions import db
    with tempfile.TemporaryDirectory(prefix="bench-schema-") as folder:
        config = Config()
        config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/schema.db"
        config.SECRET_KEY, config.SEARCH_INDEX_DIR = "bench", f"{folder}/index"
        app = create_app(config)
        with app.app_context():
            if schema == "models":
                db.create_all()
            else:
                flask_migrate.upgrade()
            db.engine.dispose()
        with sqlite3.connect(f"{folder}/schema.db") as conn:
            _SCHEMAS[schema] = [tuple(row) for row in conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name <> 'alembic_version' "
                "ORDER BY type, name")]
    return _SCHEMAS[schema]


def sync_indexes(path: Path, schema: str = "migrations", progress: Callable[[str], None] = print) -> int:
    """Make a cached SQLite dataset's indexes the schema's: an index change costs seconds, not a rebuild."""
    import sqlite3
    wanted = {name: ddl for kind, name, ddl in target_schema(schema) if kind == "index"}
    with sqlite3.connect(path) as conn:
        present = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
        stale = [name for name, ddl in present.items() if wanted.get(name) != ddl]
        missing = [ddl for name, ddl in wanted.items() if present.get(name) != ddl]
        if not stale and not missing:
            return 0
        started = time.perf_counter()
        for name in stale:
            conn.execute(f'DROP INDEX "{name}"')
        for ddl in missing:
            conn.execute(ddl)
        conn.execute("ANALYZE")
    progress(f"  indexes brought in step with the schema ({len(stale)} dropped, {len(missing)} created) in "
             f"{time.perf_counter() - started:.1f} s")
    return len(stale) + len(missing)


def _alembic_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head() or "base"


# ---------------------------------------------------------------- generation


# ---------------------------------------------------------------- loading


def load(url: str, posts: int, *, plan: Plan | None = None, progress: Callable[[str], None] = print,
         schema: str = "migrations") -> Manifest:
    """Migrate an empty database at `url` to head (or create the models' tables) and fill it."""
    import flask_migrate

    from config import Config
    from forum import create_app
    from forum.auth.passwords import hash_password
    from forum.extensions import db

    started = time.perf_counter()
    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url
    config.SECRET_KEY = "bench"
    config.SEARCH_INDEX_DIR = os.path.join(tempfile.gettempdir(), "forum-bench-unused-index")  # nothing indexes
    app = create_app(config)
    plan = plan or Plan(posts)
    with app.app_context():
        if schema == "models":
            db.create_all()
            flask_migrate.stamp()
            progress(f"  schema created from the models (--schema models) in {time.perf_counter() - started:.1f} s")
        else:
            flask_migrate.upgrade()
            progress(f"  schema migrated to {_alembic_head()} in {time.perf_counter() - started:.1f} s")
        generator = Generator(plan, datetime.now(UTC).replace(tzinfo=None))
        password_hash = hash_password(PASSWORD)
        engine = db.engine
        dialect = engine.dialect.name
        raw = engine.raw_connection()
        try:
            counts = _fill(raw, dialect, db.metadata, generator, password_hash, progress)
        finally:
            raw.close()
        done = _post_load_commands(app, progress)
        db.session.remove()
        engine.dispose()  # no connection may stay open: PostgreSQL copies the database as a template
    manifest = Manifest(key="", size="", posts=counts.get("posts", 0), counts=counts, thread_id=generator.thread_id,
                        idea_id=plan.ideas // 2, member=_busiest_member(url), staff=generator.username(
                            generator.staff_ids[0]), build_seconds=round(time.perf_counter() - started, 1),
                        built_at=datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
                        commands_done=done)
    return manifest


POST_LOAD_COMMANDS = [["forum", "refresh-stats"]]  # run when the app has them: derived state kept by commands


def _post_load_commands(app: Any, progress: Callable[[str], None], skip: Iterable[str] = ()) -> list[str]:
    """Run the app's commands that derive state from the loaded rows; a failure is reported, not fatal
    (the tree may be mid-change), and the next run retries it on the cached dataset."""
    from forum.cli import forum_cli
    done = list(skip)
    for args in POST_LOAD_COMMANDS:
        name = " ".join(args)
        if args[1] not in forum_cli.commands or name in done:
            continue
        started = time.perf_counter()
        outcome = app.test_cli_runner().invoke(args=args)
        if outcome.exit_code:
            progress(f"  WARNING: flask {name} failed ({outcome.output.strip()[-200:]}{outcome.exception!r}); "
                     f"retried next run")
            continue
        done.append(name)
        progress(f"  flask {name} in {time.perf_counter() - started:.1f} s: {outcome.output.strip()[:200]}")
    return done


def complete_commands(url: str, manifest: Manifest, progress: Callable[[str], None] = print) -> bool:
    """Run the post-load commands a cached dataset still lacks (one failed, or the app gained one)."""
    from forum.cli import forum_cli
    wanted = [" ".join(args) for args in POST_LOAD_COMMANDS if args[1] in forum_cli.commands]
    if all(name in manifest.commands_done for name in wanted):
        return False
    from config import Config
    from forum import create_app
    from forum.extensions import db
    config = Config()
    config.SQLALCHEMY_DATABASE_URI, config.SECRET_KEY = url, "bench"
    config.SEARCH_INDEX_DIR = os.path.join(tempfile.gettempdir(), "forum-bench-unused-index")
    app = create_app(config)
    with app.app_context():
        manifest.commands_done = _post_load_commands(app, progress, manifest.commands_done)
        db.session.remove()
        db.engine.dispose()
    return True


def _fill(raw: Any, dialect: str, metadata: sa.MetaData, generator: Generator, password_hash: str,
          progress: Callable[[str], None]) -> dict[str, int]:
    cursor = raw.cursor()
    if dialect == "sqlite":
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -400000", "temp_store = MEMORY",
                       "foreign_keys = OFF"):
            cursor.execute(f"PRAGMA {pragma}")
    else:
        cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading
    tables = [table.name for table in metadata.sorted_tables]
    indexes = _drop_indexes(raw, dialect, tables)
    sink = Sink(raw, metadata, dialect)
    step = time.perf_counter()
    for table, rows in (("users", generator.users(password_hash)), ("categories", generator.categories()),
                        ("tags", generator.tags())):
        for row in rows:
            sink.add(table, row)
    sink.flush()
    generator.threads(sink)
    generator.escalations(sink)
    generator.flags_and_audit(sink)
    generator.ideas(sink)
    sink.flush()
    raw.commit()
    progress(f"  {sink.counts.get('posts', 0):,} posts, {sink.counts.get('votes', 0):,} votes, "
             f"{sink.counts.get('ideas', 0):,} ideas inserted in {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    counts = dict(sink.counts)
    for table, sql in DERIVED:
        cursor.execute(sql)
        if table != "users":
            counts[table] = cursor.rowcount
    raw.commit()
    progress(f"  revisions, subscriptions, notifications and reputation derived in {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    for ddl in indexes:
        cursor.execute(ddl)
    if dialect == "postgresql":
        _reset_sequences(raw)
        cursor.execute("SET session_replication_role = DEFAULT")
    raw.commit()
    if dialect == "postgresql":
        driver = raw.driver_connection  # VACUUM (which also fills the visibility map) refuses a transaction
        driver.autocommit = True
        driver.execute("VACUUM ANALYZE")
        driver.autocommit = False
    else:
        cursor.execute("ANALYZE")
        raw.commit()
    progress(f"  {len(indexes)} indexes built and statistics gathered in {time.perf_counter() - step:.1f} s")
    return counts


def _busiest_member(url: str) -> str:
    """The member with the most unread notifications: the heaviest ordinary member's page."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(
                "SELECT u.username FROM users u JOIN notifications n ON n.user_id = u.id "
                "WHERE u.role = 'member' AND n.read_at IS NULL GROUP BY u.username ORDER BY COUNT(*) DESC "
                "LIMIT 1")).scalar() or "member1"
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the cache


def sqlite_dataset(size: str, cache_dir: Path = CACHE_DIR, *, rebuild: bool = False,
                   progress: Callable[[str], None] = print, schema: str = "migrations") -> tuple[Path, Manifest]:
    """The cached SQLite file of `size` ("10k", "100k", "1m" or a number), built when missing or stale."""
    key = schema_digest(schema, with_indexes=False)
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"forum-{size}-{key}.db"
    meta = path.with_suffix(".json")
    if meta.exists() and path.exists() and not rebuild:
        sync_indexes(path, schema, progress)
        manifest = Manifest.from_json(meta.read_text())
        if complete_commands(f"sqlite:///{path}", manifest, progress):
            meta.write_text(manifest.to_json())
        return path, manifest
    for stale in cache_dir.glob(f"forum-{size}-*"):  # an older schema's files: a schema change rebuilds
        _remove(stale)
    progress(f"building the {size} SQLite dataset ({path.name})")
    manifest = build_sqlite(path, parse_size(size), progress=progress, schema=schema)
    manifest.key, manifest.size = key, size
    meta.write_text(manifest.to_json())
    progress(f"  built in {manifest.build_seconds:.0f} s, {path.stat().st_size / 1e6:,.0f} MB")
    return path, manifest


def build_sqlite(path: str | Path, posts: int, *, plan: Plan | None = None,
                 progress: Callable[[str], None] = print, schema: str = "migrations") -> Manifest:
    """A fresh SQLite file at `path` with a dataset of about `posts` posts (tests use a few hundred)."""
    path = Path(path)
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
    return load(f"sqlite:///{path}", posts, plan=plan, progress=progress, schema=schema)


def postgres_dataset(server_url: str, size: str, *, rebuild: bool = False,
                     progress: Callable[[str], None] = print, schema: str = "migrations") -> tuple[str, Manifest]:
    """The database forum_bench_<size> on the server at `server_url`, built when missing or stale.

    Its manifest lives in a one-row table `bench_manifest`, so a schema change is noticed and rebuilds it."""
    key = schema_digest(schema)
    name = f"forum_bench_{size}"
    url = database_url(server_url, name)
    existing = _pg_manifest(url)
    if existing and existing.key == key and not rebuild:
        if complete_commands(url, existing, progress):
            _save_pg_manifest(url, existing, replace=True)
        return url, existing
    progress(f"building the {size} PostgreSQL dataset (database {name})")
    recreate_database(server_url, name)
    manifest = load(url, parse_size(size), progress=progress, schema=schema)
    manifest.key, manifest.size = key, size
    _save_pg_manifest(url, manifest)
    progress(f"  built in {manifest.build_seconds:.0f} s")
    return url, manifest


def _save_pg_manifest(url: str, manifest: Manifest, replace: bool = False) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            if replace:
                conn.execute(sa.text("DELETE FROM bench_manifest"))
            else:
                conn.execute(sa.text("CREATE TABLE bench_manifest (manifest TEXT NOT NULL)"))
            conn.execute(sa.text("INSERT INTO bench_manifest VALUES (:m)"), {"m": manifest.to_json()})
    finally:
        engine.dispose()


def database_url(server_url: str, name: str) -> str:
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def recreate_database(server_url: str, name: str, template: str | None = None) -> None:
    """A copy of a template is made by copying its files (PostgreSQL 15 and later would otherwise write the whole
    1M-post database through the WAL: 1.7 GB, whose checkpoints and write-back ran under the measured rounds
    and doubled the posting times measured right after)."""
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            copy = ""
            if template:
                file_copy = (conn.dialect.server_version_info or (0,)) >= (15,)
                copy = f' TEMPLATE "{template}"' + (" STRATEGY FILE_COPY" if file_copy else "")
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"' + copy)
    finally:
        admin.dispose()


def drop_database(server_url: str, name: str) -> None:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def _pg_manifest(url: str) -> Manifest | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return Manifest.from_json(conn.execute(sa.text("SELECT manifest FROM bench_manifest")).scalar_one())
    except Exception:  # noqa: BLE001 - no such database or table yet (or an unreadable manifest): build it
        return None
    finally:
        engine.dispose()


def _remove(path: Path) -> None:
    if path.is_dir():
        import shutil
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


if __name__ == "__main__":  # python -m bench.dataset 10k [migrations|models]: build (or find) one cached dataset
    import sys
    found, info = sqlite_dataset(sys.argv[1] if len(sys.argv) > 1 else "10k",
                                 schema=sys.argv[2] if len(sys.argv) > 2 else "migrations")
    print(found, info.counts)
