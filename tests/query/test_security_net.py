"""The network-facing defects of the attack report (issue 15): nothing injected into a store,
nothing fetched, nothing left running. Each test runs against a real Oxigraph server or
speechkg's own endpoint on loopback, with a listener that records every request it gets."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.errors import GraphFileError, QueryError
from speechkg.graph.query import sandbox
from speechkg.graph.query.endpoint import (
    EndpointError,
    bind,
    check_iri,
    check_location,
    exposure_warning,
    load_store,
    port_of,
)
from speechkg.graph.query.engines import query_sources, run
from speechkg.graph.query.guard import prologue
from speechkg.graph.query.push import PASSWORD_ENV, UPDATE_BATCH
from speechkg.graph.rdf import oxstore
from speechkg.graph.rdf.parse import load

from ..conftest import ROOT
from .test_endpoint import COUNT_BY_GRAPH, children, free_port, serving, sparql, start_serve, wait_for, wait_ready

runner = CliRunner()
CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?c"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: rows of four copies of the speech's text (120 KB each), sorted: past any small limit within a second on rdflib,
#: which fills memory with CARTESIAN's rows too slowly to pass 40 MB in 30 s on a busy machine
HOG = "SELECT ?c ?big WHERE { ?x nif:isString ?t . ?a ?b ?c BIND(CONCAT(?t, ?t, ?t, ?t) AS ?big) } ORDER BY ?c"


# ------------------------------------------------------------------ helpers


class Listener:
    """A loopback HTTP server that records every request and answers as `mode` says:
    ok (204/200), sparql (one SPARQL JSON row), partial (5 of 1000 promised bytes),
    fail2 (507 from the second request on), jsonld (a context document), login (401 asking for
    HTTP Basic unless the request logs in as user / s3cret)."""

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _any(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                outer.requests.append(
                    {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
                )
                code, ctype, msg = 204 if self.command in ("PUT", "POST") else 200, "text/plain", b""
                if outer.mode == "sparql":
                    code, ctype = 200, "application/sparql-results+json"
                    msg = json.dumps(
                        {
                            "head": {"vars": ["s"]},
                            "results": {"bindings": [{"s": {"type": "literal", "value": "FROM-REMOTE"}}]},
                        }
                    ).encode()
                elif outer.mode == "jsonld":
                    code, ctype = 200, "application/ld+json"
                    msg = json.dumps({"@context": {"x": "http://example.org/x"}}).encode()
                elif outer.mode == "fail2" and len(outer.requests) >= 2:
                    code, msg = 507, b"disk full"
                elif outer.mode == "login" and self.headers.get("Authorization") != "Basic dXNlcjpzM2NyZXQ=":
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="store"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                elif outer.mode == "partial":
                    self.send_response(200)
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    self.wfile.write(b"short")
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(msg)))
                self.end_headers()
                self.wfile.write(msg)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def listener():
    made: list[Listener] = []

    def make(mode: str = "ok") -> Listener:
        made.append(Listener(mode))
        return made[-1]

    yield make
    for lst in made:
        lst.close()


@pytest.fixture()
def writable_oxigraph(tmp_path):
    """A real, writable Oxigraph server holding a canary graph."""
    from speechkg.graph.query.endpoint import oxigraph_binary

    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(tmp_path / "victim"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_ready(port, proc)
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/store?graph=http://canary/g",
            data=b'<http://canary/a> <http://canary/b> "precious" .',
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        urllib.request.urlopen(req, timeout=10).read()
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def graphs_in(port: int) -> dict[str, int]:
    got = sparql(port, COUNT_BY_GRAPH)["results"]["bindings"]
    return {b["g"]["value"]: int(b["n"]["value"]) for b in got}


def one_line_error(r, start: str) -> None:
    assert r.exit_code == 1, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert r.output.startswith(f"Error: {start}"), r.output
    assert len(r.output.strip().splitlines()) == 1, r.output


EVIL_TRIG = (
    '<http://x\\u003E { } } ; DROP ALL ; INSERT DATA { GRAPH <http://y> {\n <http://ex/s> <http://ex/p> "o" .\n}\n'
)
EVIL_GRAPH = "http://x> { } } ; DROP ALL ; INSERT DATA { GRAPH <http://y"


# ------------------------------------------------------------------ D1 push injection


@pytest.mark.defect("D1")
def test_hostile_graph_name_in_a_file_cannot_drop_the_store(writable_oxigraph, tmp_path):
    evil = tmp_path / "evil.trig"
    evil.write_text(EVIL_TRIG, encoding="utf-8")
    port = writable_oxigraph
    for option, url in (
        ("--update", f"http://127.0.0.1:{port}/update"),
        ("--endpoint", f"http://127.0.0.1:{port}/store"),
    ):
        r = runner.invoke(cli, ["push", str(evil), option, url])
        one_line_error(r, "the graph name 'http://x> { } } ; DROP ALL ; INSERT DATA { GRAPH <http://y' holds '>'")
        assert r.output.endswith("nothing was sent; fix the name\n")
    assert graphs_in(port) == {"http://canary/g": 1}


@pytest.mark.defect("D1")
def test_hostile_graph_option_cannot_drop_the_store(writable_oxigraph, seed_ttl):
    port = writable_oxigraph
    for extra in ([], ["--replace"]):
        r = runner.invoke(
            cli, ["push", str(seed_ttl), "--update", f"http://127.0.0.1:{port}/update", "--graph", EVIL_GRAPH, *extra]
        )
        one_line_error(r, "the --graph 'http://x> { } } ; DROP ALL")
    assert graphs_in(port) == {"http://canary/g": 1}


@pytest.mark.defect("D1")
def test_hostile_literals_arrive_as_data(writable_oxigraph, tmp_path):
    """Literals that look like SPARQL, escapes and quotes go through INSERT DATA unchanged."""
    values = [
        '" } } ; DROP ALL ; INSERT DATA { GRAPH <http://y> { <a:a> <a:b> "x',
        "\\u0022 } } ; DROP ALL ; #",
        "back\\slash \\\\u003E and a quote \" and ' and\nnew line\r\t\x01\x7f",
        "}} ; CLEAR ALL",
    ]
    g = tmp_path / "lit.nq"
    g.write_text(
        "".join(f"<http://ex/s{i}> <http://ex/p> {json.dumps(v)} <http://ex/g> .\n" for i, v in enumerate(values)),
        encoding="utf-8",
    )
    port = writable_oxigraph
    for extra in ([], ["--replace"]):
        r = runner.invoke(cli, ["push", str(g), "--update", f"http://127.0.0.1:{port}/update", *extra])
        assert r.output == f"pushed 4 triples in 1 graph(s) to http://127.0.0.1:{port}/update\n"
    assert graphs_in(port) == {"http://canary/g": 1, "http://ex/g": 4}
    got = sparql(port, "SELECT ?s ?o WHERE { GRAPH <http://ex/g> { ?s ?p ?o } }")["results"]["bindings"]
    assert {b["s"]["value"]: b["o"]["value"] for b in got} == {f"http://ex/s{i}": v for i, v in enumerate(values)}


@pytest.mark.defect("D1")
def test_iris_that_could_inject_are_refused():
    assert check_iri("https://w3id.org/speechkg/id/é") == "<https://w3id.org/speechkg/id/é>"
    for bad in (
        "http://x>y",
        "http://x y",
        'http://x"',
        "http://x{",
        "http://x|",
        "http://x^",
        "http://x`",
        "http://x\\y",
        "http://x\ny",
        "relative/iri",
    ):
        with pytest.raises(GraphFileError):
            check_iri(bad)


# ------------------------------------------------------------------ D2, D3, D16 serve


@pytest.fixture()
def served(seed_ttl):
    """speechkg's endpoint over the seed, in a thread of this process, with a 60 s timeout: wall
    time, which a loaded machine stretches, so far from any answer the tests wait for."""
    with serving(seed_ttl, timeout=60, max_memory=512) as port:
        yield port


def http(
    port: int,
    path: str,
    data: bytes | None = None,
    ctype: str = "application/sparql-query",
    accept: str = "application/sparql-results+json",
    method: str | None = None,
) -> tuple[int, bytes]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method=method, headers={"Content-Type": ctype, "Accept": accept}
    )
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def query_error(seed_ttl, text: str) -> str:
    r = runner.invoke(cli, ["query", str(seed_ttl), text])
    assert r.exit_code == 1
    return r.output.removeprefix("Error: ")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <LISTENER/sparql> { ?s ?p ?o } }",
        "select * where { service silent <LISTENER/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <LISTENER/x> { ?s ?p ?x } } } LIMIT 1",
        "ASK { \\u0053ERVICE <LISTENER/x> { ?s ?p ?o } }",
        "SELECT * FROM <LISTENER/g> WHERE { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } FROM NAMED <LISTENER/g> WHERE { ?s ?p ?o }",
        "DROP ALL",
        "INSERT DATA { <a:b> <a:c> <a:d> }",
    ],
)
@pytest.mark.defect("D2")
@pytest.mark.slow
def test_serve_refuses_exactly_as_query_does(served, listener, seed_ttl, text):
    lst = listener("sparql")
    text = text.replace("LISTENER", lst.url)
    # the same refusal, less the hint of `query --allow-service`, an option serve does not have
    expected = query_error(seed_ttl, text).replace("; pass --allow-service to permit it", "")
    for path, data, ctype in (
        ("/query?" + urllib.parse.urlencode({"query": text}), None, ""),
        ("/query", text.encode(), "application/sparql-query"),
        ("/query", urllib.parse.urlencode({"query": text}).encode(), "application/x-www-form-urlencoded"),
    ):
        code, body = http(served, path, data, ctype)
        assert (code, body.decode()) == (400, expected)
    assert lst.requests == []


@pytest.mark.defect("D2")
def test_serve_is_read_only_and_answers_queries(served, listener):
    lst = listener("sparql")
    code, body = http(served, "/query", prologue().encode() + b"SELECT (COUNT(?p) AS ?n) WHERE { ?p a skg:Person }")
    assert code == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "3"
    code, body = http(served, "/query", b"SELECT (COUNT(?p) AS ?n) WHERE { ?p a skg:Person }", accept="text/csv")
    assert (code, body) == (200, b"n\r\n3\r\n")  # the project's prefixes, as in `speechkg query`
    code, body = http(
        served,
        "/query?format=table&query="
        + urllib.parse.quote("SELECT ?l WHERE { ?p a skg:Person ; skos:prefLabel ?l } ORDER BY ?l"),
    )
    assert (code, body.decode()) == (200, "l\n------\n习近平\n王东明\n王沪宁\n")
    for path, method, data in (
        ("/update", "POST", b"DROP ALL"),
        ("/store", "PUT", b"<a:a> <a:b> <a:c> ."),
        ("/store", "GET", None),
    ):
        code, _ = http(served, path, data, "application/sparql-update", method=method)
        assert code == 403
    q_ = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }", "default-graph-uri": lst.url + "/g"})
    code, body = http(served, "/query?" + q_)
    assert code == 400 and body.startswith(b"default-graph-uri / named-graph-uri are refused")
    code, body = http(served, "/", accept="text/html")
    assert code == 200 and b'<form method="get" action="query">' in body and b"60 s" in body
    assert lst.requests == []


@pytest.mark.defect("D3")
def test_non_loopback_hosts_get_a_warning():
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        assert exposure_warning(host) is None
    for host in ("0.0.0.0", "::", "192.168.1.5", "example.org"):
        assert exposure_warning(host).startswith(f"listening on {host}: anyone who can reach this machine")


@pytest.mark.defect("D16")
def test_serve_stops_a_query_at_its_timeout(seed_ttl):
    with serving(seed_ttl, timeout=2, max_memory=512) as port:
        before = children(os.getpid())
        t0 = time.monotonic()
        code, body = http(port, "/query", RUNAWAY.encode())
        assert time.monotonic() - t0 < 20  # its timeout is 2 s and the query never ends: load cannot reach 20
        assert (code, body.decode()) == (
            503,
            "the query ran past the server's timeout of 2 s and was stopped; simplify it (LIMIT, fewer joins)\n",
        )
        assert wait_for(lambda: children(os.getpid()) <= before)


@pytest.mark.defect("D16")
def test_serve_stops_the_work_when_the_client_leaves(seed_ttl):
    server = bind(load_store(load([str(seed_ttl)])), port=0, timeout=60)
    th = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    th.start()
    try:
        before = children(os.getpid())
        body = RUNAWAY.encode()
        with socket.create_connection(("127.0.0.1", port_of(server)), timeout=5) as s:
            s.sendall(
                b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            assert wait_for(lambda: len(children(os.getpid()) - before) == 1)  # the query is running
        assert wait_for(lambda: children(os.getpid()) <= before)  # and stopped once the client left
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ serve from the command line


@pytest.mark.defect("D40", "D41")
def test_serve_shows_the_real_port_and_leaves_nothing_after_sigkill(small_ttl, tmp_path):
    proc, banner = start_serve([str(small_ttl), "--port", "0", "--timeout", "30"], tmp_path)
    try:
        assert banner.startswith("SPARQL endpoint on http://127.0.0.1:") and banner.endswith(
            "/query (Ctrl-C to stop)\n"
        )
        port = int(banner.split(":")[2].split("/")[0])
        assert port > 0
        assert sparql(port, "ASK { ?s ?p ?o }")["boolean"] is True

        def ask() -> None:
            with contextlib.suppress(OSError):  # the server is killed while it answers
                http(port, "/query", RUNAWAY.encode())

        threading.Thread(target=ask, daemon=True).start()
        assert wait_for(lambda: len(children(proc.pid)) == 1)  # a query is running in a child
        (child,) = children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert wait_for(
            lambda: (
                not Path(f"/proc/{child}").exists()
                or Path(f"/proc/{child}/stat").read_text().split(")")[1].split()[0] == "Z"
            )
        )
        assert list(tmp_path.iterdir()) == []  # no store left in the temporary directory
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.mark.defect("D40")
def test_serve_shows_an_ipv6_url_in_brackets(small_ttl, tmp_path):
    proc, banner = start_serve([str(small_ttl), "--host", "::1", "--port", "0"], tmp_path)
    try:
        assert banner.startswith("SPARQL endpoint on http://[::1]:"), banner
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.defect("D25", "D40")
def test_serve_option_errors_are_one_line(small_ttl):
    r = runner.invoke(cli, ["serve", str(small_ttl), "--port", "99999"])
    assert r.exit_code == 2 and "Error: Invalid value for '--port': 99999 is not in the range 0<=x<=65535." in r.output
    r = runner.invoke(cli, ["serve", str(small_ttl), "--host", "no such host"])
    one_line_error(r, "cannot listen on 'no such host' (Name or service not known); give an address such as")
    r = runner.invoke(cli, ["serve", str(small_ttl), "--timeout", "0"])
    one_line_error(r, "--timeout must be a positive number of seconds, not 0.0")


@pytest.mark.defect("D24")
def test_iri_oxigraph_refuses_is_one_line(tmp_path, listener):
    bad = tmp_path / "b.trig"
    bad.write_text('<http://g1> { <http://x\\u003E y> <http://ex/p> "o" . }\n', encoding="utf-8")
    r = runner.invoke(cli, ["serve", str(bad), "--port", "0"])
    one_line_error(r, "the graph 'http://g1' holds a term Oxigraph refuses (Invalid IRI code point '>')")
    lst = listener()
    r = runner.invoke(cli, ["push", str(bad), "--endpoint", lst.url + "/store"])
    one_line_error(r, "the graph 'http://g1' holds an IRI or literal that is not valid RDF (Invalid IRI code point")
    assert lst.requests == []


@pytest.mark.defect("D49")
def test_serve_location_must_be_new_empty_or_a_store(small_ttl, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    r = runner.invoke(cli, ["serve", str(small_ttl), "--location", str(mine), "--port", "0"])
    one_line_error(r, f"--location {mine} is not empty and is not an Oxigraph store; give a new or empty directory")
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    with pytest.raises(EndpointError, match="is a file; give a new or empty directory"):
        check_location(mine / "notes.txt")
    built = tmp_path / "built"
    del_ = oxstore.open_store(built)
    del del_
    assert check_location(built) is True
    assert check_location(tmp_path / "new") is False


# ------------------------------------------------------------------ push: URLs, answers, reports


@pytest.mark.defect("D23")
def test_malformed_urls_and_cut_answers_are_one_line(small_ttl, listener):
    r = runner.invoke(cli, ["push", str(small_ttl), "--endpoint", "http://[::1/store"])
    one_line_error(r, "--endpoint http://[::1/store is not a valid URL (Invalid IPv6 URL)")
    r = runner.invoke(cli, ["push", str(small_ttl), "--endpoint", "http://127.0.0.1:9/st ore"])
    one_line_error(r, "--endpoint 'http://127.0.0.1:9/st ore' holds a space or control character")
    r = runner.invoke(cli, ["push", str(small_ttl), "--update", "http://127.0.0.1:99999/update"])
    one_line_error(r, "--update http://127.0.0.1:99999/update is not a valid URL")
    r = runner.invoke(cli, ["push", str(small_ttl), "--update", "http:///update"])
    one_line_error(r, "--update http:///update is not an http(s) URL with a host")
    lst = listener("partial")
    r = runner.invoke(cli, ["push", str(small_ttl), "--endpoint", lst.url + "/store"])
    one_line_error(r, f"{lst.url}/store cut its answer short (5 of 1000 bytes); the graph may not be stored")


@pytest.mark.defect("D39")
def test_partial_failure_says_what_was_stored(tmp_path, listener):
    g = tmp_path / "three.nq"
    g.write_text("".join(f'<http://ex/s> <http://ex/p> "{i}" <http://ex/g{i}> .\n' for i in range(3)), encoding="utf-8")
    lst = listener("fail2")
    r = runner.invoke(cli, ["push", str(g), "--endpoint", lst.url + "/store"])
    one_line_error(
        r,
        f"{lst.url}/store refused the graph (HTTP 507 Insufficient Storage: disk full); "
        "before that, 1 of 3 graph(s) (1 triples) were stored; pushing again is safe",
    )
    assert len(lst.requests) == 2


@pytest.mark.defect("D39")
def test_credentials_are_sent_not_echoed(small_ttl, listener):
    lst = listener()
    url = f"http://user:s3cret@127.0.0.1:{lst.port}/store"
    r = runner.invoke(cli, ["push", str(small_ttl), "--endpoint", url])
    assert r.exit_code == 0, r.output
    assert r.output.endswith(f"graph(s) to http://***@127.0.0.1:{lst.port}/store\n")
    assert lst.requests[0]["headers"]["Authorization"] == "Basic dXNlcjpzM2NyZXQ="
    r = runner.invoke(cli, ["push", str(small_ttl), "--endpoint", f"http://user:s3cret@127.0.0.1:{free_port()}/store"])
    one_line_error(r, "cannot reach http://127.0.0.1:")
    assert "s3cret" not in r.output


def test_user_logs_in_with_the_password_from_the_environment(tmp_path, listener):
    g = tmp_path / "g.nq"
    g.write_text('<http://ex/s> <http://ex/p> "讲话"@zh <http://ex/g> .\n', encoding="utf-8")
    lst = listener("login")
    url = lst.url + "/store"
    r = runner.invoke(cli, ["push", str(g), "--endpoint", url, "--user", "user"], env={PASSWORD_ENV: "s3cret"})
    assert r.exit_code == 0, r.output
    assert r.output == f"pushed 1 triples in 1 graph(s) to {url}\n"
    # the store asked (401), then the same request came back logged in
    assert [q["headers"].get("Authorization") for q in lst.requests] == [None, "Basic dXNlcjpzM2NyZXQ="]
    assert lst.requests[0]["body"] == lst.requests[1]["body"] != b""
    r = runner.invoke(cli, ["push", str(g), "--endpoint", url, "--user", "user"], env={PASSWORD_ENV: "wrong-s3cret"})
    one_line_error(r, f"{url} refused the login (HTTP 401 Unauthorized); check --user and SPEECHKG_PASSWORD")
    assert "s3cret" not in r.output
    r = runner.invoke(cli, ["push", str(g), "--endpoint", url])
    one_line_error(r, f"{url} refused the login (HTTP 401 Unauthorized); give --user NAME and set SPEECHKG_PASSWORD")
    sent = len(lst.requests)
    r = runner.invoke(cli, ["push", str(g), "--endpoint", url, "--user", "user"], env={PASSWORD_ENV: None})
    one_line_error(r, "--user user needs a password: set the SPEECHKG_PASSWORD environment variable")
    r = runner.invoke(
        cli,
        ["push", str(g), "--endpoint", f"http://u:p@127.0.0.1:{lst.port}/store", "--user", "user"],
        env={PASSWORD_ENV: "s3cret"},
    )
    one_line_error(r, "give the user either with --user or in the URL, not both")
    assert len(lst.requests) == sent  # refused before anything was sent


def test_sparql_update_goes_in_batches_and_replaces_once(tmp_path, listener):
    g = tmp_path / "big.nq"
    n = 2 * UPDATE_BATCH + 5
    g.write_text(
        "".join(f'<http://ex/s{i}> <http://ex/p> "第{i}行\\n" <http://ex/g> .\n' for i in range(n)), encoding="utf-8"
    )
    lst = listener()
    r = runner.invoke(cli, ["push", str(g), "--update", lst.url + "/update", "--replace"])
    assert r.output == f"pushed {n} triples in 1 graph(s) to {lst.url}/update\n"
    bodies = [q["body"].decode() for q in lst.requests]
    assert len(bodies) == 3
    assert bodies[0].startswith("DROP SILENT GRAPH <http://ex/g> ;\nINSERT DATA { GRAPH <http://ex/g> {\n")
    assert all(b.startswith("INSERT DATA { GRAPH <http://ex/g> {\n") and b.endswith("} }") for b in bodies[1:])
    assert [b.count(" .\n") for b in bodies] == [UPDATE_BATCH, UPDATE_BATCH, 5]
    assert all(b.count("INSERT DATA") == 1 for b in bodies)
    # a store that fails part-way through a graph: what was stored is said
    lst = listener("fail2")
    r = runner.invoke(cli, ["push", str(g), "--update", lst.url + "/update"])
    one_line_error(
        r,
        f"{lst.url}/update refused the graph (HTTP 507 Insufficient Storage: disk full); "
        f"before that, {UPDATE_BATCH} of the {n} triples of 'http://ex/g' were stored; pushing again is safe",
    )


# ------------------------------------------------------------------ D4 remote JSON-LD contexts


@pytest.mark.parametrize(
    "command", ["query", "stats", "validate", "view", "compare", "timeline", "serve", "push", "eval"]
)
@pytest.mark.parametrize("shape", ["string", "list", "import", "scoped"])
@pytest.mark.defect("D4")
def test_remote_jsonld_context_is_refused_and_not_fetched(command, shape, tmp_path, listener, small_ttl):
    lst = listener("jsonld")
    ctx = f"{lst.url}/ctx"
    doc = {
        "string": {"@context": ctx, "@id": "http://ex/a", "x": "hello"},
        "list": {"@context": [{"y": "http://ex/y"}, ctx], "@id": "http://ex/a", "x": "hello"},
        "import": {"@context": {"@version": 1.1, "@import": ctx}, "@id": "http://ex/a", "x": "hello"},
        "scoped": {
            "@context": {"@version": 1.1, "t": {"@id": "http://ex/t", "@context": ctx}},
            "@id": "http://ex/a",
            "t": {"@id": "http://ex/b", "x": "hello"},
        },
    }[shape]
    f = tmp_path / "ctx.jsonld"
    f.write_text(json.dumps(doc), encoding="utf-8")
    gold = tmp_path / "g.json"
    gold.write_text('{"entities": [], "relations": []}', encoding="utf-8")
    args = {
        "query": ["query", str(f), "SELECT * WHERE { ?s ?p ?o }", "--timeout", "60"],
        "stats": ["stats", str(f)],
        "validate": ["validate", str(f)],
        "view": ["view", str(f), "-o", str(tmp_path / "v.html")],
        "compare": ["compare", str(f), str(small_ttl)],
        "timeline": ["timeline", str(f), "--entity", "全总"],
        "serve": ["serve", str(f), "--port", "0"],
        "push": ["push", str(f), "--endpoint", lst.url + "/store"],
        "eval": ["eval", str(f), "--gold", str(gold)],
    }[command]
    r = runner.invoke(cli, args)
    one_line_error(r, f"{f}: the JSON-LD names a remote @context ({ctx}), which is refused: nothing is fetched")
    assert lst.requests == []


@pytest.mark.defect("D4")
def test_large_jsonld_on_the_oxigraph_path_is_refused_too(tmp_path, listener, monkeypatch):
    lst = listener("jsonld")
    f = tmp_path / "ctx.jsonld"
    f.write_text(json.dumps({"@context": f"{lst.url}/ctx", "@id": "http://ex/a", "x": "hello"}), encoding="utf-8")
    monkeypatch.setattr(oxstore, "LARGE", 10)
    with pytest.raises(GraphFileError, match="names a remote @context"):
        query_sources([str(f)], "ASK { ?s ?p ?o }")
    assert lst.requests == []


@pytest.mark.defect("D4")
def test_inline_contexts_still_load(tmp_path):
    f = tmp_path / "ok.jsonld"
    f.write_text(json.dumps({"@context": {"x": "http://ex/x"}, "@id": "http://ex/a", "x": "hello"}), encoding="utf-8")
    r = runner.invoke(cli, ["query", str(f), "SELECT ?o WHERE { ?s <http://ex/x> ?o }", "--format", "csv"])
    assert r.stdout_bytes == b"o\r\nhello\r\n"


# ------------------------------------------------------------------ D15, D42, D44, D28 query


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.defect("D15")
@pytest.mark.slow
def test_a_query_past_its_memory_limit_ends_with_a_clear_error(seed_ttl, engine):
    data = load([str(seed_ttl)]) if engine == "rdflib" else oxstore.load_files([str(seed_ttl)])
    mb = 40 if engine == "rdflib" else 150
    before = children(os.getpid())
    with pytest.raises(
        sandbox.OutOfMemory,
        match=rf"^the query needed more than the --max-memory of {mb} MB and was "
        r"stopped; simplify it \(LIMIT, fewer joins\) or raise --max-memory$",
    ):
        run(data, HOG if engine == "rdflib" else CARTESIAN, timeout=30, max_memory=mb)
    assert children(os.getpid()) <= before


@pytest.mark.defect("D15")
def test_a_query_past_its_memory_limit_through_the_cli_is_one_line(seed_ttl, monkeypatch):
    monkeypatch.setattr(oxstore, "LARGE", 10)  # the Oxigraph engine, which used to abort the whole program
    r = runner.invoke(cli, ["query", str(seed_ttl), CARTESIAN, "--max-memory", "150"])
    one_line_error(r, "the query needed more than the --max-memory of 150 MB and was stopped")


@pytest.mark.defect("D15")
def test_timeout_really_stops_the_query(seed_ttl):
    data = oxstore.load_files([str(seed_ttl)])
    before = children(os.getpid())
    with pytest.raises(sandbox.TimedOut):
        run(data, RUNAWAY, timeout=0.3)
    assert children(os.getpid()) <= before  # no engine left computing in the background


def _query_under_ulimit(args: list[str], kib: int) -> subprocess.CompletedProcess:
    """`speechkg query ARGS` in a process whose address space is capped as `ulimit -v KIB` caps it
    (soft and hard: the hard one cannot be raised again)."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (kib * 1024, kib * 1024))

    return subprocess.run(
        [sys.executable, "-m", "speechkg", "query", *args],
        cwd=ROOT,
        preexec_fn=cap,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.defect("D15")
@pytest.mark.slow
def test_queries_run_under_a_ulimit(seed_ttl, tmp_path):
    """The report's own D15 command runs under `ulimit -v 2000000`: the child must keep within the
    hard limit it inherits (raising it failed, and every query ended 'stopped unexpectedly')."""
    st = tmp_path / "st"
    ox_store = oxstore.open_store(st)
    oxstore.add_dataset(ox_store, load([str(seed_ttl)]))
    del ox_store
    for args in ([str(seed_ttl), "ASK { ?s ?p ?o }"], ["--store", str(st), "ASK { ?s ?p ?o }"]):
        r = _query_under_ulimit(args, 2_000_000)
        assert (r.returncode, r.stdout, r.stderr) == (0, "true\n", ""), args
    r = _query_under_ulimit(["--store", str(st), CARTESIAN, "--timeout", "60"], 2_000_000)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == (
        "Error: the query needed more than the memory this process may use (its ulimit -v) and was stopped; "
        "simplify it (LIMIT, fewer joins) or raise the ulimit\n"
    )


@pytest.mark.parametrize("value", ["1e10", "1e308"])
@pytest.mark.defect("D42")
def test_huge_finite_timeouts_are_no_limit_in_practice(small_ttl, value):
    """select() takes no wait past time_t: a timeout of 1e10 s used to end in a traceback."""
    r = runner.invoke(cli, ["query", str(small_ttl), "ASK { ?s ?p ?o }", "--timeout", value, "--max-memory", "1e30"])
    assert (r.exit_code, r.output) == (0, "true\n"), r.output


@pytest.mark.parametrize("value", ["-1", "0", "inf", "nan", "1e308000"])
@pytest.mark.defect("D42")
def test_bad_timeouts_are_refused(small_ttl, value):
    r = runner.invoke(cli, ["query", str(small_ttl), "ASK { ?s ?p ?o }", "--timeout", value])
    one_line_error(r, "--timeout must be a positive number of seconds, not ")
    r = runner.invoke(cli, ["query", str(small_ttl), "ASK { ?s ?p ?o }", "--max-memory", value])
    one_line_error(r, "--max-memory must be a positive number of MB, not ")


@pytest.mark.parametrize("value", ["\\U0001F600", "\\u5168\\u603b", "x\\uD800", "\\u0022 } DROP ALL"])
@pytest.mark.defect("D44")
def test_codepoint_escapes_in_params_are_refused_clearly(small_ttl, value):
    r = runner.invoke(cli, ["query", str(small_ttl), "--saved", "provenance", "--param", f"label={value}"])
    one_line_error(r, "--param label: the value holds '\\\\")
    assert r.output.endswith(
        "which SPARQL reads as a character escape before anything else; give the character itself\n"
    )


@pytest.mark.defect("D44")
def test_a_lone_backslash_is_still_a_value(small_ttl):
    r = runner.invoke(
        cli, ["query", str(small_ttl), "--saved", "provenance", "--param", "label=a\\b", "--format", "csv"]
    )
    assert r.stdout_bytes == b"entity,source,begin,sentence\r\n"


@pytest.mark.defect("D28")
def test_a_non_utf8_query_file_is_one_line(small_ttl, tmp_path):
    f = tmp_path / "q.rq"
    f.write_bytes(b"SELECT * WHERE { ?s ?p \xff\xfe }")
    r = runner.invoke(cli, ["query", str(small_ttl), "--file", str(f)])
    one_line_error(r, f"{f}: the query file is not UTF-8 text (byte 23); save it as UTF-8")
    r = runner.invoke(cli, ["query", str(small_ttl), "--file", str(tmp_path / "none.rq")])
    one_line_error(r, f"{tmp_path / 'none.rq'}: no such query file")


def test_queries_in_a_child_keep_their_errors(seed_ttl):
    with pytest.raises(QueryError, match="^the query failed: "):
        run(oxstore.load_files([str(seed_ttl)]), "SELECT * WHERE { BIND(<x:a> AS ?x) BIND(<x:b> AS ?x) }")


@pytest.mark.defect("D51")
@pytest.mark.slow
def test_engines_differ_only_where_oxigraph_merges_integer_types(seed_ttl):
    """Oxigraph stores "10"^^xsd:nonNegativeInteger as "10"^^xsd:integer, so a nif:beginIndex of 10 and
    a skg:number of 10 are one node there and two in rdflib: paths reaching them count fewer rows.
    With the same merge done on the rdflib side, both engines give the same rows."""
    from rdflib import XSD, Dataset, Literal

    ds = load([str(seed_ttl)])
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s (skg:date|!skg:date)* ?o }"
    ox_rows = int(run(oxstore.load_files([str(seed_ttl)]), text, timeout=30).rows[0][0])
    assert int(run(ds, text, timeout=30).rows[0][0]) > ox_rows
    merged = Dataset(default_union=True)
    for s_, p, o, g in ds.quads((None, None, None, None)):
        if isinstance(o, Literal) and o.datatype == XSD.nonNegativeInteger:
            o = Literal(str(o), datatype=XSD.integer)
        merged.graph(g).add((s_, p, o))
    assert int(run(merged, text, timeout=30).rows[0][0]) == ox_rows


