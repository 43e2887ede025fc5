"""Search benchmark: index 100,000 posts of generated support-forum text, then time 200 varied queries.

    python -m bench search [--posts 100000] [--queries 200] [--pg-url postgresql+psycopg://...] [--no-pg]

Whoosh always; PostgreSQL too when --pg-url is given or TEST_DATABASE_URL / DATABASE_URL is PostgreSQL
(a private database is created and dropped). Targets: Whoosh p95 < 50 ms, PostgreSQL p95 < 30 ms,
indexing 100,000 posts < 2 minutes. Text comes from word lists with a fixed seed: no downloads.
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable

from forum.search.backend import HIDDEN, PUBLIC, Document
from forum.search.query import parse

POSTS_PER_THREAD = 4  # a question and three answers on average (varies 1-8)
TARGETS = {"whoosh": 50.0, "postgres": 30.0}
INDEX_TARGET_S = 120.0

DEVICES = ["hub", "thermostat", "doorbell", "camera", "sensor", "smart plug", "bulb", "lock", "siren", "keypad",
           "bridge", "speaker", "router", "repeater", "chime", "blind motor", "valve", "leak detector", "remote",
           "display", "garage opener", "light strip", "switch", "dimmer", "smoke alarm"]
PROBLEMS = ["goes offline", "keeps disconnecting", "will not pair", "shows a red light", "drains the battery",
            "stops responding", "reboots every night", "lags by ten seconds", "loses its schedule",
            "is not detected", "fails to update", "reports the wrong temperature", "beeps at random",
            "cannot find the network", "triggers false alarms", "shows a black picture", "needs a reset daily"]
CONTEXTS = ["after the firmware update", "since I changed my router", "when the Wi-Fi is busy", "at night",
            "after a power cut", "with the new app version", "on the 5 GHz band", "when I am away",
            "since moving house", "after adding a second hub", "in cold weather", "with a mesh network"]
CATEGORIES = [("wifi", "Wi-Fi and network"), ("app", "The app"), ("devices", "Devices"),
              ("automations", "Automations"), ("billing", "Plans and billing"), ("security", "Security")]
TAGS = ["hub", "wifi", "zigbee", "zwave", "firmware", "battery", "router", "mesh", "ios", "android", "alexa",
        "google-home", "homekit", "schedule", "camera", "doorbell", "thermostat", "offline", "pairing", "reset"]
STOP = ("the a to and of it in my is that for on with this have but not when after if it's was then just still "
        "also can do get any all now again every i you we they there what how so be are or at from by as an").split()
COMMON = ("time day week setup settings option menu screen button light status network signal channel password "
          "account support email phone tablet house room kitchen garage bedroom hallway door window floor wall power "
          "cable adapter battery charge minutes hours seconds restart reboot reset update version install uninstall "
          "reinstall log error code message notification alert delay problem issue fix works worked working broken "
          "tried try trying help thanks please anyone idea same here similar solution fixed solved finally great "
          "morning evening night weekend holiday family kids dog cat neighbour landlord installer electrician "
          "warranty replacement refund order delivery shipping box manual guide video forum thread post answer "
          "question account login logout profile subscription plan price monthly yearly trial discount invoice "
          "payment card bank upgrade downgrade cancel renew contract router modem fibre broadband provider "
          "isp dns dhcp address static dynamic port firewall vpn bluetooth zigbee thread matter protocol cloud local "
          "server outage latency bandwidth speed slow fast stable unstable random intermittent constant always never "
          "sometimes often rarely daily hourly weekly schedule scene routine trigger condition action sunrise sunset "
          "temperature humidity motion presence occupancy energy usage meter tariff solar heating cooling boiler "
          "radiator fan vent window blind curtain shutter gate driveway porch garden shed loft basement attic").split()
SYLLABLES = "ka ri to mo lex an vel tor qui zen bra sto fi nel gor ush pa ter wyn del cro mi sar bel von".split()
ADVICE = ["Try a factory reset by holding the button for ten seconds.", "Move the hub away from the microwave.",
          "Switch the router to a fixed channel such as 1, 6 or 11.", "Update the firmware from the device page.",
          "Turn off band steering so the device stays on 2.4 GHz.", "Replace the batteries with lithium ones.",
          "Remove the device from the app and pair it again.", "Give the hub a reserved IP address in the router.",
          "Disable the nightly reboot in the router settings.", "Add a repeater halfway between them.",
          "Check that the automation runs in the right time zone.", "Log out of the app and back in."]
ERRORS = ["E101", "E204", "E330", "0x80070005", "ERR_TIMEOUT", "HUB-17", "NET-42", "AUTH-9"]
NAMES = ["Aurora", "Nimbus", "Vega", "Orion", "Lumen", "Atlas", "Pulse", "Echo"]


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Real words first, then a long tail of made-up names (models, places, people): Zipf-weighted, as text is."""
    tail = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(6000)}
    shuffled = list(COMMON)
    rng.shuffle(shuffled)
    words = shuffled + sorted(tail - set(COMMON))
    return words, list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))


