"""A real Oxigraph server on loopback: push into it, query it over HTTP, serve our own."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from speechkg.cli import cli
from speechkg.graph.query.admission import MAX_PER_CLIENT, MAX_RUNNING, resident
from speechkg.graph.query.endpoint import bind, load_store, oxigraph_binary, port_of
from speechkg.graph.query.engines import run
from speechkg.graph.query.guard import prologue
from speechkg.graph.query.results import format_result
from speechkg.graph.query.saved import saved
from speechkg.graph.query.server import MAX_CONNECTIONS_PER_CLIENT
from speechkg.graph.rdf.parse import load
from speechkg.ontology.namespace import SKG

from ..conftest import ROOT

pytestmark = pytest.mark.slow

COUNT_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> set[int]:
    """The child processes of `pid` (Linux /proc)."""
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out |= {int(x) for x in (task / "children").read_text().split()}
        except OSError:
            pass
    return out


def wait_for(cond, seconds: float = 20.0) -> bool:
    """Whether `cond()` comes true within `seconds` (checked every 50 ms; it returns as soon as it
    does): room for a loaded machine on what must happen, yet shorter than the 30 s or more of
    the query timeouts that a test waits to see something else stop first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def start_serve(args: list[str], tmp_path: Path) -> tuple[subprocess.Popen, str]:
    """`speechkg serve ARGS` in a process of its own, and the banner it printed once it listened."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "speechkg", "serve", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stderr.readline()  # the banner, printed once the server listens
    return proc, line


def banner_port(banner: str) -> int:
    return int(banner.split(":")[2].split("/")[0])


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


# ------------------------------------------------------------------ serve as clients use it (issues 27 and 28)

PERSONS = "SELECT ?l WHERE { ?p a skg:Person ; skos:prefLabel ?l } ORDER BY ?l"
PERSON_LABELS = ["习近平", "王东明", "王沪宁"]
COUNT_PERSONS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a skg:Person }"
CONSTRUCT_PERSONS = "CONSTRUCT { ?p a skg:Person } WHERE { ?p a skg:Person }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: rows holding four copies of the seed's text (about 90 KB each): 700 of them make about 63 MB
BIG = "SELECT ?big WHERE { ?x nif:isString ?t . ?a ?b ?c BIND(CONCAT(?t, ?t, ?t, ?t) AS ?big) } LIMIT 700"
#: rows like BIG, each of them distinct, sorted: the query holds them all (about 90 MB) before it writes the first
SORTED = (
    "SELECT ?big WHERE { ?x nif:isString ?t . { SELECT ?a ?b ?c WHERE { ?a ?b ?c } LIMIT 1000 } "
    "BIND(CONCAT(?t, ?t, ?t, ?t, STR(?a), STR(?b), STR(?c)) AS ?big) } ORDER BY ?big"
)


@contextlib.contextmanager
def serving(graph: Path, **options) -> Iterator[int]:
    """speechkg's endpoint over `graph` in a thread of this process: its port."""
    server = bind(load_store(load([str(graph)])), port=0, **options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield port_of(server)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def seed_port(seed_ttl) -> Iterator[int]:
    with serving(seed_ttl, timeout=20) as port:
        yield port


@pytest.fixture(scope="module")
def serve_cli(seed_ttl, tmp_path_factory) -> Iterator[int]:
    """`speechkg serve` over the seed, in a process of its own: its port."""
    proc, banner = start_serve([str(seed_ttl), "--port", "0"], tmp_path_factory.mktemp("serve"))
    try:
        yield banner_port(banner)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def send(port: int, head: str, body: bytes = b"", source: str = "127.0.0.1") -> socket.socket:
    """A connection from `source` that sent a request as written (`head`: its lines, \\n for CRLF)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=20, source_address=(source, 0))
    s.sendall(head.replace("\n", "\r\n").encode() + b"\r\n\r\n" + body)
    return s


def answer_of(s: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """(status, headers in lower case, body as sent) of the answer read to the end of the connection."""
    with s:
        data = b""
        while chunk := s.recv(1 << 16):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return int(status.split()[1]), {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}, body


def raw(port: int, head: str, body: bytes = b"", source: str = "127.0.0.1") -> tuple[int, dict[str, str], bytes]:
    return answer_of(send(port, head, body, source))


def post(query: str, extra: str = "", port_host: str = "127.0.0.1") -> tuple[str, bytes]:
    data = query.encode()
    return (
        f"POST /query HTTP/1.1\nHost: {port_host}\nContent-Type: application/sparql-query\n"
        f"Content-Length: {len(data)}{extra}",
        data,
    )


def get(port: int, query: str, accept: str = "", params: str = "") -> tuple[int, str, bytes]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/query?query={urllib.parse.quote(query)}{params}", headers={"Accept": accept}
    )
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


@pytest.mark.defect("28")
def test_sparqlwrapper_runs_every_query_form(serve_cli):
    """SPARQLWrapper sends format=turtle, rdf+xml, json-ld… besides Accept, for every query form."""
    from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

    def run(query: str, fmt: str, method: str = GET):
        w = SPARQLWrapper(f"http://127.0.0.1:{serve_cli}/query")
        w.setQuery(query)
        w.setReturnFormat(fmt)
        w.setMethod(method)
        return w.query().convert()

    def as_graph(got) -> Graph:
        return got if isinstance(got, Graph) else Graph().parse(data=got, format="turtle")

    for method in (GET, POST):
        got = run(PERSONS, JSON, method)["results"]["bindings"]
        assert [b["l"]["value"] for b in got] == PERSON_LABELS
    got = run(PERSONS, XML)
    assert [n.firstChild.data for n in got.getElementsByTagName("literal")] == PERSON_LABELS
    assert run(PERSONS, CSV).decode().split("\r\n") == ["l", *PERSON_LABELS, ""]
    assert run(PERSONS, TSV).decode().split("\n")[1:] == [f'"{x}"@zh' for x in PERSON_LABELS] + [""]
    assert run("ASK { ?p a skg:Person }", JSON)["boolean"] is True
    assert run("ASK { ?p a skg:Nothing }", XML).getElementsByTagName("boolean")[0].firstChild.data == "false"
    persons = {URIRef(b["p"]["value"]) for b in run("SELECT ?p WHERE { ?p a skg:Person }", JSON)["results"]["bindings"]}
    assert len(persons) == 3
    for fmt in (TURTLE, N3, XML, RDFXML, JSONLD):
        for method in (GET, POST):
            g = as_graph(run(CONSTRUCT_PERSONS, fmt, method))
            assert set(g.subjects()) == persons, (fmt, method)
            assert len(g) == 3
    one = sorted(persons)[0]
    for fmt in (TURTLE, RDFXML, JSONLD):
        g = as_graph(run(f"DESCRIBE <{one}>", fmt))
        assert set(g.subjects()) == {one} and len(g) > 3, fmt


@pytest.mark.defect("28")
def test_rdflib_sparqlstore_reads_the_endpoint(serve_cli):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    for fmt in ("xml", "json"):
        g = Graph(store=SPARQLStore(f"http://127.0.0.1:{serve_cli}/query", returnFormat=fmt))
        assert [str(r.l) for r in g.query(PERSONS)] == PERSON_LABELS
        assert g.query("ASK { ?p a skg:Person }").askAnswer is True
    g = Graph(store=SPARQLStore(f"http://127.0.0.1:{serve_cli}/query"))
    assert len(g.query(CONSTRUCT_PERSONS).graph) == 3


@pytest.mark.defect("B17", "28")
def test_accept_is_read_with_its_q_values(seed_port):
    port = seed_port
    assert get(port, COUNT_PERSONS, "text/csv;q=0.1, text/tab-separated-values") == (
        200,
        "text/tab-separated-values; charset=utf-8",
        b"?n\n3\n",
    )
    # csv is not acceptable (q=0): the default, SPARQL JSON
    code, ctype, body = get(port, COUNT_PERSONS, "text/csv;q=0, */*;q=0.5")
    assert (code, ctype, json.loads(body)["results"]["bindings"][0]["n"]["value"]) == (
        200,
        "application/sparql-results+json",
        "3",
    )
    code, ctype, _ = get(
        port, COUNT_PERSONS, "application/sparql-results+json;q=0, application/*;q=0.4, text/csv;q=0.3"
    )
    assert (code, ctype) == (200, "application/sparql-results+xml")
    code, ctype, _ = get(port, CONSTRUCT_PERSONS, "text/turtle;q=0, application/n-triples;q=0.9, */*;q=0.1")
    assert (code, ctype) == (200, "application/n-triples")
    # nothing that can be written: 406, with what can be
    offer = (
        "ask for application/sparql-results+json, application/json, text/csv, text/tab-separated-values, "
        "application/sparql-results+xml (SELECT, ASK) or text/turtle, application/n-triples, application/rdf+xml, "
        "application/ld+json (CONSTRUCT, DESCRIBE)\n"
    )
    assert get(port, COUNT_PERSONS, "application/pdf") == (
        406,
        "text/plain; charset=utf-8",
        f"cannot answer in any type of the Accept header (application/pdf); {offer}".encode(),
    )
    assert get(port, COUNT_PERSONS, "text/csv;q=0")[0] == 406
    assert get(port, CONSTRUCT_PERSONS, "application/sparql-results+json") == (
        406,
        "text/plain; charset=utf-8",
        f"a graph (CONSTRUCT, DESCRIBE) cannot be sent as application/sparql-results+json; {offer}".encode(),
    )
    assert get(port, COUNT_PERSONS, "text/turtle")[0] == 406
    assert get(port, COUNT_PERSONS, "", "&format=turtle")[2] == (
        b"format 'turtle' is for CONSTRUCT and DESCRIBE; the results of SELECT and ASK come as table, csv, tsv, "
        b"json, xml\n"
    )


@pytest.mark.defect("B17")
@pytest.mark.parametrize(
    "lengths, code, message",
    [
        ("Content-Length: {n}\nContent-Length: {n}", 400, "more than one Content-Length header; send one"),
        ("Content-Length: {n}\nContent-Length: 3", 400, "more than one Content-Length header; send one"),
        ("Content-Length: {n}, {n}", 400, "bad Content-Length '{n}, {n}'; send the body's size in bytes"),
        ("Content-Length: +{n}", 400, "bad Content-Length '+{n}'; send the body's size in bytes"),
        ("Transfer-Encoding: chunked", 411, "chunked request bodies are not read; send the body with a Content-Length"),
        (
            "Transfer-Encoding: chunked\nContent-Length: {n}",
            400,
            "both Transfer-Encoding and Content-Length; send the body with one Content-Length",
        ),
    ],
)
def test_a_body_is_read_by_one_content_length(seed_port, lengths, code, message):
    query = b"ASK { ?s ?p ?o }"
    body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(query), query) if "chunked" in lengths else query
    n = len(body)
    head = "POST /query HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/sparql-query\n" + lengths.format(n=n)
    status, _, got = raw(seed_port, head, body)
    assert (status, got.decode()) == (code, message.format(n=n) + "\n")


@pytest.mark.defect("B18")
def test_the_host_must_name_this_server(seed_port):
    port = seed_port
    ask = urllib.parse.quote("ASK { ?s ?p ?o }")
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "127.0.0.1", "LOCALHOST"):
        status, _, body = raw(port, f"GET /query?query={ask} HTTP/1.1\nHost: {host}")
        assert (status, json.loads(body)["boolean"]) == (200, True), host
    for host in (f"attacker.example:{port}", "attacker.example", "10.0.0.1", f"127.0.0.1.attacker.example:{port}"):
        status, _, body = raw(port, f"GET /query?query={ask} HTTP/1.1\nHost: {host}")
        assert (status, body.decode()) == (
            403,
            f"Host {host!r} is not a name of this server (refused against DNS rebinding); "
            f"use http://127.0.0.1:{port}/\n",
        )
    assert raw(port, "GET / HTTP/1.1\nHost: attacker.example")[0] == 403  # the page too
    assert raw(port, f"GET /query?query={ask} HTTP/1.1")[:1] == (400,)  # HTTP/1.1 without Host
    assert raw(port, f"GET /query?query={ask} HTTP/1.0")[0] == 200


@pytest.mark.defect("B18")
def test_cross_site_requests_are_refused(seed_port):
    port = seed_port
    form = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    head = f"POST /query HTTP/1.1\nHost: 127.0.0.1:{port}\nContent-Type: application/x-www-form-urlencoded\n"
    head += f"Content-Length: {len(form)}\n"
    hint = "start serve with --cors-origin {} to let that page query\n"
    for extra, message in (
        ("Origin: http://attacker.example", "cross-site request from 'http://attacker.example' refused; "),
        (f"Origin: http://127.0.0.1:{port + 1}", f"cross-site request from 'http://127.0.0.1:{port + 1}' refused; "),
        ("Origin: null", "cross-site request from 'null' refused; "),
        ("Sec-Fetch-Site: cross-site", "cross-site request refused; "),
        (
            "Referer: http://attacker.example/page",
            "form posted from another page ('http://attacker.example/page') refused; ",
        ),
    ):
        status, headers, body = raw(port, head + extra, form)
        origin = extra.partition(": ")[2] if extra.startswith("Origin") else "ORIGIN"
        assert (status, body.decode()) == (403, message + hint.format(origin)), extra
        assert "access-control-allow-origin" not in headers
    status, _, body = raw(port, "GET /query?query=ASK%7B%7D HTTP/1.1\nHost: 127.0.0.1\nSec-Fetch-Site: cross-site")
    assert status == 403
    # the server's own page, and clients that are not browsers
    for extra in (
        f"Origin: http://127.0.0.1:{port}",
        "Sec-Fetch-Site: same-origin",
        f"Referer: http://localhost:{port}/",
    ):
        status, headers, body = raw(port, head + extra, form)
        assert (status, json.loads(body)["boolean"]) == (200, True), extra
        assert "access-control-allow-origin" not in headers
    assert raw(port, head.rstrip("\n"), form)[0] == 200


@pytest.mark.defect("B18")
def test_cors_is_for_the_origins_named(seed_ttl, small_ttl):
    app = "http://app.example:3000"
    with serving(seed_ttl, timeout=20, cors_origins=(app + "/",)) as port:
        ask = urllib.parse.quote("ASK { ?s ?p ?o }")
        status, headers, body = raw(port, f"GET /query?query={ask} HTTP/1.1\nHost: 127.0.0.1\nOrigin: {app}")
        assert (status, headers["access-control-allow-origin"], headers["vary"]) == (200, app, "Origin")
        status, headers, _ = raw(
            port,
            f"OPTIONS /query HTTP/1.1\nHost: 127.0.0.1\nOrigin: {app}\nAccess-Control-Request-Method: POST\n"
            "Access-Control-Request-Headers: content-type",
        )
        assert (status, headers["access-control-allow-origin"], headers["access-control-allow-methods"]) == (
            204,
            app,
            "GET, POST",
        )
        assert headers["access-control-allow-headers"] == "Content-Type, Accept"
        status, headers, _ = raw(
            port, f"GET /query?query={ask} HTTP/1.1\nHost: 127.0.0.1\nOrigin: http://other.example"
        )
        assert status == 403 and "access-control-allow-origin" not in headers
    for bad in ("*", "http://app.example/page", "app.example", "ftp://app.example"):
        r = CliRunner().invoke(cli, ["serve", str(small_ttl), "--port", "0", "--cors-origin", bad])
        assert (r.exit_code, r.output) == (
            1,
            f"Error: --cors-origin {bad!r} is not a web origin; give scheme://host[:port], e.g. http://localhost:3000\n",
        )


@pytest.mark.defect("B12")
def test_one_client_cannot_hold_every_slot(seed_ttl):
    with serving(seed_ttl, timeout=60) as port:
        before = children(os.getpid())
        mine = [send(port, *post(RUNAWAY)) for _ in range(MAX_PER_CLIENT)]
        try:
            assert wait_for(lambda: len(children(os.getpid()) - before) == MAX_PER_CLIENT)
            mine += [send(port, *post(RUNAWAY)) for _ in range(MAX_RUNNING - MAX_PER_CLIENT)]
            refused = [answer_of(s) for s in mine[MAX_PER_CLIENT:]]
            assert [(code, h["retry-after"], body.decode()) for code, h, body in refused] == [
                (
                    503,
                    "2",
                    f"busy: {MAX_PER_CLIENT} queries from 127.0.0.1 are running, as many as one client may run "
                    "at once; wait for one to finish\n",
                )
            ] * (MAX_RUNNING - MAX_PER_CLIENT)
            # another client is still served
            status, _, body = raw(port, *post("ASK { ?s ?p ?o }"), source="127.0.0.2")
            assert (status, json.loads(body)["boolean"]) == (200, True)
        finally:
            for s in mine:
                s.close()
        assert wait_for(lambda: children(os.getpid()) <= before)
        # nor every connection, by opening them and sending nothing
        idle = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(MAX_CONNECTIONS_PER_CLIENT)]
        try:
            status, headers, body = raw(port, *post("ASK { ?s ?p ?o }"))
            busy = b"busy: too many connections; try again in a few seconds\n"
            assert (status, headers["retry-after"], body) == (503, "2", busy)
            status, _, body = raw(port, *post("ASK { ?s ?p ?o }"), source="127.0.0.2")
            assert (status, json.loads(body)["boolean"]) == (200, True)
        finally:
            for s in idle:
                s.close()


@pytest.mark.defect("B11")
@pytest.mark.parametrize(
    "request_",
    [
        # a POST body followed by the line end some clients add after it
        lambda: (post(RUNAWAY)[0], post(RUNAWAY)[1] + b"\r\n"),
        # a GET with a second request pipelined behind it
        lambda: (f"GET /query?query={urllib.parse.quote(RUNAWAY)} HTTP/1.1\nHost: 127.0.0.1", b"GET / HTTP/1.1\r\n"),
        # a CONSTRUCT whose answer is being sent when the client leaves
        lambda: post("CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
    ],
    ids=["post-crlf", "pipelined", "construct-streaming"],
)
def test_the_query_stops_when_its_client_leaves(seed_ttl, request_):
    with serving(seed_ttl, timeout=60) as port:
        before = children(os.getpid())
        s = send(port, *request_())
        assert wait_for(lambda: len(children(os.getpid()) - before) == 1)  # the query is running
        s.settimeout(0.5)
        with contextlib.suppress(TimeoutError):
            s.recv(1000)  # at most the start of the answer
        s.close()
        assert wait_for(lambda: children(os.getpid()) <= before)  # and stopped once the client left


@pytest.mark.defect("B3", "B11")
def test_a_client_that_stops_reading_is_dropped(seed_ttl):
    with serving(seed_ttl, timeout=60, client_timeout=1) as port:
        before = children(os.getpid())
        s = send(port, *post(BIG))
        with s:
            assert wait_for(lambda: len(children(os.getpid()) - before) == 1)
            assert wait_for(lambda: children(os.getpid()) <= before)  # dropped after 1 s without progress
            s.settimeout(5)
            got = b""
            with contextlib.suppress(ConnectionError):
                while chunk := s.recv(1 << 16):
                    got += chunk
        assert got.startswith(b"HTTP/1.1 200 OK\r\n") and b"Transfer-Encoding: chunked\r\n" in got
        assert not got.endswith(b"0\r\n\r\n") and len(got) < 40_000_000  # cut off, so that the client knows


class MemoryWatch:
    """Samples the memory of a server and its query processes every 5 ms: the server's resident
    size, plus what each child holds beyond it (a child is a fork and shares the rest)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.running = pid, 0, True
        self.thread = threading.Thread(target=self._run, daemon=True)

    def total(self) -> int:
        server = resident(self.pid)
        return server + sum(max(0, resident(c) - server) for c in children(self.pid))

    def _run(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.total())
            time.sleep(0.005)

    def __enter__(self) -> MemoryWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.running = False
        self.thread.join()


def parallel(port: int, queries: list[str]) -> list[tuple[int, dict[str, str], bytes]]:
    """Each query POSTed at once, the i-th from 127.0.0.(i+1) (so that no client runs more than
    one); their answers."""
    answers: list = [None] * len(queries)

    def one(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120, source_address=(f"127.0.0.{i + 1}", 0))
        try:
            headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
            conn.request("POST", "/query", queries[i].encode(), headers)
            resp = conn.getresponse()
            answers[i] = (resp.status, dict(resp.headers), resp.read())
        finally:
            conn.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(queries))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    return answers


