"""What the page benchmark measured and how it is printed: one wrk run, a page's runs, a size's results, the
table with its ratios to the ceiling and to the 10k figure, the extras (posting, memory, reindex) and the raw
JSON in bench/out/."""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CEILINGS = ("ceiling-bare", "ceiling-query")


@dataclass
class Run:
    """One wrk run of one page."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors


@dataclass
class Target:
    name: str
    role: str
    port: int
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    kbytes: float = 0.0
    runs: list[Run] = field(default_factory=list)
    problem: str = ""


@dataclass
class SizeResult:
    size: str
    backend: str
    targets: dict[str, Target]
    memory: list[dict[str, int]] = field(default_factory=list)
    posting: dict = field(default_factory=dict)
    reindex: dict = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)
    load: float = 0.0  # the machine's load average after the rounds: other work shows in every figure
    bare_memory: list[dict[str, int]] = field(default_factory=list)  # the bare Flask worker, for scale


def _percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _median(values: list[float]) -> float:
    values = [value for value in values if not math.isnan(value)]  # runs where nothing finished have no latency
    return statistics.median(values) if values else float("nan")


def _ms_text(value: float) -> str:
    return "none done" if math.isnan(value) else f"{value:,.1f}"  # NaN: no request finished in a run


def table(results: list[SizeResult]) -> str:
    """One row per page and size. "x own 10k" compares raw req/s, which the machine's other load moves;
    "x 10k, same load" compares the ceiling ratios instead, which cancels most of it."""
    lines = ["| page | role | backend | size | req/s | p50 ms | p99 ms | KB | x ceiling | x own 10k "
             "| x 10k, same load | errors |",
             "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    base: dict[tuple[str, str], tuple[float, float]] = {}
    for result in results:
        if result.size == "10k":
            for name, target in result.targets.items():
                base[(result.backend, name)] = (_median([run.rps for run in target.runs]), _ceiling_rps(result))
    names: list[str] = []
    for result in results:
        names += [name for name in result.targets if name not in names]
    for name in names:
        shown: dict[str, list[Run]] = {}
        for result in results:
            target = result.targets.get(name)
            if target is None:
                continue
            if name in CEILINGS and shown.get(result.backend) == target.runs:
                continue  # the sizes were served at once: one ceiling run for them all (bench/pages.py)
            shown[result.backend] = target.runs
            if target.problem or not target.runs:
                lines.append(f"| {name} | {target.role} | {result.backend} | {result.size} | {target.problem or '-'} "
                             f"| | | | | | | |")
                continue
            ceiling_rps = _ceiling_rps(result)
            rps = _median([run.rps for run in target.runs])
            own, own_ceiling = base.get((result.backend, name), (0.0, 0.0))
            p50, p99 = _median([r.p50_ms for r in target.runs]), _median([r.p99_ms for r in target.runs])
            normalised = (rps / ceiling_rps) / (own / own_ceiling) if own and own_ceiling else 0.0
            lines.append(
                f"| {name} | {target.role} | {result.backend} | {result.size} | {rps:,.1f} "
                f"| {_ms_text(p50)} | {_ms_text(p99)} | {target.kbytes:,.1f} | {rps / ceiling_rps:.3f} "
                f"| {f'{rps / own:.2f}' if own else '-'} | {f'{normalised:.2f}' if normalised else '-'} "
                f"| {sum(r.errors for r in target.runs)} |")
    return "\n".join(lines)


def _ceiling_rps(result: SizeResult) -> float:
    ceiling = result.targets.get("ceiling-query")
    return _median([run.rps for run in ceiling.runs]) if ceiling and ceiling.runs else float("nan")


def load_report(path: Path) -> list[SizeResult]:
    """The results a run saved in bench/out/pages-*.json, to print its table again (--report FILE)."""
    data = json.loads(Path(path).read_text())
    results = []
    for item in data["results"]:
        targets = {name: Target(name, page["role"], 0, page["path"], kbytes=page["kbytes"], problem=page["problem"],
                                runs=[Run(**run) for run in page["runs"]]) for name, page in item["pages"].items()}
        results.append(SizeResult(item["size"], item["backend"], targets, memory=item.get("memory", []),
                                  posting=item.get("posting", {}), reindex=item.get("reindex", {}),
                                  manifest=item.get("manifest", {}), load=item.get("load", 0.0),
                                  bare_memory=item.get("bare_memory", [])))
    return results


def _server_text(p: dict) -> str:
    """The target's own figures: server time from the access log (reports made before it have none)."""
    if p.get("server_median_ms") is None:
        return "server-side times not recorded (target median <= 15 ms, p99 < 50 ms)"
    warm = (f" after {p['warm_posts']} untimed posts (the slowest {p['warm_max_ms']:.1f} ms)"
            if p.get("warm_posts") else "")
    return (f"server-side median {p['server_median_ms']:.1f} ms, p90 {p['server_p90_ms']:.1f} ms, "
            f"p99 {p['server_p99_ms']:.1f} ms, max {p['server_max_ms']:.1f} ms{warm} (target median <= 15 ms, "
            f"p99 < 50 ms)")


