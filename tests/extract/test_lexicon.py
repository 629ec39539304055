"""The built-in lexicon and a user's lexicon (CSV or YAML) merged over it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.build.steps import lexicon_for, process
from speechkg.graph.errors import InputError
from speechkg.graph.extract.lexicon import builtin, load_user
from speechkg.graph.model import Speech

TEXT = "中原工匠之家牵头开展“豫工惠”行动，市总工会大力支持。"


def _entities(lex_path=None):
    doc = process(Speech(TEXT, "t.txt", year=2023), lexicon_for(lex_path))
    return {(e.type, e.label): e for e in doc.entities}


def test_builtin_lexicon_is_well_formed():
    lex = builtin()
    assert len(lex.entries) > 150
    forms = lex.forms()
    assert forms["全总"] == ("Body", "全总")
    assert forms["中华全国总工会"] == ("Body", "全总")


def test_csv_lexicon_adds_bodies_and_campaigns(tmp_path):
    f = tmp_path / "lex.csv"
    f.write_text("label,type,aliases\n中原工匠之家,Body,工匠之家\n豫工惠行动,Campaign,豫工惠\n", encoding="utf-8")
    assert ("Body", "中原工匠之家") not in _entities()
    found = _entities(str(f))
    assert ("Body", "中原工匠之家") in found
    assert "工匠之家" in found[("Body", "中原工匠之家")].aliases


def test_yaml_lexicon(tmp_path):
    f = tmp_path / "lex.yaml"
    f.write_text("- label: 中原工匠之家\n  type: Body\n  aliases: [工匠之家]\n", encoding="utf-8")
    assert ("Body", "中原工匠之家") in _entities(str(f))


def test_user_lexicon_through_the_cli(tmp_path):
    lex = tmp_path / "lex.csv"
    lex.write_text("label,type,aliases\n中原工匠之家,Body,\n", encoding="utf-8")
    speech = tmp_path / "s.txt"
    speech.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "g.ttl"
    r = CliRunner().invoke(cli, ["build", str(speech), "-o", str(out), "--lexicon", str(lex)])
    assert r.exit_code == 0, r.output
    assert "中原工匠之家" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content,suffix,message",
    [
        ("label,type\n某单位,Organisation\n", ".csv", "unknown type 'Organisation'"),
        ("name,kind\nx,y\n", ".csv", "a CSV lexicon needs a header with label,type,aliases"),
        ("- label: x\n", ".yaml", "entry 1 needs a label and a type"),
        ("[unclosed", ".yaml", "not valid YAML"),
    ],
)
def test_bad_lexicons_are_clear_errors(tmp_path, content, suffix, message):
    f = tmp_path / f"lex{suffix}"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_user(f)


def test_missing_lexicon_is_a_one_line_error(tmp_path):
    speech = tmp_path / "s.txt"
    speech.write_text(TEXT, encoding="utf-8")
    r = CliRunner().invoke(
        cli, ["build", str(speech), "-o", str(tmp_path / "g.ttl"), "--lexicon", str(tmp_path / "none.csv")]
    )
    assert r.exit_code == 1
    assert r.output == f"Error: {tmp_path / 'none.csv'}: no such lexicon file\n"
