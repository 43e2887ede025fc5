"""Page benchmark: the main pages as visitor, member and staff at 10k, 100k and 1M posts, under gunicorn and wrk.

    make bench BENCH_ARGS="pages [--sizes 10k,100k,1m] [--pages home,thread,...] [--duration 10]
                           [--rounds 3] [--connections 16] [--workers 2] [--pg-url postgresql+psycopg://...]
                           [--backends sqlite,postgres] [--redis-url redis://...] [--index-sizes 10k,100k]
                           [--no-post] [--posts 200] [--cache-dir bench/.cache] [--rebuild]
                           [--schema migrations|models] [--report bench/out/pages-....json]"

Each size's cached dataset (bench/dataset.py) is copied and served by its own `gunicorn -w 2 wsgi:app`, all
sizes at once, with two ceiling apps (bench/ceiling.py: a bare Flask page, and one rendering one SQLite query).
In every round the ceilings are driven, then each page at every size back to back (the sizes' order reversed
every other round) by `wrk -t2 -c16 -d10s` on 127.0.0.1, after an untimed warm-up run: a page's 1M figure is
taken seconds after its 10k one, so the machine's drift over a long run does not pass for a cost of size.
Figures are medians of the rounds. Then, size by size on the same servers: the workers' anonymous memory after
every page, and 200 answers posted through the API with a bearer token from `flask forum create-token` (on the
copy, so the cache stays clean), after 10 untimed ones as each page gets its untimed run; each is timed on the
client and, from the access log, on the server. The Whoosh index of a size in --index-sizes is built once with
`flask forum reindex`, whose speed is reported.
It is a benchmark, not a test: CI does not run it, and the machine's other load shows in its figures.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench import dataset
from bench.report import (
    CEILINGS,
    Run,
    SizeResult,
    Target,
    _ms_text,
    _percentile,
    _save,
    extras,
    load_report,
    table,
)
from bench.serving import (
    USER_AGENT,
    Server,
    app_env,
    fetch,
    login,
    parse_wrk,
    resolve,
    wrk_missing,
)

ROOT = dataset.ROOT
VISITOR, MEMBER, STAFF = "visitor", "member", "staff"


@dataclass(frozen=True)
class PageSpec:
    name: str
    role: str
    path: str  # may name {thread}, {last_page}, {idea} (resolved against the dataset)


PAGES = [
    PageSpec("home", VISITOR, "/"),
    PageSpec("thread", VISITOR, "{thread}"),
    PageSpec("list-last", VISITOR, "{last_page}"),
    PageSpec("roadmap", VISITOR, "/ideas/roadmap"),
    PageSpec("ideas", VISITOR, "/ideas"),
    PageSpec("idea", VISITOR, "/ideas/{idea}"),
    PageSpec("m-thread", MEMBER, "{thread}"),
    PageSpec("m-home", MEMBER, "/"),
    PageSpec("dashboard", STAFF, "/staff/dashboard"),
    PageSpec("escalations", STAFF, "/staff/escalations"),
]
OPTIONAL_PAGES = [PageSpec("search", VISITOR, "/search?q=hub+offline")]  # needs a built index (--index-sizes)


# ---------------------------------------------------------------- servers


# ---------------------------------------------------------------- HTTP helpers


# ---------------------------------------------------------------- wrk


def drive(target: Target, args: argparse.Namespace) -> Run:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "60s",
               "--latency", "-H", f"User-Agent: {USER_AGENT}"]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{target.port}{target.path}")
    output = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 120,
                            check=False).stdout
    try:
        return parse_wrk(output)
    except (AttributeError, KeyError) as error:
        raise RuntimeError(f"could not read wrk's output ({error}):\n{output}") from error


# ---------------------------------------------------------------- one size


def _last_page(port: int, headers: dict[str, str]) -> str:
    """The question list's last page as its own pagination links it."""
    _, _, body, _ = fetch(port, "/questions", headers=headers)
    pages = [int(n) for n in re.findall(rb"[?&](?:amp;)?page=(\d+)", body)]
    return f"/questions?page={max(pages)}" if pages else "/questions"


