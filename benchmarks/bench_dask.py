"""`build --scheduler` on a local Dask cluster against `build --jobs`, on the same news items, same run.

    python benchmarks/bench_dask.py [--news ../shared/corpora/xwlb-2020-2021.jsonl.gz] [--items 1000]
                                    [--repeat 1] [--out benchmarks/RESULTS.md]

The first N items of a JSON-lines news file are written as DATE-NUM.txt files with a file,date
CSV (as bench_corpus.py --news). Then, each end to end as a subprocess (read, extract, write
N-Quads): `--jobs 1`, `--jobs 2`, and `--scheduler` on a `dask scheduler` with one and then two
`dask worker --nthreads 1` processes on 127.0.0.1. Workers are started afresh before their first
build ("cold": each worker loads jieba's dictionary, as each `--jobs` process does), and the
same build is then run again on the same workers ("warm", as on a cluster that stays up).
Every output must be byte-identical to `--jobs 1`'s. With --repeat R the commands of each
phase run R times, alternating, and the fastest is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_corpus import write_news
from report import emit

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t


def dask(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", "dask", *args],
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the process and the worker its nanny started
    except ProcessLookupError:
        pass
    proc.wait()


def workers_registered(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout=30, set_as_default=False) as client:
        client.wait_for_workers(n, timeout=120)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--news", default=str(ROOT.parent / "shared" / "corpora" / "xwlb-2020-2021.jsonl.gz"))
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--out")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        d = tmp / "news"
        d.mkdir()
        n, chars, dates = write_news(Path(args.news), d, args.items)

        def build(out: str, *extra: str) -> list[str]:
            return [
                sys.executable,
                "-m",
                "speechkg",
                "build",
                str(d),
                "-o",
                str(tmp / out),
                "--dates",
                str(dates),
                "--quiet",
                *extra,
            ]

        times: dict[str, float] = {}
        for _ in range(args.repeat):
            for name, jobs in (("jobs 1", "1"), ("jobs 2", "2")):
                times[name] = min(times.get(name, float("inf")), timed(build(f"{name}.nq", "--jobs", jobs)))
        info = tmp / "scheduler.json"
        procs = [
            dask(
                ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
                tmp / "scheduler.log",
            )
        ]
        try:
            while not info.exists() or not info.read_text().strip().endswith("}"):
                time.sleep(0.1)
            address = json.loads(info.read_text())["address"]
            for k in (1, 2):
                for _ in range(args.repeat):
                    workers = [
                        dask(
                            [
                                "worker",
                                address,
                                "--host",
                                "127.0.0.1",
                                "--nthreads",
                                "1",
                                "--nworkers",
                                "1",
                                "--no-dashboard",
                                "--local-directory",
                                str(tmp / f"w{i}"),
                            ],
                            tmp / f"w{i}.log",
                        )
                        for i in range(k)
                    ]
                    workers_registered(address, k)
                    for state in ("cold", "warm"):
                        name = f"dask {k} {state}"
                        took = timed(build(f"{name}.nq", "--scheduler", address))
                        times[name] = min(times.get(name, float("inf")), took)
                    for w in workers:
                        stop(w)
                    time.sleep(1)  # the scheduler sees them go
        finally:
            for p in procs:
                stop(p)
        reference = (tmp / "jobs 1.nq").read_bytes()
        same = all((tmp / f"{name}.nq").read_bytes() == reference for name in times)
        assert same, "an output differs from --jobs 1's"
    load_after = os.getloadavg()[0]
    for name, t in times.items():
        print(f"{name}: {t:.1f} s, {chars / t:,.0f} chars/s", flush=True)
    rows = [
        ("`--jobs 1`", "jobs 1"),
        ("`--jobs 2`", "jobs 2"),
        ("`--scheduler`, 1 worker, cold", "dask 1 cold"),
        ("`--scheduler`, 1 worker, warm", "dask 1 warm"),
        ("`--scheduler`, 2 workers, cold", "dask 2 cold"),
        ("`--scheduler`, 2 workers, warm", "dask 2 warm"),
    ]
    base = times["jobs 2"]
    lines = [
        "## Dask: `build --scheduler` with local workers vs `--jobs` (same news items, same run)",
        "",
        f"`python benchmarks/bench_dask.py --items {args.items} --repeat {args.repeat}` — the first {n:,} items "
        f"of {Path(args.news).name} as .txt files with a file,date CSV ({chars:,} characters); each command "
        "end to end (read, extract, write N-Quads) as a subprocess; the cluster is a `dask scheduler` and "
        "`dask worker --nthreads 1` processes on 127.0.0.1. Cold: workers started just before the build (each "
        "loads jieba's dictionary, as each `--jobs` process does); warm: the same build again on the same "
        f"workers. Fastest of {args.repeat}. Every output byte-identical to `--jobs 1`'s. {os.cpu_count()} cores, "
        f"shared with other work: load average {load_before:.1f} at the start, {load_after:.1f} at the end.",
        "",
        "| command | s | characters/s | time / `--jobs 2` time |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, name in rows:
        lines.append(f"| {label} | {times[name]:.1f} | {chars / times[name]:,.0f} | {times[name] / base:.2f} |")
    lines += [
        "",
        f"From 1 to 2 workers, throughput grew {times['dask 1 cold'] / times['dask 2 cold']:.2f}× cold and "
        f"{times['dask 1 warm'] / times['dask 2 warm']:.2f}× warm (`--jobs 1` → `--jobs 2`: "
        f"{times['jobs 1'] / times['jobs 2']:.2f}×).",
    ]
    emit(lines, args.out)


if __name__ == "__main__":
    main()
