"""SPARQL over graphs: guarded (read-only, no SERVICE, no FROM), saved queries, a timeout,
two engines (rdflib in memory; Oxigraph for stores and large files) and one set of
output formats (aligned table, csv, tsv, SPARQL 1.1 JSON, Turtle for graphs).

Every query is parsed and inspected here before any engine sees it, because both
rdflib and Oxigraph would execute SERVICE as HTTP requests.
"""
from __future__ import annotations

import csv
import io
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseQuery

from speechkg.ontology.namespace import PREFIXES, bind_prefixes

from . import sandbox
from .errors import QueryError, SpeechKGError

OUTPUT_FORMATS = ("table", "csv", "tsv", "json")
SAVED_DIR = Path(__file__).with_name("queries")
_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")


def prologue() -> str:
    """PREFIX declarations for the project's prefixes."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def prepare(query: str, allow_service: bool = False, service_hint: str = "; pass --allow-service to permit it"):
    """Parse a query with the project's prefixes predeclared; refuse updates, SERVICE and FROM.
    `service_hint` ends the SERVICE refusal (`serve` has no --allow-service to suggest)."""
    text = query.strip()
    if not text:
        raise QueryError("the query is empty; give a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE")
    try:
        parsed = parseQuery(prologue() + text)
    except Exception as exc:
        words = set(re.findall(r"[A-Za-z]+", text.upper()))
        if words & set(_UPDATE_WORDS) and not words & {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}:
            raise QueryError("updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE) are refused: "
                             "queries are read-only") from None
        raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None
    if not allow_service and _has(parsed, "ServiceGraphPattern"):
        raise QueryError(f"SERVICE (federated query) is refused: it makes network requests{service_hint}")
    if _has(parsed, "DatasetClause"):
        raise QueryError("FROM / FROM NAMED are refused: they load graphs from the network; "
                         "name the graph files on the command line instead")
    try:
        return prepareQuery(prologue() + text)
    except Exception as exc:
        raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None


def _walk(node):
    """Every node of a parsed query (pyparsing results, rdflib CompValues, lists)."""
    from pyparsing import ParseResults

    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, (list, tuple, ParseResults)):
        for v in node:
            yield from _walk(v)


def _has(parsed, name: str) -> bool:
    return any(getattr(n, "name", None) == name for n in _walk(parsed))


# ------------------------------------------------------------------ saved queries

def saved() -> dict[str, tuple[str, str]]:
    """name → (one-line description, query text) of the queries shipped in graph/queries/."""
    out = {}
    for f in sorted(SAVED_DIR.glob("*.rq")):
        text = f.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        out[f.stem] = (first.lstrip("# ").strip(), text)
    return out


def load_saved(name: str) -> str:
    queries = saved()
    if name not in queries:
        raise QueryError(f"no saved query {name!r}; `speechkg queries` lists them: "
                         f"{', '.join(queries)}")
    return queries[name][1]


def read_query_file(path: str) -> str:
    """The text of a .rq file (UTF-8); QueryError when it is missing or not UTF-8 text."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise QueryError(f"{path}: cannot read the query file ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path}: the query file is not UTF-8 text (byte {exc.start}); "
                         "save it as UTF-8") from None


def _sparql_string(value: str) -> str:
    return '"' + (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                  .replace("\r", "\\r")) + '"'


#: the forms a parameter's value is given in: a plain string, and the label forms of the graph
_PARAM_FORMS = ("", "@zh", "@zh-Hant")


#: what SPARQL engines expand before parsing, even inside strings (so it cannot be quoted)
_CODEPOINT_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind(query: str, params: dict[str, str]) -> str:
    """Give variables values, each as a plain string and as a `@zh` and `@zh-Hant` label, so
    that `?e skos:prefLabel ?label` matches it through the index (a FILTER on STR(?l) would
    scan every label). The VALUES block opens the WHERE group, as rdflib's initBindings do,
    so engines pick rows by it before they join and group; a query without WHERE gets it
    at the end."""
    for name, value in params.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"parameter name {name!r} is not a SPARQL variable name")
        escape = _CODEPOINT_ESCAPE.search(value)
        if escape:
            raise QueryError(f"--param {name}: the value holds {escape.group(0)!r}, which SPARQL reads as a "
                             "character escape before anything else; give the character itself")
    if not params:
        return query
    names = " ".join(f"?{n}" for n in params)
    rows = itertools.product(*([_sparql_string(v) + f for f in _PARAM_FORMS] for v in params.values()))
    block = f"VALUES ({names}) {{ {' '.join('(' + ' '.join(row) + ')' for row in rows)} }}"
    where = _WHERE.search(_without_comments(query))
    if where is None:
        return f"{query.rstrip()}\n{block}\n"
    return f"{query[:where.end()]}\n  {block}\n{query[where.end():]}"


def _without_comments(query: str) -> str:
    """The query with # comments blanked out (same length), so a WHERE in a comment is not found.
    A # inside an IRI or a string ends no comment."""
    out, in_iri, quote = [], False, ""
    i = 0
    while i < len(query):
        c = query[i]
        if quote:
            if c == "\\":
                out.append(query[i:i + 2])
                i += 2
                continue
            if c == quote:
                quote = ""
        elif in_iri:
            in_iri = c != ">"
        elif c in "\"'":
            quote = c
        elif c == "<" and re.match(r"<[^\s<>\"{}|^`]*>", query[i:]):
            in_iri = True
        elif c == "#":
            end = query.find("\n", i)
            end = len(query) if end < 0 else end
            out.append(" " * (end - i))
            i = end
            continue
        out.append(c)
        i += 1
    return "".join(out)


# ------------------------------------------------------------------ results

