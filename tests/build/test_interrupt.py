"""A build interrupted mid-run leaves the previous output exactly as it was, and no temp files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from speechkg.cli import cli

from ..conftest import ROOT, SEED


@pytest.fixture(scope="module")
def big_speech(tmp_path_factory):
    f = tmp_path_factory.mktemp("big") / "big.txt"
    # about 6 s of extraction (without the name model) after 1 s of start-up, then about 1 s of writing
    f.write_text(SEED.read_text(encoding="utf-8") * 100, encoding="utf-8")
    return f


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used (user + system), from /proc."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _writing(directory: Path) -> bool:
    return any(p.name.startswith(".graph.nq.") for p in directory.iterdir())


@pytest.mark.parametrize(
    "sig,code,word,phase",
    [
        (signal.SIGINT, 130, "interrupted", "extracting"),
        (signal.SIGTERM, 143, "terminated", "extracting"),
        (signal.SIGTERM, 143, "terminated", "writing"),
    ],
)
@pytest.mark.slow
def test_interrupted_build_keeps_the_previous_output(tmp_path, big_speech, sig, code, word, phase):
    """The signal is sent once the build is in the phase named, by what can be seen from outside
    (its CPU time past start-up, or its temporary output file), not after a guessed delay."""
    out = tmp_path / "graph.nq"
    out.write_bytes(b"previous graph\n")
    proc = subprocess.Popen(
        # without the name model (what is extracted is not what this tests): 14 s of CPU to writing, not 8
        [sys.executable, "-m", "speechkg", "build", str(big_speech), "-o", str(out), "--ner", "none"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # SIGINT as a terminal sends it: a shell's background job (pytest run with &) ignores SIGINT,
        # and a child inherits that, so the build would never see the signal
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    give_up = time.monotonic() + 300  # wall: 14 s of CPU to writing, stretched by a loaded machine
    while not (_writing(tmp_path) if phase == "writing" else _cpu_seconds(proc.pid) >= 2.0):
        assert proc.poll() is None, f"the build ended before it was {phase}"
        assert time.monotonic() < give_up
        time.sleep(0.005)
    assert _writing(tmp_path) == (phase == "writing")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert err.decode().strip().splitlines()[-1] == f"Error: {word}; no output was written"
    assert out.read_bytes() == b"previous graph\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nq"]


def test_oversized_input_is_refused_before_reading(tmp_path):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as fh:  # a sparse 60 MB file: refused by its size, never read
        fh.truncate(60 * 1024 * 1024)
    started = time.process_time()
    r = CliRunner().invoke(cli, ["build", str(f), "-o", str(tmp_path / "g.ttl")])
    assert r.exit_code == 1
    assert r.output == (f"Error: {f}: 60 MiB is over the 50 MiB limit; raise it with --max-size\n")
    assert time.process_time() - started < 5  # CPU: reading 60 MB burns it, a loaded machine does not
    r = CliRunner().invoke(cli, ["build", str(f), "-o", str(tmp_path / "g.ttl"), "--max-size", "1"])
    assert "over the 1 MiB limit" in r.output


def test_a_signal_just_after_the_temporary_file_is_made_leaves_nothing(tmp_path, monkeypatch):
    """The window the writing test found under load: SIGINT arrives once the temporary file
    exists but before the call that made it has returned (to this process: any of its threads
    may take it, so blocking it in the main thread would not be enough)."""
    from speechkg.graph.rdf import output as rdf_output
    from speechkg.graph.rdf.output import write_atomic

    real_open = os.open

    def open_then_signal(path, *args, **kwargs):
        fd = real_open(path, *args, **kwargs)
        if str(path).endswith(".tmp"):
            os.kill(os.getpid(), signal.SIGINT)
        return fd

    monkeypatch.setattr(rdf_output.os, "open", open_then_signal)
    out = tmp_path / "g.nq"
    out.write_bytes(b"previous\n")
    # Python's own SIGINT handler, even where this process was started ignoring SIGINT (a background job)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        for _ in range(20):
            with pytest.raises(KeyboardInterrupt):
                write_atomic(out, [b"new\n"])
    finally:
        signal.signal(signal.SIGINT, previous)
    assert out.read_bytes() == b"previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["g.nq"]
