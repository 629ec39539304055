"""Oxigraph stores: an on-disk store for corpora (`--store DIR`) and an in-memory one for
large graph files, both queried through graph.query with the same guards and formats."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef

from speechkg.graph.errors import GraphFileError, OutputError, first_line
from speechkg.graph.rdf.formats import FORMATS, OX_FORMAT_NAMES, format_for
from speechkg.graph.rdf.parse import refuse_hostile

#: graph files larger than this (bytes, all together) are queried with Oxigraph
LARGE = 20 * 1024 * 1024


class _OxFormats(Mapping):
    """format name → Oxigraph's RdfFormat, for every format of the registry (as it is now)."""

    def __getitem__(self, fmt: str) -> ox.RdfFormat:
        return getattr(ox.RdfFormat, OX_FORMAT_NAMES[fmt])

    def __iter__(self) -> Iterator[str]:
        return iter(OX_FORMAT_NAMES)

    def __len__(self) -> int:
        return len(OX_FORMAT_NAMES)


OX_FORMATS = _OxFormats()


def open_store(path: str | Path, must_exist: bool = False, read_only: bool = False) -> ox.Store:
    """An on-disk store at `path` (created when missing unless `must_exist`); read-only
    opens take no lock, so queries can run while the store stays open elsewhere."""
    p = Path(path)
    if must_exist or read_only:
        check_store(p)
    attempts = _READ_ATTEMPTS if read_only else 1
    for attempt in range(1, attempts + 1):
        try:
            return ox.Store.read_only(str(p)) if read_only else ox.Store(str(p))
        except (OSError, RuntimeError) as exc:  # RocksDB: IO errors, and "Corruption" for a missing file
            if attempt == attempts:
                raise OutputError(f"{p}: cannot open the store ({first_line(exc)[:300]})") from None
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("not reached")


#: a read-only open reads the file list, then the files: a build writing the store meanwhile can
#: remove one in between (compaction), so the open is tried again a few times
_READ_ATTEMPTS = 6


def check_store(path: str | Path) -> None:
    """GraphFileError unless a store (a directory) is at `path`, and complete: no `load` into it
    was stopped part-way (see loading.load_graphs)."""
    p = Path(path)
    if not p.is_dir():
        raise GraphFileError(f"{p}: no store here; create one with `speechkg build … --store {p}`")
    if (p / INCOMPLETE).exists():
        raise GraphFileError(
            f"{p}: a `speechkg load` into this store did not finish (it was stopped or killed), so the "
            "store may hold part of what it was loading; load the files again (with --replace to start from empty)"
        )


#: the file a `load` puts in the store's directory before it changes the store, and removes
#: once the store holds everything it loads: while it is there, the store reads as incomplete
INCOMPLETE = "SPEECHKG-LOAD-INCOMPLETE"


def _ox(t):
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    raise TypeError(f"not an RDF term: {t!r}")


def add_dataset(store: ox.Store, ds: Dataset) -> int:
    """Put each named graph of `ds` into the store (see add_quads)."""
    return add_quads(
        store,
        [
            (s, p, o, c.identifier if hasattr(c, "identifier") else c)
            for s, p, o, c in ds.quads((None, None, None, None))
        ],
    )


def add_quads(store: ox.Store, quads, done: Callable[[], None] | None = None) -> int:
    """Put (s, p, o, graph) quads into the store, each named graph replacing the one with
    the same name (so rebuilding a speech replaces it and leaves the others alone).

    The default graph is kept the RDF merge of all named graphs, speech by speech: Oxigraph's
    union-default-graph option yields a triple once per graph it stands in, so an entity
    described in 200 speeches would join 200 times with itself; a merged default graph keeps
    set semantics (as rdflib's union does). Adding a speech costs the size of that speech,
    not of the store.

    Each graph's replacement, with its part of the default graph, is one SPARQL update and
    so one transaction: a build interrupted or killed leaves every speech either as it was
    or wholly replaced, and the default graph their merge. `done` is called after each."""
    by_graph: dict[str, list] = {}
    for s, p, o, name in quads:
        by_graph.setdefault(str(name), []).append((s, p, o))
    n = 0
    for name, triples in sorted(by_graph.items()):
        try:  # every term of the graph checked before its old version goes
            g = ox.NamedNode(name)
            terms = [(_ox(s), _ox(p), _ox(o)) for s, p, o in triples]
        except ValueError as exc:
            raise GraphFileError(
                f"the graph {name[:200]!r} holds a term Oxigraph refuses ({first_line(exc)[:200]}); fix the graph file"
            ) from None
        data = " .\n".join(f"{s} {p} {o}" for s, p, o in terms)
        # one update, one transaction: the speech's old share goes and its new one comes together;
        # terms are written by pyoxigraph (validated IRIs, escaped literals): nothing is pasted raw
        store.update(f"{REMOVE_GRAPH.format(g=g)} ;\nINSERT DATA {{\n{data} .\nGRAPH {g} {{\n{data} .\n}} }}")
        n += len(terms)
        if done is not None:
            done()
    store.flush()
    return n