def last_error(log: Path) -> str:
    """The last exception line gunicorn logged: why a page answered 500."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    found = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b", line)]
    return found[-1][:200] if found else ""


def prepare_targets(port: int, manifest: dataset.Manifest, specs: list[PageSpec],
                    cookies: dict[str, dict[str, str]], log: Path) -> list[Target]:
    targets = []
    values = {"thread": f"/questions/{manifest.thread_id}", "idea": str(manifest.idea_id),
              "last_page": _last_page(port, {})}
    for spec in specs:
        headers = cookies.get(spec.role, {})
        target = Target(spec.name, spec.role, port, spec.path.format(**values), dict(headers))
        if spec.role != VISITOR and not headers:
            target.problem = f"no {spec.role} login"
        else:
            target.path, status, size = resolve(port, target.path, headers)
            target.kbytes = size / 1024
            if status != 200:
                target.problem = f"HTTP {status}"
                if status >= 500:
                    print(f"  {spec.name} {target.path}: HTTP {status}: {last_error(log)}", flush=True)
        targets.append(target)
    return targets


@dataclass
class Prepared:
    """One size's working copy, ready to serve: its database, manifest and search index."""
    size: str
    url: str
    manifest: dataset.Manifest
    index_dir: Path
    reindex: dict


def measure_sizes(backend: str, prepared: list[Prepared], args: argparse.Namespace, ceiling_db: str,
                  log_dir: Path) -> list[SizeResult]:
    """Serve every size at once, with the two ceiling apps, and drive each page at every size back to back in
    each round (the sizes' order reversed every other round). A page's 1M figure is then taken seconds after its
    10k one, not a quarter of an hour later: on a shared machine whose speed drifts over the run, "x own 10k"
    compares the sizes rather than two moments. Then, size by size: memory after every page, and posting."""
    envs = {item.size: app_env(item.url, str(item.index_dir), args.redis_url) for item in prepared}
    first = envs[prepared[0].size]
    apps = {item.size: Server("wsgi:app", envs[item.size], args.workers,
                              log_dir / f"gunicorn-{backend}-{item.size}.log") for item in prepared}
    ceilings = {"ceiling-bare": Server("bench.ceiling:bare_app", dict(first, CEILING_DB=ceiling_db), args.workers,
                                       log_dir / "gunicorn-ceiling-bare.log"),
                "ceiling-query": Server("bench.ceiling:query_app", dict(first, CEILING_DB=ceiling_db), args.workers,
                                        log_dir / "gunicorn-ceiling-query.log")}
    results = {item.size: SizeResult(item.size, backend, {}, manifest=json.loads(item.manifest.to_json()),
                                     reindex=item.reindex) for item in prepared}
    try:
        for server in [*apps.values(), *ceilings.values()]:
            server.wait_ready()
        shared = [Target(name, VISITOR, ceilings[name].port, "/") for name in CEILINGS]
        pages: dict[str, dict[str, Target]] = {}
        for item in prepared:
            app = apps[item.size]
            found = prepare_targets(app.port, item.manifest, _chosen_pages(args), _logins(app.port, item.manifest),
                                    app.log)
            pages[item.size] = {target.name: target for target in found}
            results[item.size].targets = {**{target.name: target for target in shared}, **pages[item.size]}
            for target in found:
                if target.problem:
                    print(f"  {item.size} {target.name}: skipped ({target.problem})", flush=True)
        sizes = [item.size for item in prepared]
        for round_no in range(1, args.rounds + 1):
            for target in shared:
                _timed(target, args, f"{backend} round {round_no}")
            for spec in _chosen_pages(args):
                for size in (sizes if round_no % 2 else sizes[::-1]):
                    target = pages[size][spec.name]
                    if not target.problem:
                        _timed(target, args, f"{backend} {size} round {round_no}")
        bare_memory = ceilings["ceiling-bare"].memory()
        for item in prepared:
            result, app = results[item.size], apps[item.size]
            result.memory, result.bare_memory, result.load = app.memory(), bare_memory, os.getloadavg()[0]
            if not args.no_post:
                result.posting = post_answers(app.port, envs[item.size], item.url, item.manifest, args.posts, app.log)
                if result.posting.get("created", 0) < result.posting.get("posts", 0):
                    result.posting["error_line"] = last_error(app.log)
    finally:
        for server in [*apps.values(), *ceilings.values()]:
            server.stop()
    return [results[item.size] for item in prepared]


