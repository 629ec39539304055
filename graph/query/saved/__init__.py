"""Saved queries (the .rq files beside this module) and binding their parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


#: how a parameter is named in a message: as the command line takes it (`--param label`); the
#: Python API names it as its callers give it (`query(label=…)`, `params['label']`)
FLAG = "--param {}"


def check_params(query: str, params: dict[str, str], word: str = FLAG) -> None:
    """QueryError unless each parameter names a variable of the query and its value can be
    bound; `word` names a parameter in the message (`word.format(name)`)."""
    code = None
    for name, value in params.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"{word.format(name)}: {name!r} is not a SPARQL variable name")
        escape = _CODEPOINT_ESCAPE.search(value)
        if escape:
            raise QueryError(
                f"{word.format(name)}: the value holds {escape.group(0)!r}, which SPARQL reads as a "
                "character escape before anything else; give the character itself"
            )
        code = code_only(query) if code is None else code
        if not re.search(rf"[?$]{name}\b", code):
            known = sorted(set(re.findall(r"[?$](\w+)", code)))
            raise QueryError(
                f"{word.format(name)}: the query has no variable ?{name}, so its values would only "
                "repeat every row; name one of its variables"
                + (f": {', '.join('?' + v for v in known[:12])}" if known else "")
            )


#: a query's note that a parameter names a thing of the graph: `# param source: names one of
#: the speeches (skg:sourceFile)`; a value naming none is an error, not an empty result
_NAMES_ONE = re.compile(r"^#\s*param (\w+): names one of the (\w+) \((\w+:\w+)\)\s*$", re.M)


@dataclass(frozen=True)
class Named:
    """A parameter whose value must be a value of `predicate` in the graph (one of the `things`)."""

    param: str
    things: str
    predicate: str

    @property
    def values_query(self) -> str:
        """The query of the values the parameter may take, sorted."""
        return f"SELECT DISTINCT ?v WHERE {{ ?s {self.predicate} ?v }} ORDER BY STR(?v)"

    def check(self, value: str, values: list[str], word: str = FLAG) -> None:
        """QueryError, naming the values there are, when `value` is none of `values`."""
        if value in values:
            return
        if not values:
            raise QueryError(f"{word.format(self.param)}: the graph has no {self.things}, so none is {value!r}")
        shown = ", ".join(values[:12]) + (f" … ({len(values)} in all)" if len(values) > 12 else "")
        raise QueryError(f"{word.format(self.param)}: none of the {self.things} is {value!r}; they are {shown}")


def named(query: str) -> list[Named]:
    """The parameters of a query that name a thing of the graph (see _NAMES_ONE)."""
    return [Named(*m.groups()) for m in _NAMES_ONE.finditer(query)]


def bind(query: str, params: dict[str, str], word: str = FLAG) -> str:
    """Give variables values, each as a plain string and as a `@zh` and `@zh-Hant` label, so
    that `?e skos:prefLabel ?label` matches it through the index (a FILTER on STR(?l) would
    scan every label). Each variable gets its own VALUES block (n parameters cost n blocks of
    three values, not a table of 3^n rows); they open the WHERE group, as rdflib's initBindings
    do, so engines pick rows by them before they join and group; a query without WHERE gets
    them at the end. A parameter must name a variable of the query (`check_params`): the values
    of one that does not would multiply every row."""
    check_params(query, params, word)
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
