"""`build --scheduler`: extraction on a real Dask cluster (a `dask scheduler` and two `dask worker`
processes on loopback ports, started here) writes the same bytes as a local build, even when a
worker is killed mid-build; an unreachable scheduler is one line."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.build import cluster as speechkg_distributed

from ..conftest import ROOT, SEED

pytestmark = pytest.mark.slow

distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the scheduler runs _allow without this module

DATA = ROOT / "tests" / "data"
FIRST_BATCH = re.compile(r"speechkg-extract-[0-9a-f]+-0")  # the key of a build's first task


def _start(args: list[str], log: Path) -> subprocess.Popen:
    """A `dask` command in a session of its own (so that its children go with it), logging to `log`."""
    with open(log, "wb") as fh:
        return subprocess.Popen(
            [sys.executable, "-m", "dask", *args],
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=log.parent,
        )


def _stop(proc: subprocess.Popen) -> None:
    """End a process started by _start and every process of its session (a nanny's worker too)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def _scheduler(d: Path, *args: str) -> tuple[subprocess.Popen, str]:
    """A `dask scheduler` on a free port of 127.0.0.1 (no dashboard; more `args`), logging into
    `d`, and its address once it has one."""
    info = d / "scheduler.json"
    proc = _start(
        ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(info), *args],
        d / "scheduler.log",
    )
    try:
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip().endswith("}"):
            assert proc.poll() is None, (d / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        return proc, json.loads(info.read_text())["address"]
    except BaseException:
        _stop(proc)
        raise


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(scheduler address, a client of it): one scheduler and two single-threaded workers on
    127.0.0.1, each on a free port; all stopped after the module's tests."""
    d = tmp_path_factory.mktemp("dask")
    scheduler, address = _scheduler(d)
    procs = [scheduler]
    try:
        for i in range(2):
            procs.append(
                _start(
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
                        "--name",
                        f"w{i}",
                        "--local-directory",
                        str(d / f"w{i}"),
                    ],
                    d / f"worker{i}.log",
                )
            )
        client = distributed.Client(address, timeout=30, set_as_default=False)
        client.wait_for_workers(2, timeout=90)
        yield address, client
        client.close()
    finally:
        for proc in reversed(procs):
            _stop(proc)


@pytest.fixture
def ready(cluster):
    """The cluster with both workers registered (again, after a test killed one)."""
    address, client = cluster
    client.wait_for_workers(2, timeout=90)
    return address, client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """40 small speeches (the test paragraphs four times under other names, so that entities
    are shared across speeches), the seed, and one speech of about 412,000 characters that
    takes a worker about two seconds (six times the 0.3 s limit below, so that even a much faster
    machine runs past it): 0-big.txt, first in input order, so a build's first batch."""
    d = tmp_path_factory.mktemp("corpus")
    texts = sorted(DATA.glob("*.txt"))
    for k in range(4):
        for p in texts:
            shutil.copy(p, d / f"{k}-{p.name}")
    shutil.copy(SEED, d / SEED.name)
    big = "\n".join(p.read_text(encoding="utf-8") for p in [SEED, *texts])
    (d / "0-big.txt").write_text("\n".join([big] * 40), encoding="utf-8")
    return d


def _build(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["build", *args, "--quiet"])
    return r.exit_code, r.stderr


@pytest.mark.parametrize(("suffix", "batch_chars"), [("nq", None), ("ttl", 1)])
def test_same_bytes_as_a_local_build(ready, corpus, tmp_path, monkeypatch, suffix, batch_chars):
    """The same graph however the corpus is split: in batches of several speeches, or one by one."""
    address, _ = ready
    if batch_chars:
        monkeypatch.setattr(speechkg_distributed, "BATCH_CHARS", batch_chars)
    small = [str(p) for p in sorted(corpus.glob("*.txt")) if p.name != "0-big.txt"]
    local, remote = tmp_path / f"local.{suffix}", tmp_path / f"dask.{suffix}"
    assert _build(*small, "-o", str(local))[0] == 0
    code, err = _build(*small, "-o", str(remote), "--scheduler", address)
    assert code == 0, err
    assert remote.read_bytes() == local.read_bytes()
    assert len(local.read_bytes()) > 100_000