_VOCAB: tuple[list[str], list[float]] | None = None


def _sentence(rng: random.Random) -> str:
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = _vocabulary(random.Random(7))
    size = rng.randint(8, 20)
    words = [rng.choice(STOP) if rng.random() < .45 else None for _ in range(size)]
    content = iter(rng.choices(_VOCAB[0], cum_weights=_VOCAB[1], k=size))
    words = [word or next(content) for word in words]
    if rng.random() < .5:
        words.insert(rng.randrange(len(words)), rng.choice(DEVICES))
    if rng.random() < .3:
        words.insert(rng.randrange(len(words)), rng.choice(ERRORS))
    if rng.random() < .3:
        words.insert(rng.randrange(len(words)), rng.choice(NAMES))
    return " ".join(words).capitalize() + rng.choice(".!?")


def _post(rng: random.Random, question: bool) -> str:
    parts = [_sentence(rng) for _ in range(rng.randint(2, 6))]
    if not question:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(ADVICE))
    return " ".join(parts)


def corpus(posts: int, seed: int = 1) -> tuple[list[Document], int]:
    """Threads of 1-8 posts until `posts` posts exist, plus an idea for every 20 threads."""
    rng, docs, made, n = random.Random(seed), [], 0, 0
    while made < posts:
        n += 1
        count = min(posts - made, rng.randint(1, 2 * POSTS_PER_THREAD - 1))
        made += count
        device, problem, context = rng.choice(DEVICES), rng.choice(PROBLEMS), rng.choice(CONTEXTS)
        title = f"{rng.choice(NAMES)} {device} {problem} {context}"[:150]
        slug, name = rng.choice(CATEGORIES)
        body = "\n".join(_post(rng, i == 0) for i in range(count))
        status = "solved" if count > 1 and rng.random() < .45 else ("unanswered" if count == 1 else "open")
        docs.append(Document(doc_id=f"q:{n}", type="question", object_id=n, title=title, body=body,
                             category=slug, category_name=name, tags=sorted(set(rng.sample(TAGS, rng.randint(0, 4)))),
                             status=status, visibility=HIDDEN if rng.random() < .01 else PUBLIC,
                             url=f"/questions/{n}/x"))
        if n % 20 == 0:
            docs.append(Document(doc_id=f"i:{n}", type="idea", object_id=n, title=f"Support {device} {context}",
                                 body=_post(rng, True), category=slug, category_name=name,
                                 status=rng.choice(["new", "under_review", "planned", "in_progress", "shipped"]),
                                 url=f"/ideas/{n}"))
    return docs, made


