"""Graph files are read by one rule in every command (attack 3, B16, B14): below the size of
graph.rdf.oxstore.LARGE with rdflib, above it with Oxigraph's strict parser, so a file that
`query` refuses is refused by `stats`, `serve` and `eval` too, with the same message; and a
graph file that is not a regular file is called what it is, not "no such graph file"."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.rdf import oxstore

runner = CliRunner()

#: an IRI rdflib takes and Oxigraph's strict parser refuses (an unclosed IPv6 host)
ODD = "<http://e/a> <http://e/p> <http://[::1/> .\n"
FILLER = "".join(f'<http://e/s{i}> <http://www.w3.org/2004/02/skos/core#prefLabel> "标签{i}" .\n' for i in range(50))


@pytest.fixture
def odd_graph(tmp_path):
    f = tmp_path / "odd.nt"
    f.write_text(FILLER + ODD, encoding="utf-8")
    return f


@pytest.fixture
def gold(tmp_path):
    g = tmp_path / "gold.json"
    g.write_text(json.dumps({"entities": [{"type": "Body", "label": "省委"}]}), encoding="utf-8")
    return g


def _commands(graph, gold):
    return {
        "query": ["query", str(graph), "ASK { ?s ?p ?o }"],
        "stats": ["stats", str(graph)],
        "eval": ["eval", str(graph), "--gold", str(gold)],
        "serve": ["serve", str(graph), "--port", "0"],
        "timeline": ["timeline", str(graph), "--entity", "标签1"],
    }


@pytest.mark.defect("B16")
def test_a_large_graph_file_is_read_by_one_rule_in_every_command(odd_graph, gold, monkeypatch):
    """Over the size at which `query` reads with Oxigraph (made small here), every command does."""
    monkeypatch.setattr(oxstore, "LARGE", 1000)
    assert odd_graph.stat().st_size > 1000
    outputs = {name: runner.invoke(cli, args) for name, args in _commands(odd_graph, gold).items()}
    assert {name: r.exit_code for name, r in outputs.items()} == dict.fromkeys(outputs, 1)
    messages = {r.output for r in outputs.values()}
    assert len(messages) == 1, messages
    [message] = messages
    assert message.startswith(f"Error: {odd_graph}: not a readable nt graph (")
    assert message.endswith("); check the file or its suffix\n")


@pytest.mark.defect("B16")
def test_a_small_graph_file_is_read_by_rdflib_in_every_command(odd_graph, gold):
    """Below that size, every command reads it with rdflib, which takes the IRI."""
    outputs = {
        name: runner.invoke(cli, args)
        for name, args in _commands(odd_graph, gold).items()
        if name not in ("serve", "timeline")
    }
    assert {name: r.exit_code for name, r in outputs.items()} == dict.fromkeys(outputs, 0), outputs


@pytest.mark.defect("B14")
@pytest.mark.parametrize("command", ["query", "stats", "view", "validate", "load"])
@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_a_graph_file_that_is_not_a_regular_file_is_called_what_it_is(tmp_path, command, kind):
    if kind == "fifo":
        path = tmp_path / "g.nt"
        os.mkfifo(path)
        what = "a FIFO"
    elif kind == "device":
        path, what = "/dev/null", "a device or socket"
    else:
        path = tmp_path / "g.nt"
        path.mkdir()
        what = "a directory"
    args = {
        "query": ["query", str(path), "ASK { ?s ?p ?o }"],
        "stats": ["stats", str(path)],
        "view": ["view", str(path), "-o", str(tmp_path / "v.html")],
        "validate": ["validate", str(path)],
        "load": ["load", str(path), "--store", str(tmp_path / "store")],
    }[command]
    r = runner.invoke(cli, args)
    assert (r.exit_code, r.output) == (1, f"Error: {path}: not a regular file ({what}); give a graph file\n")
