"""speechkg load: graph files written by a build, bulk-loaded into an on-disk store, give the
store `build --store` gives for the same speeches; a bad file changes nothing."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.query import engines as query_engines

runner = CliRunner()

TEXTS = {
    "a.txt": "2022年2月8日，省委召开全省工会工作会议。全总有关负责同志出席会议，部署开展“五大行动”。",
    "b.txt": "市总工会十五届三次全委会议于2023年3月2日召开。会议要求深入实施“技能强市”行动，全总充分肯定。",
    "c.txt": "2021年，全总部署“五大行动”，省委充分肯定。中华全国总工会召开十八届二次执委会议。",
}


@pytest.fixture
def speeches(tmp_path):
    d = tmp_path / "speeches"
    d.mkdir()
    for name, text in TEXTS.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def quads(db) -> set[tuple[str, str, str, str]]:
    """Every quad of a store, the default graph's included ("" for its name)."""
    store = ox.Store.read_only(str(db))
    try:
        return {
            (
                str(x.subject),
                str(x.predicate),
                str(x.object),
                "" if isinstance(x.graph_name, ox.DefaultGraph) else str(x.graph_name),
            )
            for x in store
        }
    finally:
        del store


def ok(*args):
    r = runner.invoke(cli, list(map(str, args)))
    assert r.exit_code == 0, r.output
    return r


@pytest.mark.slow
def test_load_gives_the_store_build_store_gives(speeches, tmp_path):
    ok("build", speeches, "--store", tmp_path / "built")
    built = quads(tmp_path / "built")
    ok("build", speeches, "-o", tmp_path / "c.nq")
    ok("build", speeches, "-o", tmp_path / "c.trig")
    nq_lines = len((tmp_path / "c.nq").read_text(encoding="utf-8").splitlines())
    for name in ("c.nq", "c.trig"):
        db = tmp_path / f"loaded-{name}"
        r = ok("load", tmp_path / name, "--store", db)
        assert r.stderr == f"3 graph(s) from 1 file(s), {nq_lines} quads → store {db}\n"
        assert quads(db) == built
    named = {x[:3] for x in built if x[3]}
    assert {x[:3] for x in built if not x[3]} == named  # the default graph is the merge of the speeches
    assert len(built) == nq_lines + len(named)


def test_one_speech_in_turtle_goes_into_its_own_graph(speeches, tmp_path):
    ok("build", speeches / "a.txt", "--store", tmp_path / "built")
    ok("build", speeches / "a.txt", "-o", tmp_path / "a.ttl")
    ok("load", tmp_path / "a.ttl", "--store", tmp_path / "db")
    assert quads(tmp_path / "db") == quads(tmp_path / "built")


@pytest.mark.slow
def test_a_speech_loaded_again_is_replaced(speeches, tmp_path):
    """Loading a rebuilt speech replaces its graph and its share of the default graph: the
    store is then the one `build --store` makes of the same steps."""
    ok("build", speeches, "--store", tmp_path / "built")
    ok("build", speeches, "-o", tmp_path / "v1.nq")
    ok("load", tmp_path / "v1.nq", "--store", tmp_path / "db")
    (speeches / "a.txt").write_text("2022年3月1日，市委召开农村工作会议。", encoding="utf-8")
    ok("build", speeches / "a.txt", "--store", tmp_path / "built")
    ok("build", speeches / "a.txt", "-o", tmp_path / "v2.nq")
    r = ok("load", tmp_path / "v2.nq", "--store", tmp_path / "db")
    lines = len((tmp_path / "v2.nq").read_text(encoding="utf-8").splitlines())
    assert r.stderr == f"1 graph(s) from 1 file(s), {lines} quads → store {tmp_path / 'db'} (1 replaced)\n"
    after = quads(tmp_path / "db")
    assert after == quads(tmp_path / "built")
    assert any("农村工作会议" in x[2] for x in after) and not any("全省工会工作会议" in x[2] for x in after)
    r = ok("load", tmp_path / "v2.nq", "--store", tmp_path / "db", "--replace")
    assert r.stderr.endswith(f"→ store {tmp_path / 'db'} (the store emptied first)\n")
    ok("build", speeches / "a.txt", "--store", tmp_path / "only-a")
    assert quads(tmp_path / "db") == quads(tmp_path / "only-a")


