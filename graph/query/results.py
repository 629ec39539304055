"""Query results, and their writers: a table, CSV, TSV or SPARQL JSON (graph.query.formats
registers them)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import TextIO

from rdflib import BNode, Graph, URIRef

from speechkg.graph.query.formats import output_format
from speechkg.graph.text import printable, spreadsheet_safe, width
from speechkg.ontology.namespace import bind_prefixes


@dataclass
class Result:
    """A query result independent of the engine that produced it."""

    type: str  # SELECT, ASK or GRAPH
    vars: list[str] = field(default_factory=list)
    rows: list[list[object]] = field(default_factory=list)  # rdflib terms or None
    boolean: bool | None = None
    graph: Graph | None = None


def _pad(s: str, w: int) -> str:
    return s + " " * (w - width(s))


def _cell(v) -> str:
    return "" if v is None else str(v)


def _safe_cell(v) -> str:
    return spreadsheet_safe(_cell(v))


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


def write_result(result: Result, fmt: str, out: TextIO, *, raw: bool = True) -> None:
    """format_result written to `out`, row by row for csv, tsv and json, by the writer that
    graph.query.formats registers for `fmt`; a graph in Turtle whatever the format.
    `raw=False`: cells of CSV and TSV are made spreadsheet-safe (text.spreadsheet_safe)."""
    writer = output_format(fmt)
    if result.type == "GRAPH":
        from speechkg.graph.rdf.write import serialize

        g = result.graph if result.graph is not None else Graph()
        bind_prefixes(g)
        out.write(serialize(g, "turtle").decode("utf-8"))
        return
    writer.write(result, out, raw=raw)


def _write_boolean(result: Result, out: TextIO) -> None:
    out.write(("true" if result.boolean else "false") + "\n")


def write_json(result: Result, out: TextIO) -> None:
    """SPARQL 1.1 JSON, as json.dumps writes the whole object, one binding at a time."""
    if result.type == "ASK":
        out.write(json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n")
        return
    names = result.vars
    out.write('{"head": ' + json.dumps({"vars": names}, ensure_ascii=False) + ', "results": {"bindings": [')
    for i, row in enumerate(result.rows):
        binding = {n: _json_term(v) for n, v in zip(names, row, strict=True) if v is not None}
        out.write((", " if i else "") + json.dumps(binding, ensure_ascii=False))
    out.write("]}}\n")


def write_csv(result: Result, out: TextIO, raw: bool = True) -> None:
    """CSV with a header row and CRLF line ends; values as plain text (spreadsheet-safe unless raw)."""
    if result.type == "ASK":
        _write_boolean(result, out)
        return
    cell = _cell if raw else _safe_cell
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(result.vars)
    for r in result.rows:
        w.writerow([cell(c) for c in r])


def write_tsv(result: Result, out: TextIO, raw: bool = True) -> None:
    """Tab-separated values with a header row; tabs and line breaks in a value become spaces
    (spreadsheet-safe unless raw)."""
    if result.type == "ASK":
        _write_boolean(result, out)
        return
    cell = _cell if raw else _safe_cell
    out.write("\t".join(result.vars) + "\n")
    for r in result.rows:
        out.write("\t".join(cell(c).replace("\t", " ").replace("\n", " ") for c in r) + "\n")


def write_table(result: Result, out: TextIO) -> None:
    """An aligned table for a terminal: control characters escaped, columns as wide as they show."""
    if result.type == "ASK":
        _write_boolean(result, out)
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
    names = [printable(n) for n in result.vars]
    widths = [max([width(n)] + [r[i][1] for r in rows]) for i, n in enumerate(names)]
    out.write("  ".join(_pad(n, widths[i]) for i, n in enumerate(names)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in rows:
        out.write("  ".join(c + " " * (widths[i] - w) for i, (c, w) in enumerate(r)).rstrip() + "\n")
