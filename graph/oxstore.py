"""Oxigraph stores: an on-disk store for corpora (`--store DIR`) and an in-memory one for
large graph files, both queried through graph.query with the same guards and formats."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef

from .errors import GraphFileError, OutputError
from .store import FORMATS, format_for, refuse_hostile

#: graph files larger than this (bytes, all together) are queried with Oxigraph
LARGE = 20 * 1024 * 1024

OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


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
                raise OutputError(f"{p}: cannot open the store ({_first(exc)[:300]})") from None
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("not reached")


#: a read-only open reads the file list, then the files: a build writing the store meanwhile can
#: remove one in between (compaction), so the open is tried again a few times
_READ_ATTEMPTS = 6


def check_store(path: str | Path) -> None:
    """GraphFileError unless a store (a directory) is at `path`."""
    p = Path(path)
    if not p.is_dir():
        raise GraphFileError(f"{p}: no store here; create one with `speechkg build … --store {p}`")


def _first(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


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
                f"the graph {name[:200]!r} holds a term Oxigraph refuses ({_first(exc)[:200]}); fix the graph file"
            ) from None
        data = " .\n".join(f"{s} {p} {o}" for s, p, o in terms)
        # one update, one transaction: the speech's old share goes and its new one comes together;
        # terms are written by pyoxigraph (validated IRIs, escaped literals): nothing is pasted raw
        store.update(f"{_REMOVE.format(g=g)} ;\nINSERT DATA {{\n{data} .\nGRAPH {g} {{\n{data} .\n}} }}")
        n += len(terms)
        if done is not None:
            done()
    store.flush()
    return n


#: a named graph removed, and from the default graph the triples no other graph holds
_REMOVE = (
    "DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
    "FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != {g}) }} }} ;\nDROP SILENT GRAPH {g}"
)


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
        with _reading(path) as quads:  # every triple into the default graph: the store is a set, so the merge
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
        with _reading(path, lenient=True) as quads:
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
def _reading(path: str, lenient: bool = False) -> Iterator[Iterator[ox.Quad]]:
    """The quads of one graph file, with a GraphFileError for a missing or unreadable file."""
    p = Path(path)
    if not p.is_file():
        raise GraphFileError(f"{p}: no such graph file")
    fmt = refuse_hostile(p)  # Oxigraph expands XML entities too
    try:
        yield ox.parse(path=str(p), format=OX_FORMATS[fmt], lenient=lenient)
    except MemoryError as exc:  # Oxigraph's parsers read no token (a literal) over 16 MiB
        raise GraphFileError(
            f"{p}: not a readable {FORMATS[fmt][0]} graph ({_first(exc)[:200]}: a "
            "literal or IRI over 16 MiB, or too little memory); split the file's "
            "long values"
        ) from None
    except Exception as exc:  # noqa: BLE001 — the parsers raise several types
        raise GraphFileError(
            f"{p}: not a readable {FORMATS[fmt][0]} graph ({_first(exc)[:200]}); check the file or its suffix"
        ) from None


def is_large(paths: list[str]) -> bool:
    total = 0
    for p in paths:
        try:
            total += Path(p).stat().st_size
        except OSError:
            return False
    return total > LARGE


@dataclass
class Loaded:
    """What `load_graphs` put into a store: files, speech graphs (of which `replaced` were
    there before), quads read."""

    files: int = 0
    graphs: int = 0
    replaced: int = 0
    quads: int = 0


@dataclass
class _Scan:
    """A graph file read once before anything is stored: its format, its named graphs, and the
    graph its triples go to when it has none (a triples-only file)."""

    path: str
    fmt: str
    graphs: set[str] = field(default_factory=set)
    into: str | None = None
    quads: int = 0


_SPEECH = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://w3id.org/speechkg#Speech")


def _scan(path: str) -> _Scan:
    """Parse a graph file whole (Oxigraph's strict parser), so that a bad one is refused before
    the store changes: its named graphs; for a file of triples only (Turtle, N-Triples, RDF/XML,
    or TriG without graphs), its speech's graph if it holds one speech, else the file's own
    (as `speechkg query` names it); a file mixing triples outside any graph with named graphs
    is refused."""
    p = Path(path)
    if not p.is_file():
        raise GraphFileError(f"{p}: no such graph file")
    fmt = refuse_hostile(p)
    scan = _Scan(str(p), fmt)
    speeches: set[str] = set()
    loose = 0
    try:
        for q in ox.parse(path=str(p), format=OX_FORMATS[fmt]):
            scan.quads += 1
            g = q.graph_name
            if isinstance(g, ox.DefaultGraph):
                loose += 1
                if (
                    isinstance(q.subject, ox.NamedNode)
                    and q.predicate.value == _SPEECH[0]
                    and isinstance(q.object, ox.NamedNode)
                    and q.object.value == _SPEECH[1]
                ):
                    speeches.add(q.subject.value)
            elif isinstance(g, ox.NamedNode):
                scan.graphs.add(g.value)
            else:
                raise GraphFileError(
                    f"{p}: a graph is named by a blank node ({g}); speechkg names each speech's graph by its IRI"
                )
    except GraphFileError:
        raise
    except MemoryError as exc:
        raise GraphFileError(
            f"{p}: not a readable {FORMATS[fmt][0]} graph ({_first(exc)[:200]}: a literal or "
            "IRI over 16 MiB, or too little memory); nothing was loaded"
        ) from None
    except Exception as exc:  # noqa: BLE001 — the parsers raise several types
        raise GraphFileError(
            f"{p}: not a readable {FORMATS[fmt][0]} graph ({_first(exc)[:200]}); nothing was loaded"
        ) from None
    if loose and scan.graphs:
        raise GraphFileError(
            f"{p}: {loose:,} triples are outside any named graph, beside {len(scan.graphs):,} "
            "named graphs; load graphs as `speechkg build` writes them (each speech in its "
            "own graph, or a file of triples); nothing was loaded"
        )
    if loose:
        scan.into = next(iter(speeches)) if len(speeches) == 1 else p.resolve().as_uri()
        scan.graphs.add(scan.into)
    return scan


def load_graphs(
    store_dir: str | Path, paths: list[str], replace: bool = False, done: Callable[[str], None] | None = None
) -> Loaded:
    """Graph files as written by `speechkg build` into the on-disk store at `store_dir`, each
    named graph (a speech) whole, with the store's default graph kept the merge of its named
    graphs, as `build --store` keeps it (see add_quads): the same speeches give the same store.

    Every file is parsed first; a bad one (or a graph in two files) is an error before the
    store changes. Then `replace` empties the store, or else each graph loaded that the store
    already holds is removed with its share of the default graph (one transaction each).
    Then each file is bulk-loaded (Oxigraph's bulk loader: fast, no transaction), its triples
    into their named graph and into the default graph; `done` is called with each file's path
    once it is in."""
    if not paths:
        raise GraphFileError("no graph file given; name the files `speechkg build` wrote")
    _check_target(Path(store_dir))
    scans = [_scan(p) for p in paths]
    owner: dict[str, str] = {}
    for scan in scans:
        for g in scan.graphs:
            if g in owner:
                raise GraphFileError(
                    f"{owner[g]} and {scan.path} both hold the graph <{g[:200]}>; load one "
                    "of them (a speech's graph is replaced when loaded again); nothing was loaded"
                )
            owner[g] = scan.path
    store = open_store(store_dir)
    result = Loaded(files=len(scans), graphs=len(owner), quads=sum(s.quads for s in scans))
    if replace:
        store.clear()
    else:
        for name in sorted(owner):
            g = ox.NamedNode(name)
            if store.contains_named_graph(g):
                store.update(_REMOVE.format(g=g))
                result.replaced += 1
    for scan in scans:
        try:
            store.bulk_extend(_with_default(scan))
        except (OSError, SyntaxError, ValueError) as exc:  # the disk full, or the file changed since it was read
            raise OutputError(
                f"{store_dir}: loading {scan.path} failed ({_first(exc)[:200]}); the store may hold "
                "part of it: load the files again (each graph loaded replaces itself)"
            ) from None
        if done is not None:
            done(scan.path)
    store.flush()
    return result


def _check_target(p: Path) -> None:
    """OutputError unless `p` is missing, an empty directory or an Oxigraph store (a store's
    files would be mixed with whatever else a directory holds)."""
    if not p.exists():
        return
    if not p.is_dir():
        raise OutputError(f"{p}: is a file; give a store's directory (new, empty or a store)")
    try:
        names = {c.name for c in p.iterdir()}
    except OSError as exc:
        raise OutputError(f"{p}: cannot read it ({exc.strerror})") from None
    if names and not ("CURRENT" in names and any(n.startswith("OPTIONS-") or n.endswith(".sst") for n in names)):
        raise OutputError(
            f"{p}: is not empty and is not an Oxigraph store; give a new or empty directory "
            "(its files would be mixed with the store's)"
        )


def _with_default(scan: _Scan):
    """Each quad of the file in its named graph, and its triple in the default graph."""
    into = ox.NamedNode(scan.into) if scan.into else None
    default = ox.DefaultGraph()
    for q in ox.parse(path=scan.path, format=OX_FORMATS[scan.fmt], rename_blank_nodes=True):
        s, p, o = q.subject, q.predicate, q.object
        yield ox.Quad(s, p, o, into or q.graph_name)
        yield ox.Quad(s, p, o, default)
