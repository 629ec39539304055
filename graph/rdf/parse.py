"""Reading graph files, guarded: deep nesting, remote JSON-LD contexts and XML entities are refused."""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.namespace import NamespaceManager

from speechkg.graph.errors import GraphFileError, InputError, ResourceError
from speechkg.graph.rdf.formats import REGISTRY, format_for
from speechkg.ontology.namespace import bind_prefixes


def integer(value, node, what: str) -> int:
    """An integer literal of a graph, or a GraphFileError naming the node and property."""
    try:
        return int(str(value))
    except ValueError:
        raise GraphFileError(
            f"{node}: {what} {str(value)[:40]!r} is not an integer; the graph is "
            "malformed (check it with `speechkg validate`)"
        ) from None


def probability(value, node, what: str) -> float:
    """A number in [0, 1] of a graph (a model's confidence), or a GraphFileError naming the node."""
    try:
        number = float(str(value))
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise GraphFileError(
            f"{node}: {what} {str(value)[:40]!r} is not a number from 0 to 1; the graph is "
            "malformed (check it with `speechkg validate`)"
        )
    return number


def _graph_name(g: Graph, path: Path) -> str:
    """A triples-only file of one speech is that speech's named graph; else the file's."""
    from rdflib import RDF

    from speechkg.ontology.namespace import SKG

    speeches = set(g.subjects(RDF.type, SKG.Speech))
    return str(next(iter(speeches))) if len(speeches) == 1 else path.resolve().as_uri()


#: how deeply a graph file's collections and blank nodes may nest (rdflib parses recursively)
MAX_NESTING = 10_000


#: the stack of the thread that parses a graph file: address space mapped at once, of which only
#: deep nesting uses much (a memory limit on the parse must leave room for it)
PARSE_STACK_BYTES = 512 * 1024 * 1024


def _deep(fn):
    """fn() in a thread with a large stack and a raised recursion limit, so that deeply nested
    (valid) Turtle parses; nesting past MAX_NESTING gives a clear GraphFileError."""
    import threading

    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 — handed back to the caller's thread
            box["error"] = exc

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(old_limit, MAX_NESTING * 20))
    threading.stack_size(PARSE_STACK_BYTES)
    try:
        th = threading.Thread(target=run, daemon=True)
        th.start()
    finally:
        threading.stack_size(old_stack)
    try:
        while th.is_alive():
            th.join(0.1)  # a short wait, so that Ctrl-C still stops the command
    finally:
        sys.setrecursionlimit(old_limit)
    if "error" in box:
        raise box["error"]
    return box.get("value")


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
        raise GraphFileError(
            f"{path}: the JSON-LD names a remote @context ({ref[:100]}), which is refused: "
            "nothing is fetched; put the context inline in the file"
        )


class _XMLProlog(Exception):
    """The root element began: every declaration of the document has been read."""


def refuse_hostile(path: str | Path) -> str:
    """The format of a graph file (by its suffix), once what every reader refuses before parsing
    is ruled out: a missing file, anything but a regular file (a FIFO, a device, a directory:
    the parsers would wait on it or read it for ever), JSON-LD naming a remote context, XML
    declaring entities. Every command's reading of a graph file begins here."""
    from speechkg.graph.read.files import check_regular

    try:
        check_regular(path, "graph file")
    except InputError as exc:
        raise GraphFileError(str(exc)) from None
    fmt = format_for(str(path))
    if fmt == "jsonld":
        refuse_remote_contexts(path)
    elif fmt == "xml":
        refuse_xml_entities(path)
    return fmt


def refuse_xml_entities(path: str | Path) -> None:
    """GraphFileError when an XML graph file declares entities (`<!ENTITY …>`) or refers to external
    ones: nested entities of a few hundred bytes expand to gigabytes (an XML bomb), in rdflib's
    and Oxigraph's parsers alike. Only the prolog is read (declarations precede the root element),
    by defusedxml's parser, which stops at the first declaration, before anything is expanded."""
    import xml.sax
    from xml.sax.handler import ContentHandler

    import defusedxml.sax
    from defusedxml import DefusedXmlException, EntitiesForbidden

    class Prolog(ContentHandler):
        def startElement(self, name, attrs):  # noqa: N802 — the SAX name
            raise _XMLProlog

    try:
        with open(path, "rb") as fh:
            defusedxml.sax.parse(fh, Prolog())
    except _XMLProlog:
        return
    except EntitiesForbidden as exc:
        raise GraphFileError(
            f"{path}: the XML declares entities (<!ENTITY {exc.name} …>), which are refused: a "
            "few hundred bytes of them can expand to gigabytes (an XML bomb); write their text "
            "in place, or give the graph as Turtle"
        ) from None
    except DefusedXmlException:
        raise GraphFileError(
            f"{path}: the XML refers to an external entity or DTD, which is refused: nothing "
            "but the files named is read; remove the reference"
        ) from None
    except xml.sax.SAXException as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GraphFileError(
            f"{path}: not a readable xml graph ({first[:200]}); check the file or its suffix"
        ) from None
    except OSError as exc:
        raise GraphFileError(f"{path}: cannot read it ({exc.strerror})") from None


