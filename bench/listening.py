"""Listening benchmark (issue 15, item 8): matching one post against 1,000 keyword watches; target < 2 ms.

`python -m bench listening [--watches N] [--posts N] [--words N] [--database-url URL]`. The watches (2-4 terms
each, a third of them phrases, a tenth scoped to a category) are written to a database (default: a fresh SQLite
file) and compiled by forum.listening.matching.build exactly as a worker does; then realistic posts (a title and
a body of --words words) are matched one at a time, each post's words new to the process's stem cache at first
(cold) and then again (warm). For scale, the same posts are also matched the way the issue forbids: one compiled
regex per term, looped per watch.
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from config import TestingConfig
from forum import create_app
from forum.extensions import db
from forum.listening import matching
from forum.models import Category, User, Watch, WatchTerm, watch_categories

TARGET_MS = 2.0
VOCABULARY = """account activation alarm android app audio backup battery billing bluetooth boot browser button cable
camera card charge charger chat checkout cloud connect connection crash credit dashboard data delete delivery
device display download driver email error export firmware freeze hub install internet invoice keyboard laptop
lag license login logout microphone mobile modem monitor mouse network notification order password payment
permission phone plan plugin port printer privacy profile refund reset restore router screen security server
setting shipping signal slow speaker speed storage subscription sync tablet timeout touch update upgrade upload
usb video voice volume warranty webcam wifi window wireless""".split()
FILLER = """the a to and of it my is in on when i after this that was not with for but have has can does
every time just again still since yesterday today please help anyone know why how keeps stopped working
broken weird really now then""".split()
FORMS = ("", "s", "ing", "ed", "es")
_SYLLABLES = [c + v for c in "bdklmnrstvz" for v in "aeiou"]


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    """The words posts and watches draw topics from: the list above plus made-up product-like words, so that a
    post meets a realistic few watches rather than half of them."""
    words = set(VOCABULARY)
    while len(words) < size:
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        words.add(stem + rng.choice(("", "x", "r", "n")))
    return sorted(words)


def _terms(rng: random.Random, n: int, vocabulary: list[str]) -> list[str]:
    terms = []
    for _ in range(n):
        if rng.random() < 0.33:
            terms.append(" ".join(rng.sample(vocabulary, 2)))
        else:
            terms.append(rng.choice(vocabulary) + rng.choice(("", "", "s")))
    return sorted(set(terms))


def _post(rng: random.Random, words: int, vocabulary: list[str]) -> tuple[str, int]:
    body = []
    for _ in range(words):
        if rng.random() < 0.25:
            body.append(rng.choice(VOCABULARY if rng.random() < 0.5 else vocabulary) + rng.choice(FORMS))
        else:
            body.append(rng.choice(FILLER))
        if rng.random() < 0.08:
            body[-1] += rng.choice(".,!?")
    title = " ".join(rng.choice(VOCABULARY) for _ in range(6)).capitalize() + "?"
    return f"{title}\n{' '.join(body)}", rng.randrange(1, 7)


def _fill(watches: int, rng: random.Random, vocabulary: list[str]) -> list[list[str]]:
    db.session.execute(sa.insert(User), [{"username": "staff", "email": "s@example.com", "role": "staff"}])
    db.session.execute(sa.insert(Category), [{"slug": f"cat{i}", "name": f"Category {i}", "description": "",
                                             "position": i} for i in range(1, 7)])
    db.session.execute(sa.insert(Watch), [{"id": i, "name": f"Watch {i}", "created_by_id": 1}
                                          for i in range(1, watches + 1)])
    all_terms = [_terms(rng, rng.randint(2, 4), vocabulary) for _ in range(watches)]
    db.session.execute(sa.insert(WatchTerm), [{"watch_id": i, "term": term} for i, terms in
                                              enumerate(all_terms, start=1) for term in terms])
    scoped = [{"watch_id": i, "category_id": rng.randrange(1, 7)} for i in range(1, watches + 1)
              if rng.random() < 0.1]
    if scoped:
        db.session.execute(sa.insert(watch_categories), scoped)
    db.session.commit()
    return all_terms


def _time(fn, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _summary(label: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"{label:<38} median {statistics.median(ms):7.3f} ms   p99 {p99:7.3f} ms   max {max(ms):7.3f} ms")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench listening", description=__doc__.splitlines()[0])
    parser.add_argument("--watches", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--words", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as tmp:
        config = TestingConfig()
        config.SQLALCHEMY_DATABASE_URI = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        config.SEARCH_INDEX_DIR = str(Path(tmp) / "index")
        app = create_app(config)
        with app.app_context():
            db.create_all()
            vocabulary = _vocabulary(rng)
            all_terms = _fill(args.watches, rng, vocabulary)
            start = time.perf_counter()
            matcher = matching.build(db.session)
            built_ms = (time.perf_counter() - start) * 1000
            posts = [_post(rng, args.words, vocabulary) for _ in range(args.posts)]
            matching._STEMS.clear()
            cold = _time(lambda p: matcher.match(p[0], p[1], ()), posts)
            warm = _time(lambda p: matcher.match(p[0], p[1], ()), posts)
            hits = sum(len(matcher.match(p[0], p[1], ())) for p in posts) / len(posts)
            regexes = [[re.compile(r"\b" + r"\s+".join(map(re.escape, t.split())) + r"\w*", re.IGNORECASE)
                        for t in terms] for terms in all_terms]
            naive = _time(lambda p: [w for w, rs in enumerate(regexes) if any(r.search(p[0]) for r in rs)],
                          posts[:100])
            if args.database_url:
                db.drop_all()
    terms = sum(len(t) for t in all_terms)
    print(f"listening: {args.watches} watches ({terms} terms), {args.posts} posts of ~{args.words} words, "
          f"{hits:.1f} watches matched per post on average")
    print(f"{'compile all watches (4 queries + build)':<38} {built_ms:7.1f} ms (once per watch change per process)")
    print(_summary("match one post, stems cold", cold))
    print(_summary("match one post, stems warm", warm))
    print(_summary("for scale: a regex loop per watch", naive))
    worst = statistics.median(cold)
    verdict = "OK" if worst < TARGET_MS else "OVER TARGET"
    print(f"target: < {TARGET_MS} ms per post (median, cold stems): {verdict}")
    return 0 if worst < TARGET_MS else 1