@pytest.mark.slow
def test_serve_stops_quietly_on_sigterm_and_its_query_with_it(seed_ttl, tmp_path):
    """SIGTERM is how a server is stopped: exit 0 as the docs say, no 'Error: … no output was
    written' (that is build's message), and the query being answered is stopped too."""
    proc, banner = start_serve([str(seed_ttl), "--port", "0", "--timeout", "60"], tmp_path)
    try:
        port = int(banner.split(":")[2].split("/")[0])

        def ask() -> None:
            with contextlib.suppress(OSError):
                http(port, "/query", RUNAWAY.encode())

        threading.Thread(target=ask, daemon=True).start()
        assert wait_for(lambda: len(children(proc.pid)) == 1)
        (child,) = children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        assert proc.stderr.read() == ""
        assert wait_for(
            lambda: (
                not Path(f"/proc/{child}").exists()
                or Path(f"/proc/{child}/stat").read_text().split(")")[1].split()[0] == "Z"
            )
        )
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n", "\r\r"])
def test_a_service_after_a_comment_ended_by_a_carriage_return_is_refused(listener, eol):
    """attack 3, B1: rdflib ends a # comment only at LF, Oxigraph at CR too, so a SERVICE after a
    comment ended by a lone CR was comment to the guard and code to the engine. The guard now
    judges the text the engine runs (every line break a LF): refused on Oxigraph, no request made."""
    import pyoxigraph as ox

    lst = listener("sparql")
    text = f"SELECT * WHERE {{ # x{eol}SERVICE <{lst.url}/sparql> {{ ?s ?p ?o }} }}"
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p"), ox.Literal("o")))
    with pytest.raises(QueryError, match="SERVICE \\(federated query\\) is refused"):
        run(store, text, timeout=30)
    assert lst.requests == []


def test_a_query_with_carriage_returns_runs_as_written():
    """Line breaks of any kind (a .rq file saved on Windows) are line breaks: the query runs."""
    import pyoxigraph as ox

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p"), ox.Literal("o")))
    result = run(store, "SELECT ?o # the object\r\nWHERE {\r  ?s ?p ?o # any\r}", timeout=30)
    assert [str(row[0]) for row in result.rows] == ["o"]
