"""`speechkg load`: graph files written by `build` bulk-loaded into an on-disk store, each
speech's named graph whole and the default graph their merge, with the store marked incomplete
(oxstore.INCOMPLETE) until the load ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from speechkg.graph.errors import GraphFileError, OutputError, first_line
from speechkg.graph.rdf.oxstore import INCOMPLETE, OX_FORMATS, REMOVE_GRAPH, directory_kind, open_store, unreadable
from speechkg.graph.rdf.parse import refuse_hostile


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
    except Exception as exc:  # noqa: BLE001 — the parsers raise several types; MemoryError too
        raise unreadable(p, fmt, exc, "nothing was loaded") from None
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
    marker = Path(store_dir) / INCOMPLETE
    _write_synced(marker, b"a `speechkg load` is changing this store; it removes this file when it ends\n")
    if replace:
        store.clear()
    else:
        for name in sorted(owner):
            g = ox.NamedNode(name)
            if store.contains_named_graph(g):
                store.update(REMOVE_GRAPH.format(g=g))
                result.replaced += 1
    for scan in scans:
        try:
            store.bulk_extend(_with_default(scan))
        except (OSError, SyntaxError, ValueError) as exc:  # the disk full, or the file changed since it was read
            raise OutputError(
                f"{store_dir}: loading {scan.path} failed ({first_line(exc)[:200]}); the store may hold "
                "part of it: load the files again (each graph loaded replaces itself)"
            ) from None
        if done is not None:
            done(scan.path)
    store.flush()
    marker.unlink()
    return result


def load_stopped(store_dir: str | Path, loaded: int, files: int, replace: bool) -> str:
    """What a load stopped part-way (Ctrl-C, SIGTERM) left, for its message: `loaded` of the
    `files` were in."""
    if not (Path(store_dir) / INCOMPLETE).exists():
        return "stopped while the files were read, before the store changed; it is as it was"
    emptied = ", into the emptied store," if replace else ""
    return (
        f"{loaded} of the {files} file(s) were loaded{emptied} and the store may hold part of the next; "
        "it reads as incomplete until a load runs to its end: load them again"
    )


def _write_synced(path: Path, data: bytes) -> None:
    """A small file written and on disk (with its directory entry) before anything follows."""
    import os

    try:
        with open(path, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot write to the store ({exc.strerror})") from None


def _check_target(p: Path) -> None:
    """OutputError unless `p` is missing, an empty directory or an Oxigraph store (a store's
    files would be mixed with whatever else a directory holds)."""
    try:
        kind = directory_kind(p)
    except OSError as exc:
        raise OutputError(f"{p}: cannot read it ({exc.strerror})") from None
    if kind == "file":
        raise OutputError(f"{p}: is a file; give a store's directory (new, empty or a store)")
    if kind == "other":
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
