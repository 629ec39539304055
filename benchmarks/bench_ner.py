"""The name model's cost: `build` with the model (the default), `build --ner none` (the rules
alone) and jieba.posseg (the named peer) over the same news, in one run.

    python benchmarks/bench_ner.py [--news ../shared/corpora/xwlb-2020-2021.jsonl.gz]
                                   [--items 3000] [--repeat 3] [--out benchmarks/RESULTS.md]

The first N items of the JSON-lines file are the corpus, read by `speechkg build` as it is (one
speech a row, N-Quads out). Each command is a subprocess pinned to one CPU; the three alternate,
`--repeat` rounds, and each keeps its least CPU time (user + system, every thread; steadier than
wall time on a shared machine) with its wall time and peak memory. The ratios are jieba's CPU
time over each build's (issue 23's targets: at least 0.8 with the model, at least 2 without).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench_news import PEER, ROOT, SPEECHKG, measure, slice_news
from report import emit


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--news", default=str(ROOT.parent / "shared" / "corpora" / "xwlb-2020-2021.jsonl.gz"))
    ap.add_argument("--items", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", help="append the table to this Markdown file")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "news.jsonl.gz"
        n, chars, _ = slice_news(Path(args.news), corpus, args.items)
        commands = {
            "jieba.posseg (peer)": [sys.executable, "-c", PEER, str(corpus)],
            "build (--ner lac)": [*SPEECHKG, "build", str(corpus), "-o", str(tmp / "lac.nq"), "--quiet"],
            "build --ner none": [
                *SPEECHKG,
                "build",
                str(corpus),
                "-o",
                str(tmp / "none.nq"),
                "--quiet",
                "--ner",
                "none",
            ],
        }
        best: dict[str, tuple[float, float, float]] = {}
        for r in range(args.repeat):
            for name, cmd in commands.items():
                w, c, m = measure(cmd)
                print(f"round {r + 1} {name}: {w:.1f} s wall, {c:.1f} s CPU, {m:.0f} MB", flush=True)
                if name not in best or c < best[name][1]:
                    best[name] = (w, c, m)
    peer = best["jieba.posseg (peer)"][1]
    lines = [
        f"`python benchmarks/bench_ner.py --items {args.items} --repeat {args.repeat}` — the first {n:,} items of "
        f"{Path(args.news).name} ({chars:,} characters), each command pinned to one CPU, alternating, least CPU of "
        f"{args.repeat} kept. Load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.",
        "",
        "| command | CPU s | wall s | peak MB | characters per CPU second | jieba.posseg CPU / this CPU |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, (w, c, m) in best.items():
        lines.append(f"| {name} | {c:.1f} | {w:.1f} | {m:.0f} | {chars / c:,.0f} | {peer / c:.2f} |")
    emit(lines, args.out)


if __name__ == "__main__":
    main()
