"""Running a query: rdflib for small graphs, Oxigraph for large ones and stores, in a process
with time and memory limits."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rdflib import Graph

from speechkg.graph.errors import QueryError, SpeechKGError, first_line
from speechkg.graph.query import results, sandbox
from speechkg.graph.query.formats import output_format
from speechkg.graph.query.guard import guarded
from speechkg.graph.query.results import Result
from speechkg.graph.query.saved import bind
from speechkg.graph.rdf.parse import PARSE_STACK_BYTES
from speechkg.graph.rdf.terms import rdflib_term


def _from_rdflib(res) -> Result:
    if res.type == "ASK":
        return Result("ASK", boolean=bool(res.askAnswer))
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        g = Graph()
        for t in res.graph:
            g.add(t)
        return Result("GRAPH", graph=g)
    names = [str(v) for v in res.vars]
    return Result("SELECT", names, [[row[v] for v in res.vars] for row in res])


def _from_oxigraph(res) -> Result:
    import pyoxigraph as ox

    if isinstance(res, ox.QueryBoolean):
        return Result("ASK", boolean=bool(res))
    if isinstance(res, ox.QueryTriples):
        g = Graph()
        for t in res:
            g.add((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object)))
        return Result("GRAPH", graph=g)
    names = [v.value for v in res.variables]
    seen: dict = {}  # rows repeat their terms (labels, sources): each is converted once

    def term(t):
        if t is None:
            return None
        r = seen.get(t)
        if r is None:
            r = seen[t] = rdflib_term(t)
        return r

    idx = range(len(names))
    return Result("SELECT", names, [[term(sol[i]) for i in idx] for sol in res])


@dataclass(frozen=True)
class StorePath:
    """An on-disk store to query, opened (read-only) by the child that evaluates the query.

    Query on-disk stores this way, not as an open `pyoxigraph.Store`: a child forked while
    the store's RocksDB threads flush or compact can copy their locks held and wait on them
    for ever."""

    path: str


#: what a child running a query says it is doing (graph.sandbox.stage), for a stop past a limit
_PARSING, _LOADING, _EVALUATING, _WRITING = (
    "while it was parsed",
    "while the graph files were loaded",
    "",
    "while its result was written",
)


def _evaluate(load: Callable[[], object], query: str, allow_service: bool) -> Result:
    """In the child of run_limited: guard and parse the query (once), get the data to query
    from `load` (graph files are loaded there, within the limits), evaluate."""
    sandbox.stage(_PARSING)
    prepared, text = guarded(query, allow_service)
    sandbox.stage(_LOADING)
    data = load()
    sandbox.stage(_EVALUATING)
    import pyoxigraph as ox

    try:
        if isinstance(data, StorePath):  # opened in the child: the parent never runs the store's threads
            from speechkg.graph.rdf import oxstore

            return _from_oxigraph(oxstore.open_store(data.path, read_only=True).query(text))
        if isinstance(data, ox.Store):
            return _from_oxigraph(data.query(text))
        from rdflib.plugins import sparql

        sparql.SPARQL_LOAD_GRAPHS = False
        return _from_rdflib(data.query(prepared))
    except (SpeechKGError, MemoryError):  # our own errors keep their message
        raise
    except Exception as exc:
        raise QueryError(f"the query failed: {first_line(exc)}") from None


def run(
    data,
    query: str,
    allow_service: bool = False,
    timeout: float | None = None,
    max_memory: float | None = sandbox.DEFAULT_MEMORY_MB,
) -> Result:
    """Run a read-only query on an rdflib Dataset/Graph or a pyoxigraph Store.

    The query is parsed and evaluated in a child process (graph.sandbox), stopped after
    `timeout` seconds or when it needs more than `max_memory` MB. The default graph is the
    merge of all named graphs (rdflib: default_union; Oxigraph stores made by graph.oxstore
    keep a merged default graph)."""
    sandbox.check_timeout(timeout)
    sandbox.check_memory(max_memory)
    return sandbox.run_limited(
        lambda: _evaluate(lambda: data, query, allow_service), timeout=timeout, memory_mb=max_memory
    )


def _sources(files: list[str], store_dir: str | None) -> Callable[[], object]:
    """A function, called in the child, that gives what the query runs on: a StorePath, or the
    graph files loaded (with Oxigraph when they are large)."""
    if store_dir and files:
        raise QueryError("give graph files or --store DIR, not both")

    def load() -> object:
        from speechkg.graph.rdf import oxstore, parse

        if store_dir:
            oxstore.check_store(store_dir)
            return StorePath(str(store_dir))
        return oxstore.load_files(files) if oxstore.is_large(files) else parse.load(files)

    return load


def _reserved(files: list[str], store_dir: str | None) -> int:
    """The address space the child maps for loading the files besides what it uses: the stack of
    rdflib's parsing thread (rdf.parse.load), when it is rdflib that reads them."""
    from speechkg.graph.rdf import oxstore

    return 0 if store_dir or not files or oxstore.is_large(files) else PARSE_STACK_BYTES


