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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_graph(path: Path, copies: int) -> int:
    from graph import pipeline, store

    result = pipeline.build([str(ROOT / "seeds" / "provincial-union-2022.txt")])
    nq = store.serialize(result.dataset, "nquads").decode("utf-8")
    speech = re.search(r"https://w3id\.org/speechkg/id/speech/[0-9a-f]+", nq).group(0)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for k in range(copies):
            text = nq.replace(speech, f"{speech}{k:04d}").replace(
                "provincial-union-2022.txt", f"speech-{k:04d}.txt")
            fh.write(text)
            n += text.count("\n")
    return n


def run_engine(engine: str, path: str, timeout: float) -> dict:
    from graph import query as q

    out: dict = {"engine": engine, "queries": {}}
    t = time.perf_counter()
    if engine == "rdflib":
        from rdflib import Dataset

        data = Dataset(default_union=True)
        data.parse(path, format="nquads")
    else:
        from graph import oxstore

        data = oxstore.load_files([path])  # the path `speechkg query` takes for large files
    out["load_s"] = time.perf_counter() - t
    for name, (_, text) in q.saved().items():
        text = q.bind(text, {"label": "全总"}) if name == "provenance" else text
        t = time.perf_counter()
        try:
            res = q.run(data, text, timeout=timeout)
            out["queries"][name] = {"s": time.perf_counter() - t, "rows": len(res.rows)}
            out["queries"][name]["check"] = q.format_result(res, "csv")
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
        for engine in ("rdflib", "oxigraph"):
            p = subprocess.run([sys.executable, __file__, "--engine", engine, "--graph", str(path),
                                "--timeout", str(args.timeout)], capture_output=True, text=True, check=True)
            runs[engine] = json.loads(p.stdout.strip().splitlines()[-1])
    rd, ox = runs["rdflib"], runs["oxigraph"]

    def cell(r, name):
        v = r["queries"][name]
        return f"{v['s']:.3f}" if v.get("s") is not None else "timeout"

    lines = [f"## SPARQL: rdflib in memory vs Oxigraph ({quads:,} quads, {args.copies} speeches)", "",
             "`python benchmarks/bench_sparql.py` — same graph, same run, each engine in its own process.", "",
             "| step | rdflib s | Oxigraph s | rdflib / Oxigraph | rows |", "| --- | ---: | ---: | ---: | ---: |",
             f"| load N-Quads | {rd['load_s']:.2f} | {ox['load_s']:.2f} | {rd['load_s'] / ox['load_s']:.1f}× | |"]
    for name in rd["queries"]:
        a, b = rd["queries"][name].get("s"), ox["queries"][name].get("s")
        ratio = f"{a / b:.1f}×" if a and b else "—"
        if a and b and rd["queries"][name]["check"] != ox["queries"][name]["check"]:
            ratio += " (rows differ!)"
        lines.append(f"| query `{name}` | {cell(rd, name)} | {cell(ox, name)} | {ratio} | "
                     f"{ox['queries'][name].get('rows', '')} |")
    lines += [f"| peak memory (MB) | {rd['peak_rss_mb']:.0f} | {ox['peak_rss_mb']:.0f} | "
              f"{rd['peak_rss_mb'] / ox['peak_rss_mb']:.1f}× | |", ""]
    slow = [n for n, v in ox["queries"].items() if v.get("s") is None or v["s"] >= 1.0]
    lines.append("Target, every saved query under 1 s with Oxigraph: "
                 + ("met." if not slow else f"not met for {', '.join(slow)}."))
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()
