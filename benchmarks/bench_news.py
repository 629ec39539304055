"""The news corpus end to end, in one run: build (N-Quads), build --store, load, the saved queries
on the store, and jieba.posseg over the same text.

    python benchmarks/bench_news.py [--news ../shared/corpora/xwlb-2020-2021.jsonl.gz] [--items N]
                                    [--out benchmarks/RESULTS.md]

The first N items of the JSON-lines file (all of them without --items) are the corpus, read by
`speechkg build` as it is (one speech per row). Each step is a subprocess pinned to one CPU, and
for each the wall time, the CPU time (user + system, every thread) and the peak memory (the
child's ru_maxrss) are measured:

- `speechkg build CORPUS -o corpus.nq`;
- `speechkg build CORPUS --store built.db` (a new store);
- `speechkg load corpus.nq --store loaded.db` (a new store), which must hold as many quads;
- the floor: Oxigraph's bulk loader alone, called once on the finished file (corpus.nq into the
  named graphs of a new store), then once on its merged default graph (the lines less their graph
  name, each once, as N-Triples, made beforehand and not timed): the least any `build --store`
  that keeps this store's contents can spend on loading;
- `speechkg query --store built.db --saved NAME` for each saved query (provenance with
  `--param label=习近平`, sections with the first speech's source);
- jieba.posseg (the named peer) over the rows' texts, which are what the build analyses.

The ratios are jieba's time over the build's (N-Quads), in CPU and in wall time (issue 14's goal:
at least 2 on one core), and build --store's CPU time over the plain build's (goal: at most 1.5),
beside the plain build plus the floor over the plain build.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from report import emit

ROOT = Path(__file__).resolve().parent.parent
PEER = """
import gzip, json, sys, jieba, jieba.posseg as pg
jieba.setLogLevel(60)
n = 0
with gzip.open(sys.argv[1], "rt", encoding="utf-8") as fh:
    for line in fh:
        for _ in pg.cut(json.loads(line)["text"]):
            n += 1
print(n)
"""
#: runs `cmd` pinned to one CPU and prints its wall seconds, CPU seconds and peak KiB
WRAPPER = """
import os, resource, subprocess, sys, time
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
t = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss)
"""
#: Oxigraph's bulk loader on one file (N-Quads or N-Triples) into the store at argv[1]
BULK_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.from_extension(sys.argv[2].rsplit(".", 1)[1]))
store.flush()
"""
SPEECHKG = [sys.executable, "-m", "speechkg"]


