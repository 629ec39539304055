"""A build interrupted mid-run leaves the previous output exactly as it was, and no temp files."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from cli import cli

from .conftest import ROOT, SEED


@pytest.fixture(scope="module")
def big_speech(tmp_path_factory):
    f = tmp_path_factory.mktemp("big") / "big.txt"
    # long enough (about 15 s to build) that both delays fall mid-run, not after the output is written
    f.write_text(SEED.read_text(encoding="utf-8") * 200, encoding="utf-8")
    return f


@pytest.mark.parametrize("sig,code,word", [(signal.SIGINT, 130, "interrupted"),
                                           (signal.SIGTERM, 143, "terminated")])
@pytest.mark.parametrize("delay", [1.5, 4.0])
def test_interrupted_build_keeps_the_previous_output(tmp_path, big_speech, sig, code, word, delay):
    out = tmp_path / "graph.ttl"
    out.write_bytes(b"previous graph\n")
    proc = subprocess.Popen([sys.executable, "-m", "cli", "build", str(big_speech), "-o", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)
    if proc.poll() is not None:
        pytest.skip("the build finished before the signal could be sent")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert err.decode().strip().splitlines()[-1] == f"Error: {word}; no output was written"
    assert out.read_bytes() == b"previous graph\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_oversized_input_is_refused_before_reading(tmp_path):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as fh:  # a sparse 60 MB file: refused by its size, never read
        fh.truncate(60 * 1024 * 1024)
    started = time.monotonic()
    r = CliRunner().invoke(cli, ["build", str(f), "-o", str(tmp_path / "g.ttl")])
    assert r.exit_code == 1
    assert r.output == (f"Error: {f}: 62.9 MB is over the 52 MB limit; raise it with --max-size\n")
    assert time.monotonic() - started < 5
    r = CliRunner().invoke(cli, ["build", str(f), "-o", str(tmp_path / "g.ttl"), "--max-size", "1"])
    assert "over the 1 MB limit" in r.output
