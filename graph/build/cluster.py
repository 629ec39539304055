"""Extraction on a Dask distributed cluster (`build --scheduler tcp://HOST:PORT`).

The client reads every input, as in a local build; batches of speeches (their texts, so the
workers need no access to the files) go to the cluster's workers, which run steps.process
on each under the same per-file time limit; the Docs come back in input order, and what is
done across speeches (one label per entity, writing) stays on the client, as locally. So the
output is the same bytes as a local build, however the corpus was split.

A worker that dies loses nothing: the scheduler gives its batches to another worker, and a
batch it gives up on (KilledWorker, after `distributed.scheduler.allowed-failures` deaths) is
redone from here, each of its speeches alone; one whose worker dies then too is reported like
a file that fails locally. Every machine needs the same speechkg (`pip install 'speechkg[dask]'`):
a worker with other code, data, jieba or Python is refused, as its output could differ.

A worker sends back data, never code: its fingerprint and its batch's Docs as JSON (wire), which
Dask carries as msgpack, the only format this client lets it read (DESERIALIZERS); the client
checks their shape, size and the fingerprint before it reads the JSON. Dask's own protocol still
pickles some messages (a failed task's exception), so every worker and the scheduler are
trusted: a cluster must be reachable only by the user's own machines.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import itertools
import logging
import pickle
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from speechkg.graph.build import wire
from speechkg.graph.build.limits import FileTimeout, timeout_for
from speechkg.graph.build.reach import DESERIALIZERS, ClusterError, check, connect, first_sentence
from speechkg.graph.build.steps import process, warm_up
from speechkg.graph.extract.lexicon import Lexicon
from speechkg.graph.model import Doc, Speech

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["DESERIALIZERS", "ClusterError", "check", "connect", "processed"]

#: seconds the cluster may have no worker before the build gives up
NO_WORKER_TIMEOUT = 60.0
#: a batch holds consecutive speeches of at most this many characters (or one larger speech) …
BATCH_CHARS = 200_000
#: … and at most this many batches per worker thread are handed to the scheduler at a time
BATCHES_PER_THREAD = 3


def processed(
    speeches: list[Speech], lex: Lexicon, file_timeout: float | None, address: str
) -> Iterator[Doc | Exception]:
    """Each speech's Doc, in input order, or the exception that stopped it (as
    workers.extracted_docs), extracted by the workers of the Dask cluster at `address`. Dask's
    client-side logging is muted meanwhile (see _dask_logs_muted)."""
    with _dask_logs_muted():
        client = connect(address)
        try:
            yield from _Run(client, address, speeches, lex, file_timeout).results()
        finally:
            with contextlib.suppress(Exception):
                client.close()


@contextlib.contextmanager
def _dask_logs_muted() -> Iterator[None]:
    """Dask's own client-side log lines (tracebacks of reconnection attempts when the scheduler
    goes away) only while a build runs: what goes wrong is raised as one ClusterError instead."""
    loggers = [
        logging.getLogger(name)
        for name in ["distributed", *logging.root.manager.loggerDict]
        if name == "distributed" or name.startswith("distributed.")
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class _Run:
    """One build's batches on the cluster: submitted a few per worker thread at a time,
    gathered as they finish, yielded in input order."""

    def __init__(
        self, client: Client, address: str, speeches: list[Speech], lex: Lexicon, file_timeout: float | None
    ) -> None:
        self.client, self.address, self.speeches, self.file_timeout = client, address, speeches, file_timeout
        blob = pickle.dumps(Lexicon(list(lex.entries), ner=lex.ner), protocol=pickle.HIGHEST_PROTOCOL)
        self.lexicon = (hashlib.sha256(blob).hexdigest(), blob)
        self.run = uuid.uuid4().hex[:12]
        self.fingerprint = fingerprint()

    def threads(self) -> int:
        """The cluster's worker threads now; ClusterError if it has had none for NO_WORKER_TIMEOUT."""
        since = time.monotonic()
        while True:
            try:
                n = sum(self.client.nthreads().values())
            except Exception as exc:  # the scheduler went away
                raise self.lost(exc) from None
            if n:
                return n
            if time.monotonic() - since > NO_WORKER_TIMEOUT:
                raise ClusterError(
                    f"the Dask scheduler at {self.address} has had no worker for "
                    f"{NO_WORKER_TIMEOUT:g} s; start some with `dask worker {self.address}`"
                )
            time.sleep(0.5)

    def same_everywhere(self) -> None:
        """ClusterError unless the scheduler and every worker import this very speechkg (see
        fingerprint): the scheduler unpickles the tasks, the workers run them. A worker that
        joins later is checked by its first batch."""
        try:
            found = {f"scheduler {self.address}": self.client.run_on_scheduler(fingerprint)}
        except Exception as exc:  # the scheduler cannot unpickle the function
            found = {f"scheduler {self.address}": exc}
        try:
            found.update({f"worker {w}": v for w, v in self.client.run(fingerprint, on_error="return").items()})
        except Exception as exc:  # a worker's answer is not data (see DESERIALIZERS)
            raise self.refused("worker", exc) from None
        for where, value in found.items():
            if isinstance(value, BaseException):
                raise ClusterError(
                    f"the Dask {where} cannot run speechkg ({type(value).__name__}: "
                    f"{first_sentence(value)}); every machine needs it installed, the same version "
                    "as here: pip install 'speechkg[dask]'"
                )
            if value != self.fingerprint:
                raise _other(where)

    def lost(self, exc: BaseException) -> ClusterError:
        return ClusterError(
            f"lost the Dask scheduler at {self.address} before the build was done "
            f"({type(exc).__name__}); nothing was written"
        )

    def results(self) -> Iterator[Doc | Exception]:
        from distributed import CancelledError, KilledWorker

        slots = self.threads()
        self.same_everywhere()
        todo = deque(batches(self.speeches, slots))  # (first, end) index ranges, in input order
        running: dict[Future, tuple[int, int]] = {}
        done: dict[int, Doc | Exception] = {}
        alone: set[int] = set()  # speeches of a batch the scheduler gave up on, tried again one by one
        serial = itertools.count()  # a new key for every task, a batch tried again included
        first = 0  # the next speech to yield
        while todo or running:
            while todo and len(running) < BATCHES_PER_THREAD * slots:
                a, b = todo.popleft()
                future = self.client.submit(
                    _extract_batch,
                    self.speeches[a:b],
                    self.lexicon,
                    self.file_timeout,
                    key=f"speechkg-extract-{self.run}-{next(serial)}",
                    pure=False,
                )
                running[future] = (a, b)
            finished = self.finished(list(running))
            if finished is None:  # nothing within a second: see how many workers there are now
                slots = self.threads()
            for future in finished or ():
                a, b = running.pop(future)
                try:
                    outcomes = self.received(future, self.speeches[a:b])
                except KilledWorker:  # the scheduler gave up on it: each speech again alone, then reported
                    if b - a > 1 or a not in alone:
                        alone.update(range(a, b))
                        todo.extendleft(reversed([(i, i + 1) for i in range(a, b)]))
                    else:
                        done[a] = MemoryError(
                            "its Dask worker died each time it was tried (stopped by the "
                            "system or the nanny for memory, or killed)"
                        )
                    continue
                except CancelledError as exc:
                    raise self.lost(exc) from None
                done.update(zip(range(a, b), outcomes, strict=True))
            while first in done:
                yield done.pop(first)
                first += 1

    def received(self, future: Future, speeches: list[Speech]) -> list[Doc | Exception]:
        """The outcomes of a finished batch of `speeches`. What its worker sent is data (see
        DESERIALIZERS), and read only once it is the shape _extract_batch gives, of a bounded
        size, from a worker with this client's fingerprint (wire.decode)."""
        from distributed import CancelledError, KilledWorker

        try:
            value = future.result()
        except (KilledWorker, CancelledError):
            raise
        except TypeError as exc:
            if _NOT_DATA not in str(exc):
                raise self.failed(exc) from None
            raise self.refused(self.holder(future), exc) from None
        except Exception as exc:  # not one speech's failure: the task could not run
            raise self.failed(exc) from None
        if not (type(value) is tuple and len(value) == 2 and type(value[0]) is str and type(value[1]) is bytes):
            raise self.refused(self.holder(future), "not a speechkg result")
        if len(value[1]) > wire.limit(speeches):
            raise self.refused(self.holder(future), f"{len(value[1]):,} bytes for {len(speeches)} speeches")
        if value[0] != self.fingerprint:
            raise _other(self.holder(future))
        try:
            return wire.decode(value[1], speeches)
        except wire.WireError as exc:
            raise self.refused(self.holder(future), exc) from None

    def holder(self, future: Future) -> str:
        """The address of the worker that holds a future's result, as the scheduler says."""
        names = ""
        with contextlib.suppress(Exception):
            names = ", ".join(self.client.who_has([future]).get(future.key, ()))
        return f"worker {names}" if names else "worker"

    def refused(self, where: str, why: object) -> ClusterError:
        detail = first_sentence(why) if isinstance(why, BaseException) else str(why)
        return ClusterError(
            f"the Dask {where} of the cluster at {self.address} sent something other than speechkg's result "
            f"({detail}); refused unread. Every worker of a cluster is trusted: let only your own "
            "machines join it (see the README's Security model)"
        )

    def failed(self, exc: BaseException) -> ClusterError:
        return ClusterError(
            f"the Dask cluster at {self.address} could not run the extraction "
            f"({type(exc).__name__}: {first_sentence(exc)}); every machine needs speechkg "
            "installed, the same version as here: pip install 'speechkg[dask]'"
        )

    def finished(self, futures: list[Future]) -> set[Future] | None:
        """Those of `futures` that are done, as soon as one is; None if none is within a second."""
        from distributed import TimeoutError as Waited  # asyncio's, not the builtin before Python 3.11
        from distributed import wait

        try:
            with self.client.as_current():
                return wait(futures, timeout=1.0, return_when="FIRST_COMPLETED").done
        except Waited:
            return None
        except Exception as exc:  # futures cancelled: the scheduler was lost
            raise self.lost(exc) from None


