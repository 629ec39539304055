"""The corpus page on real news: speechkg's page now ("after") vs the page of an earlier commit
("before", today's page: main before the corpus page), on the same graph, in the same run.

    python benchmarks/bench_corpus_page.py [--news ../shared/corpora/xwlb-2020-2021.jsonl.gz]
        [--graph corpus.nq] [--before-ref af5a137] [--cap 600] [--out benchmarks/RESULTS.md]

Without --graph the news items (date, num, title, text) are written as DATE-NUM.txt with a
file,date CSV and built with `speechkg build DIR -o corpus.nq --dates dates.csv --jobs 2`.
Each page is made by `speechkg view GRAPH -o PAGE.html` in a subprocess (wall time, peak RSS of
the child; "before" runs the code of --before-ref, checked out with `git archive`, and is
stopped after --cap seconds). In headless Chromium (tests/browser.py, network blocked,
1400 × 900 and 1920 × 1080 windows): seconds from navigation to drawn and to settled, the time
of window.speechkg.search('全总') and then of setting the date range to 2021 (who appeared
with 全总 in 2021), and for the first view whether any two labels overlap (vis-network's label
boxes) and the smallest label size on screen (font size × zoom).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from report import emit

ROOT = Path(__file__).resolve().parent.parent
READABLE = """
const k = window.speechkg, n = k.network;
const ids = k.nodes.getIds().filter((id) => n.body.nodes[id] && !n.body.nodes[id].options.hidden);
const boxes = ids.map((id) => { const s = n.body.nodes[id].labelModule.size;
  return [s.left, s.left + s.width, s.top, s.top + s.height]; }).filter((b) => b[1] > b[0]);
let overlaps = 0;
for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
  const p = boxes[a], q = boxes[b];
  if (p[0] < q[1] && q[0] < p[1] && p[2] < q[3] && q[2] < p[3]) overlaps++; }
