"""Reading and writing graphs in the standard RDF formats, deterministically and atomically.

Writes go to a temporary file beside the target and are renamed over it only when
complete, so a failed or interrupted build leaves the previous file as it was.
Serializations are byte-identical for the same triples: Oxigraph's serializers (fast, and
strict about what they write) are fed the triples in sorted order.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef

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


def _quads(data) -> list[tuple]:
    """(s, p, o, g) tuples from a Graph, a Dataset, or an iterable of such tuples."""
    if isinstance(data, Dataset):
        return [(s, p, o, c.identifier if hasattr(c, "identifier") else c)
                for s, p, o, c in data.quads((None, None, None, None))]
    if isinstance(data, Graph):
        return [(s, p, o, None) for s, p, o in data]
    return list(data)


class _OxTerms:
    """rdflib terms → (pyoxigraph term, its N-Triples form), each distinct term converted once.

    The N-Triples form is the sort key of a written file: it tells every term apart (an IRI
    from a string, "1" from 1, @zh from @zh-Hant), so sorted output is the same on every run."""

    def __init__(self) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.cache: dict = {}  # rdflib terms are equal only with the same type, datatype, language
        self.by_id: dict = {}  # id → (term, key, the object itself, which keeps the id from reuse)

    def __call__(self, t) -> tuple:
        """(pyoxigraph term, N-Triples form, t). Hot loops look in `by_id` first themselves."""
        hit = self.by_id.get(id(t))  # the same object again (a node in each of its triples): no hashing
        if hit is not None and hit[2] is t:
            return hit
        hit = self.cache.get(t)
        if hit is not None and type(hit[2]) is type(t):
            self.by_id[id(t)] = hit = (hit[0], hit[1], t)
            return hit
        ox = self.ox
        if isinstance(t, URIRef):
            v = ox.NamedNode(str(t))
        elif isinstance(t, BNode):
            v = ox.BlankNode(str(t))
        elif isinstance(t, Literal):
            v = (ox.Literal(str(t), language=t.language) if t.language else
                 ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype))) if t.datatype else ox.Literal(str(t)))
        else:
            raise OutputError(f"cannot serialize the term {t!r}")
        hit = (v, str(v), t)
        self.cache[t] = self.by_id[id(t)] = hit
        return hit


_OX_FORMAT_NAMES = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG",
                    "jsonld": "JSON_LD", "xml": "RDF_XML"}


def _sorted_items(quads: Iterable[tuple], quad_format: bool, conv: _OxTerms,
                  seen: set | None = None, local: str | None = None) -> list:
    """Oxigraph quads (or triples) in sorted order, each once; `seen` carries the triples
    already written across calls, except those about nodes under the IRI `local` (a speech's
    own mentions and sentences, which no other speech has)."""
    import pyoxigraph as ox

    keyed: dict = {}
    default = (ox.DefaultGraph(), "", None)
    by_id = conv.by_id
    for s, p, o, g in quads:
        # conv(t) inlined for the common case: a million calls cost more than the work they do
        hs, hp, ho = by_id.get(id(s)), by_id.get(id(p)), by_id.get(id(o))
        if hs is None or hs[2] is not s:
            hs = conv(s)
        if hp is None or hp[2] is not p:
            hp = conv(p)
        if ho is None or ho[2] is not o:
            ho = conv(o)
        if quad_format:
            hg = default if g is None or str(g) == "urn:x-rdflib:default" else conv(g)
            keyed[(hg[1], hs[1], hp[1], ho[1])] = (hs[0], hp[0], ho[0], hg[0])
        else:
            keyed[(hs[1], hp[1], ho[1])] = (hs[0], hp[0], ho[0])
    if seen is not None:
        own = f"<{local}" if local else None
        shared = {k for k in keyed if not (own and k[0].startswith(own))}
        for k in shared & seen:
            del keyed[k]
        seen |= shared
    if quad_format:
        return [ox.Quad(*keyed[k]) for k in sorted(keyed)]
    return [ox.Triple(*keyed[k]) for k in sorted(keyed)]


def serialize(data, fmt: str, conv: _OxTerms | None = None, seen: set | None = None,
              local: str | None = None) -> bytes:
    """A Graph, Dataset or iterable of (s, p, o, graph) → bytes in `fmt`, byte-identical for
    the same triples. Oxigraph's serializers write them, fed in sorted order; triple-only
    formats get the merge of all graphs (less the triples in `seen`, when given)."""
    import pyoxigraph as ox

    from ontology.namespace import PREFIXES

    if fmt not in FORMATS:
        raise OutputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    items = _sorted_items(_quads(data), fmt in QUAD_FORMATS, conv or _OxTerms(), seen, local)
    prefixes = PREFIXES if fmt in ("turtle", "trig", "xml", "jsonld") else None
    return ox.serialize(items, format=getattr(ox.RdfFormat, _OX_FORMAT_NAMES[fmt]), prefixes=prefixes)


#: formats written speech by speech (serialize_chunks)
CHUNKED_FORMATS = ("nquads", "trig", "nt")


def serialize_chunks(graphs: Iterable[tuple[object, list[tuple]]], fmt: str) -> Iterator[bytes]:
    """(graph name, triples) pairs → serialized chunks, one graph at a time, so a corpus is
    written without holding all of it. N-Quads and TriG keep each graph; N-Triples writes the
    merge (a triple already written is not written again)."""
    if fmt not in CHUNKED_FORMATS:
        raise OutputError(f"{fmt} is not written in chunks; use serialize()")
    seen: set[tuple] | None = set() if fmt == "nt" else None
    first = True
    for name, triples in graphs:
        conv = _OxTerms()  # per speech: a corpus's terms are not all kept at once
        chunk = serialize([(s, p, o, name) for s, p, o in triples], fmt, conv, seen, str(name))
        if fmt == "trig" and not first:  # one set of @prefix lines, at the top
            chunk = b"\n".join(ln for ln in chunk.split(b"\n") if not ln.startswith(b"@prefix "))
        first = False
        yield chunk


def write_atomic(path: str | Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or chunks of bytes written as they come) to `path` through a
    temporary file in the same directory and a rename."""
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
            for chunk in [data] if isinstance(data, bytes) else data:
                fh.write(chunk)
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


def _remote_context(node) -> str | None:
    """The first context in a JSON-LD document that would be fetched (a string @context, or
    an @import), searched everywhere, including scoped contexts; None when all are inline."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            for k, v in n.items():
                if k == "@import" and isinstance(v, str):
                    return v
                if k == "@context":
                    for c in v if isinstance(v, list) else [v]:
                        if isinstance(c, str):
                            return c
                stack.append(v)
        elif isinstance(n, list):
            stack.extend(n)
    return None


def refuse_remote_contexts(path: str | Path) -> None:
    """GraphFileError when a JSON-LD file names a context to fetch (a URL or another file):
    nothing is downloaded or read besides the files named on the command line."""
    import json

    try:
        with open(path, "rb") as fh:
            doc = json.load(fh)
    except (ValueError, RecursionError) as exc:
        raise GraphFileError(f"{path}: not a readable JSON-LD graph ({str(exc)[:200]})") from None
    except OSError as exc:
        raise GraphFileError(f"{path}: cannot read it ({exc.strerror})") from None
    ref = _remote_context(doc)
    if ref is not None:
        raise GraphFileError(f"{path}: the JSON-LD names a remote @context ({ref[:100]}), which is refused: "
                             "nothing is fetched; put the context inline in the file")


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
        if fmt == "json-ld":
            refuse_remote_contexts(p)
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