@dataclass
class Result:
    """A query result independent of the engine that produced it."""

    type: str  # SELECT, ASK or GRAPH
    vars: list[str] = field(default_factory=list)
    rows: list[list[object]] = field(default_factory=list)  # rdflib terms or None
    boolean: bool | None = None
    graph: Graph | None = None


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


def rdflib_term(t) -> object:
    """A pyoxigraph term as an rdflib term."""
    import pyoxigraph as ox

    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        return Literal(t.value, datatype=URIRef(t.datatype.value))
    return Literal(str(t))


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


def run(data, query: str, allow_service: bool = False, timeout: float | None = None,
        max_memory: float | None = sandbox.DEFAULT_MEMORY_MB) -> Result:
    """Run a read-only query on an rdflib Dataset/Graph or a pyoxigraph Store.

    The query is evaluated in a child process (graph.sandbox), stopped after `timeout`
    seconds or when it needs more than `max_memory` MB. The default graph is the merge of
    all named graphs (rdflib: default_union; Oxigraph stores made by graph.oxstore keep a
    merged default graph)."""
    sandbox.check_timeout(timeout)
    sandbox.check_memory(max_memory)
    prepare(query, allow_service)
    import pyoxigraph as ox

    if isinstance(data, StorePath):
        def go():  # opened in the child: the parent never runs the store's threads
            from . import oxstore

            return _from_oxigraph(oxstore.open_store(data.path, read_only=True).query(prologue() + query))
    elif isinstance(data, ox.Store):
        def go():
            return _from_oxigraph(data.query(prologue() + query))
    else:
        from rdflib.plugins import sparql

        sparql.SPARQL_LOAD_GRAPHS = False
        prepared = prepareQuery(prologue() + query)

        def go():
            return _from_rdflib(data.query(prepared))

    def checked():
        try:
            return go()
        except (SpeechKGError, MemoryError):  # our own errors keep their message
            raise
        except Exception as exc:
            raise QueryError(f"the query failed: {_first_line(exc)}") from None

    return sandbox.run_limited(checked, timeout=timeout, memory_mb=max_memory)


# ------------------------------------------------------------------ output

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(s: str) -> str:
    """Text for a terminal: control characters (ESC, BEL, …, which could drive the terminal)
    shown as \\x1b and the like. Every table printed to a terminal goes through this."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", s)


def width(s: str) -> int:
    """Display width: East Asian wide and fullwidth characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - width(s))


def _cell(v) -> str:
    return "" if v is None else str(v)


def _json_term(v) -> dict:
    if isinstance(v, URIRef):
        return {"type": "uri", "value": str(v)}
    if isinstance(v, BNode):
        return {"type": "bnode", "value": str(v)}
    out = {"type": "literal", "value": str(v)}
    if getattr(v, "language", None):
        out["xml:lang"] = v.language
    elif getattr(v, "datatype", None):
        out["datatype"] = str(v.datatype)
    return out


def format_result(result: Result, fmt: str = "table") -> str:
    """A result as text: aligned table, csv, tsv or SPARQL 1.1 JSON; graphs as Turtle."""
    if fmt not in OUTPUT_FORMATS:
        raise QueryError(f"unknown output format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    if result.type == "GRAPH":
        from .store import serialize

        g = result.graph if result.graph is not None else Graph()
        bind_prefixes(g)
        return serialize(g, "turtle").decode("utf-8")
    if result.type == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    names = result.vars
    if fmt == "json":
        bindings = [{n: _json_term(v) for n, v in zip(names, row, strict=True) if v is not None}
                    for row in result.rows]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}},
                          ensure_ascii=False) + "\n"
    rows = [[_cell(c) for c in r] for r in result.rows]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(names)
        w.writerows(rows)
        return buf.getvalue()
    if fmt == "tsv":
        clean = [[c.replace("\t", " ").replace("\n", " ") for c in r] for r in rows]
        return "\n".join("\t".join(r) for r in [names, *clean]) + "\n"
    rows = [[printable(c.replace("\n", " ")) for c in r] for r in rows]
    names = [printable(n) for n in names]
    widths = [max([width(n)] + [width(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(_pad(n, widths[i]) for i, n in enumerate(names)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"


#: graph files larger than this (bytes, all together) are worth loading into a store once
SLOW_FILE = 100 * 2**20


def store_hint(files: list[str]) -> str | None:
    """When graph files are large enough that parsing them for every query is slow (over
    SLOW_FILE bytes together): how to load them into a store once and query that instead."""
    from .read import mib

    try:
        size = sum(Path(f).stat().st_size for f in files)
    except OSError:
        return None
    if size <= SLOW_FILE:
        return None
    what, are, them = ("the graph file", "is", "it") if len(files) == 1 else ("the graph files", "are", "them")
    return (f"{what} ({mib(size)}) {are} parsed again by every query; load {them} into a store once and "
            f"query the store, which is fast: speechkg load {' '.join(files)} --store DIR, then "
            "speechkg query --store DIR …")


def query_sources(files: list[str], query: str, store_dir: str | None = None,
                  timeout: float | None = None, allow_service: bool = False,
                  max_memory: float | None = sandbox.DEFAULT_MEMORY_MB) -> Result:
    """Refuse a bad query or limit, then run it on graph files (Oxigraph when they are
    large) or on an on-disk store."""
    sandbox.check_timeout(timeout)
    sandbox.check_memory(max_memory)
    prepare(query, allow_service)
    from . import oxstore, store

    if store_dir:
        if files:
            raise QueryError("give graph files or --store DIR, not both")
        oxstore.check_store(store_dir)
        data = StorePath(str(store_dir))
    elif oxstore.is_large(files):
        data = oxstore.load_files(files)
    else:
        data = store.load(files)
    return run(data, query, allow_service=allow_service, timeout=timeout, max_memory=max_memory)
