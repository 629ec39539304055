"""Saved queries (the .rq files beside this module) and binding their parameters."""

from __future__ import annotations

import re
from pathlib import Path

from speechkg.graph.errors import QueryError
from speechkg.graph.query.guard import code_only, without_comments

SAVED_DIR = Path(__file__).parent


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
    """The text of a .rq file (UTF-8, or as its byte-order mark says), read as every file given
    is (graph.read.files: a regular file or a FIFO with a writer, within a size and a time limit)."""
    from speechkg.graph.read.files import read_text

    return read_text(path, "query file")


def _sparql_string(value: str) -> str:
    return '"' + (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")) + '"'


#: the forms a parameter's value is given in: a plain string, and the label forms of the graph
_PARAM_FORMS = ("", "@zh", "@zh-Hant")


#: what SPARQL engines expand before parsing, even inside strings (so it cannot be quoted)
_CODEPOINT_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


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
        code = code_only(query) if code is None else code
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
    where = _WHERE.search(without_comments(query))
    if where is None:
        return f"{query.rstrip()}\n{block}\n"
    return f"{query[: where.end()]}\n  {block}\n{query[where.end() :]}"