const font = Math.min(...ids.map((id) => n.body.nodes[id].options.font.size)) * n.getScale();
return {overlaps, font, n: ids.length};
"""


def build_graph(news: Path, work: Path) -> Path:
    texts = work / "news"
    texts.mkdir()
    rows = ["file,date"]
    with gzip.open(news, "rt", encoding="utf-8") if news.suffix == ".gz" else open(news, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            name = f"{d['date']}-{int(d['num']):03d}.txt"
            (texts / name).write_text(f"{d['title']}\n{d['text']}\n", encoding="utf-8")
            rows.append(f"{name},{d['date']}")
    (work / "dates.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = work / "corpus.nq"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "speechkg",
            "build",
            str(texts),
            "-o",
            str(out),
            "--dates",
            str(work / "dates.csv"),
            "--jobs",
            "2",
            "--quiet",
        ],
        check=True,
        cwd=ROOT,
    )
    return out


def old_tree(ref: str, work: Path) -> Path:
    """The repository at `ref`, importable as `speechkg` from the returned folder."""
    root = work / "before"
    (root / "speechkg").mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    tar = work / "before.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as t:
        t.extractall(root / "speechkg", filter="data")
    return root


def make_page(graph: Path, page: Path, title: str, path: Path | None, cap: float) -> tuple[float | None, float]:
    """Wall seconds (None: stopped at `cap`) and peak MB of `speechkg view` in a child."""
    env = dict(os.environ)
    if path is not None:  # the old tree first on the path, ahead of the installed package
        env["PYTHONPATH"] = str(path)
    code = "import sys; from speechkg.cli import cli; sys.exit(cli())"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, "-c", code, "view", str(graph), "-o", str(page), "--title", title],
            check=True,
            env=env,
            timeout=cap,
            cwd="/",
        )
    except subprocess.TimeoutExpired:
        return None, 0.0
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def in_browser(url: str, size: tuple[int, int], cap: float = 120) -> dict:
    from tests.browser import chromium

    out: dict = {}
    with chromium() as d:
        d.set_window_size(*size)
        d.set_page_load_timeout(cap)
        t = time.perf_counter()
        try:
            d.get(url)
        except Exception:  # noqa: BLE001 — a page load timeout
            return out
        while time.perf_counter() - t < cap:
            st = d.execute_script(
                "return window.speechkg ? [window.speechkg.state.drawn, window.speechkg.state.settled] : null"
            )
            if st and st[0] and "drawn" not in out:
                out["drawn"] = time.perf_counter() - t
            if st and st[0] and st[1]:
                out["settled"] = time.perf_counter() - t
                break
            time.sleep(0.05)
        if "settled" not in out:
            return out
        out.update(d.execute_script(READABLE))
        t = time.perf_counter()
        found = d.execute_script("return window.speechkg.search('全总')")
        out["search"] = time.perf_counter() - t if found else None
        t = time.perf_counter()
        if d.execute_script("return typeof window.speechkg.setDates === 'function'"):
            d.execute_script("window.speechkg.setDates('2021-01-01', '2021-12-31')")
            out["filter"] = time.perf_counter() - t
            out["neighbours_2021"] = d.execute_script(
                "return window.speechkg.nodes.get().filter(n => n.id[0] === 'e').length - 1"
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--news", default=str(ROOT.parent / "shared" / "corpora" / "xwlb-2020-2021.jsonl.gz"))
    ap.add_argument("--graph", help="a graph already built from --news (skips the build)")
    ap.add_argument("--before-ref", default="af5a137", help="the commit whose page is 'before'")
    ap.add_argument("--cap", type=float, default=600, help="seconds before the 'before' page is given up")
    ap.add_argument("--out")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        graph = Path(args.graph) if args.graph else build_graph(Path(args.news), work)
        old = old_tree(args.before_ref, work)
        for name, path in (("after", None), ("before", old)):
            page = work / f"{name}.html"
            wall, peak = make_page(graph, page, "新闻联播 2020–2021", path, args.cap)
            row = {"generate": wall, "peak_mb": peak, "size_mb": page.stat().st_size / 1e6 if wall else None}
            if wall is not None:
                row["1400"] = in_browser(page.as_uri(), (1400, 900))
                row["1920"] = in_browser(page.as_uri(), (1920, 1080))
            rows[name] = row
            print(name, json.dumps(row), flush=True)

    def f(x, unit="", digits=1):
        return "—" if x is None else f"{x:.{digits}f}{unit}"

    lines = [
        "## Corpus page on real news (issue 13)",
        "",
        f"`python benchmarks/bench_corpus_page.py` — `{Path(args.graph).name if args.graph else 'news'}` "
        f"(the 11,250 items of xwlb-2020-2021), `speechkg view GRAPH -o PAGE.html`; before = "
        f"{args.before_ref} (today's page), after = this branch; same run, headless Chromium, 2 shared cores.",
        "",
        "| | generate s | peak MB | page MB | window | drawn s | settled s | entities drawn | "
        "overlapping labels | smallest label px | search 全总 s | 全总's neighbourhood in 2021 s |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in rows.items():
        gen = f(r["generate"]) if r["generate"] is not None else f"> {args.cap:.0f} (stopped)"
        for w in ("1400", "1920"):
            b = r.get(w, {})
            lines.append(
                f"| {name} | {gen} | {f(r['peak_mb'], digits=0) if r['generate'] else '—'} | "
                f"{f(r['size_mb'])} | {w} | {f(b.get('drawn'), digits=2)} | {f(b.get('settled'), digits=2)} | "
                f"{b.get('n', '—')} | {b.get('overlaps', '—')} | {f(b.get('font'))} | "
                f"{f(b.get('search'), digits=2)} | {f(b.get('filter'), digits=2)} |"
            )
    emit(lines, args.out)


if __name__ == "__main__":
    main()
