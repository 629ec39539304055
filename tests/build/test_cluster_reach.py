"""`build --scheduler` to a port that takes the connection and never answers (accepting it, or
leaving it in the kernel's queue): one line after the connect timeout, not a wait forever, and
SIGTERM ends the wait at once. Each build runs in a process of its own, as a user's would."""

from __future__ import annotations

import contextlib
import importlib.util
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ..conftest import ROOT, SEED

# skipped without Dask, which is not imported here: each build runs in a process of its own (and a
# test process that imported distributed loses the --file-timeout of --jobs workers: see
# test_bounded.py::test_file_timeout_in_worker_processes and the closing note of issue 27)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="needs dask[distributed]"),
]


class _Silent:
    """A loopback TCP port that takes connections (`accepting`: accepts them; else leaves them in
    the kernel's queue) and never says a word."""

    def __init__(self, accepting: bool) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=8)
        self.port = self.sock.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.held: list[socket.socket] = []
        if accepting:
            threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.sock.accept()[0])

    def connected(self) -> bool:
        """Whether some process of this machine holds an established connection to the port."""
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
        return any(f.split()[2].endswith(f":{self.port:04X}") and f.split()[3] == "01" for f in lines)

    def close(self) -> None:
        for s in [*self.held, self.sock]:
            s.close()


@pytest.fixture(params=[True, False], ids=["accepting", "not-accepting"])
def silent(request):
    listener = _Silent(request.param)
    yield listener
    listener.close()


def _build_process(args: list[str], connect_timeout: float = 5.0) -> subprocess.Popen:
    """`speechkg build ARGS` in a process of its own, with the given timeout to reach the scheduler."""
    code = (
        "from speechkg.graph.build import cluster; from speechkg.cli import cli; "
        f"cluster.check.__defaults__ = cluster.connect.__defaults__ = ({connect_timeout!r},); "
        f"cli(['build', *{args!r}])"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )


def test_a_scheduler_that_never_answers_is_one_line(silent, tmp_path):
    """A port that takes the connection and says nothing: one line after the 5 s connect
    timeout, not a wait forever."""
    out = tmp_path / "g.nq"
    build = _build_process([str(SEED), "-o", str(out), "--scheduler", silent.address])
    try:
        _, err = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    assert (build.returncode, err.decode()) == (
        1,
        f"Error: no Dask scheduler answered at {silent.address} within 5 s: something takes connections "
        "there but does not speak Dask's protocol; is `dask scheduler` running there?\n",
    )
    assert not out.exists()


def test_sigterm_while_waiting_for_a_scheduler_ends_the_build(silent, tmp_path):
    """SIGTERM while the build waits for a silent scheduler (60 s connect timeout here) ends it
    at once: exit 143, one line, nothing written."""
    out = tmp_path / "g.nq"
    build = _build_process([str(SEED), "-o", str(out), "--scheduler", silent.address], connect_timeout=60.0)
    try:
        deadline = time.monotonic() + 60
        while not silent.connected():
            assert build.poll() is None, build.communicate()[1].decode()
            assert time.monotonic() < deadline, "the build never connected"
            time.sleep(0.05)
        build.send_signal(signal.SIGTERM)
        _, err = build.communicate(timeout=20)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    assert (build.returncode, err.decode()) == (143, "Error: terminated; no output was written\n")
    assert not out.exists()