def measure(cmd: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of `cmd`, run pinned to one CPU."""
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, *cmd], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2]) / 1024


def slice_news(source: Path, target: Path, items: int | None) -> tuple[int, int, str]:
    """The first `items` rows of `source` (all when None) gzipped into `target`: (rows, characters
    of their texts, the first row's source name as the build gives it)."""
    rows = chars = 0
    with gzip.open(source, "rt", encoding="utf-8") as src, gzip.open(target, "wt", encoding="utf-8") as dst:
        for line in itertools.islice(src, items):
            dst.write(line)
            rows += 1
            chars += len(json.loads(line)["text"])
    return rows, chars, f"{target.name}:1"


def merged_default_graph(nq: Path, target: Path) -> None:
    """The N-Quads file's lines less their graph name, each once, as N-Triples (the README's recipe
    for Oxigraph's own loader)."""
    strip = 'sed \'s/ <[^<>]*> \\.$/ ./\' "$1" | LC_ALL=C sort -u -S 25% > "$2"'
    subprocess.run(["sh", "-c", strip, "sh", str(nq), str(target)], check=True)


def quad_count(store: Path) -> int:
    """The quads in the named graphs of a store."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = subprocess.run(
        [*SPEECHKG, "query", "--store", str(store), "--format", "csv", query],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return int(r.stdout.split()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--news", default=str(ROOT.parent / "shared" / "corpora" / "xwlb-2020-2021.jsonl.gz"))
    ap.add_argument("--items", type=int, help="the first N items (default: all)")
    ap.add_argument("--out", help="append the table to this Markdown file")
    args = ap.parse_args()
    from speechkg.graph.query.saved import saved

    load_before = os.getloadavg()[0]
    rows: list[tuple[str, float, float, float]] = []

    def step(name: str, cmd: list[str]) -> tuple[float, float, float]:
        w, c, m = measure(cmd)
        rows.append((name, w, c, m))
        print(f"{name}: {w:.1f} s wall, {c:.1f} s CPU, {m:.0f} MB", flush=True)
        return w, c, m

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "news.jsonl.gz"
        n, chars, first = slice_news(Path(args.news), corpus, args.items)
        nq, built, loaded = tmp / "corpus.nq", tmp / "built.db", tmp / "loaded.db"
        bw, bc, _ = step("build -o corpus.nq", [*SPEECHKG, "build", str(corpus), "-o", str(nq), "--quiet"])
        sw, sc, _ = step("build --store", [*SPEECHKG, "build", str(corpus), "--store", str(built), "--quiet"])
        step("load corpus.nq --store", [*SPEECHKG, "load", str(nq), "--store", str(loaded)])
        floor, merged = tmp / "floor.db", tmp / "merged.nt"
        merged_default_graph(nq, merged)
        _, fc, _ = step("floor: bulk_load corpus.nq", [sys.executable, "-c", BULK_LOAD, str(floor), str(nq)])
        _, dc, _ = step("floor: bulk_load merged.nt", [sys.executable, "-c", BULK_LOAD, str(floor), str(merged)])
        params = {"provenance": ["--param", "label=习近平"], "sections": ["--param", f"source={first}"]}
        for name in sorted(saved()):
            cmd = [*SPEECHKG, "query", "--store", str(built), "--saved", name, "--format", "csv"]
            step(f"query --store --saved {name}", cmd + params.get(name, []))
        pw, pc, _ = step("jieba.posseg (peer)", [sys.executable, "-c", PEER, str(corpus)])
        quads = quad_count(built), quad_count(loaded), quad_count(floor)
        size = nq.stat().st_size
    load_after = os.getloadavg()[0]
    if len(set(quads)) != 1:
        sys.exit(f"named graphs' quads: build --store {quads[0]:,}, load {quads[1]:,}, floor {quads[2]:,}")
    what = f"the first {n:,} items" if args.items else f"all {n:,} items"
    lines = [
        "## The news corpus end to end: build, build --store, load, saved queries (one core)",
        "",
        f"`python benchmarks/bench_news.py{f' --items {args.items}' if args.items else ''}` — {what} of "
        f"{Path(args.news).name} ({chars:,} characters of text), read as it is (one speech a "
        f"row); {size / 2**20:,.0f} MiB of N-Quads, {quads[0]:,} quads in named graphs in all three stores. Each "
        "step a subprocess pinned to one CPU, run once; CPU is user + system time of every thread. Load "
        f"average {load_before:.1f} at the start, {load_after:.1f} at the end (2 shared cores).",
        "",
        "| step | wall s | CPU s | peak MB |",
        "| --- | ---: | ---: | ---: |",
        *(f"| `{name}` | {w:.1f} | {c:.1f} | {m:,.0f} |" for name, w, c, m in rows),
        "",
        f"jieba.posseg / build (N-Quads): {pc / bc:.2f}× in CPU, {pw / bw:.2f}× in wall time (goal ≥ 2×: "
        f"{'met' if pc / bc >= 2 else 'not met'}). build --store / build: {sc / bc:.2f}× in CPU, {sw / bw:.2f}× "
        f"in wall time (goal ≤ 1.5× in CPU: {'met' if sc / bc <= 1.5 else 'not met'}). The floor (Oxigraph's "
        f"bulk loader alone on the finished file: {fc:.1f} s for the named graphs, {dc:.1f} s for the default "
        f"graph) makes the least a build --store can cost (build + floor) / build = {(bc + fc + dc) / bc:.2f}×; "
        f"the named graphs alone {(bc + fc) / bc:.2f}×.",
    ]
    emit(lines, args.out)


if __name__ == "__main__":
    main()