def extras(results: list[SizeResult]) -> str:
    lines = []
    for result in results:
        label = f"{result.backend} {result.size}"
        if result.posting:
            p = result.posting
            if "error" in p:
                lines.append(f"posting answers, {label}: {p['error']}")
            else:
                lines.append(f"posting answers, {label}: {p['created']}/{p['posts']} created, median "
                             f"{p['median_ms']:.1f} ms, p90 {p['p90_ms']:.1f} ms, p99 {p['p99_ms']:.1f} ms "
                             f"(client-side on loopback, sequential; statuses {p['statuses']}); {_server_text(p)}"
                             f"{'; last error: ' + p['error_line'] if p.get('error_line') else ''}")
        lines.append(f"machine, {label}: load average {result.load:.1f} on {os.cpu_count()} CPUs after the rounds; "
                     f"dataset {result.manifest.get('posts', 0):,} posts built in "
                     f"{result.manifest.get('build_seconds', 0):.0f} s")
        if result.memory:
            anon = ", ".join(f"{m['rss_anon_kb'] / 1024:.0f}" for m in result.memory)
            rss = ", ".join(f"{m['rss_kb'] / 1024:.0f}" for m in result.memory)
            bare = ", ".join(f"{m['rss_anon_kb'] / 1024:.0f}" for m in result.bare_memory) or "?"
            lines.append(f"worker memory after every page, {label}: RssAnon {anon} MB, RSS {rss} MB "
                         f"(target RssAnon <= 80 MB at 1M; a bare Flask worker: RssAnon {bare} MB)")
        if result.reindex:
            r = result.reindex
            if "error" in r:
                lines.append(f"flask forum reindex, {label}: failed: {r['error']}")
            else:
                lines.append(f"flask forum reindex, {label}: {r['posts']:,} posts ({r['documents']} documents) in "
                             f"{r['seconds']:.1f} s = {r['posts_per_s']:,} posts/s (built {r['built_at']}, load "
                             f"{r['load']}; target >= 1,000 posts/s)")
        elif result.targets:
            lines.append(f"search index, {label}: none built (add {result.size} to --index-sizes): the search "
                         f"page is not measured and answers are indexed into an empty index")
    return "\n".join(lines)


def _save(results: list[SizeResult], args: argparse.Namespace) -> None:
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    path = out / f"pages-{datetime.now():%Y%m%d-%H%M%S}.json"
    data = {"args": {k: str(v) for k, v in vars(args).items()}, "results": [
        {"size": r.size, "backend": r.backend, "load": r.load, "memory": r.memory, "bare_memory": r.bare_memory, "posting": r.posting, "reindex": r.reindex,
         "manifest": r.manifest, "pages": {name: {"role": t.role, "path": t.path, "kbytes": t.kbytes,
                                                  "problem": t.problem, "runs": [vars(run) for run in t.runs]}
                                           for name, t in r.targets.items()}} for r in results]}
    path.write_text(json.dumps(data, indent=1))
    print(f"raw figures: {path.relative_to(ROOT)}")
