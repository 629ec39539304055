"""The code after a renovation vs the code before it ("before", a git ref), on the same inputs, in
the same run: CPU seconds of `build`, `view`, `trend`, `stats` and `query` on the full texts of
the development set (one corpus graph), each command in its own process, the two codes alternating.

    python benchmarks/bench_layers.py [--before-ref 619d436] [--rounds 3] [--out benchmarks/RESULTS.md]

"before" is checked out with `git archive` into a temporary folder and run from there as the
`speechkg` package (PYTHONPATH), with the same interpreter and libraries. CPU time (user + system
of the child) is steadier than wall time on a shared machine; the median of the rounds is kept.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from report import emit

ROOT = Path(__file__).resolve().parent.parent
FULL = ROOT.parent / "shared" / "dev" / "full"


def _checkout(ref: str, into: Path) -> Path:
    """The tree of `ref` as a `speechkg` package folder under `into` (for PYTHONPATH)."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    pkg = into / "speechkg"
    pkg.mkdir(parents=True)
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(pkg, filter="data")
    return into


def _cpu(path: Path, args: list[str]) -> float:
    """CPU seconds of `speechkg ARGS` run from the `speechkg` package folder under `path`."""
    env = dict(os.environ, PYTHONPATH=str(path))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-c", "from speechkg.cli import cli; cli()", *args],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before-ref", default="619d436")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", help="append the table to this Markdown file")
    args = ap.parse_args()
    texts = sorted(str(p) for p in FULL.glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        before = _checkout(args.before_ref, tmp / "before")
        after = tmp / "after"
        after.mkdir()
        (after / "speechkg").symlink_to(ROOT)
        steps = {
            "build (48 full texts → N-Quads)": lambda out: ["build", *texts, "-o", str(out / "c.nq"), "--quiet"],
            "view (the corpus page)": lambda out: ["view", str(out / "c.nq"), "-o", str(out / "c.html")],
            "trend (--type Concept --top 5)": lambda out: [
                "trend",
                str(out / "c.nq"),
                "--type",
                "Concept",
                "--top",
                "5",
                "-o",
                str(out / "t.csv"),
            ],
            "stats": lambda out: ["stats", str(out / "c.nq")],
            "query (saved: bodies)": lambda out: ["query", str(out / "c.nq"), "--saved", "bodies"],
        }
        times: dict[str, dict[str, list[float]]] = {s: {"before": [], "after": []} for s in steps}
        for _ in range(args.rounds):
            for name, path in (("before", before), ("after", after)):
                out = tmp / f"out-{name}"
                out.mkdir(exist_ok=True)
                for step, make in steps.items():
                    times[step][name].append(_cpu(path, make(out)))
        rows = []
        for step, t in times.items():
            b, a = statistics.median(t["before"]), statistics.median(t["after"])
            rows.append(f"| {step} | {b:.2f} | {a:.2f} | {a / b:.2f} |")
    emit(
        [
            f"## The house in layers (issue 22): after vs before ({args.before_ref}), CPU seconds, same run",
            "",
            f"`python benchmarks/bench_layers.py --before-ref {args.before_ref} --rounds {args.rounds}` — "
            "median of the rounds, each command in its own process, the two codes alternating.",
            "",
            "| step | before s | after s | after / before |",
            "| --- | ---: | ---: | ---: |",
            *rows,
        ],
        args.out,
    )


if __name__ == "__main__":
    main()
