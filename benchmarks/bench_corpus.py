"""End-to-end corpus build vs jieba's POS tagger over the same text, in the same run.

    python benchmarks/bench_corpus.py [--sizes 1,10] [--out benchmarks/RESULTS.md]
    python benchmarks/bench_corpus.py --news ../shared/corpora/xwlb-2020-2021.jsonl.gz [--items 3000]
                                      [--repeat 3] [--out benchmarks/RESULTS.md]

A corpus of speech-like text is made by recombining the sentences of the seed speech and of
the test paragraphs (tests/data) into speeches of about 20,000 characters. For each size
(MB of UTF-8), `speechkg build DIR -o corpus.nq` runs as a subprocess (one process, one
core) and so does jieba.posseg over the same files (the named peer); wall time and peak
memory (ru_maxrss of the child) are measured for each.

With --news, the corpus is real news instead: the first N items of a JSON-lines file (date,
num, title, text; gzipped or not), each written as DATE-NUM.txt (title, then text) with a
file,date CSV, and built with `speechkg build DIR -o corpus.nq --dates dates.csv --jobs 1`.
Every measurement runs pinned to one CPU; --repeat runs each R times, alternating, and keeps
the fastest.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from report import emit

ROOT = Path(__file__).resolve().parent.parent
PEER = """
import sys, pathlib, jieba, jieba.posseg as pg
jieba.setLogLevel(60)
n = 0
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.txt")):
    for _ in pg.cut(f.read_text(encoding="utf-8")):
        n += 1
