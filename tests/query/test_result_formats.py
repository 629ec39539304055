"""One registry of result formats (graph.query.formats): a format registered once is written by
`speechkg query` and by the endpoint, asked for by name or by its media type."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from speechkg.cli import query as query_command
from speechkg.graph.errors import QueryError
from speechkg.graph.query import endpoint, formats
from speechkg.graph.query.engines import result_file
from speechkg.graph.query.formats import ResultFormat
from speechkg.graph.rdf.parse import load

SELECT = "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?o"


def write_dummy(result, out) -> None:
    """A toy format: one line per row, its values joined by |; an ASK answer as yes or no."""
    if result.type == "ASK":
        out.write("yes\n" if result.boolean else "no\n")
        return
    for row in result.rows:
        out.write("|".join(str(v) for v in row) + "\n")


@pytest.fixture()
def dummy(monkeypatch):
    """The dummy format registered for one test (the registry as it was afterwards)."""
    monkeypatch.setattr(formats, "RESULT_FORMATS", dict(formats.RESULT_FORMATS))
    return formats.register(
        ResultFormat("dummy", "text/x-dummy; charset=utf-8", ".dummy", write_dummy, None, ("text/x-dummy",))
    )


@pytest.fixture()
def graph_file(tmp_path):
    f = tmp_path / "g.ttl"
    f.write_text(
        '<http://example.org/a> <http://example.org/p> "一" .\n<http://example.org/b> <http://example.org/p> "二" .\n',
        encoding="utf-8",
    )
    return f


@pytest.fixture()
def served(graph_file):
    """The graph served on a free loopback port: its /query URL."""
    server = endpoint.bind(endpoint.load_store(load([str(graph_file)])), port=0, timeout=20)
    thread = threading.Thread(target=endpoint.serve, args=(server,), daemon=True)
    thread.start()
    try:
        yield endpoint.url_for("127.0.0.1", endpoint.port_of(server))
    finally:
        server.shutdown()
        thread.join(10)


def get(url: str, accept: str = "") -> tuple[str, str]:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=20) as resp:
        return resp.headers["Content-Type"], resp.read().decode("utf-8")


def test_a_registered_format_is_written_by_query(dummy, graph_file):
    with result_file([str(graph_file)], SELECT, "dummy") as out:
        assert out.read().decode("utf-8") == "http://example.org/a|一\nhttp://example.org/b|二\n"
    with result_file([str(graph_file)], "ASK { ?s ?p ?o }", "dummy") as out:
        assert out.read() == b"yes\n"


def test_a_registered_format_is_served(dummy, served):
    query = urllib.parse.quote(SELECT)
    rows = "http://example.org/a|一\nhttp://example.org/b|二\n"
    assert get(f"{served}?query={query}&format=dummy") == ("text/x-dummy; charset=utf-8", rows)
    assert get(f"{served}?query={query}", accept="text/x-dummy") == ("text/x-dummy; charset=utf-8", rows)
    with urllib.request.urlopen(served.removesuffix("query"), timeout=20) as resp:
        assert "<option>dummy</option>" in resp.read().decode("utf-8")


def test_an_unknown_format_is_refused_by_both_with_the_registered_ones(dummy, graph_file, served):
    with pytest.raises(QueryError, match=r"use one of table, csv, tsv, json, dummy$"):
        result_file([str(graph_file)], SELECT, "nope")
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(f"{served}?query={urllib.parse.quote(SELECT)}&format=nope")
    assert refused.value.code == 400
    assert refused.value.read().decode() == (
        "unknown format 'nope'; use table, csv, tsv, json, xml or dummy (SELECT, ASK), "
        "turtle, n-triples, rdf+xml or json-ld (CONSTRUCT, DESCRIBE), or a media type\n"
    )


def test_the_command_line_offers_the_registry_formats_it_can_write():
    """--format lists the formats with a writer (xml only Oxigraph writes: the endpoint's alone)."""
    (option,) = [p for p in query_command.params if p.name == "fmt"]
    assert list(option.type.choices) == formats.output_formats() == ["table", "csv", "tsv", "json"]
    assert set(formats.RESULT_FORMATS) == {"table", "csv", "tsv", "json", "xml"}
