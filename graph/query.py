"""SPARQL over graphs: guarded (read-only, no SERVICE, no FROM), saved queries, a timeout,
two engines (rdflib in memory; Oxigraph for stores and large files) and one set of
output formats (aligned table, csv, tsv, SPARQL 1.1 JSON, Turtle for graphs).

Every query is parsed and inspected here before any engine sees it, because both
rdflib and Oxigraph would execute SERVICE as HTTP requests.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query as PreparedQuery

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


def prepare(
    query: str, allow_service: bool = False, service_hint: str = "; pass --allow-service to permit it"
) -> PreparedQuery:
    """Parse a query (once) with the project's prefixes predeclared; refuse updates, SERVICE and
    FROM. Returns rdflib's prepared query, which the rdflib engine evaluates as it is.
    `service_hint` ends the SERVICE refusal (`serve` has no --allow-service to suggest)."""
    text = query.strip()
    if not text:
        raise QueryError("the query is empty; give a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE")
    try:
        parsed = parseQuery(prologue() + text)
    except Exception as exc:
        words = set(re.findall(r"[A-Za-z]+", text.upper()))
        if words & set(_UPDATE_WORDS) and not words & {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}:
            raise QueryError(
                "updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE) are refused: queries are read-only"
            ) from None
        raise QueryError(f"malformed SPARQL: {_first_line(exc)}") from None
    if not allow_service and _has(parsed, "ServiceGraphPattern"):
        raise QueryError(f"SERVICE (federated query) is refused: it makes network requests{service_hint}")
    if _has(parsed, "DatasetClause"):
        raise QueryError(
            "FROM / FROM NAMED are refused: they load graphs from the network; "
            "name the graph files on the command line instead"
        )
    try:
        return translateQuery(parsed)
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
        raise QueryError(f"no saved query {name!r}; `speechkg queries` lists them: {', '.join(queries)}")
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
        raise QueryError(f"{path}: the query file is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def _sparql_string(value: str) -> str:
    return '"' + (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")) + '"'


#: the forms a parameter's value is given in: a plain string, and the label forms of the graph
_PARAM_FORMS = ("", "@zh", "@zh-Hant")


#: what SPARQL engines expand before parsing, even inside strings (so it cannot be quoted)
_CODEPOINT_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_IRI = re.compile(r"<[^\s<>\"{}|^`]*>")


def bind(query: str, params: dict[str, str]) -> str:
    """Give variables values, each as a plain string and as a `@zh` and `@zh-Hant` label, so
    that `?e skos:prefLabel ?label` matches it through the index (a FILTER on STR(?l) would
    scan every label). Each variable gets its own VALUES block (n parameters cost n blocks of
    three values, not a table of 3^n rows); they open the WHERE group, as rdflib's initBindings
    do, so engines pick rows by them before they join and group; a query without WHERE gets
    them at the end. A parameter must name a variable of the query: the values of one that
    does not would multiply every row."""
    code = None
    for name, value in params.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"parameter name {name!r} is not a SPARQL variable name")
        escape = _CODEPOINT_ESCAPE.search(value)
        if escape:
            raise QueryError(
                f"--param {name}: the value holds {escape.group(0)!r}, which SPARQL reads as a "
                "character escape before anything else; give the character itself"
            )
        code = _code_only(query) if code is None else code
        if not re.search(rf"[?$]{name}\b", code):
            known = sorted(set(re.findall(r"[?$](\w+)", code)))
            raise QueryError(
                f"--param {name}: the query has no variable ?{name}, so its values would only "
                "repeat every row; name one of its variables"
                + (f": {', '.join('?' + v for v in known[:12])}" if known else "")
            )
    if not params:
        return query
    block = "\n  ".join(
        f"VALUES ?{name} {{ {' '.join(_sparql_string(value) + f for f in _PARAM_FORMS)} }}"
        for name, value in params.items()
    )
    where = _WHERE.search(_without_comments(query))
    if where is None:
        return f"{query.rstrip()}\n{block}\n"
    return f"{query[: where.end()]}\n  {block}\n{query[where.end() :]}"


def _code_only(query: str) -> str:
    """The query with comments, strings and IRIs blanked out (same length): where its variables are."""
    return _without_comments(query, blank=True)


def _without_comments(query: str, blank: bool = False) -> str:
    """The query with # comments blanked out (same length), so a WHERE in a comment is not found.
    A # inside an IRI or a string ends no comment. `blank`: strings and IRIs blanked too."""
    out, in_iri, quote = [], False, ""
    i = 0
    while i < len(query):
        c = query[i]
        if quote:
            if c == "\\":
                out.append("  " if blank else query[i : i + 2])
                i += 2
                continue
            if c == quote:
                quote = ""
            elif blank:
                c = " "
        elif in_iri:
            in_iri = c != ">"
            if blank and in_iri:
                c = " "
        elif c in "\"'":
            quote = c
        elif c == "<" and _IRI.match(query, i):
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
    prepared = prepare(query, allow_service)
    sandbox.stage(_LOADING)
    data = load()
    sandbox.stage(_EVALUATING)
    import pyoxigraph as ox

    try:
        if isinstance(data, StorePath):  # opened in the child: the parent never runs the store's threads
            from . import oxstore

            return _from_oxigraph(oxstore.open_store(data.path, read_only=True).query(prologue() + query))
        if isinstance(data, ox.Store):
            return _from_oxigraph(data.query(prologue() + query))
        from rdflib.plugins import sparql

        sparql.SPARQL_LOAD_GRAPHS = False
        return _from_rdflib(data.query(prepared))
    except (SpeechKGError, MemoryError):  # our own errors keep their message
        raise
    except Exception as exc:
        raise QueryError(f"the query failed: {_first_line(exc)}") from None


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
        from . import oxstore, store

        if store_dir:
            oxstore.check_store(store_dir)
            return StorePath(str(store_dir))
        return oxstore.load_files(files) if oxstore.is_large(files) else store.load(files)

    return load


