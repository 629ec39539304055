"""compare and timeline on short speeches written for the tests."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from speechkg.cli import cli

from ..conftest import ROOT

runner = CliRunner()
Y2021 = (
    "2021年工作报告\n（2021年2月3日）\n要增强“四个意识”，深入实施“五大行动”，常态化开展送温暖活动，"
    "落实《工会法》。全总充分肯定。"
)
Y2022 = (
    "2022年工作报告\n（2022年2月8日）\n要牢固树立“四个意识”，深入实施“六大行动”，开展金秋助学活动，"
    "落实《中华人民共和国工会法》。中华全国总工会充分肯定。"
)


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    d = tmp_path_factory.mktemp("cmp")
    (d / "r2021.txt").write_text(Y2021, encoding="utf-8")
    (d / "r2022.txt").write_text(Y2022, encoding="utf-8")
    for name in ("r2021", "r2022"):
        assert runner.invoke(cli, ["build", str(d / f"{name}.txt"), "-o", str(d / f"{name}.ttl")]).exit_code == 0
    assert (
        runner.invoke(
            cli, ["build", str(d / "r2021.txt"), str(d / "r2022.txt"), "-o", str(d / "corpus.trig")]
        ).exit_code
        == 0
    )
    return d


def test_compare_two_graphs(graphs):
    r = runner.invoke(cli, ["compare", str(graphs / "r2021.ttl"), str(graphs / "r2022.ttl"), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert {i["label"] for i in doc["appeared"]} >= {"金秋助学活动"}
    assert {i["label"] for i in doc["disappeared"]} >= {"送温暖活动"}
    persisted = {x["label"] for x, _ in doc["persisted"]}
    assert {"全总", "四个意识"} <= persisted
    assert any(p[0]["type"] == "Document" for p in doc["persisted"])  # 《工会法》 = 《中华人民共和国工会法》
    assert [(c["a"]["label"], c["b"]["label"], c["how"]) for c in doc["changed"]] == [
        ("五大行动", "六大行动", "number 5 → 6")
    ]
    assert doc["counts"]["Campaign"] == {"appeared": 1, "disappeared": 1, "persisted": 0}


def test_compare_within_a_corpus_as_a_table(graphs):
    r = runner.invoke(cli, ["compare", str(graphs / "corpus.trig"), "--speech", "r2021.txt", "--speech", "r2022.txt"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "type        appeared  disappeared  persisted"
    assert lines[1] == "Campaign           1            1          0"
    assert "  Campaign   五大行动                → 六大行动  (number 5 → 6)" in lines


def test_wording_change_of_a_formulation(tmp_path):
    (tmp_path / "a.txt").write_text("深入开展“能力作风建设年”活动。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("深入开展“能力作风建设提升年”活动。", encoding="utf-8")
    r = runner.invoke(cli, ["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(tmp_path / "c.trig")])
    assert r.exit_code == 0
    r = runner.invoke(cli, ["compare", str(tmp_path / "c.trig"), "--speech", "a.txt", "--speech", "b.txt", "--json"])
    out = json.loads(r.output)
    assert [(c["a"]["label"], c["b"]["label"], c["how"]) for c in out["changed"]] == [
        ("能力作风建设年活动", "能力作风建设提升年活动", "wording")
    ]
    assert out["appeared"] == out["disappeared"] == []


def test_bodies_that_share_a_stem_are_not_a_wording_change(tmp_path):
    (tmp_path / "a.txt").write_text("省委组织部召开会议。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("省委宣传部召开会议。", encoding="utf-8")
    r = runner.invoke(cli, ["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(tmp_path / "c.trig")])
    assert r.exit_code == 0
    r = runner.invoke(cli, ["compare", str(tmp_path / "c.trig"), "--speech", "a.txt", "--speech", "b.txt", "--json"])
    out = json.loads(r.output)
    assert out["changed"] == []
    assert [i["label"] for i in out["appeared"]] == ["省委宣传部"]
    assert [i["label"] for i in out["disappeared"]] == ["省委组织部"]


def test_timeline(graphs):
    r = runner.invoke(cli, ["timeline", str(graphs / "corpus.trig"), "--entity", "中华全国总工会"])
    assert r.exit_code == 0, r.output
    # one label per entity across the corpus: the fullest form any speech uses
    assert r.output.splitlines() == [
        "2021-02-03  r2021.txt  中华全国总工会",
        "    全总充分肯定。",
        "2022-02-08  r2022.txt  中华全国总工会",
        "    中华全国总工会充分肯定。",
    ]


def test_errors(graphs):
    r = runner.invoke(cli, ["timeline", str(graphs / "corpus.trig"), "--entity", "不存在"])
    assert r.exit_code == 1 and r.output.startswith("Error: no entity labelled '不存在' in the graph")
    r = runner.invoke(cli, ["compare", str(graphs / "corpus.trig"), "--speech", "x.txt", "--speech", "r2022.txt"])
    assert r.exit_code == 1 and r.output.startswith("Error: no speech 'x.txt' in the graph")
    r = runner.invoke(cli, ["compare", str(graphs / "r2021.ttl")])
    assert r.exit_code == 2


def test_timeline_sentences_come_in_the_order_of_the_speech(seed_ttl):
    """The sentences of an appearance in text order, the same in every run (they came in the
    order of rdflib's index, which changed with Python's string hashing)."""
    r = runner.invoke(cli, ["timeline", str(seed_ttl), "--entity", "全总"])
    assert r.exit_code == 0, r.output
    sentences = [line.strip() for line in r.output.splitlines() if line.startswith("    ")]
    text = (ROOT / "seeds" / "provincial-union-2022.txt").read_text(encoding="utf-8")
    assert len(sentences) > 3
    assert [text.index(s) for s in sentences] == sorted(text.index(s) for s in sentences)
