"""SPARQL over graph files: guarded (read-only, no SERVICE), with readable output formats."""
from __future__ import annotations

import csv
import io
import json
import unicodedata

from rdflib import BNode, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseQuery

from ontology.namespace import PREFIXES

from .errors import QueryError

OUTPUT_FORMATS = ("table", "csv", "tsv", "json")
_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")


def _prologue() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def prepare(query: str, allow_service: bool = False):
    """Parse a query with the project's prefixes predeclared; refuse updates and SERVICE."""
    text = query.strip()
    if not text:
        raise QueryError("the query is empty; give a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE")
    try:
        parsed = parseQuery(_prologue() + text)
    except Exception as exc:
        head = text.split(None, 1)[0].upper() if text.split() else ""
        if any(w in text.upper().split() for w in _UPDATE_WORDS) and head not in (
                "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE"):
            raise QueryError("updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE) are refused: "
                             "queries are read-only") from None
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise QueryError(f"malformed SPARQL: {msg}") from None
    if not allow_service and _has_service(parsed):
        raise QueryError("SERVICE (federated query) is refused: it makes network requests; "
                         "pass --allow-service to permit it")
    if _has_from(parsed):
        raise QueryError("FROM / FROM NAMED are refused: they load graphs from the network; "
                         "name the graph files on the command line instead")
    try:
        return prepareQuery(_prologue() + text)
    except Exception as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise QueryError(f"malformed SPARQL: {msg}") from None


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


def _has_service(parsed) -> bool:
    return any(getattr(n, "name", None) == "ServiceGraphPattern" for n in _walk(parsed))


def _has_from(parsed) -> bool:
    return any(getattr(n, "name", None) == "DatasetClause" for n in _walk(parsed))


def run(dataset, query: str, allow_service: bool = False):
    """Run a read-only query on a Dataset (default graph = union of its graphs)."""
    from rdflib.plugins import sparql

    sparql.SPARQL_LOAD_GRAPHS = False
    prepared = prepare(query, allow_service)
    try:
        return dataset.query(prepared)
    except Exception as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise QueryError(f"the query failed: {msg}") from None


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (URIRef, BNode)):
        return str(v)
    return str(v)


def width(s: str) -> int:
    """Display width: East Asian wide and fullwidth characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - width(s))


def format_result(result, fmt: str = "table") -> str:
    """A SPARQL result as text: aligned table, csv, tsv or SPARQL 1.1 JSON; graphs as Turtle."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        from .store import serialize

        return serialize(result.graph, "turtle").decode("utf-8")
    if result.type == "ASK":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.askAnswer)}) + "\n"
        return ("true" if result.askAnswer else "false") + "\n"
    if fmt == "json":
        return result.serialize(format="json").decode("utf-8") + "\n"
    names = [str(v) for v in result.vars]
    rows = [[_cell(r[v]) for v in result.vars] for r in result]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        w.writerows(rows)
        return buf.getvalue()
    if fmt == "tsv":
        clean = [[c.replace("\t", " ").replace("\n", " ") for c in r] for r in rows]
        return "\n".join("\t".join(r) for r in [names, *clean]) + "\n"
    if fmt != "table":
        raise QueryError(f"unknown output format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    rows = [[c.replace("\n", " ") for c in r] for r in rows]
    widths = [max([width(n)] + [width(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(_pad(n, widths[i]) for i, n in enumerate(names)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"