def test_a_bad_file_changes_nothing(speeches, tmp_path):
    ok("build", speeches, "-o", tmp_path / "c.nq")
    ok("build", speeches / "a.txt", "-o", tmp_path / "a.nq")
    db = tmp_path / "db"
    ok("load", tmp_path / "a.nq", "--store", db)
    before = quads(db)
    bad = tmp_path / "bad.nq"
    bad.write_text('<http://a> <http://b> "unterminated <http://g> .\n', encoding="utf-8")
    mixed = tmp_path / "mixed.trig"
    mixed.write_text(
        "<http://a> <http://b> <http://c> .\n<http://g> { <http://a> <http://b> <http://d> . }\n", encoding="utf-8"
    )
    cases = [
        ([tmp_path / "c.nq", bad], f"{bad}: not a readable nquads graph ("),
        ([tmp_path / "c.nq", tmp_path / "missing.nq"], f"{tmp_path / 'missing.nq'}: no such graph file"),
        (
            [tmp_path / "c.nq", tmp_path / "a.nq"],
            f"{tmp_path / 'c.nq'} and {tmp_path / 'a.nq'} both hold the graph <https://w3id.org/speechkg/id/speech/",
        ),
        (
            [mixed],
            f"{mixed}: 1 triples are outside any named graph, beside 1 named graphs; load graphs as "
            "`speechkg build` writes them (each speech in its own graph, or a file of triples); "
            "nothing was loaded",
        ),
    ]
    for files, message in cases:
        for extra in ([], ["--replace"]):
            r = runner.invoke(cli, ["load", *map(str, files), "--store", str(db), *extra])
            assert r.exit_code == 1
            assert r.stderr.startswith(f"Error: {message}") and r.stderr.count("\n") == 1, r.stderr
            assert r.stderr.endswith("nothing was loaded\n") or "no such graph file" in r.stderr
            assert quads(db) == before
    other = tmp_path / "documents"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    r = runner.invoke(cli, ["load", str(tmp_path / "a.nq"), "--store", str(other)])
    assert r.exit_code == 1 and r.stderr == (
        f"Error: {other}: is not empty and is not an Oxigraph store; give a new "
        "or empty directory (its files would be mixed with the store's)\n"
    )
    assert [c.name for c in other.iterdir()] == ["notes.txt"]


def test_query_on_a_large_file_says_once_that_a_store_would_be_fast(speeches, tmp_path, monkeypatch):
    ok("build", speeches, "-o", tmp_path / "c.nq")
    ok("build", speeches, "-o", tmp_path / "c.trig")
    text = "ASK { ?s ?p ?o }"
    r = ok("query", tmp_path / "c.nq", tmp_path / "c.trig", text)
    assert r.stderr == ""
    monkeypatch.setattr(query_engines, "SLOW_FILE", 1000)
    r = ok("query", tmp_path / "c.nq", tmp_path / "c.trig", text)
    size = (tmp_path / "c.nq").stat().st_size + (tmp_path / "c.trig").stat().st_size
    assert r.stdout == "true\n"
    assert r.stderr == (
        f"Note: the graph files ({size / 2**20:.3g} MiB) are parsed again by every query; load "
        f"them into a store once and query the store, which is fast: speechkg load "
        f"{tmp_path / 'c.nq'} {tmp_path / 'c.trig'} --store DIR, then speechkg query --store DIR …\n"
    )
    db = tmp_path / "db"
    ok("load", tmp_path / "c.nq", "--store", db)
    assert ok("query", "--store", db, text).stderr == ""
