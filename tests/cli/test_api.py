"""The package as installed (one top-level name, `python -m speechkg`) and the Python API of
speechkg.api, including the README's Python examples, run as they are written."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from rdflib import Graph

import speechkg.api as skg
from speechkg.graph.errors import GraphFileError, InputError, QueryError

from ..conftest import ROOT, SEED

NEWS = "2022年1月21日，全总召开第十八届执委会第二次会议，王东明同志主持会议并讲话。"


@pytest.fixture(scope="module")
def kg():
    return skg.build([SEED])


@pytest.mark.slow
def test_readme_python_examples_run(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python") :]
    section = section[: section.index("\n## ", 1)]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, "README.md", "exec"), scope)  # noqa: S102 — the README's own code
    shown = re.findall(r"^# → (.*)$", section, re.M)  # what the README says its prints print
    assert len(shown) >= 4 and printed.getvalue().splitlines() == shown
    assert (tmp_path / "seed.trig").stat().st_size > 0
    assert "<html" in (tmp_path / "seed.html").read_text(encoding="utf-8")[:500].lower()


#: what a checkout holds at its top besides its files: not copied to build a wheel (graph/build is)
UNSHIPPED = {".git", ".venv", "build", "dist", "speechkg.egg-info", ".hypothesis", ".ruff_cache", ".pytest_cache"}


def _unshipped(directory: str, names: list[str]) -> set[str]:
    top = UNSHIPPED if directory == str(ROOT) else set()
    return top | {n for n in names if n == "__pycache__"}


@pytest.mark.slow
def test_wheel_installs_one_top_level_name(tmp_path):
    """Built from a copy of the checkout: setuptools writes build/ and speechkg.egg-info/ into the
    tree it builds, which two test runs at once on one checkout would share."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=_unshipped)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (wheel,) = tmp_path.glob("speechkg-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        top = z.read(next(n for n in names if n.endswith(".dist-info/top_level.txt"))).decode().split()
        entry = z.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert top == ["speechkg"]
    assert {n.split("/")[0] for n in names if not n.startswith("speechkg-")} == {"speechkg"}
    assert "speechkg = speechkg.cli:cli" in entry
    assert "speechkg/graph/extract/data/titles.tsv" in names and "speechkg/ontology/shapes.ttl" in names
    assert not any(n.startswith(("speechkg/tests/", "speechkg/benchmarks/")) for n in names)