def test_a_failing_file_on_a_worker_is_reported_as_locally(ready, corpus, tmp_path):
    """--file-timeout holds on the workers: the big speech is skipped there as it is locally."""
    address, _ = ready
    args = [str(corpus / "0-city-report.txt"), str(corpus / "0-big.txt"), "--file-timeout", "0.3"]
    local, remote = tmp_path / "local.nq", tmp_path / "dask.nq"
    code, err = _build(*args, "-o", str(local))
    assert code == 1
    assert "Skipped: 0-big.txt: failed while extracting (TimeoutError: over the 0.3 s --file-timeout)\n" in err
    assert _build(*args, "-o", str(remote), "--scheduler", address) == (code, err.replace("local.nq", "dask.nq"))
    assert remote.read_bytes() == local.read_bytes()


def test_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    with socket.socket() as s:  # a loopback port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # a connect timeout of 60 s rather than 5, so that "at once" can be told from "after the
    # timeout" with a bound (30 s) that a loaded machine cannot reach
    for waits in (speechkg_distributed.connect, speechkg_distributed.check):
        monkeypatch.setattr(waits, "__defaults__", (60.0,))
    t = time.monotonic()
    r = CliRunner().invoke(
        cli, ["build", str(SEED), "-o", str(tmp_path / "g.nq"), "--scheduler", f"tcp://127.0.0.1:{port}"]
    )
    assert time.monotonic() - t < 30  # a refused connection is told at once, not after the timeout
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr == (
        f"Error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: nothing listens there; "
        "is `dask scheduler` running?\n"
    )
    assert not (tmp_path / "g.nq").exists()


def test_bad_scheduler_address_is_one_line(tmp_path):
    code, err = _build(str(SEED), "-o", str(tmp_path / "g.nq"), "--scheduler", "http://127.0.0.1:8786")
    assert code == 1
    assert (
        err
        == "Error: 'http://127.0.0.1:8786' is not a Dask scheduler address; give tcp://HOST:PORT or tls://HOST:PORT\n"
    )


def test_batches_are_runs_of_speeches_in_order():
    from speechkg.graph.model import Speech

    speeches = [Speech("字" * n, f"{i}.txt") for i, n in enumerate([5, 5, 30, 1, 1, 1])]
    assert speechkg_distributed.batches(speeches, 1) == [(0, 2), (2, 3), (3, 6)]  # 43 // 4 = 10 characters
    assert speechkg_distributed.batches(speeches[:1], 8) == [(0, 1)]


def _allow(dask_scheduler, n: int) -> int:
    """Set the scheduler's allowed-failures (how many worker deaths a task survives); the old value."""
    was, dask_scheduler.allowed_failures = dask_scheduler.allowed_failures, n
    return was


def _deaths(client) -> int:
    """How many times, as the scheduler counts, a worker died while it had a `build` batch."""
    return client.run_on_scheduler(
        lambda dask_scheduler: getattr(dask_scheduler.task_prefixes.get("speechkg-extract"), "suspicious", 0)
    )


@pytest.fixture(scope="module")
def local_build(corpus, tmp_path_factory) -> tuple[bytes, str]:
    """The whole corpus built here without the name model (as the killing tests build it: they
    test what a worker's death loses, and the model on the workers is test_same_bytes'): its
    N-Quads and what the command said."""
    out = tmp_path_factory.mktemp("local") / "corpus.nq"
    code, said = _build(str(corpus), "-o", str(out), "--ner", "none")
    assert code == 0, said
    return out.read_bytes(), said.replace(str(out), "OUT")


