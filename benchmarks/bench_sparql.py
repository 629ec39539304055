"""Loading and saved-query times on ~1M triples: rdflib in memory vs Oxigraph, same run.

    python benchmarks/bench_sparql.py [--copies 254] [--out benchmarks/RESULTS.md]

The graph is the seed speech's build copied into N speeches (each with its own speech,
sentence and mention IRIs, entities shared as in a corpus), written as N-Quads. Each
engine runs in its own subprocess so that its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import emit

ROOT = Path(__file__).resolve().parent.parent


def make_graph(path: Path, copies: int) -> int:
    from speechkg.graph.build.pipeline import build
    from speechkg.graph.rdf.write import serialize

    result = build([str(ROOT / "seeds" / "provincial-union-2022.txt")])
    nq = serialize(result.dataset, "nquads").decode("utf-8")
    speech = re.search(r"https://w3id\.org/speechkg/id/speech/[0-9a-f]+", nq).group(0)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for k in range(copies):
            text = nq.replace(speech, f"{speech}{k:04d}").replace("provincial-union-2022.txt", f"speech-{k:04d}.txt")
            fh.write(text)
            n += text.count("\n")
    return n


def run_engine(engine: str, path: str, timeout: float) -> dict:
    from speechkg.graph.query.engines import run
    from speechkg.graph.query.results import format_result
    from speechkg.graph.query.saved import bind, saved

    out: dict = {"engine": engine, "queries": {}}
    t = time.perf_counter()
    if engine == "rdflib":
        from rdflib import Dataset

        data = Dataset(default_union=True)
        data.parse(path, format="nquads")
    elif engine == "oxigraph":
        from speechkg.graph import oxstore

        data = oxstore.load_files([path])  # the path `speechkg query` takes for large files
    else:  # the on-disk store of `build --store` / `query --store`
        from speechkg.graph import oxstore

        data = oxstore.open_store(tempfile.mkdtemp(prefix="bench-store-"))
        oxstore.bulk_load(data, path)
    out["load_s"] = time.perf_counter() - t
    # the saved queries as they are used: provenance of one entity, the sections of one speech;
    # and the sections of the whole corpus at once, a dump of every (section, entity) pair
    params = {"provenance": {"label": "全总"}, "sections": {"source": "speech-0007.txt"}}
    runs = [(name, bind(text, params.get(name, {}))) for name, (_, text) in saved().items()]
    runs.append(("sections, all speeches", saved()["sections"][1]))
    for name, text in runs:
        t = time.perf_counter()
        try:
            res = run(data, text, timeout=timeout)
            out["queries"][name] = {"s": time.perf_counter() - t, "rows": len(res.rows)}
            out["queries"][name]["check"] = format_result(res, "csv")
        except Exception as exc:  # a timeout is a result here
            out["queries"][name] = {"s": None, "error": str(exc)[:80]}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=254)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--out", default=None, help="append the results to this Markdown file")
    ap.add_argument("--engine", help=argparse.SUPPRESS)
    ap.add_argument("--graph", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.engine:
        print(json.dumps(run_engine(args.engine, args.graph, args.timeout)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.nq"
        quads = make_graph(path, args.copies)
        runs = {}
        for engine in ("rdflib", "oxigraph", "oxigraph-disk"):
            p = subprocess.run(
                [sys.executable, __file__, "--engine", engine, "--graph", str(path), "--timeout", str(args.timeout)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs[engine] = json.loads(p.stdout.strip().splitlines()[-1])
    rd, ox, disk = runs["rdflib"], runs["oxigraph"], runs["oxigraph-disk"]

    def cell(r, name):
        v = r["queries"][name]
        if v.get("s") is not None:
            return f"{v['s']:.3f}"
        return "timeout" if "ran past" in v.get("error", "") else "error: " + v.get("error", "")

    lines = [
        f"## SPARQL: rdflib in memory vs Oxigraph ({quads:,} quads, {args.copies} speeches)",
        "",
        "`python benchmarks/bench_sparql.py` — same graph, same run, each engine in its own process.",
        "",
        "Oxigraph in memory is what `speechkg query` uses for large files; the on-disk store is "
        "`--store DIR` (loaded here with Oxigraph's bulk loader: named graphs, and their merge as the "
        "default graph).",
        "",
        "| step | rdflib s | Oxigraph (memory) s | Oxigraph (disk store) s | rdflib / Oxigraph (memory) "
        "| rdflib / Oxigraph (disk) | rows |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| load N-Quads | {rd['load_s']:.2f} | {ox['load_s']:.2f} | {disk['load_s']:.2f} "
        f"| {rd['load_s'] / ox['load_s']:.1f}× | {rd['load_s'] / disk['load_s']:.1f}× | |",
    ]
    for name in rd["queries"]:
        a, b, c = (r["queries"][name].get("s") for r in (rd, ox, disk))
        ratios = [f"{a / x:.1f}×" if a and x else "—" for x in (b, c)]
        for k, r in enumerate((ox, disk)):
            if a and r["queries"][name].get("s") and rd["queries"][name]["check"] != r["queries"][name]["check"]:
                ratios[k] += " (rows differ!)"
        lines.append(
            f"| query `{name}` | {cell(rd, name)} | {cell(ox, name)} | {cell(disk, name)} | "
            f"{ratios[0]} | {ratios[1]} | {ox['queries'][name].get('rows', '')} |"
        )
    lines += [
        f"| peak memory (MB) | {rd['peak_rss_mb']:.0f} | {ox['peak_rss_mb']:.0f} | {disk['peak_rss_mb']:.0f} "
        f"| {rd['peak_rss_mb'] / ox['peak_rss_mb']:.1f}× | {rd['peak_rss_mb'] / disk['peak_rss_mb']:.1f}× | |",
        "",
    ]
    dump = "sections, all speeches"
    slow = [
        n for r in (ox, disk) for n, v in r["queries"].items() if n != dump and (v.get("s") is None or v["s"] >= 1.0)
    ]
    lines.append(
        "Target, every saved query under 1 s with Oxigraph (as used: provenance of one entity, the "
        "sections of one speech): " + ("met." if not slow else f"not met for {', '.join(sorted(set(slow)))}.")
    )
    lines.append(
        f"The whole corpus's sections at once ({ox['queries'][dump].get('rows', 0):,} rows) take "
        f"{cell(ox, dump)} s in memory and {cell(disk, dump)} s from the disk store; the query itself is "
        "a group over every mention, and making that many Python rows is much of the time."
    )
    emit(lines, args.out)


if __name__ == "__main__":
    main()