#: a named graph removed, and from the default graph the triples no other graph holds
REMOVE_GRAPH = (
    "DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
    "FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != {g}) }} }} ;\nDROP SILENT GRAPH {g}"
)


#: N-Quads bytes bulk-loaded at a time by add_nquads: Oxigraph's bulk loader holds what it is
#: given in memory, sorted into each index, at about 6 times its size (a batch goes in two loads,
#: the named graphs and the default graph); fewer, bigger batches cost less CPU (each load into a
#: store that holds data makes RocksDB merge its files again)
BATCH_BYTES = 64 * 2**20


def add_nquads(store: ox.Store, graphs: Iterable[tuple[str, bytes]], done: Callable[[], None] | None = None) -> int:
    """Speeches as (graph name, its N-Quads lines, as store.nquads_by_graph makes them) into the
    store with Oxigraph's bulk loader, each named graph replacing its namesake, with the default
    graph kept the merge of the named graphs: the store `loading.load_graphs` makes of the same N-Quads
    (and add_quads of the same quads), in a fraction of the time and memory.

    Speeches go in batches of about BATCH_BYTES: the batch's speeches already in the store are
    removed with their share of the default graph, then the batch is bulk-loaded into its
    named graphs, then, each line less its graph name, into the default graph. Ctrl-C or
    SIGTERM meanwhile takes effect once the batch is in, so an interrupted build leaves each
    batch of speeches wholly replaced or as it was, and the default graph their merge (a
    process killed outright can leave a batch in part: build it again). `done` is called for
    each speech once its batch is in. Returns the number of quads (lines) loaded."""
    batch: list[tuple[str, bytes]] = []
    size = n = 0
    for name, data in graphs:
        batch.append((name, data))
        size += len(data)
        if size >= BATCH_BYTES:
            n += _load_batch(store, batch, done)
            batch, size = [], 0
    if batch:
        n += _load_batch(store, batch, done)
    store.flush()
    return n


def _load_batch(store: ox.Store, batch: list[tuple[str, bytes]], done: Callable[[], None] | None) -> int:
    """Replace speeches' graphs by their N-Quads: the old ones removed, the lines bulk-loaded
    into their named graphs, then into the default graph; Ctrl-C and SIGTERM held meanwhile."""
    with _signals_held():
        for name, _ in batch:
            g = ox.NamedNode(name)
            if store.contains_named_graph(g):
                store.update(REMOVE_GRAPH.format(g=g))
        lines = [data for _, data in batch]
        # the default graph's pass is lenient (IRIs not checked again): its terms are those just loaded
        for chunks, lenient in ((lines, False), (map(_in_default_graph, lines), True)):
            try:
                store.bulk_load(input=_Reader(chunks), format=ox.RdfFormat.N_QUADS, lenient=lenient)
            except (OSError, SyntaxError, ValueError) as exc:  # the disk full, or a term Oxigraph refuses
                raise OutputError(
                    f"the store refused a batch of {len(batch)} speech(es) ({first_line(exc)[:200]}); "
                    "it may hold part of them: build them again (each speech built replaces its graph)"
                ) from None
        if done is not None:  # before a signal held is delivered
            for _ in batch:
                done()
    return sum(data.count(b"\n") for data in lines)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver them to the handlers that were
    there (main thread only; elsewhere Python runs no signal handler anyway)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {s: signal.signal(s, lambda signum, frame: held.append(signum)) for s in _HELD}
    try:
        yield
    finally:
        for s, handler in previous.items():
            if handler is not None:  # None: a handler set outside Python, which cannot be restored
                signal.signal(s, handler)
        for s in dict.fromkeys(held):
            signal.raise_signal(s)


_HELD = (signal.SIGINT, signal.SIGTERM)


def _in_default_graph(data: bytes) -> bytes:
    """One graph's N-Quads lines, each less its graph name."""
    if not data:
        return data
    # each line ends in " <GRAPH> .\n": no IRI holds a space, and no line a line break
    last = data[data.rfind(b"\n", 0, len(data) - 1) + 1 :]
    return data.replace(last[last.rfind(b" <") :], b" .\n")