@pytest.mark.defect("B3")
def test_parallel_heavy_queries_stay_within_the_servers_memory(seed_ttl, tmp_path):
    limit = 150 * 1024 * 1024
    proc, banner = start_serve([str(seed_ttl), "--port", "0", "--max-memory", "150", "--timeout", "120"], tmp_path)
    try:
        port = banner_port(banner)
        assert sparql(port, "ASK { ?s ?p ?o }")["boolean"] is True
        with MemoryWatch(proc.pid) as watch:
            base = watch.total()
            answers = parallel(port, [BIG] * 4) + parallel(port, [SORTED] * 4)
        assert [(code, len(json.loads(body)["results"]["bindings"])) for code, _, body in answers[:4]] == [
            (200, 700)
        ] * 4
        for code, headers, body in answers[4:]:
            if code == 200:
                assert len(json.loads(body)["results"]["bindings"]) == 1000
            else:  # the server said why, and when to come back
                assert code == 503 and headers["Retry-After"] == "2", body
                assert body.startswith((b"busy: ", b"the queries running together reached the server's memory")), body
        assert 200 in [code for code, _, _ in answers[4:]]
        # 20% over: what the queries can take between two of the watchdog's readings
        assert watch.peak - base < limit * 1.2, (watch.peak - base) / 2**20
        assert sparql(port, "ASK { ?s ?p ?o }")["boolean"] is True  # and it still answers
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.defect("28")
def test_the_readme_sparqlwrapper_example_runs(serve_cli, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## SPARQL") :]
    section = section[: section.index("\n## ", 1)]
    (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
    exec(compile(block.replace(":7878/", f":{serve_cli}/"), "README.md", "exec"), {})  # noqa: S102 — the README's code
    g = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert len(g) == 3 and set(g.objects()) == {SKG.Person}
