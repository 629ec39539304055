"""`push` into a second real store: OpenLink Virtuoso (Debian's virtuoso-opensource), started once
for this module on loopback ports with its own database directory, through SPARQL Update.

What the test does is the README's Virtuoso recipe: as dba (isql-vt), `GRANT SPARQL_UPDATE TO
"SPARQL";` and push to http://HOST:PORT/sparql, or create a user, grant it SPARQL_UPDATE and push
to http://HOST:PORT/sparql-auth with --user and SPEECHKG_PASSWORD (Virtuoso asks for Digest)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from rdflib import RDFS, BNode, Dataset, Literal, URIRef

from speechkg.cli import cli
from speechkg.graph.query.push import PASSWORD_ENV, UPDATE_BATCH
from speechkg.graph.rdf.parse import load

from ..conftest import ROOT
from .test_endpoint import free_port

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (VIRTUOSO and ISQL),
        reason="Virtuoso is not installed (no virtuoso-t / isql-vt): apt-get install virtuoso-opensource "
        "(scripts/test.sh does)",
    ),
]

runner = CliRunner()
SPEECHES = [
    ROOT / "seeds" / "provincial-union-2022.txt",
    ROOT / "tests" / "data" / "news-union.txt",
    ROOT / "tests" / "data" / "state-council-news.txt",
]
USER, PASSWORD = "speechkg", "pushing-speeches"

# A database of its own in a temporary directory, listening on 127.0.0.1 only. ResultSetMaxRows
# caps every SELECT (Debian's own virtuoso.ini says 10000): raised so a whole graph can be read back.
INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = .

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 100000
"""


class Virtuoso:
    def __init__(self, http: int, sql: int) -> None:
        self.http, self.sql = http, sql
        self.base = f"http://127.0.0.1:{http}"

    def isql(self, statements: str) -> None:
        """Run SQL as dba (a new database's password is dba); AssertionError when it fails."""
        r = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert r.returncode == 0 and "*** Error" not in r.stderr, r.stderr  # isql exits 0 on SQL errors

    def select(self, query: str) -> list[dict]:
        data = urllib.parse.urlencode({"query": query}).encode()
        req = urllib.request.Request(
            f"{self.base}/sparql", data=data, headers={"Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())["results"]["bindings"]

    def count(self, graph: str) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]["value"])

    def triples(self, graph: str) -> set[tuple]:
        rows = self.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return {(_term(r["s"]), _term(r["p"]), _term(r["o"])) for r in rows}