def query_sources(
    files: list[str],
    query: str,
    store_dir: str | None = None,
    timeout: float | None = None,
    allow_service: bool = False,
    max_memory: float | None = sandbox.DEFAULT_MEMORY_MB,
) -> Result:
    """Run a query on graph files (Oxigraph when they are large) or on an on-disk store. The
    query is parsed and the files are loaded in the child, within the limits."""
    sandbox.check_timeout(timeout)
    sandbox.check_memory(max_memory)
    data = _sources(files, store_dir)
    return sandbox.run_limited(
        lambda: _evaluate(data, query, allow_service),
        timeout=timeout,
        memory_mb=max_memory,
        reserved=_reserved(files, store_dir),
    )


def result_file(
    files: list[str],
    query: str,
    fmt: str = "table",
    params: dict[str, str] | None = None,
    store_dir: str | None = None,
    timeout: float | None = None,
    allow_service: bool = False,
    max_memory: float | None = sandbox.DEFAULT_MEMORY_MB,
    raw: bool = True,
) -> BinaryIO:
    """`speechkg query`: the result of a query on graph files or a store, formatted, in an unnamed
    temporary file (read from its start; the caller closes it). `raw=False`: CSV and TSV cells
    made spreadsheet-safe.

    All of the work is done by one child process within `timeout` and `max_memory`: binding
    the --param values, parsing the query, loading the files, evaluating, and formatting into
    the file. A query stopped on the way leaves nothing to print."""
    output_format(fmt)  # an unknown format is told before any work
    sandbox.check_timeout(timeout)
    sandbox.check_memory(max_memory)
    data = _sources(files, store_dir)
    try:
        out = tempfile.TemporaryFile()
    except OSError as exc:
        raise QueryError(
            f"cannot make a temporary file for the result ({exc.strerror}); set TMPDIR to a writable directory"
        ) from None

    def job() -> None:
        sandbox.stage(_PARSING)
        result = _evaluate(data, bind(query, params or {}), allow_service)
        sandbox.stage(_WRITING)
        try:
            with open(out.fileno(), "w", encoding="utf-8", errors="replace", newline="", closefd=False) as fh:
                results.write_result(result, fmt, fh, raw=raw)
        except OSError as exc:
            raise QueryError(
                f"cannot hold the result in a temporary file ({exc.strerror}); set TMPDIR "
                "to a disk with room, or LIMIT the query"
            ) from None

    try:
        sandbox.run_limited(job, timeout=timeout, memory_mb=max_memory, reserved=_reserved(files, store_dir))
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


#: graph files larger than this (bytes, all together) are worth loading into a store once
SLOW_FILE = 100 * 2**20


def store_hint(files: list[str]) -> str | None:
    """When graph files are large enough that parsing them for every query is slow (over
    SLOW_FILE bytes together): how to load them into a store once and query that instead."""
    from speechkg.graph.read.decode import mib

    try:
        size = sum(Path(f).stat().st_size for f in files)
    except OSError:
        return None
    if size <= SLOW_FILE:
        return None
    what, are, them = ("the graph file", "is", "it") if len(files) == 1 else ("the graph files", "are", "them")
    return (
        f"{what} ({mib(size)}) {are} parsed again by every query; load {them} into a store once and "
        f"query the store, which is fast: speechkg load {' '.join(files)} --store DIR, then "
        "speechkg query --store DIR …"
    )