def _reserved(files: list[str], store_dir: str | None) -> int:
    """The address space the child maps for loading the files besides what it uses: the stack of
    rdflib's parsing thread (store.load), when it is rdflib that reads them."""
    from . import oxstore, store

    return 0 if store_dir or not files or oxstore.is_large(files) else store.PARSE_STACK_BYTES


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
) -> BinaryIO:
    """`speechkg query`: the result of a query on graph files or a store, formatted, in an unnamed
    temporary file (read from its start; the caller closes it).

    All of the work is done by one child process within `timeout` and `max_memory`: binding
    the --param values, parsing the query, loading the files, evaluating, and formatting into
    the file. A query stopped on the way leaves nothing to print."""
    if fmt not in OUTPUT_FORMATS:
        raise QueryError(f"unknown output format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
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
                write_result(result, fmt, fh)
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
    buf = io.StringIO()
    write_result(result, fmt, buf)
    return buf.getvalue()


def write_result(result: Result, fmt: str, out: TextIO) -> None:
    """format_result written to `out`, row by row for csv, tsv and json."""
    if fmt not in OUTPUT_FORMATS:
        raise QueryError(f"unknown output format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    if result.type == "GRAPH":
        from .store import serialize

        g = result.graph if result.graph is not None else Graph()
        bind_prefixes(g)
        out.write(serialize(g, "turtle").decode("utf-8"))
        return
    if result.type == "ASK":
        if fmt == "json":
            out.write(json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n")
        else:
            out.write(("true" if result.boolean else "false") + "\n")
        return
    names = result.vars
    if fmt == "json":  # as json.dumps writes the whole object, one binding at a time
        out.write('{"head": ' + json.dumps({"vars": names}, ensure_ascii=False) + ', "results": {"bindings": [')
        for i, row in enumerate(result.rows):
            binding = {n: _json_term(v) for n, v in zip(names, row, strict=True) if v is not None}
            out.write((", " if i else "") + json.dumps(binding, ensure_ascii=False))
        out.write("]}}\n")
        return
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(names)
        for r in result.rows:
            w.writerow([_cell(c) for c in r])
        return
    if fmt == "tsv":
        out.write("\t".join(names) + "\n")
        for r in result.rows:
            out.write("\t".join(_cell(c).replace("\t", " ").replace("\n", " ") for c in r) + "\n")
        return
    shown: dict[str, tuple[str, int]] = {}  # cells repeat from row to row: each is escaped and measured once

    def show(c) -> tuple[str, int]:
        text = _cell(c)
        hit = shown.get(text)
        if hit is None:
            clean = printable(text.replace("\n", " "))
            hit = shown[text] = (clean, width(clean))
        return hit

    rows = [[show(c) for c in r] for r in result.rows]
    names = [printable(n) for n in names]
    widths = [max([width(n)] + [r[i][1] for r in rows]) for i, n in enumerate(names)]
    out.write("  ".join(_pad(n, widths[i]) for i, n in enumerate(names)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in rows:
        out.write("  ".join(c + " " * (widths[i] - w) for i, (c, w) in enumerate(r)).rstrip() + "\n")


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
    return (
        f"{what} ({mib(size)}) {are} parsed again by every query; load {them} into a store once and "
        f"query the store, which is fast: speechkg load {' '.join(files)} --store DIR, then "
        "speechkg query --store DIR …"
    )
