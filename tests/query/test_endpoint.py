"""A real Oxigraph server on loopback: push into it, query it over HTTP, serve our own."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.query.endpoint import oxigraph_binary
from speechkg.graph.query.engines import run
from speechkg.graph.query.guard import prologue
from speechkg.graph.query.results import format_result
from speechkg.graph.query.saved import saved
from speechkg.graph.rdf.parse import load

from ..conftest import ROOT

pytestmark = pytest.mark.slow

COUNT_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, proc: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[:300]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("server did not start")


def sparql(port: int, query: str, path: str = "query") -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/{path}",
        data=query.encode(),
        method="POST",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(req, timeout=20) as resp:
        body = resp.read()
    return json.loads(body)  # a truncated answer (a cancelled query) fails here, never passes


@pytest.fixture()
def oxigraph_server(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_ready(port, proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_push_then_query_back_over_http(oxigraph_server, seed_ttl):
    port = oxigraph_server
    runner = CliRunner()
    r = runner.invoke(cli, ["push", str(seed_ttl), "--endpoint", f"http://127.0.0.1:{port}/store", "--replace"])
    assert r.exit_code == 0, r.output
    n = len(load([str(seed_ttl)]))
    assert r.output == f"pushed {n} triples in 1 graph(s) to http://127.0.0.1:{port}/store\n"
    # pushing again with --replace does not duplicate
    runner.invoke(cli, ["push", str(seed_ttl), "--endpoint", f"http://127.0.0.1:{port}/store", "--replace"])
    got = sparql(port, COUNT_BY_GRAPH)["results"]["bindings"]
    assert len(got) == 1 and int(got[0]["n"]["value"]) == n
    assert got[0]["g"]["value"].startswith("https://w3id.org/speechkg/id/speech/")
    # the same query gives the same rows remotely and locally
    text = saved()["timeline"][1]
    remote = sparql(
        port,
        prologue() + text.replace("WHERE {", "WHERE { GRAPH ?speech {", 1).replace("} ORDER BY", "} } ORDER BY", 1),
    )
    local = json.loads(format_result(run(load([str(seed_ttl)]), text), "json"))
    assert [(b["date"]["value"], b["entity"]["value"]) for b in remote["results"]["bindings"]] == [
        (b["date"]["value"], b["entity"]["value"]) for b in local["results"]["bindings"]
    ]


def test_push_through_sparql_update(oxigraph_server, seed_ttl):
    port = oxigraph_server
    r = CliRunner().invoke(
        cli, ["push", str(seed_ttl), "--update", f"http://127.0.0.1:{port}/update", "--graph", "urn:speechkg:test"]
    )
    assert r.exit_code == 0, r.output
    got = sparql(port, COUNT_BY_GRAPH)["results"]["bindings"]
    assert [(b["g"]["value"], int(b["n"]["value"])) for b in got] == [("urn:speechkg:test", len(load([str(seed_ttl)])))]


def test_push_errors_are_one_line(oxigraph_server, seed_ttl):
    port = oxigraph_server
    r = CliRunner().invoke(cli, ["push", str(seed_ttl), "--endpoint", f"http://127.0.0.1:{free_port()}/store"])
    assert r.exit_code == 1
    assert r.output.startswith("Error: cannot reach http://127.0.0.1:") and r.output.endswith(
        "is the server running?\n"
    )
    r = CliRunner().invoke(cli, ["push", str(seed_ttl), "--update", f"http://127.0.0.1:{port}/nowhere"])
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: http://127.0.0.1:{port}/nowhere refused the graph (HTTP 404")
    r = CliRunner().invoke(cli, ["push", str(seed_ttl)])
    assert r.output == "Error: give one of --endpoint URL (Graph Store Protocol) or --update URL\n"


def test_serve_answers_sparql_over_http(seed_ttl, tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "speechkg", "serve", str(seed_ttl), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_ready(port, proc, seconds=60)
        got = sparql(port, prologue() + "SELECT (COUNT(?p) AS ?n) WHERE { ?p a skg:Person }")
        assert got["results"]["bindings"][0]["n"]["value"] == "3"
        # read-only: updates are refused by the server itself
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/update",
            data=b"CLEAR ALL",
            method="POST",
            headers={"Content-Type": "application/sparql-update"},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(req, timeout=10)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_refuses_a_busy_port(seed_ttl):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = CliRunner().invoke(cli, ["serve", str(seed_ttl), "--port", str(port)])
    assert r.exit_code == 1
    assert r.output.endswith(f"Error: 127.0.0.1:{port} is already in use; choose another --port\n")


def test_quoted_graph_names_survive(oxigraph_server, seed_ttl):
    name = "urn:speechkg:" + urllib.parse.quote("a b&c")
    r = CliRunner().invoke(
        cli, ["push", str(seed_ttl), "--endpoint", f"http://127.0.0.1:{oxigraph_server}/store", "--graph", name]
    )
    assert r.exit_code == 0
    got = sparql(oxigraph_server, COUNT_BY_GRAPH)["results"]["bindings"]
    assert got[0]["g"]["value"] == name
