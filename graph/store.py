"""Reading and writing graphs in the standard RDF formats, deterministically and atomically.

Writes go to a temporary file beside the target and are renamed over it only when
complete, so a failed or interrupted build leaves the previous file as it was.
Serializations are made byte-identical for the same graph: N-Triples/N-Quads lines
are sorted, JSON-LD is re-dumped with sorted keys and nodes, Turtle/TriG come from
rdflib's serializer over triples inserted in sorted order.
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.term import Node

from ontology.namespace import bind_prefixes

from .errors import GraphFileError, OutputError

#: format name → (rdflib serializer name, default suffix)
FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", ".ttl"),
    "nt": ("nt", ".nt"),
    "nquads": ("nquads", ".nq"),
    "trig": ("trig", ".trig"),
    "jsonld": ("json-ld", ".jsonld"),
    "xml": ("xml", ".rdf"),
}
SUFFIXES: dict[str, str] = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig",
    ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "xml", ".owl": "xml", ".xml": "xml",
}
#: formats that keep named graphs
QUAD_FORMATS = ("trig", "nquads", "jsonld")


def format_for(path: str | None, fmt: str | None = None) -> str:
    """The format to use: given explicitly, else from the file suffix, else Turtle."""
    if fmt:
        if fmt not in FORMATS:
            raise OutputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        return fmt
    if path and path != "-":
        suffix = Path(path).suffix.lower()
        if suffix in SUFFIXES:
            return SUFFIXES[suffix]
    return "turtle"


def _sort_key(t: tuple[Node, ...]) -> tuple:
    return tuple((type(n).__name__, str(n), getattr(n, "datatype", None) or "",
                  getattr(n, "language", None) or "") for n in t)


def canonical(graph: Graph) -> Graph:
    """A copy with triples inserted in sorted order (rdflib's stores keep insertion order)."""
    out = Graph()
    bind_prefixes(out)
    for t in sorted(graph, key=_sort_key):
        out.add(t)
    return out


def serialize(data: Graph | Dataset, fmt: str) -> bytes:
    """Graph or Dataset → bytes in `fmt`, identical for identical input."""
    name = FORMATS[fmt][0]
    if isinstance(data, Dataset):
        ds = Dataset()
        bind_prefixes(ds)
        quads = sorted(data.quads((None, None, None, None)), key=_sort_key)
        for s, p, o, c in quads:
            ctx = c.identifier if hasattr(c, "identifier") else c
            ds.graph(ctx).add((s, p, o))
        if fmt in ("turtle", "nt", "xml"):
            union = Graph()
            bind_prefixes(union)
            for s, p, o, _ in quads:
                union.add((s, p, o))
            data = canonical(union)
        else:
            data = ds
    else:
        data = canonical(data)
    out = data.serialize(format=name, encoding="utf-8")
    if fmt in ("nt", "nquads"):
        lines = sorted(set(ln for ln in out.decode("utf-8").split("\n") if ln.strip()))
        out = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    elif fmt == "jsonld":
        doc = json.loads(out)
        out = (json.dumps(_sorted_json(doc), ensure_ascii=False, indent=1, sort_keys=True)
               + "\n").encode("utf-8")
    return out


def _sorted_json(x):
    if isinstance(x, list):
        items = [_sorted_json(i) for i in x]
        return sorted(items, key=lambda i: json.dumps(i, sort_keys=True, ensure_ascii=False))
    if isinstance(x, dict):
        return {k: _sorted_json(v) for k, v in x.items()}
    return x


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same directory and a rename."""
    p = Path(path)
    directory = p.parent if str(p.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{p}: the directory {directory} does not exist; create it first")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{p}: cannot write here ({exc.strerror}); choose another path") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if p.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, p.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, p)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"{p}: cannot write it ({exc.strerror})") from None
        raise


def _graph_name(g: Graph, path: Path) -> str:
    """A triples-only file of one speech is that speech's named graph; else the file's."""
    from rdflib import RDF

    from ontology.namespace import SKG

    speeches = set(g.subjects(RDF.type, SKG.Speech))
    return str(next(iter(speeches))) if len(speeches) == 1 else path.resolve().as_uri()


def load(paths: list[str] | str) -> Dataset:
    """Graph files (any format rdflib reads, by suffix) → one Dataset; named graphs kept."""
    if isinstance(paths, str):
        paths = [paths]
    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    for path in paths:
        p = Path(path)
        if not p.is_file():
            raise GraphFileError(f"{p}: no such graph file")
        fmt = FORMATS[format_for(str(p))][0]
        try:
            if fmt in ("trig", "nquads", "json-ld"):
                ds.parse(str(p), format=fmt)
            else:
                g = Graph().parse(str(p), format=fmt)
                target = ds.graph(_graph_name(g, p))
                for t in g:
                    target.add(t)
        except Exception as exc:  # rdflib raises many parser-specific types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise GraphFileError(
                f"{p}: not a readable {fmt} graph ({first[:200]}); check the file or its suffix"
            ) from None
    return ds