print(n)
"""


def sentences() -> list[str]:
    texts = [(ROOT / "seeds" / "provincial-union-2022.txt").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "data").glob("*.txt"))]
    out = []
    for t in texts:
        out += [s for s in re.findall(r"[^。！？\n]+[。！？]?", t) if len(s.strip()) > 4]
    return out


def make_corpus(directory: Path, megabytes: float, seed: int = 1) -> int:
    rng = random.Random(seed)
    pool = sentences()
    target = int(megabytes * 1024 * 1024)
    written = k = 0
    while written < target:
        parts, size = [], 0
        while size < 60_000:  # ≈ 20,000 characters
            s = rng.choice(pool)
            parts.append(s)
            size += len(s.encode("utf-8"))
        text = "\n".join(parts) + "\n"
        (directory / f"speech-{k:05d}.txt").write_text(text, encoding="utf-8")
        written += len(text.encode("utf-8"))
        k += 1
    return sum(len(p.read_text(encoding="utf-8")) for p in directory.glob("*.txt"))


def write_news(source: Path, directory: Path, items: int) -> tuple[int, int, Path]:
    """The first `items` news items of a JSON-lines file as DATE-NUM.txt files with a dates CSV:
    (items written, characters, the CSV)."""
    opener = gzip.open if source.suffix == ".gz" else open
    rows, chars = [], 0
    with opener(source, "rt", encoding="utf-8") as fh:
        for line in fh:
            if len(rows) == items:
                break
            item = json.loads(line)
            name = f"{item['date']}-{int(item['num']):03d}.txt"
            text = f"{item['title'].strip()}\n{item['text'].strip()}\n"
            (directory / name).write_text(text, encoding="utf-8")
            rows.append((name, item["date"]))
            chars += len(text)
    dates = directory.parent / "dates.csv"
    with open(dates, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("file", "date"), *rows])
    return len(rows), chars, dates


def best(cmds: list[list[str]], repeat: int) -> list[tuple[float, float]]:
    """Each command `repeat` times, alternating: the fastest wall time of each, with its peak memory."""
    runs: list[list[tuple[float, float]]] = [[] for _ in cmds]
    for _ in range(repeat):
        for i, cmd in enumerate(cmds):
            runs[i].append(measure(cmd))
    return [min(r) for r in runs]


def news(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "news"
        d.mkdir()
        n, chars, dates = write_news(Path(args.news), d, args.items)
        (ours, om), (peer, pm) = best(
            [
                [
                    sys.executable,
                    "-m",
                    "speechkg",
                    "build",
                    str(d),
                    "-o",
                    str(Path(tmp) / "corpus.nq"),
                    "--dates",
                    str(dates),
                    "--jobs",
                    "1",
                    "--quiet",
                ],
                [sys.executable, "-c", PEER, str(d)],
            ],
            args.repeat,
        )
    ratio = peer / ours
    lines = [
        "## Real news: corpus build vs jieba.posseg (one core, same text, same run)",
        "",
        f"`python benchmarks/bench_corpus.py --news {args.news} --items {args.items} --repeat {args.repeat}` "
        f"— the first {n:,} items of {Path(args.news).name} (CCTV 新闻联播), one .txt file each (title, "
        "then text) with a file,date CSV; `speechkg build DIR -o corpus.nq --dates dates.csv --jobs 1` end to "
        "end against jieba's POS tagger alone over the same files; each pinned to one CPU, fastest of "
        f"{args.repeat} alternating runs.",
        "",
        "| items | characters | speechkg s | speechkg chars/s | speechkg peak MB | jieba.posseg s | "
        "jieba chars/s | jieba peak MB | ratio (jieba s / speechkg s) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {n:,} | {chars:,} | {ours:.1f} | {chars / ours:,.0f} | {om:.0f} | {peer:.1f} | {chars / peer:,.0f} | "
        f"{pm:.0f} | {ratio:.2f} |",
        "",
        f"Target (issue 11): speechkg at least 1.5× faster than jieba.posseg: {ratio:.2f}×, "
        f"{'met' if ratio >= 1.5 else 'not met'}.",
    ]
    emit(lines, args.out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,10")
    ap.add_argument("--out")
    ap.add_argument("--news", help="a JSON-lines file of news items (date, num, title, text), gzipped or not")
    ap.add_argument("--items", type=int, default=3000, help="how many news items (default 3000)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each command; the fastest is kept")
    args = ap.parse_args()
    if args.news:
        news(args)
        return
    rows = []
    for mb in [float(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp) / "corpus"
            d.mkdir()
            chars = make_corpus(d, mb)
            # each measurement in a fresh child; the peak RSS is measured in a separate helper
            (ours, ours_mem), (peer, peer_mem) = best(
                [
                    [sys.executable, "-m", "speechkg", "build", str(d), "-o", str(Path(tmp) / "corpus.nq"), "--quiet"],
                    [sys.executable, "-c", PEER, str(d)],
                ],
                args.repeat,
            )
            rows.append((mb, chars, ours, ours_mem, peer, peer_mem))
            print(rows[-1], flush=True)
    lines = [
        "## Corpus build vs jieba.posseg (one core, same text, same run)",
        "",
        "`python benchmarks/bench_corpus.py` — speech-like text recombined from the seed and the "
        "test paragraphs; `speechkg build DIR -o corpus.nq` end to end (read, extract, link, RDF, "
        "write) against jieba's POS tagger alone over the same files.",
        "",
        "| MB | characters | speechkg s | speechkg chars/s | speechkg peak MB | jieba.posseg s | "
        "jieba chars/s | jieba peak MB | ratio (jieba s / speechkg s) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for mb, chars, ours, om, peer, pm in rows:
        lines.append(
            f"| {mb:g} | {chars:,} | {ours:.1f} | {chars / ours:,.0f} | {om:.0f} | {peer:.1f} | "
            f"{chars / peer:,.0f} | {pm:.0f} | {peer / ours:.2f} |"
        )
    if len(rows) >= 2:
        (m1, c1, t1, *_), (m2, c2, t2, *_) = rows[0], rows[-1]
        lines += ["", f"Growth from {m1:g} MB to {m2:g} MB: {c2 / c1:.1f}× the text took {t2 / t1:.1f}× the time."]
    emit(lines, args.out)


def measure(cmd: list[str]) -> tuple[float, float]:
    """Run `cmd` pinned to one CPU under a small wrapper that reports the child's own peak memory."""
    wrapper = (
        "import os, resource, subprocess, sys, time\n"
        "if hasattr(os, 'sched_setaffinity'):\n"
        "    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "w = time.perf_counter() - t\n"
        "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], check=True, capture_output=True, text=True, cwd=ROOT
    ).stdout.split()
    return float(out[0]), float(out[1])


if __name__ == "__main__":
    main()
