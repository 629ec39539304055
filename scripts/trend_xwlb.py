"""The README's trend chart: formulations across 2020–2021 in CCTV news (新闻联播), by quarter.

    python scripts/trend_xwlb.py [--source ../shared/corpora/xwlb-2020-2021.jsonl.gz]
                                 [--work build/trend-xwlb] [--out docs/trend-xwlb.svg]

Each news item of the JSON-lines file (date, num, title, text) is written as DATE-NUM.txt
(title, then text) with a file,date CSV, and built once into WORK/corpus.nq with
`speechkg build --dates` (about 10 CPU-minutes for the 11,250 items; kept for later runs,
remove WORK to build again). Then `speechkg trend` charts the formulations of ENTITIES per
quarter, per 10,000 characters of news, and the time it took is printed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTITIES = ["共同富裕", "新发展格局", "国内国际双循环", "两个确立", "脱贫攻坚战"]


def write_items(source: Path, directory: Path) -> Path:
    """Every item as DATE-NUM.txt; the file,date CSV beside the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = []
    with gzip.open(source, "rt", encoding="utf-8") if source.suffix == ".gz" else open(source, encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            name = f"{item['date']}-{int(item['num']):03d}.txt"
            (directory / name).write_text(f"{item['title'].strip()}\n{item['text'].strip()}\n", encoding="utf-8")
            rows.append((name, item["date"]))
    dates = directory.parent / "dates.csv"
    with open(dates, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("file", "date"), *rows])
    return dates


def speechkg(*args: str) -> float:
    """Run a speechkg command; its wall time."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "speechkg", *args], check=True, cwd=ROOT)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", default=str(ROOT.parent / "shared" / "corpora" / "xwlb-2020-2021.jsonl.gz"))
    ap.add_argument("--work", default=str(ROOT / "build" / "trend-xwlb"))
    ap.add_argument("--out", default=str(ROOT / "docs" / "trend-xwlb.svg"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    work = Path(args.work)
    corpus = work / "corpus.nq"
    if not corpus.exists():
        dates = write_items(Path(args.source), work / "news")
        took = speechkg(
            "build", str(work / "news"), "--dates", str(dates), "-o", str(corpus), "--jobs", str(args.jobs), "--quiet"
        )
        print(f"built {corpus} in {took:.0f} s", file=sys.stderr)
    cmd = ["trend", str(corpus), *(a for e in ENTITIES for a in ("--entity", e)), "--by", "quarter", "--per-10k"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    took = speechkg(*cmd, "-o", args.out)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(
        f"speechkg {' '.join(cmd)} -o {args.out}: {took:.1f} s wall, {cpu:.1f} s CPU, "
        f"{corpus.stat().st_size / 2**20:,.0f} MiB of N-Quads",
        file=sys.stderr,
    )
    speechkg(*cmd, "-o", str(Path(args.out).with_suffix(".csv")))


if __name__ == "__main__":
    main()