@pytest.mark.parametrize("allowed_failures", [3, 0])
def test_a_worker_killed_mid_build_loses_nothing(ready, corpus, local_build, tmp_path, allowed_failures):
    """SIGKILL to a worker while it runs a batch: the scheduler gives the batch to the other worker
    (allowed-failures 3, Dask's default) or gives up on it and `build` submits it again (0)."""
    address, client = ready
    remote = tmp_path / "dask.nq"
    before = _deaths(client)
    was = client.run_on_scheduler(_allow, n=allowed_failures)
    build = subprocess.Popen(
        [
            *(sys.executable, "-m", "speechkg", "build", str(corpus), "-o", str(remote), "--quiet"),
            *("--scheduler", address, "--ner", "none"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        victim = None
        deadline = time.monotonic() + 60
        while victim is None:  # a worker while it runs a batch (the first: the big speech, some seconds)
            assert build.poll() is None, "the build ended before a worker could be killed"
            assert time.monotonic() < deadline, "no worker ran a batch of the build"
            executing = client.run(lambda dask_worker: [str(ts.key) for ts in dask_worker.state.executing])
            running = [w for w, keys in executing.items() if any(FIRST_BATCH.fullmatch(k) for k in keys)]
            if running:
                victim = running[0]
                pid = client.run(os.getpid, workers=[victim])[victim]
                os.kill(pid, signal.SIGKILL)
            else:
                time.sleep(0.05)
        out, err = build.communicate(timeout=120)
    finally:
        client.run_on_scheduler(_allow, n=was)
        if build.poll() is None:
            build.kill()
            build.wait()
    assert (build.returncode, err.decode()) == (0, local_build[1].replace("OUT", str(remote)))
    assert victim not in client.nthreads()
    assert _deaths(client) > before  # the scheduler saw it die while it had a batch of the build
    assert remote.read_bytes() == local_build[0]


def test_the_python_build_takes_a_scheduler(ready, tmp_path, monkeypatch):
    """speechkg.api.build(..., scheduler=...) extracts on the cluster: the same graph as locally."""
    import speechkg.api as skg
    from speechkg.graph.build import limits as build_limits

    address, _ = ready
    skg.build([SEED]).serialize(tmp_path / "local.nq")

    def not_here(*args, **kwargs):
        raise AssertionError("extracted in this process, not on the cluster")

    monkeypatch.setattr(build_limits, "timed_process", not_here)  # the workers' own speechkg is not patched
    skg.build([SEED], scheduler=address).serialize(tmp_path / "cluster.nq")
    assert (tmp_path / "cluster.nq").read_bytes() == (tmp_path / "local.nq").read_bytes()


class _Hostile:
    """What a hostile worker sends back: unpickled, it makes the file `marker` (any code could run)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def _task_returns(dask_worker, fingerprint: str | None = None, payload: bytes = b"", hostile: str | None = None):
    """On a worker: the build's task returns (`fingerprint` or the worker's own, `payload`), or with
    `hostile` a _Hostile(hostile) in place of the payload; with none of them, it is the real task again."""
    from speechkg.graph.build import cluster

    real = cluster.__dict__.setdefault("_real_extract_batch", cluster._extract_batch)

    def task(*args, **kwargs):
        return (fingerprint or cluster.fingerprint(), _Hostile(hostile) if hostile else payload)

    cluster._extract_batch = task if (fingerprint or payload or hostile) else real


@pytest.fixture
def hostile(ready):
    """Make every worker's build task return what _task_returns is given; the real task afterwards."""
    address, client = ready

    def make(**kwargs) -> str:
        client.run(_task_returns, **kwargs)
        return address

    yield make
    client.run(_task_returns)


REFUSED = (
    "; refused unread. Every worker of a cluster is trusted: let only your own machines join it "
    "(see the README's Security model)\n"
)


def _refused(address: str, tmp_path: Path, why: str, worker: str = r"tcp://127\.0\.0\.1:\d+ ") -> None:
    """A build of the seed on the cluster at `address` runs no code a worker sent (it would make
    tmp_path/ran-here), stops with one line, a `worker`'s answer refused unread for `why`
    (regular expressions), and writes nothing."""
    code, err = _build(str(SEED), "-o", str(tmp_path / "g.nq"), "--scheduler", address)
    assert not (tmp_path / "ran-here").exists()
    assert code == 1
    assert re.fullmatch(
        f"Error: the Dask worker {worker}of the cluster at {re.escape(address)} sent something other than "
        f"speechkg's result \\({why}\\){re.escape(REFUSED)}",
        err,
    ), err
    assert not (tmp_path / "g.nq").exists()


NOT_DATA = re.escape("Data serialized with error but only able to deserialize data with ['msgpack']")


def test_a_result_that_is_not_data_is_refused_unread(hostile, tmp_path):
    """A worker whose result would run code here when unpickled (as every result was, before the
    fingerprint was checked): Dask is let read msgpack's data only, so the build stops with one
    line, and the code never runs."""
    marker = tmp_path / "ran-here"
    address = hostile(hostile=str(marker))
    _refused(address, tmp_path, NOT_DATA)


def _fingerprint_returns(dask_worker, hostile: str | None) -> None:
    """On a worker: `fingerprint` returns a _Hostile(hostile); with None, the real one again."""
    from speechkg.graph.build import cluster

    real = cluster.__dict__.setdefault("_real_fingerprint", cluster.fingerprint)
    cluster.fingerprint = (lambda: _Hostile(hostile)) if hostile else real


def test_a_fingerprint_that_is_not_data_is_refused_unread(ready, tmp_path):
    """The same for the fingerprint each worker is asked for before the build starts."""
    address, client = ready
    marker = tmp_path / "ran-here"
    client.run(_fingerprint_returns, hostile=str(marker))
    try:
        _refused(address, tmp_path, NOT_DATA, worker="")
    finally:
        client.run(_fingerprint_returns, hostile=None)


def test_another_fingerprint_is_refused_before_its_result_is_read(hostile, tmp_path, monkeypatch):
    """A worker that says it runs another speechkg: refused before a byte of its result is read."""
    from speechkg.graph.build import wire

    def read(*args):
        raise AssertionError("read a result before its fingerprint was checked")

    monkeypatch.setattr(wire, "decode", read)
    address = hostile(fingerprint="0" * 64, payload=b"\x80 not even UTF-8")
    code, err = _build(str(SEED), "-o", str(tmp_path / "g.nq"), "--scheduler", address)
    assert code == 1
    assert re.fullmatch(
        r"Error: the Dask worker tcp://127\.0\.0\.1:\d+ runs another speechkg \(its code, data, jieba or "
        r"Python differ from this client's\), so the graph could differ from a local build; install the "
        r"same speechkg on every machine\n",
        err,
    ), err
    assert not (tmp_path / "g.nq").exists()


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        (b'[{"failed": "os.system", "message": "x", "memory": false}]', "a failure's name"),
        (b'[{"year": 2022, "warnings": [], "table": [[0, 1]]}]', "a Doc's fields"),
        (b"[" * 100_000, "not JSON (RecursionError)"),
        (b"[]", "not one result per speech"),
    ],
)
def test_a_malformed_result_is_refused(hostile, tmp_path, payload, why):
    """A worker with the right fingerprint that sends JSON of another shape: one line, nothing written."""
    _refused(hostile(payload=payload), tmp_path, re.escape(why))


def test_the_fingerprint_covers_all_code_and_data():
    """Workers with other tables, rules or ontology are told apart: the fingerprint reads every
    module and table of graph/ (all its layers) and ontology/."""
    names = {p.relative_to(speechkg_distributed._PACKAGE).as_posix() for p in speechkg_distributed.fingerprint_files()}
    assert {
        "graph/extract/data/organs.tsv",
        "graph/extract/proposed.py",
        "graph/rdf/emit.py",
        "graph/build/steps.py",
        "ontology/speechkg.ttl",
    } <= names
