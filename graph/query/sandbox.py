"""Run a function in a forked child process within a time and a memory limit.

Queries are evaluated this way (graph.query, graph.endpoint): a timed-out query is really
stopped (its process is killed, not abandoned in a thread), a query that needs more memory
than allowed ends with a clear error instead of aborting the whole program (Oxigraph aborts
when an allocation fails), and a server stops the work when its client goes away.
The child is a fork, so it sees the loaded graph without copying it.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import io
import math
import mmap
import os
import pickle
import resource
import select
import signal
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from speechkg.graph.errors import QueryError

T = TypeVar("T")

#: default memory a query may use beyond what the program already holds, in MB
DEFAULT_MEMORY_MB = 2048

_PR_SET_PDEATHSIG = 1
#: longest single wait for the child, in seconds
_MAX_WAIT = 86_400.0
#: largest data frame a child writes, and largest read of the pipe, in bytes: what the parent
#: holds of a streamed output at a time
_FRAME = _READ = 1 << 16


class TimedOut(QueryError):
    """The function ran past its time limit and was stopped."""


class OutOfMemory(QueryError):
    """The function needed more memory than allowed and was stopped."""


class ClientGone(QueryError):
    """The client that asked for the work went away; the work was stopped."""


def check_timeout(timeout: float | None) -> float | None:
    """`timeout` itself when it is None or a positive finite number of seconds; else QueryError."""
    if timeout is None:
        return None
    if not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0:
        raise QueryError(f"--timeout must be a positive number of seconds, not {timeout!r}; leave it out for no limit")
    return float(timeout)


def check_memory(memory_mb: float | None) -> float | None:
    """`memory_mb` itself when it is None or a positive finite number of MB; else QueryError."""
    if memory_mb is None:
        return None
    if not isinstance(memory_mb, (int, float)) or not math.isfinite(memory_mb) or memory_mb <= 0:
        raise QueryError(f"--max-memory must be a positive number of MB, not {memory_mb!r}")
    return float(memory_mb)


def _address_space() -> int:
    """This process's virtual memory size in bytes (what RLIMIT_AS counts)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _memory_limit(memory_mb: float, reserved: int = 0) -> tuple[int, int]:
    """(soft, hard) RLIMIT_AS for a child that may use `memory_mb` MB more than now, besides
    `reserved` bytes of address space that it maps but hardly uses (a thread's large stack):
    never above a limit the process already has (`ulimit -v`; the hard one cannot be raised),
    nor past what the kernel takes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = _address_space() + reserved + int(min(memory_mb, 2.0**40) * 1024 * 1024)  # 2**40 MB: no limit
    for have in (soft, hard):
        if have != resource.RLIM_INFINITY:
            want = min(want, have)
    return want, hard


def _die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux); elsewhere a no-op."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _close_sockets() -> None:
    """Close every socket this process holds (the child of a server inherits them all)."""
    with contextlib.suppress(OSError):
        for name in os.listdir("/proc/self/fd"):
            fd = int(name)
            with contextlib.suppress(OSError):
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.close(fd)


#: where a child says what it is doing (see stage); set in the child only
_stage_map: mmap.mmap | None = None
_STAGE_BYTES = 256


def stage(text: str) -> None:
    """Say what the function run by run_limited is doing now (e.g. "while the graph files were
    loaded"), so that a stop past a limit can name it; "" for its main work. Outside a child
    of run_limited this does nothing."""
    if _stage_map is not None:
        data = text.encode("utf-8")[: _STAGE_BYTES - 1]
        _stage_map[: len(data) + 1] = data + b"\0"


def _read_stage(shared: mmap.mmap) -> str:
    data = shared[:_STAGE_BYTES]
    return data[: data.find(b"\0")].decode("utf-8", "replace") if b"\0" in data else ""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _frame(fd: int, kind: bytes, payload: bytes) -> None:
    """One frame of what a child writes to its parent: a kind byte, a length, the payload."""
    _write_all(fd, kind + len(payload).to_bytes(8, "big") + payload)


class _FrameWriter(io.RawIOBase):
    """The pipe to the parent, as a binary stream: each write goes as data frames of at most
    _FRAME bytes, read by the parent as they come (see stream_limited)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        data = bytes(b)
        for i in range(0, len(data), _FRAME):
            _frame(self.fd, b"D", data[i : i + _FRAME])
        return len(data)


class Output(io.BufferedWriter):
    """What a function run by stream_limited writes its output to: bytes, and marks (short texts,
    such as a content type) that reach the parent in order with them."""

    def mark(self, text: str) -> None:
        self.flush()
        _frame(self.raw.fd, b"M", text.encode("utf-8"))


def _outcome_of(fn: Callable, stream: Output | None) -> tuple[str, object]:
    """("value", fn's value), ("memory", None), or ("error", the exception as it pickles)."""
    try:
        if stream is None:
            return ("value", fn())
        value = fn(stream)
        stream.flush()
        return ("value", value)
    except MemoryError:
        return ("memory", None)
    except BaseException as exc:  # noqa: BLE001 — handed back to the parent
        # only the exception itself: no traceback, cause or context (which libraries that
        # teach pickle to carry them, such as tblib under dask, would send along, and which
        # need not unpickle: defusedxml's exceptions do not)
        exc.__traceback__ = exc.__cause__ = exc.__context__ = None
        try:
            pickle.loads(pickle.dumps(exc))
            return ("error", exc)
        except Exception:  # an exception that does not pickle: its text
            return ("error", RuntimeError(str(exc) or type(exc).__name__))


def _child(
    fn: Callable, memory_mb: float | None, reserved: int, wfd: int, parent: int, shared: mmap.mmap, stream: bool
) -> None:
    """The forked child: limit memory, run fn (given an Output when `stream`), write the pickled
    outcome as the last frame, exit without cleanup."""
    global _stage_map
    code = 0
    try:
        _stage_map = shared
        _die_with_parent()
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)
        faulthandler.disable()  # it would report the abort of an allocation that failed, on its own stderr
        _close_sockets()  # a server's listening and client sockets stay with the server
        devnull = os.open(os.devnull, os.O_WRONLY)  # Rust's "memory allocation failed" and the like
        os.dup2(devnull, 2)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if memory_mb is not None:
            resource.setrlimit(resource.RLIMIT_AS, _memory_limit(memory_mb, reserved))
        outcome = _outcome_of(fn, Output(_FrameWriter(wfd), _FRAME) if stream else None)
        _frame(wfd, b"R", pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        code = 3
    except BaseException:  # noqa: BLE001 — the parent reports that the child died
        code = 2
    finally:
        os._exit(code)


def _frames(chunks: Iterator[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """The (kind, payload) frames in what a child wrote, each as soon as it is whole."""
    buf = bytearray()
    for chunk in chunks:
        buf += chunk
        while len(buf) >= 9:
            end = 9 + int.from_bytes(buf[1:9], "big")
            if len(buf) < end:
                break
            kind, payload = bytes(buf[:1]), bytes(buf[9:end])
            del buf[:end]
            yield kind, payload


def native_threads() -> bool:
    """Whether threads of an on-disk store (RocksDB's) run in this process."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return False
    for tid in tasks:
        with contextlib.suppress(OSError), open(f"/proc/self/task/{tid}/comm") as fh:
            if fh.read().startswith("rocksdb"):
                return True
    return False


class _Running:
    """A forked child seen from the parent: its pid, the pipe its output comes through, the page
    it tells its stage on, and whether it has been waited for. kill() may come from another
    thread (a server's memory watchdog): it never signals a pid once the child was waited for."""

    def __init__(self, pid: int, rfd: int, shared: mmap.mmap) -> None:
        self.pid, self.rfd, self.shared = pid, rfd, shared
        self.reaped = False
        self._lock = threading.Lock()

    def kill(self) -> None:
        with self._lock, contextlib.suppress(OSError):
            if not self.reaped:
                os.kill(self.pid, signal.SIGKILL)

    def reap(self) -> int:
        """Wait for the child to end; its status."""
        with contextlib.suppress(ChildProcessError, OSError):  # ended, not yet waited for: its pid stays its own
            os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)
        with self._lock:
            _, status = os.waitpid(self.pid, 0)
            self.reaped = True
        return status

    def read(self, timeout: float | None, client: socket.socket | None, what: str) -> Iterator[bytes]:
        """What the child writes, as it comes, until it closes its end; TimedOut after `timeout`
        seconds, ClientGone when `client` is closed by its peer first (even with bytes of its
        unread: a pipelined request, the line end some clients send after a POST body)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        poll = select.poll()
        poll.register(self.rfd, select.POLLIN)
        if client is not None:
            poll.register(client, select.POLLRDHUP)
        while True:
            # a day at most per wait (--timeout 1e10)
            wait = None if deadline is None else min(_MAX_WAIT, max(0.0, deadline - time.monotonic()))
            try:
                ready = dict(poll.poll(None if wait is None else math.ceil(wait * 1000)))
            except InterruptedError:
                continue
            if not ready and deadline is not None and time.monotonic() < deadline:
                continue
            if not ready:
                self.kill()
                self.reap()  # stopped before its stage is read, so that it cannot change
                during = _read_stage(self.shared)
                raise TimedOut(
                    f"{what} ran past the --timeout of {timeout:g} s{' ' + during if during else ''} and was "
                    "stopped; simplify it or raise --timeout"
                )
            if client is not None and client.fileno() in ready:
                raise ClientGone(f"the client left; {what} was stopped")
            if self.rfd in ready:
                chunk = os.read(self.rfd, _READ)
                if not chunk:
                    return
                yield chunk

    def close(self) -> str:
        """Close the pipe, kill and wait for the child unless it was waited for; the stage it
        last told."""
        os.close(self.rfd)
        if not self.reaped:
            self.kill()
            with contextlib.suppress(ChildProcessError):
                self.reap()
        during = _read_stage(self.shared)
        self.shared.close()
        return during


def _memory_limit_text(memory_mb: float | None, reserved: int) -> tuple[str, str]:
    """(the limit a child ran out of memory under, the option that raises it), for messages."""
    if memory_mb is None:
        return "the memory available", "--max-memory"
    if _memory_limit(memory_mb, reserved)[0] < _address_space() + reserved + memory_mb * 1024 * 1024:
        return "the memory this process may use (its ulimit -v)", "the ulimit"
    return f"the --max-memory of {memory_mb:g} MB", "--max-memory"


def _out_of_memory(kind: str, status: int) -> bool:
    """Whether a child that gave no value ran out of memory: it said so, or it was killed or
    aborted as a failed allocation kills or aborts (or exited with _child's code 3)."""
    return (
        kind == "memory"
        or os.WIFSIGNALED(status)
        and os.WTERMSIG(status) in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGKILL)
        or os.WEXITSTATUS(status) == 3
    )


def _failure(kind: str, status: int, memory_mb: float | None, reserved: int, what: str, during: str) -> QueryError:
    """The error of a child that gave neither a value nor an exception."""
    if _out_of_memory(kind, status):
        limit, raise_what = _memory_limit_text(memory_mb, reserved)
        return OutOfMemory(
            f"{what} needed more than {limit}{' ' + during if during else ''} and was stopped; "
            f"simplify it (LIMIT, fewer joins) or raise {raise_what}"
        )
    how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"status {os.WEXITSTATUS(status)}"
    return QueryError(f"{what} stopped unexpectedly ({how}); try again or simplify it")


def _fork(fn: Callable, memory_mb: float | None, reserved: int, stream: bool) -> _Running:
    shared = mmap.mmap(-1, _STAGE_BYTES)  # anonymous and shared: the child's stage, read here
    rfd, wfd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover — runs in the child, which leaves with os._exit
        os.close(rfd)
        _child(fn, memory_mb, reserved, wfd, parent, shared, stream)
    os.close(wfd)
    return _Running(pid, rfd, shared)


def _settle(outcome: bytes | None, status: int, memory_mb: float | None, reserved: int, what: str, during: str):
    """The value of a child's outcome, or its exception raised (the child's, or why it gave none)."""
    kind = "died"
    if outcome is not None:
        kind, value = pickle.loads(outcome)
        if kind == "value":
            return value
        if kind == "error":
            raise value
    raise _failure(kind, status, memory_mb, reserved, what, during)


def run_limited(
    fn: Callable[[], T],
    timeout: float | None = None,
    memory_mb: float | None = DEFAULT_MEMORY_MB,
    client: socket.socket | None = None,
    what: str = "the query",
    reserved: int = 0,
) -> T:
    """fn() evaluated in a forked child: its value (pickled back), or its exception re-raised.

    Raises TimedOut after `timeout` seconds, OutOfMemory when the child needs more than
    `memory_mb` MB beyond the parent's size (and `reserved` bytes of address space that fn
    maps but hardly uses, such as a parsing thread's stack), ClientGone when `client` (a
    socket) is closed by its peer first; in each case the child is killed."""
    timeout = check_timeout(timeout)
    memory_mb = check_memory(memory_mb)
    child = _fork(fn, memory_mb, reserved, stream=False)
    outcome = None
    try:
        for _, payload in _frames(child.read(timeout, client, what)):
            outcome = payload
        status = child.reap()
    finally:
        during = child.close()
    return _settle(outcome, status, memory_mb, reserved, what, during)


def stream_limited(
    fn: Callable[[Output], object],
    timeout: float | None = None,
    memory_mb: float | None = DEFAULT_MEMORY_MB,
    client: socket.socket | None = None,
    what: str = "the query",
    started: Callable[[_Running], None] | None = None,
) -> Iterator[bytes | str]:
    """fn(out) run as run_limited runs fn(), what it writes to `out` yielded as it comes: bytes
    (at most _FRAME at a time, so that the caller holds no more), and the texts of out.mark()
    in order with them. The child blocks while the caller does not read, and is killed when
    the caller stops reading (closes this generator). `started` is told the child (its pid,
    kill()) once it runs. Raises as run_limited does, after what was written before."""
    timeout = check_timeout(timeout)
    memory_mb = check_memory(memory_mb)
    child = _fork(fn, memory_mb, 0, stream=True)
    outcome = None
    try:
        if started is not None:
            started(child)
        for kind, payload in _frames(child.read(timeout, client, what)):
            if kind == b"D":
                yield payload
            elif kind == b"M":
                yield payload.decode("utf-8")
            else:
                outcome = payload
        status = child.reap()
    finally:
        during = child.close()
    _settle(outcome, status, memory_mb, 0, what, during)
