"""What a query may do: parsed, read-only, and without SERVICE unless allowed."""

from __future__ import annotations

import re

from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query as PreparedQuery

from speechkg.graph.errors import QueryError, first_line
from speechkg.ontology.namespace import PREFIXES

_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")


_IRI = re.compile(r"<[^\s<>\"{}|^`]*>")


def prologue() -> str:
    """PREFIX declarations for the project's prefixes."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


#: a line break as SPARQL's grammar knows it (EOL: CR or LF): Oxigraph ends a # comment at either,
#: rdflib's parser only at LF
_LINE_BREAK = re.compile(r"\r\n?")


def judged(query: str) -> str:
    """The query as both engines read it alike: every line break a LF. The guard judges this text
    and Oxigraph runs this text, so a SERVICE hidden after a comment ended by a lone CR (which
    rdflib would read as comment and Oxigraph as code) is seen by the guard as the engine sees it."""
    return _LINE_BREAK.sub("\n", query)


def guarded(
    query: str, allow_service: bool = False, service_hint: str = "; pass --allow-service to permit it"
) -> tuple[PreparedQuery, str]:
    """The query judged (`prepare`) and the text the engines must run: (rdflib's prepared query,
    the prologue and the judged query for Oxigraph)."""
    text = judged(query)
    return prepare(text, allow_service, service_hint), prologue() + text


def prepare(
    query: str, allow_service: bool = False, service_hint: str = "; pass --allow-service to permit it"
) -> PreparedQuery:
    """Parse a query (once) with the project's prefixes predeclared; refuse updates, SERVICE and
    FROM. Returns rdflib's prepared query, which the rdflib engine evaluates as it is.
    `service_hint` ends the SERVICE refusal (`serve` has no --allow-service to suggest).
    A query another engine will run goes through `guarded`, which judges the text that engine runs."""
    text = judged(query).strip()
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
        raise QueryError(f"malformed SPARQL: {_as_written(first_line(exc), judged(query))}") from None
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
        raise QueryError(f"malformed SPARQL: {first_line(exc)}") from None


#: where rdflib's parser says it stopped
_POSITION = re.compile(r"\(at char (\d+)\), \(line:(\d+), col:(\d+)\)")


def _as_written(message: str, query: str) -> str:
    """The parser's message with its position in `query` as written: the parser read the
    prologue's PREFIX lines before the query, and the query without its leading blanks."""
    m = _POSITION.search(message)
    if m is None:
        return message
    head, lead = prologue(), query[: len(query) - len(query.lstrip())]
    char, line, col = int(m[1]) - len(head) + len(lead), int(m[2]) - head.count("\n"), int(m[3])
    if line == 1:  # the line the query starts on holds the blanks left of it
        col += len(lead) - (lead.rfind("\n") + 1)
    return f"{message[: m.start()]}(at char {char}, line {line + lead.count(chr(10))}, col {col}){message[m.end() :]}"


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


def code_only(query: str) -> str:
    """The query with comments, strings and IRIs blanked out (same length): where its variables are."""
    return without_comments(query, blank=True)


def without_comments(query: str, blank: bool = False) -> str:
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
