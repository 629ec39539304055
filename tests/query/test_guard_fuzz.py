"""Attack 3, B1 kept as a differential fuzz: the guard against the engine that runs the query.

Queries are generated (fixed seed) from the pieces that make a SPARQL text read differently by
two parsers: comments ended by LF, CR or CRLF (or not ended), codepoint escapes (\\u0053ERVICE),
keywords in any case, SERVICE inside strings, IRIs and comments, prefixed and escaped IRIs of a
recording listener on loopback. Each query is judged and run by speechkg on Oxigraph and on
rdflib, as `query` and `serve` run it; whatever the guard says, the listener must receive no
request. A query that is not refused must not be refused for SERVICE it does not hold."""

from __future__ import annotations

import random

import pytest
from rdflib import Dataset, Literal, URIRef

from speechkg.graph.errors import QueryError
from speechkg.graph.query.engines import _evaluate

from .test_security_net import Listener

SEED = 20261207
N = 300

EOLS = ["\n", "\r", "\r\n", "\r\r", "\n\r", " ", "\t", "\u2028", "\u0085"]
SERVICE = ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "\\u0053ERVICE", "SERV\\u0049CE", "\\u0073ervice"]
PATTERNS = ["?s ?p ?o", "?x ?y ?z", "{ ?s ?p ?o }"]


def _iri(rng: random.Random, url: str) -> tuple[str, str]:
    """(a PREFIX line or "", the service's IRI as written): plain, \\u-escaped, or prefixed."""
    kind = rng.choice(["plain", "escaped", "prefixed"])
    if kind == "plain":
        return "", f"<{url}/sparql>"
    if kind == "escaped":
        return "", "<" + url.replace("/", "\\u002F") + "/sparql>"
    return f"PREFIX rmt: <{url}/>{rng.choice(EOLS)}", "rmt:sparql"


def _service(rng: random.Random, url: str) -> tuple[str, str]:
    prefix, iri = _iri(rng, url)
    body = rng.choice(PATTERNS)
    if not body.startswith("{"):
        body = "{ " + body + " }"
    return prefix, f"{rng.choice(SERVICE)} {iri} {body}"


def _hidden(rng: random.Random, service: str) -> str:
    """The SERVICE clause after or inside something that may or may not end before it."""
    eol = rng.choice(EOLS)
    return rng.choice(
        [
            f"# comment{eol}{service}",
            f"#{eol}{service}",
            f"# SERVICE <x>{eol}{service}",
            f'"# not a comment" . {service}',
            f'FILTER("{service.replace(chr(34), "")}") ',
            f"'''{eol}{service.replace(chr(39), '')}{eol}''' . ",
            f"OPTIONAL {{ {service} }}",
            f"{{ ?a ?b ?c }} UNION {{ {service} }}",
            f"FILTER EXISTS {{ {service} }}",
            f"{{ SELECT * WHERE {{ # x{eol}{service} }} }}",
            service,
        ]
    )


def queries(url: str, n: int = N, seed: int = SEED) -> list[str]:
    """`n` generated queries, the same for the same seed."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        prefix, service = _service(rng, url)
        where = _hidden(rng, service)
        if where.startswith(("'''", '"')):
            where = f"?s ?p {where[:-3] if where.endswith(' . ') else where}"
        # what follows: a parser that read the SERVICE as comment must find a whole query too
        tail = rng.choice(["", "\n", " #\n", "\n?s ?p ?o ", " # x\n?s ?p ?o "])
        head = rng.choice(["SELECT *", "SELECT ?s", "ASK", "CONSTRUCT { ?s ?p ?o }"])
        out.append(f"{prefix}{head} WHERE {{ {where}{tail} }}")
    return out


@pytest.fixture(scope="module")
def recorder():
    lst = Listener("sparql")
    yield lst
    lst.close()


def _oxigraph_store():
    import pyoxigraph as ox

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p"), ox.Literal("o")))
    return store


def _rdflib_dataset():
    ds = Dataset(default_union=True)
    ds.graph(URIRef("http://a/g")).add((URIRef("http://a/s"), URIRef("http://a/p"), Literal("o")))
    return ds


@pytest.mark.slow
@pytest.mark.defect("B1")
@pytest.mark.parametrize(("engine", "n"), [("oxigraph", N), ("rdflib", N // 3)])
def test_no_generated_query_reaches_the_network(recorder, engine, n):
    """Oxigraph is the engine that reads a text other than the guard's parser could: all N
    queries; rdflib evaluates the very query the guard parsed, so a third of them."""
    data = _oxigraph_store() if engine == "oxigraph" else _rdflib_dataset()
    made = queries(recorder.url, n)
    assert len(set(made)) > n * 0.9  # the generator varies
    refused: dict[str, int] = {}
    for q in made:
        try:
            _evaluate(lambda: data, q, False)
        except QueryError as exc:
            reason = str(exc).split(":")[0]
            refused[reason] = refused.get(reason, 0) + 1
        assert recorder.requests == [], f"the {engine} engine sent a request for {q!r}"
    # the generator is not all refusals: the fuzz reaches the engine
    assert sum(refused.values()) < len(made), refused
    assert refused.get("SERVICE (federated query) is refused", 0) > n // 4, refused


def test_service_only_in_strings_and_comments_runs():
    """The guard refuses what holds SERVICE, not what only names it."""
    data = _oxigraph_store()
    for q in [
        'SELECT * WHERE { ?s ?p ?o FILTER(?o != "SERVICE <http://x/>") }',
        "SELECT * WHERE { ?s ?p ?o # SERVICE <http://x/> { ?a ?b ?c }\n}",
        "SELECT * WHERE { ?s ?p ?o FILTER(?s != <http://x/#SERVICE>) }",
    ]:
        result = _evaluate(lambda: data, q, False)
        assert [str(r[result.vars.index("o")]) for r in result.rows] == ["o"], q


def test_the_fuzz_is_the_same_for_the_same_seed():
    assert queries("http://127.0.0.1:1") == queries("http://127.0.0.1:1")
    assert queries("http://127.0.0.1:1") != queries("http://127.0.0.1:1", seed=SEED + 1)