def _term(b: dict):
    if b["type"] == "uri":
        return URIRef(b["value"])
    if b["type"] == "bnode":
        return BNode(b["value"])
    return Literal(b["value"], lang=b.get("xml:lang"), datatype=b.get("datatype"))


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/sparql?query=ASK%20%7B%7D", timeout=2) as resp:
            return resp.status == 200
    except (OSError, urllib.error.URLError):
        return False


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory, request):
    d = tmp_path_factory.mktemp("virtuoso")
    v = Virtuoso(free_port(), free_port())
    ini = d / "virtuoso.ini"
    ini.write_text(INI.format(d=d, sql=v.sql, http=v.http), encoding="utf-8")
    with open(d / "stdout.log", "wb") as log:
        proc = subprocess.Popen([VIRTUOSO, "-f", "-c", str(ini)], cwd=d, stdout=log, stderr=subprocess.STDOUT)
    try:
        request.getfixturevalue("corpus")  # built while Virtuoso creates its database (~10 s)
        deadline = time.monotonic() + 120
        while not _answers(v.base):
            if proc.poll() is not None or time.monotonic() > deadline:
                log_tail = (d / "stdout.log").read_text(errors="replace")[-800:]
                pytest.fail(f"Virtuoso did not start (exit {proc.poll()}): {log_tail}")
            time.sleep(0.2)
        # the SPARQL endpoint runs as the user SPARQL, which may only read until granted SPARQL_UPDATE;
        # /sparql-auth runs as whoever logs in, here a user of our own
        v.isql(
            f"GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.USER_CREATE('{USER}', '{PASSWORD}'); "
            f'GRANT SPARQL_UPDATE TO "{USER}";'
        )
        yield v
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("vcorpus") / "corpus.trig"
    r = runner.invoke(cli, ["build", *map(str, SPEECHES), "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


def named_graphs(path) -> dict[str, set]:
    ds = load([str(path)])
    return {str(g.identifier): set(g) for g in ds.graphs() if len(g) and str(g.identifier) != "urn:x-rdflib:default"}


def test_each_speech_arrives_in_its_graph_with_its_chinese_literals_unchanged(virtuoso, corpus):
    local = named_graphs(corpus)
    assert len(local) == 3
    total = sum(map(len, local.values()))
    url = f"{virtuoso.base}/sparql"
    r = runner.invoke(cli, ["push", str(corpus), "--update", url, "--replace"])
    assert r.output == f"pushed {total} triples in 3 graph(s) to {url}\n"
    # the largest speech is several batches of endpoint.UPDATE_BATCH triples
    assert max(map(len, local.values())) > 3 * UPDATE_BATCH
    for name, triples in local.items():
        assert virtuoso.count(name) == len(triples)
        assert virtuoso.triples(name) == triples  # every term, datatype and language tag as sent
    # the literals come back as the same strings with the same tags (not just equal as rdflib terms)
    rows = virtuoso.select(
        "SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/speechkg/') && lang(?o) != '') }"
    )
    tagged = {(b["o"]["value"], b["o"]["xml:lang"]) for b in rows}
    sent = {(str(o), o.language) for g in local.values() for _, _, o in g if isinstance(o, Literal) and o.language}
    assert tagged == sent
    assert {"zh", "en", "zh-latn-pinyin"} <= {lang for _, lang in tagged}
    assert ("中华全国总工会", "zh") in tagged


def test_pushing_a_speech_again_replaces_its_graph(virtuoso, corpus, tmp_path):
    url = f"{virtuoso.base}/sparql"
    assert runner.invoke(cli, ["push", str(corpus), "--update", url]).exit_code == 0
    local = named_graphs(corpus)
    name = min(local, key=lambda n: len(local[n]))
    others = {n: virtuoso.count(n) for n in local if n != name}
    # the speech as re-extracted: some triples gone, one label changed
    old = sorted(local[name])
    kept = old[: len(old) // 2]
    new = [*kept, (URIRef(name), RDFS.label, Literal("重新推送的讲话", lang="zh"))]
    ds = Dataset()
    for t in new:
        ds.graph(URIRef(name)).add(t)
    again = tmp_path / "again.nq"
    ds.serialize(again, format="nquads", encoding="utf-8")
    r = runner.invoke(cli, ["push", str(again), "--update", url, "--replace"])
    assert r.output == f"pushed {len(new)} triples in 1 graph(s) to {url}\n"
    assert virtuoso.count(name) == len(new)
    assert virtuoso.triples(name) == set(new)
    assert {n: virtuoso.count(n) for n in others} == others  # the other speeches are untouched
    # without --replace the triples are added to what is there (pushing the same again changes nothing)
    assert runner.invoke(cli, ["push", str(again), "--update", url]).exit_code == 0
    assert virtuoso.count(name) == len(new)


def test_a_graph_past_virtuosos_insert_data_limit_arrives_whole(virtuoso, tmp_path):
    # one INSERT DATA of ~5,000 triples is past what Virtuoso's parser takes (SP030 memory exhausted)
    n = 6000
    big = tmp_path / "big.nq"
    big.write_text(
        "".join(f'<urn:s{i}> <urn:p> "第{i}条 \\"引语\\"\\n第二行\\t\\\\"@zh <urn:speechkg:big> .\n' for i in range(n)),
        encoding="utf-8",
    )
    r = runner.invoke(cli, ["push", str(big), "--update", f"{virtuoso.base}/sparql", "--replace"])
    assert r.exit_code == 0, r.output
    assert virtuoso.count("urn:speechkg:big") == n
    rows = virtuoso.select("SELECT ?o WHERE { GRAPH <urn:speechkg:big> { <urn:s5999> ?p ?o } }")
    assert [(b["o"]["value"], b["o"]["xml:lang"]) for b in rows] == [('第5999条 "引语"\n第二行\t\\', "zh")]


def test_digest_login_at_sparql_auth(virtuoso, seed_ttl):
    url = f"{virtuoso.base}/sparql-auth"
    n = len(load([str(seed_ttl)]))
    r = runner.invoke(
        cli,
        ["push", str(seed_ttl), "--update", url, "--user", USER, "--graph", "urn:speechkg:auth", "--replace"],
        env={PASSWORD_ENV: PASSWORD},
    )
    assert r.output == f"pushed {n} triples in 1 graph(s) to {url}\n"
    assert virtuoso.count("urn:speechkg:auth") == n


def one_line(r, start: str) -> None:
    assert r.exit_code == 1 and r.output.startswith(f"Error: {start}"), r.output
    assert len(r.output.splitlines()) == 1 and PASSWORD not in r.output and "wrong-password" not in r.output


def test_refusals_are_one_line(virtuoso, seed_ttl):
    auth = f"{virtuoso.base}/sparql-auth"
    r = runner.invoke(
        cli, ["push", str(seed_ttl), "--update", auth, "--user", USER], env={PASSWORD_ENV: "wrong-password"}
    )
    one_line(r, f"{auth} refused the login (HTTP 401 ")
    assert r.output.endswith("; check --user and SPEECHKG_PASSWORD\n")
    r = runner.invoke(cli, ["push", str(seed_ttl), "--update", auth], env={PASSWORD_ENV: None})
    one_line(r, f"{auth} refused the login (HTTP 401 ")
    assert r.output.endswith("; give --user NAME and set SPEECHKG_PASSWORD\n")
    plain = f"{virtuoso.base}/sparql"
    virtuoso.isql('REVOKE SPARQL_UPDATE FROM "SPARQL";')
    try:
        r = runner.invoke(cli, ["push", str(seed_ttl), "--update", plain])
    finally:
        virtuoso.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
    one_line(r, f"{plain} refused the graph (HTTP 500 ")
    assert "SECURITY: No permission" in r.output
    assert r.output.endswith(
        '; Virtuoso: GRANT SPARQL_UPDATE TO "SPARQL" (isql), or push to /sparql-auth with --user\n'
    )
