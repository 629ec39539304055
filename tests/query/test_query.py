"""Saved queries, output formats, refusals, timeouts, and the Oxigraph store."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

import speechkg.api as skg
from speechkg.cli import cli
from speechkg.graph.errors import QueryError
from speechkg.graph.query.engines import StorePath, query_sources, run
from speechkg.graph.query.results import format_result
from speechkg.graph.query.saved import bind, saved
from speechkg.graph.rdf import oxstore
from speechkg.graph.rdf.parse import load

runner = CliRunner()


def rows(seed_ttl, *args) -> list[list[str]]:
    r = runner.invoke(cli, ["query", str(seed_ttl), *args, "--format", "csv"])
    assert r.exit_code == 0, r.output
    return list(csv.reader(io.StringIO(r.stdout_bytes.decode("utf-8"))))


def test_queries_lists_every_saved_query():
    r = runner.invoke(cli, ["queries"])
    assert r.exit_code == 0
    names = [line.split()[0] for line in r.output.splitlines()]
    assert names == sorted(saved())
    assert {"timeline", "campaigns", "goals", "bodies", "formulas", "provenance", "sections"} <= set(names)
    assert all(len(line.split(None, 1)) == 2 for line in r.output.splitlines())


@pytest.mark.slow
def test_timeline_lists_dated_meetings_in_order(seed_ttl):
    got = [(d, e) for d, e, t in rows(seed_ttl, "--saved", "timeline")[1:] if t == "Meeting" and len(d) == 10]
    assert got == [
        ("2021-12-24", "十三届全国人大常委会第三十二次会议"),
        ("2022-01-21", "中央书记处办公会议"),
        ("2022-01-29", "全总十七届五次执委会议"),
        ("2022-02-21", "省委工青妇工作会议"),
    ]


@pytest.mark.slow
def test_campaigns_with_endorsers(seed_ttl):
    got = {tuple(r) for r in rows(seed_ttl, "--saved", "campaigns")[1:]}
    assert {
        ("五大行动", "endorsedBy", "全总"),
        ("五大行动", "endorsedBy", "省委"),
        ("十件实事", "endorsedBy", "省委"),
    } <= got


@pytest.mark.slow
def test_goals_with_proposers(seed_ttl):
    assert ["两个确保", "省第十一次党代会"] in rows(seed_ttl, "--saved", "goals")


def test_bodies_ranked_by_mentions(seed_ttl):
    got = rows(seed_ttl, "--saved", "bodies")[1:]
    counts = [int(n) for _, n in got]
    assert counts == sorted(counts, reverse=True)
    assert got[0][0] == "省委"


def test_numbered_formulas(seed_ttl):
    got = {(f, t, n) for f, t, n, _ in rows(seed_ttl, "--saved", "formulas")[1:]}
    assert {
        ("五大行动", "Campaign", "5"),
        ("十件实事", "Campaign", "10"),
        ("两个确立", "Concept", "2"),
        ("两个确保", "Goal", "2"),
    } <= got


def test_provenance_of_an_entity(seed_ttl):
    got = rows(seed_ttl, "--saved", "provenance", "--param", "label=王沪宁同志")[1:]
    assert len(got) == 1
    entity, source, begin, sentence = got[0]
    assert (entity, source) == ("王沪宁", "provincial-union-2022.txt")
    assert sentence.startswith("1月21日，王沪宁同志主持召开中央书记处办公会议")


@pytest.mark.slow
def test_entities_by_section(seed_ttl):
    got = rows(seed_ttl, "--saved", "sections")[1:]
    assert [
        "provincial-union-2022.txt",
        "（二）深入推进工会工作法治化建设",
        "Document",
        "中华人民共和国工会法",
        "6",
    ] in got
    headings = [r[1] for r in got]
    assert headings.index("一、坚定拥护“两个确立”，牢牢把握工会工作正确政治方向") < headings.index(
        "（二）深入推进工会工作法治化建设"
    )  # sections in the order of the speech
    assert rows(seed_ttl, "--saved", "sections", "--param", "source=provincial-union-2022.txt")[1:] == got


FORMULAS = (
    "两岸要坚持“九二共识”，推动“百业+文旅”融合发展，深入开展“五大行动”，办好“十件实事”，做到“两个维护”，稳住“六稳”。"
)


def test_a_formulas_number_is_a_count_before_a_measure(tmp_path):
    """九二共识 is the consensus of 1992 and 百业+文旅 no hundred of anything: their numerals are
    no counts; 六稳 has a count but no measure (issue 28)."""
    (tmp_path / "f.txt").write_text(FORMULAS, encoding="utf-8")
    out = tmp_path / "f.nq"
    assert runner.invoke(cli, ["build", str(tmp_path / "f.txt"), "-o", str(out)]).exit_code == 0
    want = [
        ["formula", "type", "number", "member"],
        ["两个维护", "Concept", "2", ""],
        ["五大行动", "Campaign", "5", ""],
        ["十件实事", "Campaign", "10", ""],
    ]
    assert rows(out, "--saved", "formulas") == want
    assert runner.invoke(cli, ["load", str(out), "--store", str(tmp_path / "db")]).exit_code == 0
    r = runner.invoke(cli, ["query", "--store", str(tmp_path / "db"), "--saved", "formulas", "--format", "csv"])
    assert list(csv.reader(io.StringIO(r.stdout))) == want


def test_an_unknown_speech_is_an_error_naming_the_speeches(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("一、政治引领\n市委召开全会。", encoding="utf-8")
    out = tmp_path / "c.trig"
    assert (
        runner.invoke(cli, ["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(out)]).exit_code == 0
    )
    assert runner.invoke(cli, ["load", str(out), "--store", str(tmp_path / "db")]).exit_code == 0
    for where in ([str(out)], ["--store", str(tmp_path / "db")]):
        r = runner.invoke(cli, ["query", *where, "--saved", "sections", "--param", "source=nope.txt"])
        assert (r.exit_code, r.stdout) == (1, "")
        assert r.stderr == "Error: --param source: none of the speeches is 'nope.txt'; they are a.txt, b.txt\n"
        assert len(rows(out, "--saved", "sections", "--param", "source=a.txt")) == 2  # header, 市委
    kg = skg.load(out)
    with pytest.raises(QueryError, match=r"^query\(source=…\): none of the speeches is 'nope.txt'; they are a"):
        kg.query(saved()["sections"][1], source="nope.txt")
    with pytest.raises(QueryError, match=r"^params\['source'\]: none of the speeches is 'x'; they are a\.txt"):
        skg.open_graph(out).query_result(saved()["sections"][1], "csv", {"source": "x"})


def test_parameters_and_positions_in_errors_speak_the_callers_words(tmp_path):
    """A parameter is named as the caller gave it (--param, a keyword, a dict key), and a
    malformed query's position is in the query as written, not after the hidden prefixes."""
    kg = skg.build_text("市委召开全会。", source="a.txt")
    with pytest.raises(QueryError) as exc:
        kg.query("SELECT ?e WHERE { ?e skos:prefLabel ?label }", lable="市委")
    assert str(exc.value) == (
        "query(lable=…): the query has no variable ?lable, so its values would only repeat every row; "
        "name one of its variables: ?e, ?label"
    )
    with pytest.raises(QueryError, match=r"^malformed SPARQL: .*\(at char 18, line 1, col 19\)$"):
        kg.query("SELECT ?x WHERE { ?x ?y }")
    with pytest.raises(QueryError, match=r"^malformed SPARQL: .*\(at char 22, line 3, col 2\)$"):
        kg.query("\n  SELECT ?x WHERE {\n ?x ?y }")
    kg.serialize(tmp_path / "a.ttl")
    r = runner.invoke(cli, ["query", str(tmp_path / "a.ttl"), "SELECT ?e WHERE { ?e ?p ?o }", "--param", "lable=x"])
    assert r.stderr.startswith("Error: --param lable: the query has no variable ?lable")
    r = runner.invoke(cli, ["query", str(tmp_path / "a.ttl"), "SELECT ?x WHERE { ?x ?y }"])
    assert r.stderr.endswith("(at char 18, line 1, col 19)\n")