class _Reader:
    """Chunks of bytes, read as one binary file (what Oxigraph's parsers read from Python),
    made as they are read."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._rest = memoryview(b"")

    def read(self, size: int = -1) -> bytes:
        while not self._rest:
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._rest = memoryview(chunk)
        if size < 0:
            size = len(self._rest)
        out, self._rest = self._rest[:size], self._rest[size:]
        return bytes(out)


def bulk_load(store: ox.Store, path: str | Path) -> None:
    """An N-Quads or TriG file of whole speeches into a new store, fast (Oxigraph's bulk
    loader), with the merged default graph that add_quads keeps."""
    fmt = OX_FORMATS[format_for(str(path))]
    store.bulk_load(path=str(path), format=fmt)
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=fmt))
    store.flush()


def load_files(paths: list[str]) -> ox.Store:
    """Graph files into an in-memory Oxigraph store (strict parsers; fast for big files)."""
    store = ox.Store()
    for path in paths:
        with reading(path) as quads:  # every triple into the default graph: the store is a set, so the merge
            store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return store


def iter_triples(
    paths: list[str], predicates: Iterable[str] | None = None, classes: Iterable[str] | None = None
) -> Iterator[tuple[str, str, str, str | None]]:
    """The triples of graph files, straight from Oxigraph's parsers, as (subject, predicate, object,
    language tag of a literal object or None) strings: for reading a big graph once, without a
    store (a triple in several files or named graphs comes once per occurrence). Only `predicates`
    when given, and of rdf:type only the `classes` when given. The parser is Oxigraph's lenient
    one (the syntax is checked, IRIs and language tags are not), which reads twice as fast: what
    it yields is only read, never written back as RDF."""
    literal, rdf_type = ox.Literal, ox.NamedNode(RDF_TYPE)
    wanted = None if predicates is None else {ox.NamedNode(p) for p in predicates}
    kinds = None if classes is None else {ox.NamedNode(c) for c in classes}
    for path in paths:
        with reading(path, lenient=True) as quads:
            for q in quads:
                p = q.predicate
                if p == rdf_type:
                    if kinds is not None and q.object not in kinds:
                        continue
                elif wanted is not None and p not in wanted:
                    continue
                o = q.object
                yield q.subject.value, p.value, o.value, (o.language if type(o) is literal else None)


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@contextmanager
def reading(path: str, lenient: bool = False, rename_blank_nodes: bool = False) -> Iterator[Iterator[ox.Quad]]:
    """The quads of one graph file, with a GraphFileError for a missing or unreadable file."""
    p = Path(path)
    fmt = refuse_hostile(p)  # Oxigraph expands XML entities too
    try:
        yield ox.parse(path=str(p), format=OX_FORMATS[fmt], lenient=lenient, rename_blank_nodes=rename_blank_nodes)
    except MemoryError as exc:  # Oxigraph's parsers read no token (a literal) over 16 MiB
        raise unreadable(p, fmt, exc, "split the file's long values") from None
    except Exception as exc:  # noqa: BLE001 — the parsers raise several types
        raise unreadable(p, fmt, exc, "check the file or its suffix") from None


def unreadable(p: Path, fmt: str, exc: BaseException, then: str) -> GraphFileError:
    """The one-line error for a graph file Oxigraph's parser stopped on (a MemoryError: a token
    over its 16 MiB, or memory short), ending with what to do."""
    why = first_line(exc)[:200] + (
        ": a literal or IRI over 16 MiB, or too little memory" if isinstance(exc, MemoryError) else ""
    )
    return GraphFileError(f"{p}: not a readable {FORMATS[fmt][0]} graph ({why}); {then}")


def is_large(paths: list[str]) -> bool:
    total = 0
    for p in paths:
        try:
            total += Path(p).stat().st_size
        except OSError:
            return False
    return total > LARGE


def directory_kind(p: Path) -> str:
    """What a store's directory is now: "missing", "empty", "store" (an Oxigraph store's
    files), "file" or "other" (a directory holding anything else); OSError if it cannot be read."""
    if not p.exists():
        return "missing"
    if not p.is_dir():
        return "file"
    names = {c.name for c in p.iterdir()}
    if not names:
        return "empty"
    if "CURRENT" in names and any(n.startswith("OPTIONS-") or n.endswith(".sst") for n in names):
        return "store"
    return "other"
