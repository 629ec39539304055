"""Extracting in several worker processes, or on a Dask cluster, with the same output as one process."""

from __future__ import annotations

from collections.abc import Iterator

from speechkg.graph.build import limits
from speechkg.graph.extract.lexicon import Lexicon
from speechkg.graph.model import Doc, Speech


def extracted_docs(
    speeches: list[Speech], lex: Lexicon, jobs: int, file_timeout: float | None = None, scheduler: str | None = None
) -> Iterator[Doc | Exception]:
    """Each speech's Doc, in order, or the exception that stopped it: one speech that fails
    (MemoryError, RecursionError, a bug, a time limit) costs only itself. With a `scheduler`,
    the workers of that Dask cluster extract (cluster.processed)."""
    if scheduler:
        from speechkg.graph.build.cluster import processed

        yield from processed(speeches, lex, file_timeout, scheduler)
        return
    if jobs > 1 and len(speeches) > 1:
        yield from _pooled(speeches, lex, jobs, file_timeout)
        return
    for speech in speeches:
        try:
            doc = limits.timed_process(speech, lex, file_timeout)
        except Exception as exc:
            yield exc
        else:
            yield doc


def _pooled(speeches: list[Speech], lex: Lexicon, jobs: int, file_timeout: float | None) -> Iterator[Doc | Exception]:
    """extracted_docs over `jobs` worker processes. A worker that dies (killed by the system for
    memory, or by its CPU limit, see _cpu_limit) breaks the whole pool: the speeches not yet
    started are given to a new pool, and each one that had started is built again alone, in a
    pool of its own; if that worker dies too, the speech alone is reported."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    started = multiprocessing.Array("b", len(speeches), lock=False)
    done: dict[int, Doc | Exception] = {}
    alone: set[int] = set()
    todo = list(range(len(speeches)))
    first = 0  # results are yielded in order, as soon as the ones before them are in
    while todo:
        batches = [[i] for i in todo if i in alone] + [[i for i in todo if i not in alone]]
        todo = []
        for batch in filter(None, batches):
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(batch)), initializer=_worker_init, initargs=(started, lex)
            ) as pool:
                futures = [(i, pool.submit(_work, i, speeches[i], file_timeout)) for i in batch]
                for i, future in futures:
                    try:
                        done[i] = future.result()
                    except BrokenProcessPool:
                        if i in alone:
                            done[i] = MemoryError(
                                "its worker process died (killed by the system for memory, "
                                "or stopped past the time limit)"
                            )
                        else:
                            if started[i]:
                                alone.add(i)
                            todo.append(i)
                    except Exception as exc:
                        done[i] = exc
                    while first in done:
                        yield done.pop(first)
                        first += 1


_started = None  # in a worker: the parent's shared flags, one per speech, set when it starts


_lexicon: Lexicon | None = None  # in a worker: the build's lexicon, sent once, not with every speech


def _worker_init(started, lex: Lexicon) -> None:
    global _started, _lexicon
    _started, _lexicon = started, lex


def _work(i: int, speech: Speech, seconds: float | None) -> Doc:
    """timed_process in a worker, which first marks speech `i` as started. The lexicon came once
    with the worker (pickled with each task, every speech paid for its matcher being built again)."""
    _started[i] = 1
    return limits.timed_process(speech, _lexicon, seconds)