#: what Dask says when it refuses to read a result that is not data (see DESERIALIZERS)
_NOT_DATA = "only able to deserialize"


def _other(where: str) -> ClusterError:
    return ClusterError(
        f"the Dask {where} runs another speechkg (its code, data, jieba or Python differ from "
        "this client's), so the graph could differ from a local build; install the same "
        "speechkg on every machine"
    )


def batches(speeches: list[Speech], threads: int) -> list[tuple[int, int]]:
    """Runs of consecutive speeches as (first, end) indexes: about four per worker thread, at
    most BATCH_CHARS characters each unless one speech is larger."""
    size = max(1, min(BATCH_CHARS, sum(len(s.text) for s in speeches) // (4 * max(1, threads))))
    out: list[tuple[int, int]] = []
    start = chars = 0
    for i, speech in enumerate(speeches):
        if i > start and chars + len(speech.text) > size:
            out.append((start, i))
            start, chars = i, 0
        chars += len(speech.text)
    if start < len(speeches):
        out.append((start, len(speeches)))
    return out


_PACKAGE = Path(__file__).resolve().parents[2]


def fingerprint_files() -> list[Path]:
    """The files a build's bytes depend on: the code and data of graph/ and ontology/."""
    from speechkg import ontology

    out = []
    for root in (_PACKAGE / "graph", Path(ontology.__file__).resolve().parent):
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".tsv", ".ttl", ".rq"} and "__pycache__" not in path.parts:
                out.append(path)
    return out


@functools.cache
def fingerprint() -> str:
    """What a build's bytes depend on besides its input: this speechkg's code and data
    (`fingerprint_files`), jieba's version, the name models' and Python's."""
    import jieba

    from speechkg.graph.extract.ner import MODEL_NAMES, model_version

    models = " ".join(model_version(name) for name in MODEL_NAMES)
    h = hashlib.sha256(f"python {sys.version_info[:2]} jieba {jieba.__version__} {models}".encode())
    for path in fingerprint_files():
        h.update(f"\0{path.relative_to(_PACKAGE).as_posix()}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


# ---- on a worker ----

_lexicons: dict[str, Lexicon] = {}  # the lexicons met in this worker, by the digest of their pickle


def _extract_batch(speeches: list[Speech], lexicon: tuple[str, bytes], file_timeout: float | None) -> tuple[str, bytes]:
    """A Dask task: each speech of a batch through steps.process under its time limit →
    (this worker's fingerprint, each speech's Doc or the exception that stopped it as
    wire.encode writes them): a str and bytes, which Dask sends as msgpack's data."""
    digest, blob = lexicon
    lex = _lexicons.get(digest)
    if lex is None:
        if len(_lexicons) >= 4:
            _lexicons.clear()
        lex = _lexicons[digest] = pickle.loads(blob)
    warm_up(lex)
    return fingerprint(), wire.encode([_extract(s, lex, file_timeout) for s in speeches])


def _extract(speech: Speech, lex: Lexicon, file_timeout: float | None) -> Doc | Exception:
    """process under the speech's time limit (timeout_for), in a worker thread."""
    seconds = timeout_for(len(speech.text.encode("utf-8", "surrogatepass")), file_timeout)
    try:
        with _thread_deadline(seconds):
            return process(speech, lex)
    except _Expired:
        return TimeoutError(str(FileTimeout(seconds)))
    except Exception as exc:  # a bug, or memory or recursion exhausted, on one speech
        return exc


class _Expired(BaseException):
    """Raised in a worker thread whose speech ran past its time limit."""


@contextlib.contextmanager
def _thread_deadline(seconds: float) -> Iterator[None]:
    """Raise _Expired in this thread after `seconds` (deadline's SIGALRM reaches only
    a main thread, and Dask runs tasks in others). As there, Python code is stopped between two
    steps, and one long call into C ends before it is."""
    tid = threading.get_ident()
    lock = threading.Lock()
    state = {"armed": True, "fired": False}

    def expire() -> None:
        with lock:
            if state["armed"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), ctypes.py_object(_Expired))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["armed"] = False
            if state["fired"]:  # not raised yet (the block ended first): withdraw it
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), None)
