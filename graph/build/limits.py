"""Time limits on reading and extracting one file: a deadline, a CPU limit, and the report of a file that failed."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from pathlib import Path

from speechkg.graph.build import steps
from speechkg.graph.extract.lexicon import Lexicon
from speechkg.graph.model import Doc, Speech

#: without --file-timeout, a file may take this many seconds to read or extract …
FILE_TIMEOUT_BASE = 60.0


#: … plus this many per MiB of it (extraction runs at about 3 s per MiB on one core)
FILE_TIMEOUT_PER_MIB = 10.0


def timeout_for(nbytes: int, file_timeout: float | None) -> float:
    """The time limit of a file of `nbytes` bytes: `file_timeout` when given, else one that grows
    with the file (FILE_TIMEOUT_BASE + FILE_TIMEOUT_PER_MIB per MiB), well above what a real
    speech of that size takes, so that only a pathological file reaches it."""
    if file_timeout is not None:
        return file_timeout
    return FILE_TIMEOUT_BASE + FILE_TIMEOUT_PER_MIB * nbytes / 2**20


def file_size(path: str, otherwise: int) -> int:
    """A file's size in bytes (`otherwise` for standard input or what cannot be stat'ed)."""
    try:
        return Path(path).stat().st_size if path != "-" else otherwise
    except OSError:
        return otherwise


class FileTimeout(BaseException):
    """A file's reading or extraction ran past its --file-timeout (a BaseException, so no
    `except Exception` on the way swallows it)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"over the {round(seconds, 1):g} s --file-timeout")
        self.seconds = seconds


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise FileTimeout in the block after `seconds` of wall time (SIGALRM; main thread of a
    POSIX process only, else no limit). Python code is stopped between two steps; one long
    call into C (a single regular expression match) ends before it is."""
    import signal
    import threading

    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise FileTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timed_process(speech: Speech, lex: Lexicon, seconds: float | None) -> Doc:
    """process() under a deadline, started after warm_up; a FileTimeout comes back as an
    ordinary exception (one a worker process can hand to the parent)."""
    steps.warm_up(lex)
    seconds = timeout_for(len(speech.text.encode("utf-8", "surrogatepass")), seconds)
    try:
        with deadline(seconds), _cpu_limit(seconds):
            return steps.process(speech, lex)
    except FileTimeout as exc:
        raise TimeoutError(str(exc)) from None


@contextlib.contextmanager
def _cpu_limit(seconds: float) -> Iterator[None]:
    """In a worker process, a hard stop behind the deadline: past twice its time in CPU (a
    single call into C that SIGALRM cannot interrupt), the kernel ends the worker (SIGXCPU)
    and the pool replaces it (see _pooled). The main process is never given such a limit."""
    import multiprocessing
    import resource

    if multiprocessing.parent_process() is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    used = resource.getrusage(resource.RUSAGE_SELF)
    limit = math.ceil(used.ru_utime + used.ru_stime + 2 * seconds + 1)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def failure(name: str, stage: str, exc: BaseException) -> str:
    """One line for a file that failed unexpectedly (a bug, memory or recursion exhausted)."""
    detail = next(iter(str(exc).splitlines()), "").strip()[:200]
    kind = type(exc).__name__ + (f": {detail}" if detail else "")
    hint = "; it needs more memory than there is" if isinstance(exc, MemoryError) else ""
    return f"{name}: failed while {stage} ({kind}){hint}"