#: prefixes a parser may bind while reading graph files (rdflib's namespace manager takes time
#: quadratic in their number, and no command uses a file's prefixes)
MAX_FILE_PREFIXES = 64


class _FewPrefixes(NamespaceManager):
    """A namespace manager that binds the first MAX_FILE_PREFIXES prefixes it is given and ignores
    the rest, so that a file of 20,000 @prefix lines reads in linear time."""

    def __init__(self, graph: Graph) -> None:
        super().__init__(graph, bind_namespaces="none")
        self._left = MAX_FILE_PREFIXES

    def bind(self, prefix, namespace, override: bool = True, replace: bool = False) -> None:
        if self._left > 0:
            self._left -= 1
            super().bind(prefix, namespace, override=override, replace=replace)


def _parse_jsonld(ds: Dataset, path: Path) -> None:
    """A JSON-LD file into `ds`, the terms of its context bound through a _FewPrefixes. (rdflib's
    JSON-LD parser binds them on the graph it is given when that one holds named graphs, else on
    a new one whose namespace manager binds them all.)"""
    sink = Dataset(store=ds.store)
    sink.namespace_manager = _FewPrefixes(sink)
    Graph.parse(sink, str(path), format="json-ld")


def load(paths: list[str] | str) -> Dataset:
    """Graph files (any format rdflib reads, by suffix) → one Dataset; named graphs kept.

    Files larger together than oxstore.LARGE are read with Oxigraph's strict parsers, as `query`
    reads them (oxstore.is_large is the one rule for every command), smaller ones with rdflib.

    A file's prefixes are not kept (past the first few, see _FewPrefixes); XML files that
    declare entities are refused (refuse_xml_entities), JSON-LD ones that name a remote context
    too (refuse_remote_contexts)."""
    from speechkg.graph.rdf import oxstore

    if isinstance(paths, str):
        paths = [paths]
    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    ds.default_graph.namespace_manager = _FewPrefixes(ds.default_graph)
    if oxstore.is_large(paths):
        for path in paths:
            _load_with_oxigraph(ds, Path(path))
        return ds
    for path in paths:
        p = Path(path)
        kind = REGISTRY[refuse_hostile(p)]
        fmt = kind.rdflib
        try:
            if fmt == "json-ld":
                _deep(lambda: _parse_jsonld(ds, p))  # noqa: B023 — run before the next path
            elif kind.quads:
                _deep(lambda: ds.parse(str(p), format=fmt))  # noqa: B023
            else:
                g = Graph()
                g.namespace_manager = _FewPrefixes(g)
                _deep(lambda: g.parse(str(p), format=fmt))  # noqa: B023
                target = ds.graph(_graph_name(g, p))
                for t in g:
                    target.add(t)
        except RecursionError:
            raise GraphFileError(
                f"{p}: nested deeper than speechkg reads (collections or blank "
                f"nodes over {MAX_NESTING:,} levels); flatten the file"
            ) from None
        except MemoryError:  # the file may be fine: the machine is too small for it
            raise ResourceError(
                f"{p}: out of memory reading it ({p.stat().st_size / 2**20:,.0f} MB as written); "
                "free memory, or split the graph into smaller files"
            ) from None
        except Exception as exc:  # rdflib raises many parser-specific types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise GraphFileError(
                f"{p}: not a readable {fmt} graph ({first[:200]}); check the file or its suffix"
            ) from None
    return ds


def _load_with_oxigraph(ds: Dataset, p: Path) -> None:
    """A graph file into `ds` through Oxigraph's strict parser (oxstore's reading, with its
    messages): quads into their named graphs, a file of triples into its graph (_graph_name)."""
    import pyoxigraph as ox

    from speechkg.graph.rdf import oxstore
    from speechkg.graph.rdf.terms import rdflib_term as term

    with oxstore.reading(str(p), rename_blank_nodes=True) as quads:
        if REGISTRY[format_for(str(p))].quads:
            for q in quads:
                g = q.graph_name
                target = ds.default_graph if isinstance(g, ox.DefaultGraph) else ds.graph(term(g))
                target.add((term(q.subject), term(q.predicate), term(q.object)))
            return
        g = Graph()
        for q in quads:
            g.add((term(q.subject), term(q.predicate), term(q.object)))
    target = ds.graph(_graph_name(g, p))
    for t in g:
        target.add(t)