@pytest.mark.slow
def test_python_dash_m_and_a_users_own_modules_do_not_shadow(tmp_path):
    for name in ("graph.py", "cli.py", "ontology.py"):  # a user's own files in the working directory
        (tmp_path / name).write_text("raise SystemExit('shadowed')\n")
    r = subprocess.run(
        [sys.executable, "-m", "speechkg", "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0 and r.stdout.startswith("speechkg"), r.stderr
    r = subprocess.run(
        [sys.executable, "-c", "from speechkg.graph.build import pipeline; print(pipeline.__name__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.stdout.strip() == "speechkg.graph.build.pipeline", r.stderr


def test_entities_relations_and_mentions_agree_with_the_text(kg):
    text = SEED.read_text(encoding="utf-8")
    entities = kg.entities()
    assert len(entities) == len({e.iri for e in entities}) == kg.to_networkx().number_of_nodes()
    assert [e.type for e in entities] == sorted((e.type for e in entities), key=skg.ENTITY_TYPES.index)
    (wuda,) = kg.find("五大行动")
    assert wuda.type == "Campaign" and wuda.mentions == len(kg.mentions(wuda)) >= 2
    for m in kg.mentions(wuda):
        assert text[m.start : m.end] == m.text and m.text in m.sentence
    chairs = kg.relations(predicate="chair")
    assert chairs and all(r.predicate == "chair" and r.evidence and r.object_label in r.evidence for r in chairs)
    assert {r.predicate for r in kg.relations()} >= {"chair", "date", "endorsedBy"}


def test_mentions_by_label_and_unknown_label(kg):
    assert kg.mentions("全总") == kg.mentions(kg.find("全总")[0].iri)
    with pytest.raises(InputError, match=r"^no entity is labelled '不存在'; see kg.entities\(\) for the labels$"):
        kg.mentions("不存在")
    with pytest.raises(InputError, match=r"^unknown type 'Organisation'; use one of Campaign, Body"):
        kg.entities(type="Organisation")


def test_query_rows_params_ask_construct_and_guard(kg):
    rows = kg.query("SELECT ?e ?n WHERE { ?e skos:prefLabel ?l ; skg:number ?n }", l="五大行动")
    assert rows == [{"e": kg.find("五大行动")[0].iri, "n": 5}] and rows.columns == ["e", "n"]
    assert kg.query("ASK { ?e skos:prefLabel ?l }", l="没有这个") is False
    g = kg.query("CONSTRUCT { ?e a skg:Campaign } WHERE { ?e a skg:Campaign }")
    assert isinstance(g, Graph) and len(g) == len(kg.entities(type="Campaign"))
    with pytest.raises(QueryError, match="read-only"):
        kg.query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(QueryError, match=r"^the query ran past the --timeout of 2 s and was stopped"):
        kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=2)


def test_to_pandas(kg, monkeypatch):
    rows = kg.query("SELECT ?l ?n WHERE { ?e a skg:Campaign ; skos:prefLabel ?l ; skg:number ?n } ORDER BY ?l")
    frame = rows.to_pandas()
    assert list(frame.columns) == ["l", "n"] and list(frame["l"]) == [r["l"] for r in rows] and len(rows) >= 2
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if pandas were not installed
    with pytest.raises(skg.SpeechKGError, match=r"^to_pandas needs pandas, which is not installed; pip install "):
        rows.to_pandas()


def test_build_text_is_the_build_of_the_same_file(tmp_path):
    f = tmp_path / "news-1.txt"
    f.write_text(NEWS, encoding="utf-8")
    from_text = skg.build_text(NEWS, source="news-1.txt")
    from_file = skg.build([f])
    from_text.serialize(tmp_path / "a.nq")
    from_file.serialize(tmp_path / "b.nq")
    assert (tmp_path / "a.nq").read_bytes() == (tmp_path / "b.nq").read_bytes()
    assert [(e.type, e.label) for e in from_text.entities()] == [
        ("Body", "全总"),
        ("Date", "2022-01-21"),
        ("Meeting", "全总第十八届执委会第二次会议"),
        ("Person", "王东明"),
    ]
    with pytest.raises(InputError, match="^build_text takes the speech as a str, not bytes$"):
        skg.build_text(NEWS.encode())
    with pytest.raises(InputError, match="^'21 Jan' is not a date; use YYYY-MM-DD$"):
        skg.build_text(NEWS, date="21 Jan")


@pytest.mark.slow
def test_load_files_and_store_give_the_same_graph(kg, tmp_path):
    kg.serialize(tmp_path / "seed.trig")
    from speechkg.graph.build.pipeline import build
    from speechkg.graph.rdf import oxstore

    oxstore.add_quads(oxstore.open_store(tmp_path / "db"), build([str(SEED)]).quads)
    from_file = skg.load(tmp_path / "seed.trig")
    from_store = skg.load(store_dir=tmp_path / "db")
    assert from_file.entities() == from_store.entities() == kg.entities()
    assert len(from_store.query("SELECT ?e WHERE { ?e a skg:Person }")) == len(kg.entities(type="Person"))
    with pytest.raises(GraphFileError, match="no such graph file"):
        skg.load(tmp_path / "missing.ttl")
    with pytest.raises(GraphFileError, match="no store here"):
        skg.load(store_dir=tmp_path / "nothing")


def test_serialize_is_atomic_and_refuses_a_bad_format(kg, tmp_path):
    out = tmp_path / "g.ttl"
    out.write_text("kept")
    with pytest.raises(skg.SpeechKGError):
        kg.serialize(out, format="no-such-format")
    assert out.read_text() == "kept"


def test_build_errors_are_the_cli_messages(tmp_path):
    with pytest.raises(InputError, match=r"missing\.txt: no such file"):
        skg.build([tmp_path / "missing.txt"])
    big = tmp_path / "big.txt"
    big.write_text("全总" * 400_000, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        skg.build([big], max_size_mib=1)
    assert str(exc.value) == f"{big}: 2.29 MiB is over the 1 MiB limit; raise it with --max-size"


SPEECHES = (
    "SELECT ?source ?date ?title WHERE { ?s a skg:Speech ; skg:sourceFile ?source ; "
    "dcterms:date ?date ; dcterms:title ?title } ORDER BY ?source"
)


def _news_csv(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text(
        "url,published,headline,body\n"
        f"n1,2022-01-21,执委会会议,{NEWS}\n"
        "n2,2023-03-02,市总全委会议,市总工会十五届三次全委会议召开。会议要求深入实施“技能强市”行动。\n"
        "n3,2021-05-01,省委会议,省委召开全省工会工作会议，部署开展“五大行动”。\n",
        encoding="utf-8",
    )
    return path


def test_build_reads_a_corpus_by_the_row_fields_given(tmp_path):
    corpus = _news_csv(tmp_path)
    kg = skg.build(corpus, text_field="body", id_field="url", date_field="published", title_field="headline")
    rows = kg.query(SPEECHES)
    assert [(r["source"], str(r["date"]), r["title"]) for r in rows] == [
        ("n1", "2022-01-21", "执委会会议"),
        ("n2", "2023-03-02", "市总全委会议"),
        ("n3", "2021-05-01", "省委会议"),
    ]
    assert kg.find("全总")  # the text is the body's
    with pytest.raises(InputError, match=r"news\.csv.*text"):  # the default text field is not there
        skg.build(corpus)


def test_build_shard_builds_every_nth_speech(tmp_path):
    corpus = _news_csv(tmp_path)
    fields = {"text_field": "body", "id_field": "url"}
    sources = "SELECT ?source WHERE { ?s a skg:Speech ; skg:sourceFile ?source } ORDER BY ?source"
    shards = [[r["source"] for r in skg.build(corpus, shard=f"{i}/2", **fields).query(sources)] for i in range(2)]
    assert shards == [["n1", "n3"], ["n2"]]
    for bad in ("2/2", "1", "a/b"):
        with pytest.raises(InputError) as exc:
            skg.build(corpus, shard=bad, **fields)
        assert str(exc.value) == f"{bad!r} is not a shard; give I/N with 0 <= I < N, e.g. 0/4"


def test_build_on_an_unreachable_scheduler_is_the_cli_error(tmp_path):
    import socket

    from speechkg.graph.errors import SpeechKGError

    pytest.importorskip("distributed")
    with socket.socket() as s:  # a loopback port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SpeechKGError) as exc:
        skg.build([SEED], scheduler=f"tcp://127.0.0.1:{port}")
    assert str(exc.value) == (
        f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: nothing listens there; "
        "is `dask scheduler` running?"
    )


def test_the_commands_are_methods_of_one_object(kg, tmp_path):
    """What `speechkg stats`, `validate`, `timeline`, `compare` and `query` print comes from
    KnowledgeGraph methods; open_graph reads a file only when a method needs it."""
    seed = tmp_path / "seed.ttl"
    kg.serialize(seed)
    speeches, entities, relations = kg.counts()
    assert speeches == 1 and entities == len(kg.entities()) and relations > 0
    opened = skg.open_graph(seed)
    stats = opened.stats(top=3)
    assert sum(stats.by_type.values()) == entities and len(stats.top) == 3
    assert opened.validate().conforms
    assert [a.source for a in opened.timeline("全总")] == ["provincial-union-2022.txt"]
    same = opened.compare(skg.load(seed))
    assert (same.appeared, same.disappeared, len(same.persisted)) == ([], [], entities)
    with opened.query_result("SELECT (COUNT(*) AS ?n) WHERE { ?s a skg:Speech }", "csv") as out:
        assert out.read() == b"n\r\n1\r\n"
    missing = skg.open_graph(tmp_path / "missing.ttl")  # opened, not read
    with pytest.raises(GraphFileError, match="no such graph file"):
        missing.stats()
    with pytest.raises(InputError, match="trend reads graph files or a store"):
        kg.trend(["全总"])
