"""`speechkg eval` agrees with the project's scorer, and the seed's figures are pinned."""
from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner
from rdflib import RDF, Dataset, Graph

from cli import cli
from graph import evaluate
from ontology.namespace import SKG

from .conftest import GOLD


@pytest.fixture(scope="module")
def scorer():
    sys.path.insert(0, str(GOLD.parent))
    try:
        import score
    finally:
        sys.path.pop(0)
    return score


@pytest.fixture(scope="module")
def gold():
    return json.loads(GOLD.read_text(encoding="utf-8"))


def _ds(path) -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(str(path), format="turtle")
    return ds


def _damaged(seed_ttl, tmp_path):
    """The seed graph with every third Campaign and Body removed and a false Goal added."""
    g = Graph().parse(seed_ttl, format="turtle")
    for t in ("Campaign", "Body"):
        for node in sorted(g.subjects(RDF.type, SKG[t]))[::3]:
            g.remove((node, None, None))
    from rdflib import Literal, URIRef
    from rdflib.namespace import SKOS

    fake = URIRef("https://w3id.org/speechkg/id/goal/fake")
    g.add((fake, RDF.type, SKG.Goal))
    g.add((fake, SKOS.prefLabel, Literal("不存在的目标", lang="zh")))
    out = tmp_path / "damaged.ttl"
    g.serialize(out, format="turtle")
    return out


@pytest.mark.parametrize("which", ["seed", "damaged"])
def test_eval_agrees_with_the_scorer(seed_ttl, tmp_path, scorer, gold, which):
    path = seed_ttl if which == "seed" else _damaged(seed_ttl, tmp_path)
    ours = evaluate.evaluate(_ds(path), gold).as_dict()
    theirs = scorer.score(json.loads(GOLD.read_text(encoding="utf-8")), scorer.load_graph(str(path)))
    assert ours["core_f1"] == theirs["core_f1"]
    for t, row in theirs["types"].items():
        for k in ("gold", "predicted", "precision", "recall", "f1"):
            assert ours["types"][t][k] == row[k], (t, k)
        assert sorted(ours["types"][t]["missed"]) == sorted(row["missed"])
    for k in ("gold", "predicted", "precision", "recall", "f1"):
        assert ours["relations"][k] == theirs["relations"][k]
    if which == "damaged":
        assert ours["types"]["Campaign"]["recall"] < 1.0
        assert "不存在的目标" in ours["types"]["Goal"]["false_positives"]


def test_seed_figures_are_pinned(seed_ttl, gold):
    """A regression in extraction fails CI: the issue's targets, with a margin kept."""
    r = evaluate.evaluate(_ds(seed_ttl), gold)
    assert r.core_f1 >= 0.95
    for t in evaluate.CORE:
        assert r.types[t].f1 >= 0.90, t
    for t in ("Meeting", "Person", "Document", "Concept"):
        assert r.types[t].f1 >= 0.85, t
    assert r.relations.f1 >= 0.85


def test_eval_command(seed_ttl):
    runner = CliRunner()
    r = runner.invoke(cli, ["eval", str(seed_ttl), "--gold", str(GOLD)])
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0] == "type        gold  pred      P      R     F1"
    assert len(lines) == 11 and lines[-1].startswith("core-F1 ")
    r = runner.invoke(cli, ["eval", str(seed_ttl), "--gold", str(GOLD), "--json"])
    assert set(json.loads(r.output)) == {"types", "relations", "core_f1"}


def test_eval_errors_lists_misses(seed_ttl, tmp_path):
    r = CliRunner().invoke(cli, ["eval", str(_damaged(seed_ttl, tmp_path)), "--gold", str(GOLD),
                                 "--errors"])
    assert r.exit_code == 0
    assert "Goal false positives: 不存在的目标" in r.output
    assert "Campaign missed: " in r.output


def test_eval_bad_gold(seed_ttl, tmp_path):
    bad = tmp_path / "gold.json"
    bad.write_text("{\"x\": 1}", encoding="utf-8")
    r = CliRunner().invoke(cli, ["eval", str(seed_ttl), "--gold", str(bad)])
    assert r.exit_code == 1
    assert r.output == (f"Error: {bad}: a gold file needs an 'entities' list "
                        "(see ANNOTATION.md)\n")