def _timed(target: Target, args: argparse.Namespace, label: str) -> None:
    drive(target, _short(args))  # warm the page's caches before its timed run
    run = drive(target, args)
    target.runs.append(run)
    print(f"  [{label}] {target.name:<13} {run.rps:8.1f} req/s  p50 {_ms_text(run.p50_ms):>8} ms  "
          f"p99 {_ms_text(run.p99_ms):>8} ms{f'  ({run.errors} errors)' if run.errors else ''}", flush=True)


def _short(args: argparse.Namespace) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), "duration": max(1, min(2, args.duration // 5))})


def _chosen_pages(args: argparse.Namespace) -> list[PageSpec]:
    every = {spec.name: spec for spec in PAGES + OPTIONAL_PAGES}
    if not args.pages:
        return PAGES
    unknown = [name for name in args.pages if name not in every]
    if unknown:
        raise SystemExit(f"Unknown page(s) {', '.join(unknown)}; choose from {', '.join(every)}.")
    return [every[name] for name in args.pages]


def _logins(port: int, manifest: dataset.Manifest) -> dict[str, dict[str, str]]:
    cookies = {}
    for role, username in ((MEMBER, manifest.member), (STAFF, manifest.staff)):
        try:
            cookies[role] = login(port, username, dataset.PASSWORD)
        except (OSError, RuntimeError) as error:
            print(f"  could not log in as {username}: {error}", flush=True)
    return cookies


# ---------------------------------------------------------------- the write path


WARM_POSTS = 10  # untimed first answers, as each page gets an untimed run: a worker's first post imports
                 # markdown-it (which a worker that only serves pages never holds) and compiles its statements


def post_answers(port: int, env: dict[str, str], database_url: str, manifest: dataset.Manifest,
                 count: int, log: Path | None = None, warm: int = WARM_POSTS) -> dict:
    """`count` answers through POST /api/v1/questions/<id>/answers, one after another, on open threads, after
    `warm` untimed ones. Timed on the client and, from gunicorn's access log, on the server (the target's
    figure: the server's time from the request's arrival to its response)."""
    token = create_token(env, manifest.member)
    if not token:
        return {"error": "flask forum create-token gave no token"}
    threads = _open_threads(database_url, count + warm)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "User-Agent": USER_AGENT}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    timings, statuses, warm_timings = [], {}, []
    log_start = log.stat().st_size if log is not None else 0
    try:
        for n, thread_id in enumerate(threads):
            if n == warm and log is not None:
                log_start = log.stat().st_size
            body = json.dumps({"body": f"Benchmark answer {n}: switching the router to channel 6 and "
                                       f"re-pairing the hub fixed it for me. Try **that** first."})
            started = time.perf_counter()
            conn.request("POST", f"/api/v1/questions/{thread_id}/answers", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            took = (time.perf_counter() - started) * 1000
            if n < warm:
                warm_timings.append(took)
                continue
            timings.append(took)
            statuses[response.status] = statuses.get(response.status, 0) + 1
    finally:
        conn.close()
    ok = statuses.get(201, 0)
    server = _server_times(log, log_start) if log is not None else []
    return {"posts": len(timings), "created": ok, "statuses": statuses,
            "median_ms": statistics.median(timings) if timings else None, "p90_ms": _percentile(timings, 90),
            "p99_ms": _percentile(timings, 99), "warm_posts": len(warm_timings),
            "warm_max_ms": max(warm_timings) if warm_timings else None,
            "server_median_ms": statistics.median(server) if server else None,
            "server_p90_ms": _percentile(server, 90), "server_p99_ms": _percentile(server, 99),
            "server_max_ms": max(server) if server else None}


def _server_times(log: Path, start: int) -> list[float]:
    """The timed answers' duration_ms as forum/requestlog.py logged them (gunicorn writes the app's log)."""
    time.sleep(0.5)  # the last line may still be in the worker's buffer
    with log.open("rb") as handle:
        handle.seek(start)
        text = handle.read().decode("utf-8", "replace")
    return [float(ms) for ms in re.findall(r"/answers status=201 duration_ms=([\d.]+)", text)]


def create_token(env: dict[str, str], username: str) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "forum", "create-token", username, "--name", "bench"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    words = done.stdout.split()
    if done.returncode or not words:
        print(f"  create-token failed: {done.stderr.strip()[-400:]}", flush=True)
        return ""
    return words[-1]


def _open_threads(database_url: str, count: int) -> list[int]:
    import sqlalchemy as sa
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            ids = conn.execute(sa.text("SELECT id FROM threads WHERE is_locked = :no AND is_hidden = :no "
                                       "ORDER BY id"), {"no": False}).scalars().all()
    finally:
        engine.dispose()
    step = max(1, len(ids) // count)
    return ids[::step][:count]


# ---------------------------------------------------------------- search index


def search_digest() -> str:
    import hashlib
    digest = hashlib.sha1()
    for path in sorted((ROOT / "forum" / "search").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def cached_index(size: str, database_url: str, manifest: dataset.Manifest, cache_dir: Path,
                 backend: str) -> tuple[Path, dict]:
    """The dataset's Whoosh index, built once with `flask forum reindex` (timed: its posts/s is reported)."""
    folder = cache_dir / f"index-{backend}-{size}-{manifest.key}-{search_digest()}"
    meta = folder / "bench-reindex.json"
    if meta.exists():
        return folder, json.loads(meta.read_text())
    for stale in cache_dir.glob(f"index-{backend}-{size}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    print(f"  building the {size} search index with `flask forum reindex` ...", flush=True)
    folder.mkdir(parents=True)
    env = app_env(database_url, str(folder), None)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flask", "forum", "reindex"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        return Path(""), {"error": done.stderr.strip()[-400:]}
    docs = re.search(r"Indexed (\d+) documents", done.stdout)
    info = {"seconds": round(seconds, 1), "documents": int(docs.group(1)) if docs else None,
            "posts": manifest.posts, "posts_per_s": round(manifest.posts / seconds),
            "built_at": datetime.now().isoformat(timespec="seconds"), "load": round(os.getloadavg()[0], 1)}
    meta.write_text(json.dumps(info))
    return folder, info


# ---------------------------------------------------------------- the report


# ---------------------------------------------------------------- main


def _working_copy_sqlite(path: Path, size: str, cache_dir: Path) -> Path:
    """The run's own copy: page views and posted answers must not change the cached dataset."""
    copy = cache_dir / f"run-{size}.db"
    for suffix in ("-wal", "-shm", "-journal"):  # a crashed run's leftovers would corrupt the fresh copy
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, copy)
    os.sync()  # 1.6 GB at 1M posts: written back under the measured rounds otherwise, as PostgreSQL's WAL copy was
    return copy


def run_backend(backend: str, args: argparse.Namespace, cache_dir: Path, ceiling_db: str,
                log_dir: Path) -> list[SizeResult]:
    prepared: list[Prepared] = []
    try:
        for size in args.sizes:
            prepared.append(_prepare(backend, size, args, cache_dir))
        return measure_sizes(backend, prepared, args, ceiling_db, log_dir)
    finally:
        for item in prepared:
            _discard(backend, item, args)


def _prepare(backend: str, size: str, args: argparse.Namespace, cache_dir: Path) -> Prepared:
    """The size's cached dataset copied for this run (pages and posted answers must not change the cache)."""
    started = time.perf_counter()
    if backend == "sqlite":
        path, manifest = dataset.sqlite_dataset(size, cache_dir, rebuild=args.rebuild, schema=args.schema)
        url = f"sqlite:///{_working_copy_sqlite(path, size, cache_dir)}"
    else:
        _, manifest = dataset.postgres_dataset(args.pg_url, size, rebuild=args.rebuild, schema=args.schema)
        dataset.recreate_database(args.pg_url, f"forum_bench_{size}_run", template=f"forum_bench_{size}")
        url = dataset.database_url(args.pg_url, f"forum_bench_{size}_run")
    index_dir, reindex = Path(tempfile.mkdtemp(prefix="bench-index-", dir=cache_dir)), {}
    if size in args.index_sizes:
        built, reindex = cached_index(size, url, manifest, cache_dir, backend)  # on the copy: it may write
        if built.name:
            shutil.rmtree(index_dir)
            shutil.copytree(built, index_dir)
    print(f"{backend} {size}: {manifest.posts:,} posts ready in {time.perf_counter() - started:.0f} s "
          f"(dataset built in {manifest.build_seconds:.0f} s on {manifest.built_at})", flush=True)
    return Prepared(size, url, manifest, index_dir, reindex)


def _discard(backend: str, item: Prepared, args: argparse.Namespace) -> None:
    shutil.rmtree(item.index_dir, ignore_errors=True)
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(item.url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        dataset.drop_database(args.pg_url, f"forum_bench_{item.size}_run")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench pages", description=__doc__.splitlines()[0])
    listed = lambda text: [part.strip().lower() for part in text.split(",") if part.strip()]
    parser.add_argument("--sizes", type=listed, default=["10k", "100k", "1m"], help="e.g. 10k,100k,1m")
    parser.add_argument("--pages", type=listed, default=[],
                        help="some of: " + ", ".join(spec.name for spec in PAGES + OPTIONAL_PAGES))
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--backends", type=listed, default=None, help="sqlite,postgres (postgres needs --pg-url)")
    parser.add_argument("--pg-url", default=None, help="a PostgreSQL server URL; databases forum_bench_<size>")
    parser.add_argument("--redis-url", default=None, help="give the app REDIS_URL (caches, view counts)")
    parser.add_argument("--index-sizes", type=listed, default=["10k", "100k"],
                        help="sizes whose Whoosh index is built (timed: the reindex figure); 1m takes long")
    parser.add_argument("--no-post", action="store_true", help="skip posting answers through the API")
    parser.add_argument("--posts", type=int, default=200, help="answers to post through the API")
    parser.add_argument("--cache-dir", type=Path, default=dataset.CACHE_DIR)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the datasets even when cached")
    parser.add_argument("--report", type=Path, default=None, help="print the table of a saved bench/out/pages-*.json")
    parser.add_argument("--schema", choices=["migrations", "models"], default="migrations",
                        help="models: db.create_all() instead of the migrations, for a tree whose migrations lag")
    args = parser.parse_args(argv)
    if args.backends is None:
        args.backends = ["sqlite", "postgres"] if args.pg_url else ["sqlite"]
    if "postgres" in args.backends and not args.pg_url:
        parser.error("--backends postgres needs --pg-url postgresql+psycopg://user@host:5432/postgres")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.report:
        results = load_report(args.report)
        print(table(results) + "\n\n" + extras(results))
        return 0
    if wrk_missing():
        print("wrk is not installed: the page benchmark needs it (apt-get install wrk, brew install wrk, or "
              "https://github.com/wg/wrk).", file=sys.stderr)
        return 2
    cache_dir = args.cache_dir.resolve()
    cache_dir.mkdir(parents=True, exist_ok=True)
    log_dir = cache_dir / "logs"
    log_dir.mkdir(exist_ok=True)
    ceiling_db = make_ceiling(cache_dir)
    print(f"page benchmark: sizes {', '.join(args.sizes)}; backends {', '.join(args.backends)}; gunicorn -w "
          f"{args.workers}; wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds; "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}", flush=True)
    results: list[SizeResult] = []
    for backend in args.backends:
        results += run_backend(backend, args, cache_dir, ceiling_db, log_dir)
    print()
    print(table(results))
    print()
    print(extras(results))
    print(f"\nratios: 'x ceiling' is req/s over the one-query ceiling app's in the same rounds; 'x own 10k' over "
          f"the same page's 10k figure. Load average at the end {os.getloadavg()[0]:.1f}.")
    _save(results, args)
    return 0


def make_ceiling(cache_dir: Path) -> str:
    from bench.ceiling import make_ceiling_db
    return make_ceiling_db(str(cache_dir / "ceiling.db"))