@pytest.mark.slow
def test_parameters_are_literals_not_code(seed_ttl):
    got = rows(seed_ttl, "--saved", "provenance", "--param", 'label=x" } DELETE WHERE { ?s ?p ?o } #')
    assert got == [["entity", "source", "begin", "sentence"]]


def test_unknown_saved_query(seed_ttl):
    r = runner.invoke(cli, ["query", str(seed_ttl), "--saved", "nope"])
    assert r.exit_code == 1
    assert r.output.startswith("Error: no saved query 'nope'; `speechkg queries` lists them: ")


@pytest.mark.slow
def test_json_is_sparql_results_json(seed_ttl):
    r = runner.invoke(cli, ["query", str(seed_ttl), "--saved", "timeline", "--format", "json"])
    doc = json.loads(r.output)
    assert doc["head"]["vars"] == ["date", "entity", "type"]
    first = doc["results"]["bindings"][0]
    assert first["date"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"
    assert first["entity"]["xml:lang"] == "zh"


@pytest.mark.slow
def test_tsv_and_construct(seed_ttl):
    r = runner.invoke(
        cli,
        [
            "query",
            str(seed_ttl),
            "SELECT ?l WHERE { ?p a skg:Person ; skos:prefLabel ?l } ORDER BY ?l",
            "--format",
            "tsv",
        ],
    )
    assert r.output == "l\n习近平\n王东明\n王沪宁\n"
    r = runner.invoke(cli, ["query", str(seed_ttl), "DESCRIBE <https://w3id.org/speechkg/id/date/2022-01-21>"])
    assert r.exit_code == 0 and "rdf:value" in r.output


@pytest.mark.parametrize(
    "text,message",
    [
        ("INSERT DATA { <a:b> <a:c> <a:d> }", "updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE) are refused"),
        (
            "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://127.0.0.1:9/> { ?s ?p ?x } } }",
            "SERVICE (federated query) is refused",
        ),
        ("SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", "FROM / FROM NAMED are refused"),
    ],
)
def test_refusals(seed_ttl, text, message):
    r = runner.invoke(cli, ["query", str(seed_ttl), text])
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {message}")
    assert len(r.output.strip().splitlines()) == 1


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.slow
def test_timeout_stops_a_runaway_query(seed_ttl, engine):
    data = load([str(seed_ttl)]) if engine == "rdflib" else oxstore.load_files([str(seed_ttl)])
    with pytest.raises(QueryError, match=r"ran past the --timeout of 0.5 s"):
        run(data, RUNAWAY, timeout=0.5)


def test_timeout_through_the_cli(small_ttl):
    """The timeout covers reading the file too, so the graph is a small one (102 triples, read in
    milliseconds, 102**4 rows to count): stopped while it evaluates, however busy the machine."""
    r = runner.invoke(cli, ["query", str(small_ttl), RUNAWAY, "--timeout", "3"])
    assert r.exit_code == 1
    assert r.output == (
        "Error: the query ran past the --timeout of 3 s and was stopped; simplify it or raise --timeout\n"
    )


@pytest.fixture(scope="module")
def corpus_trig(tmp_path_factory, seed_path):
    d = tmp_path_factory.mktemp("corpus")
    (d / "a.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    (d / "b.txt").write_text("1月5日，全总召开十七届六次执委会议。全总充分肯定“五大行动”。", encoding="utf-8")
    out = d / "corpus.trig"
    assert runner.invoke(cli, ["build", str(d), "-o", str(out), "--date", "2022-03-01"]).exit_code == 0
    return out


@pytest.mark.slow
def test_both_engines_give_the_same_rows(seed_ttl, corpus_trig):
    """Entities described in several speeches count once on both engines (set semantics)."""
    for path in (seed_ttl, corpus_trig):
        on_rdflib, on_oxigraph = load([str(path)]), oxstore.load_files([str(path)])
        for name, (_, text) in saved().items():
            text = bind(text, {"label": "全总"}) if name == "provenance" else text
            a = format_result(run(on_rdflib, text), "csv")
            b = format_result(run(on_oxigraph, text), "csv")
            assert a == b, (path.name, name)
    bodies = run(oxstore.load_files([str(corpus_trig)]), saved()["bodies"][1])
    assert [str(c) for c in bodies.rows[0]] == ["全总", "8"]  # 6 in the seed, 2 in b.txt


@pytest.mark.slow
def test_store_build_replaces_a_speech_and_keeps_others(tmp_path, seed_path):
    a = tmp_path / "a.txt"
    a.write_text("2月21日，省委召开工青妇工作会议。", encoding="utf-8")
    db = tmp_path / "db"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert runner.invoke(cli, ["build", str(seed_path), "--store", str(db)]).exit_code == 0
    seed_only = rows_store(db, count)
    assert runner.invoke(cli, ["build", str(a), "--store", str(db), "--date", "2022-03-01"]).exit_code == 0
    both = rows_store(db, count)
    assert both > seed_only
    a.write_text("2月22日，市委召开农村工作会议。", encoding="utf-8")
    assert runner.invoke(cli, ["build", str(a), "--store", str(db), "--date", "2022-03-01"]).exit_code == 0
    meetings = format_result(
        query_sources([], "SELECT ?l WHERE { ?m a skg:Meeting ; skos:prefLabel ?l } ORDER BY ?l", store_dir=str(db)),
        "tsv",
    )
    assert "市委农村工作会议" in meetings and "工青妇工作会议\n" not in meetings.replace("省委工青妇", "")
    assert "省委工青妇工作会议" in meetings  # the seed's own meeting is still there


def rows_store(db, text) -> int:
    res = query_sources([], text, store_dir=str(db))
    return int(res.rows[0][0])


def test_query_a_missing_store(tmp_path):
    r = runner.invoke(cli, ["query", "--store", str(tmp_path / "none"), "ASK {}"])
    assert r.exit_code == 1
    assert "no store here" in r.output


def test_large_files_use_oxigraph(seed_ttl, monkeypatch):
    monkeypatch.setattr(oxstore, "LARGE", 10)
    res = query_sources([str(seed_ttl)], "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(res.rows[0][0]) == len(load([str(seed_ttl)]))


def test_parameters_open_the_where_group_and_match_labels_in_any_form():
    text = "# a WHERE { in a comment\nSELECT ?e WHERE { ?e skos:prefLabel ?label . FILTER(?x != <http://a#WHERE>) }"
    bound = bind(text, {"label": "全总"})
    assert bound.startswith(
        '# a WHERE { in a comment\nSELECT ?e WHERE {\n  VALUES ?label { "全总" "全总"@zh "全总"@zh-Hant }\n'
    )
    assert bind("ASK { ?s ?p ?o }", {"o": "x"}).endswith('VALUES ?o { "x" "x"@zh "x"@zh-Hant }\n')
    two = bind("SELECT * WHERE { ?a ?b ?c }", {"b": "1", "c": "2"})
    assert 'VALUES ?b { "1" "1"@zh "1"@zh-Hant }\n  VALUES ?c { "2" "2"@zh "2"@zh-Hant }' in two  # one block each


def test_a_parameter_picks_rows_before_grouping(tmp_path):
    """--param source=FILE on the sections query gives that speech's rows, the same on both engines."""
    (tmp_path / "a.txt").write_text(
        "一、政治引领\n市委召开全会。市总工会开展“金秋助学”活动。\n二、服务职工\n市总工会召开全委会议。",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text("一、基本情况\n市总工会开展“送清凉”活动，市委充分肯定。", encoding="utf-8")
    out = tmp_path / "c.trig"
    assert (
        runner.invoke(
            cli, ["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(out), "--date", "2023-05-01"]
        ).exit_code
        == 0
    )
    text = saved()["sections"][1]
    whole = run(load([str(out)]), text)
    sources = sorted({str(r[0]) for r in whole.rows})
    assert sources == ["a.txt", "b.txt"]
    for engine in (load, oxstore.load_files):
        one = run(engine([str(out)]), bind(text, {"source": "a.txt"}))
        assert [list(map(str, r)) for r in one.rows] == [list(map(str, r)) for r in whole.rows if str(r[0]) == "a.txt"]
        assert len(one.rows) >= 3


def test_store_default_graph_stays_the_merge_when_a_speech_is_replaced(tmp_path):
    from rdflib import URIRef

    a, b, p = (URIRef(f"https://example.org/{x}") for x in ("a", "b", "p"))
    shared, only_a, new_a = (a, p, URIRef("https://example.org/shared")), (a, p, a), (a, p, b)

    def add(quads):  # as a build does: open, add the speeches, close
        st = oxstore.open_store(tmp_path / "db")
        oxstore.add_quads(st, quads)
        del st

    def default():  # the default graph, read by a child that opens the store itself
        res = run(StorePath(str(tmp_path / "db")), "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
        return {tuple(map(str, r)) for r in res.rows}

    add([(*shared, a), (*only_a, a), (*shared, b)])
    assert default() == {tuple(map(str, t)) for t in (shared, only_a)}
    add([(*new_a, a)])  # speech a rebuilt: it no longer says `shared` or `only_a`
    assert default() == {tuple(map(str, t)) for t in (shared, new_a)}  # b still says `shared`


@pytest.mark.slow
def test_a_store_is_queried_in_a_child_that_opens_it(tmp_path):
    """A child forked while a store's RocksDB threads flush or compact can copy their locks
    held and wait for ever: `query --store` opens the store in the child only, so the parent
    never runs those threads."""
    import subprocess
    import sys

    from rdflib import URIRef

    st = oxstore.open_store(tmp_path / "db")
    ex = "https://example.org/"
    oxstore.add_quads(st, [(URIRef(ex + "a"), URIRef(ex + "p"), URIRef(ex + "b"), URIRef(ex + "g"))])
    del st
    code = (
        "from speechkg.graph.query import engines, sandbox; "
        f"r = engines.query_sources([], 'SELECT ?s WHERE {{ ?s ?p ?o }}', store_dir={str(tmp_path / 'db')!r}, "
        "timeout=60); print(len(r.rows), sandbox.native_threads())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["1", "False"], out.stderr[-500:]


def test_both_engines_write_the_same_json_for_plain_strings(seed_ttl):
    """A string literal is a simple literal on both engines (Oxigraph's "x"^^xsd:string was
    written with a datatype in SPARQL JSON, rdflib's "x" without): one converter, rdf.terms."""
    import pyoxigraph as ox
    from rdflib import Literal

    from speechkg.graph.rdf.terms import rdflib_term

    assert rdflib_term(ox.Literal("全总")) == Literal("全总")
    assert rdflib_term(ox.Literal("全总", language="zh")) == Literal("全总", lang="zh")
    assert rdflib_term(ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))).value == 3
    text = (
        "SELECT ?rule ?text ?label WHERE { ?m skg:rule ?rule ; nif:anchorOf ?text ; itsrdf:taIdentRef ?e . "
        "?e skos:prefLabel ?label } ORDER BY ?rule ?text LIMIT 5"
    )
    on_rdflib = format_result(run(load([str(seed_ttl)]), text), "json")
    on_oxigraph = format_result(run(oxstore.load_files([str(seed_ttl)]), text), "json")
    assert on_rdflib == on_oxigraph
    assert '"xml:lang": "zh"' in on_rdflib and '"datatype"' not in on_rdflib  # labels tagged, strings plain