def queries(count: int, seed: int = 2) -> list[str]:
    """Varied: one to four words, phrases, exclusions, filters, typos, rare codes and hostile input."""
    rng = random.Random(seed)
    makers: list[Callable[[], str]] = [
        lambda: rng.choice(DEVICES),
        lambda: f"{rng.choice(DEVICES)} {rng.choice(PROBLEMS).split()[-1]}",
        lambda: f"{rng.choice(DEVICES)} {rng.choice(PROBLEMS)}",
        lambda: f"{rng.choice(NAMES)} {rng.choice(DEVICES)} {rng.choice(CONTEXTS).split()[-1]}",
        lambda: f'"{rng.choice(PROBLEMS)}"',
        lambda: f"{rng.choice(DEVICES)} -{rng.choice(TAGS)}",
        lambda: f"{rng.choice(DEVICES)} is:solved",
        lambda: f"{rng.choice(DEVICES)} tag:{rng.choice(TAGS)} category:{rng.choice(CATEGORIES)[0]}",
        lambda: f"type:idea {rng.choice(DEVICES)}",
        lambda: f"status:planned {rng.choice(CONTEXTS).split()[-1]}",
        lambda: rng.choice(ERRORS),
        lambda: " ".join(rng.choices(COMMON, k=rng.randint(2, 4))),
        lambda: rng.choice(["NOT AND OR", "visibility:hidden hub", "*", "author_id:3", '"unclosed router',
                            "x" * 5000, "hub\x00\x1b offline", "((((router"]),
    ]
    return [rng.choice(makers)() for _ in range(count)]


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def run(name: str, backend, docs: list[Document], query_texts: list[str], posts: int) -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    backend.rebuild(iter(docs))
    index_s, index_cpu = time.perf_counter() - started, time.process_time() - cpu
    for text in query_texts[:10]:  # warm caches, as a running server would be
        backend.query(parse(text), include_hidden=False, offset=0, limit=20)
    timings, cpu_times, totals = [], [], []
    for text in query_texts:  # what a page costs: parse, rank, count, snippets for 20 hits
        started, cpu = time.perf_counter(), time.process_time()
        results = backend.query(parse(text), include_hidden=False, offset=0, limit=20)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
        totals.append(results.total)
    report = {"backend": name, "posts": posts, "documents": len(docs), "index_s": index_s,
              "median_ms": statistics.median(timings), "p95_ms": _percentile(timings, 95),
              "max_ms": max(timings), "queries": len(timings), "with_hits": sum(1 for t in totals if t),
              "index_cpu_s": index_cpu, "cpu_median_ms": statistics.median(cpu_times),
              "cpu_p95_ms": _percentile(cpu_times, 95)}
    ok = report["p95_ms"] < TARGETS[name] and index_s < INDEX_TARGET_S
    print(f"{name:<9} indexed {posts:,} posts ({len(docs):,} documents) in {index_s:6.1f} s (target < "
          f"{INDEX_TARGET_S:.0f} s); {len(timings)} queries ({report['with_hits']} with hits): median "
          f"{report['median_ms']:.1f} ms, p95 {report['p95_ms']:.1f} ms, max {report['max_ms']:.1f} ms "
          f"(target p95 < {TARGETS[name]:.0f} ms) {'OK' if ok else 'MISSED'}", flush=True)
    if name == "whoosh":  # Whoosh runs in this process, so its CPU time is the cost on an idle machine
        print(f"{'':<9} CPU time of this process: indexing {index_cpu:.1f} s, query median "
              f"{report['cpu_median_ms']:.1f} ms, p95 {report['cpu_p95_ms']:.1f} ms", flush=True)
    print(f"{'':<9} load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs while measuring", flush=True)
    return report


def _pg_url(option: str | None) -> str | None:
    for url in (option, os.environ.get("TEST_DATABASE_URL"), os.environ.get("DATABASE_URL")):
        if url and url.startswith("postgresql"):
            return url
    return None


def run_postgres(url: str, docs: list[Document], query_texts: list[str], posts: int) -> dict:
    import sqlalchemy as sa

    from forum.models import SearchDocument
    from forum.search.postgres import PostgresBackend

    name = f"forum_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = sa.create_engine(sa.engine.make_url(url).set(database=name))
    try:
        SearchDocument.__table__.create(engine)
        backend = PostgresBackend(engine)
        original = backend.rebuild

        def rebuild_and_analyze(documents, progress=None):
            count = original(documents, progress)
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE search_documents")
            return count

        backend.rebuild = rebuild_and_analyze
        return run("postgres", backend, docs, query_texts, posts)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench search", description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pg-url", default=None, help="PostgreSQL server URL (a private database is created)")
    parser.add_argument("--no-pg", action="store_true", help="Whoosh only")
    parser.add_argument("--no-whoosh", action="store_true", help="PostgreSQL only")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    docs, posts = corpus(args.posts)
    query_texts = queries(args.queries)
    print(f"generated {posts:,} posts in {len(docs):,} documents in {time.perf_counter() - started:.1f} s", flush=True)
    reports = []
    if not args.no_whoosh:
        from forum.search.whoosh import WhooshBackend
        directory = tempfile.mkdtemp(prefix="bench-whoosh-")
        try:
            reports.append(run("whoosh", WhooshBackend(directory), docs, query_texts, posts))
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    url = None if args.no_pg else _pg_url(args.pg_url)
    if url:
        reports.append(run_postgres(url, docs, query_texts, posts))
    elif not args.no_pg:
        print("postgres  skipped: give --pg-url or set TEST_DATABASE_URL / DATABASE_URL to a PostgreSQL server")
    return 0
