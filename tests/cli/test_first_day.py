"""What a new user trips over on the command line (issue 28): counts that agree between
`build`, `stats` and the Python API, a quiet `build`, aligned `stats`, the saved queries'
formula numbers and an unknown speech."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

import speechkg.api as skg
from speechkg.cli import cli

from ..conftest import SEED

runner = CliRunner()

MEETING = "2022年1月21日，全总召开第十八届执委会第二次会议，王东明同志主持会议并讲话。"
CAMPAIGN = "会议要求深入实施“技能强市”行动。"


@pytest.fixture(scope="module")
def two_speeches(tmp_path_factory):
    """Two speeches naming the same meeting, body, person and date (the second a campaign too)."""
    d = tmp_path_factory.mktemp("two")
    (d / "a.txt").write_text(MEETING, encoding="utf-8")
    (d / "b.txt").write_text(MEETING + CAMPAIGN, encoding="utf-8")
    return d


def _build_summary(inputs, out) -> tuple[int, int, int]:
    r = runner.invoke(cli, ["build", *map(str, inputs), "-o", str(out)])
    assert r.exit_code == 0, r.output
    m = re.fullmatch(r"(\d+) speech\(es\), (\d+) entities, (\d+) relations → .*\n", r.stderr)
    assert m, r.stderr
    return tuple(int(g) for g in m.groups())


def _stats_counts(graph) -> tuple[int, int, int]:
    r = runner.invoke(cli, ["stats", str(graph)])
    assert r.exit_code == 0, r.output
    head = r.stdout
    speeches = int(re.search(r"^speeches: (\d+)", head, re.M)[1])
    entities = int(re.search(r"^entities: (\d+) \(each once, however many speeches name it\)$", head, re.M)[1])
    relations = int(re.search(r"^relations: (\d+) \(each subject, relation, object once\)$", head, re.M)[1])
    return speeches, entities, relations


@pytest.mark.parametrize("corpus", [pytest.param("seed", marks=pytest.mark.slow), "two"])
def test_build_stats_and_the_api_count_alike(corpus, two_speeches, tmp_path):
    inputs = [SEED] if corpus == "seed" else [two_speeches]
    out = tmp_path / "g.nq"
    summary = _build_summary(inputs, out)
    built = skg.build(inputs)
    assert summary == _stats_counts(out) == built.counts() == skg.load(out).counts()
    assert skg.load(out).stats().by_relation["chair"] == 1
    store = tmp_path / "db"
    assert runner.invoke(cli, ["load", str(out), "--store", str(store)]).exit_code == 0
    assert skg.load(store_dir=store).counts() == summary
    if corpus == "two":  # each entity and relation once, though both speeches state them
        assert summary == (2, 5, 4)
        assert sum(len(d.entities) for d in built._result.docs) == 9  # what a sum over speeches gives


def test_build_quiet_prints_nothing_but_errors(two_speeches, tmp_path):
    (two_speeches / "empty.txt").write_text("", encoding="utf-8")  # a warning
    try:
        r = runner.invoke(cli, ["build", str(two_speeches), "-o", str(tmp_path / "g.nq"), "--quiet"])
        assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
        r = runner.invoke(cli, ["build", str(two_speeches), "-o", str(tmp_path / "g.nq")])
        assert r.stderr.startswith("Warning: empty.txt: the speech is empty")
        (two_speeches / "bad.txt").write_bytes(b"\xff\xfe\x00")  # an error: said when quiet too
        r = runner.invoke(cli, ["build", str(two_speeches), "--store", str(tmp_path / "db"), "--quiet"])
        assert (r.exit_code, r.stdout) == (1, "")
        assert r.stderr == (
            f"Skipped: {two_speeches / 'bad.txt'}: starts with a UTF-16 byte-order mark but does not "
            "decode as it; save it as UTF-8\n"
        )
    finally:
        for name in ("empty.txt", "bad.txt"):
            (two_speeches / name).unlink(missing_ok=True)


def test_stats_aligns_cjk_labels_by_display_width(two_speeches, tmp_path):
    out = tmp_path / "g.nq"
    _build_summary([two_speeches], out)
    r = runner.invoke(cli, ["stats", str(out), "--top", "3"])
    assert r.exit_code == 0, r.output
    assert r.stdout.split("most connected:\n")[1] == (
        "  全总第十八届执委会第二次会议  Meeting  degree 4  mentions 2\n"
        "  王东明                        Person   degree 2  mentions 2\n"
        "  2022-01-21                    Date     degree 1  mentions 2\n"
    )
    assert r.stdout.split("relations:")[0].endswith("  Person    1\n  Document  0\n  Concept   0\n")


# ------------------------------------------------------------------ the Python API's edges


@pytest.fixture(scope="module")
def two_kg(two_speeches):
    return skg.build([two_speeches])


def test_find_matches_any_label_as_the_page_does(two_kg):
    (wang,) = two_kg.find("wang  DONGMING ")  # pinyin, any case and blanks
    assert (wang.label, wang.aliases, wang.pinyin, wang.english) == ("王东明", ("王东明同志",), ("Wang Dongming",), ())
    (union,) = two_kg.find("all-china federation of trade unions")
    assert (union.label, union.aliases) == ("全总", ("中华全国总工会", "全国总工会"))
    assert two_kg.find("总工会") == []  # a part of a label only on request
    assert [e.label for e in two_kg.find("总工会", substring=True)] == ["全总"]
    assert [e.label for e in two_kg.find("会议", substring=True, type="skg:Meeting")] == [
        "全总第十八届执委会第二次会议"
    ]
    assert two_kg.mentions("Wang Dongming") == two_kg.mentions(wang)


def test_types_and_predicates_take_the_prefixed_form_and_refuse_unknown_names(two_kg):
    (chair,) = two_kg.relations(predicate="skg:chair")
    assert two_kg.relations(predicate="https://w3id.org/speechkg#chair") == two_kg.relations(predicate="chair")
    assert (chair.subject_label, chair.predicate, chair.object_label) == (
        "全总第十八届执委会第二次会议",
        "chair",
        "王东明",
    )
    assert two_kg.entities(type="skg:Person") == two_kg.entities(type="Person") == list(two_kg.find("王东明"))
    with pytest.raises(skg.SpeechKGError) as exc:
        two_kg.relations(predicate="chiar")
    assert str(exc.value) == (
        "unknown predicate 'chiar'; use one of date, organizer, chair, speaker, proposedBy, endorsedBy, "
        "ledBy, member (bare or as skg:NAME)"
    )
    with pytest.raises(skg.SpeechKGError, match=r"^unknown type 'campaign'; use one of Campaign, Body, Goal, "):
        two_kg.entities(type="campaign")


def test_speeches_are_rows_with_one_date_type_and_its_precision(two_speeches, tmp_path):
    import datetime

    (two_speeches / "c.txt").write_text("（2022年3月5日）\n" + MEETING, encoding="utf-8")
    try:
        kg = skg.build([two_speeches])
    finally:
        (two_speeches / "c.txt").unlink()
    got = [(s.source, s.date, s.precision, s.characters) for s in kg.speeches()]
    assert got == [
        ("a.txt", datetime.date(2022, 1, 1), "year", len(MEETING)),
        ("b.txt", datetime.date(2022, 1, 1), "year", len(MEETING + CAMPAIGN)),
        ("c.txt", datetime.date(2022, 3, 5), "day", len("（2022年3月5日）\n" + MEETING)),
    ]
    assert all(s.iri.startswith("https://w3id.org/speechkg/id/speech/") for s in kg.speeches())
    kg.serialize(tmp_path / "g.nq")
    assert skg.load(tmp_path / "g.nq").speeches() == kg.speeches()


def test_the_repr_of_a_store_counts_without_reading_it(two_kg, tmp_path, monkeypatch):
    two_kg.serialize(tmp_path / "g.nq")
    assert runner.invoke(cli, ["load", str(tmp_path / "g.nq"), "--store", str(tmp_path / "db")]).exit_code == 0
    kg = skg.load(store_dir=tmp_path / "db")

    def read_whole(self):
        raise AssertionError("the whole store was read")

    monkeypatch.setattr(skg.KnowledgeGraph, "dataset", property(read_whole))
    assert repr(kg) == "<KnowledgeGraph: 2 speech(es), 5 entities, 4 relations>"
    assert repr(skg.open_graph(tmp_path / "g.nq")) == f"<KnowledgeGraph of {tmp_path / 'g.nq'}, not read yet>"
    assert repr(two_kg) == "<KnowledgeGraph: 2 speech(es), 5 entities, 4 relations>"
