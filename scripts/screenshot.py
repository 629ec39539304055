"""Make docs/seed-view.png (the seed speech's page) and docs/corpus-view.png (the page of a slice
of the news corpus) in headless Chromium, as the tests run it.

    .venv/bin/python scripts/screenshot.py [--corpus ../shared/corpora/xwlb-2020-2021.jsonl.gz]
                                           [--since 2021-01-01] [--items 2000] [--only seed|corpus]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium  # noqa: E402

KG = [sys.executable, "-m", "speechkg"]


def shoot(page: Path, out: Path, size: tuple[int, int], script: str = "") -> None:
    with chromium() as d:
        d.set_window_size(*size)
        d.get(page.as_uri())
        while not d.execute_script("return !!(window.speechkg && window.speechkg.state.settled)"):
            time.sleep(0.2)
        if script:
            d.execute_script(script)
        time.sleep(0.5)
        d.save_screenshot(str(out))
        print(out)


def seed(tmp: Path) -> None:
    ttl, page = tmp / "seed.ttl", tmp / "seed.html"
    subprocess.run(
        KG + ["build", str(ROOT / "seeds" / "provincial-union-2022.txt"), "-o", str(ttl)], cwd=ROOT, check=True
    )
    subprocess.run(
        KG + ["view", str(ttl), "-o", str(page), "--title", "XX省总工会全委会议讲话 (seed)"], cwd=ROOT, check=True
    )
    shoot(page, ROOT / "docs" / "seed-view.png", (1400, 900), "window.speechkg.search('五大行动')")


def corpus(tmp: Path, news: Path, since: str, items: int) -> None:
    texts = tmp / "news"
    texts.mkdir()
    rows, n = ["file,date"], 0
    with gzip.open(news, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["date"] < since:
                continue
            name = f"{d['date']}-{int(d['num']):03d}.txt"
            (texts / name).write_text(f"{d['title']}\n{d['text']}\n", encoding="utf-8")
            rows.append(f"{name},{d['date']}")
            n += 1
            if n >= items:
                break
    (tmp / "dates.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    graph, page = tmp / "news.nq", tmp / "news.html"
    subprocess.run(
        KG + ["build", str(texts), "-o", str(graph), "--dates", str(tmp / "dates.csv"), "--jobs", "2", "--quiet"],
        cwd=ROOT,
        check=True,
    )
    subprocess.run(
        KG + ["view", str(graph), "-o", str(page), "--title", f"新闻联播 {n:,} items from {since}"],
        cwd=ROOT,
        check=True,
    )
    shoot(page, ROOT / "docs" / "corpus-view.png", (1600, 1000))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "xwlb-2020-2021.jsonl.gz"))
    ap.add_argument("--since", default="2021-01-01")
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--only", choices=("seed", "corpus"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "corpus":
            seed(Path(tmp))
        if args.only != "seed":
            if not Path(args.corpus).is_file():
                sys.exit(f"{args.corpus}: no such file (the news corpus, for docs/corpus-view.png)")
            corpus(Path(tmp), Path(args.corpus), args.since, args.items)


if __name__ == "__main__":
    main()
