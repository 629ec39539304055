"""The formats a query's result is written in: one registry, read by `speechkg query` (--format)
and by `speechkg serve` (format=, Accept), so that adding a format is one entry.

In the style of rdflib's plugins, an entry names its writer as "module:function", imported when
first used: the command line lists the formats without importing rdflib."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from speechkg.graph.errors import QueryError

if TYPE_CHECKING:
    from speechkg.graph.query.results import Result


@dataclass(frozen=True)
class ResultFormat:
    """A result format: its name (`query --format`, the endpoint's `format=`), the Content-Type
    the endpoint sends, the extension of a file holding it, and its writer.

    `writer` (a function, or "module:function") writes a SELECT or ASK Result to a text stream;
    None when only Oxigraph writes the format (then only the endpoint offers it). `oxigraph` names
    Oxigraph's QueryResultsFormat for it: the endpoint has Oxigraph's results, which Oxigraph then
    writes itself, in the SPARQL 1.1 forms. `accept`: the media types of an Accept header that ask
    for it (none: only `format=` does)."""

    name: str
    media_type: str
    extension: str | None
    writer: str | Callable[[Result, TextIO], None] | None
    oxigraph: str | None = None
    accept: tuple[str, ...] = ()
    #: a format spreadsheets open (CSV, TSV): its writer takes `raw`, and makes cells that a
    #: spreadsheet would run as formulas safe unless raw
    spreadsheet: bool = False

    def write(self, result: Result, out: TextIO, raw: bool = True) -> None:
        """`result` (SELECT or ASK) written to `out` by this format's writer; `raw=False` makes a
        spreadsheet format's cells safe to open (graph.text.spreadsheet_safe)."""
        writer = self.writer
        if isinstance(writer, str):
            module, _, name = writer.partition(":")
            writer = getattr(importlib.import_module(module), name)
        if writer is None:
            raise QueryError(f"the {self.name} format is only written by the endpoint")
        if self.spreadsheet:
            writer(result, out, raw=raw)
        else:
            writer(result, out)


#: format name → its entry, in the order they are listed (the first is the default of `query`)
RESULT_FORMATS: dict[str, ResultFormat] = {}

#: the format the endpoint answers in when the request names none it has
DEFAULT_ENDPOINT_FORMAT = "json"


def register(fmt: ResultFormat) -> ResultFormat:
    """Add (or replace) a result format; it is then offered by `query` and by the endpoint."""
    RESULT_FORMATS[fmt.name] = fmt
    return fmt


def output_formats() -> list[str]:
    """The names of the formats `query` writes (those with a writer)."""
    return [name for name, fmt in RESULT_FORMATS.items() if fmt.writer is not None]


def output_format(name: str) -> ResultFormat:
    """The entry of a format `query` writes; QueryError for another name."""
    names = output_formats()
    if name not in names:
        raise QueryError(f"unknown output format {name!r}; use one of {', '.join(names)}")
    return RESULT_FORMATS[name]


def endpoint_format(name: str) -> ResultFormat:
    """The entry of a format the endpoint writes (every one); QueryError for another name."""
    if name not in RESULT_FORMATS:
        *most, last = RESULT_FORMATS
        raise QueryError(f"unknown format {name!r}; use {', '.join(most)} or {last}")
    return RESULT_FORMATS[name]


def accepted() -> dict[str, ResultFormat]:
    """Media type of an Accept header → the format it asks for."""
    return {media: fmt for fmt in RESULT_FORMATS.values() for media in fmt.accept}


_RESULTS = "speechkg.graph.query.results"

register(ResultFormat("table", "text/plain; charset=utf-8", None, f"{_RESULTS}:write_table"))
register(
    ResultFormat(
        "csv", "text/csv; charset=utf-8", ".csv", f"{_RESULTS}:write_csv", "CSV", accept=("text/csv",), spreadsheet=True
    )
)
register(
    ResultFormat(
        "tsv",
        "text/tab-separated-values; charset=utf-8",
        ".tsv",
        f"{_RESULTS}:write_tsv",
        "TSV",
        accept=("text/tab-separated-values",),
        spreadsheet=True,
    )
)
register(
    ResultFormat(
        "json",
        "application/sparql-results+json",
        ".srj",
        f"{_RESULTS}:write_json",
        "JSON",
        accept=("application/sparql-results+json", "application/json"),
    )
)
register(
    ResultFormat(
        "xml", "application/sparql-results+xml", ".srx", None, "XML", accept=("application/sparql-results+xml",)
    )
)
