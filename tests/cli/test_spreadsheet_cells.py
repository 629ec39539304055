"""Attack 3, B9: CSV formula injection. A label starting with = + - @ (the text 开展“=1+2”行动
makes the label =1+2行动) was written as is into the CSV of `query`, `trend` and `timeline`,
where a spreadsheet runs it. Cells are now made safe as OWASP advises (a leading '), numbers
stay numbers, and --raw writes them exactly."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.text import spreadsheet_safe

runner = CliRunner()
TEXT = "今年，各地深入开展“=1+2”行动，持续开展“@全员”行动，推进“-3减负”行动。\n"
LABELS = "SELECT ?l ?n WHERE { ?e a skg:Campaign ; skos:prefLabel ?l BIND(-3 AS ?n) } ORDER BY ?l"


@pytest.fixture(scope="module")
def hostile_ttl(tmp_path_factory):
    d = tmp_path_factory.mktemp("b9")
    (d / "t.txt").write_text(TEXT, encoding="utf-8")
    out = d / "t.ttl"
    r = runner.invoke(cli, ["build", str(d / "t.txt"), "-o", str(out), "--ner", "none", "--date", "2024-05-01"])
    assert r.exit_code == 0, r.output
    return str(out)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+2行动", "'=1+2行动"),
        ("+86 10", "'+86 10"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3", "-3"),
        ("+1.5e3", "+1.5e3"),
        ("-.5", "-.5"),
        ("两个确立", "两个确立"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_a_quote(cell, safe):
    assert spreadsheet_safe(cell) == safe


def test_query_csv_is_spreadsheet_safe_unless_raw(hostile_ttl):
    r = runner.invoke(cli, ["query", hostile_ttl, LABELS, "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.output == "l,n\n'-3减负行动,-3\n'=1+2行动,-3\n'@全员行动,-3\n"  # CliRunner reads CRLF as LF
    r = runner.invoke(cli, ["query", hostile_ttl, LABELS, "--format", "tsv"])
    assert r.output == "l\tn\n'-3减负行动\t-3\n'=1+2行动\t-3\n'@全员行动\t-3\n"
    r = runner.invoke(cli, ["query", hostile_ttl, LABELS, "--format", "csv", "--raw"])
    assert r.output == "l,n\n-3减负行动,-3\n=1+2行动,-3\n@全员行动,-3\n"


def test_json_and_table_are_exact(hostile_ttl):
    r = runner.invoke(cli, ["query", hostile_ttl, LABELS, "--format", "json"])
    assert '"value": "=1+2行动"' in r.output and "'=" not in r.output


def test_trend_and_timeline_csv_are_spreadsheet_safe_unless_raw(hostile_ttl):
    r = runner.invoke(cli, ["trend", hostile_ttl, "--entity", "=1+2行动", "--entity", "@全员行动", "-o", "-"])
    assert r.exit_code == 0, r.output
    rows = r.output.splitlines()
    assert rows[0] == "period,entity,label,type,mentions,speeches"
    assert sorted(row.split(",")[2] for row in rows[1:] if row) == ["'=1+2行动", "'@全员行动"]
    r = runner.invoke(cli, ["timeline", hostile_ttl, "--entity", "=1+2行动", "-o", "-", "--raw"])
    assert r.exit_code == 0, r.output
    assert [row.split(",")[2] for row in r.output.splitlines()[1:] if row] == ["=1+2行动"]
    r = runner.invoke(cli, ["timeline", hostile_ttl, "--entity", "=1+2行动", "--raw"])
    assert r.exit_code == 2 and "give -o OUT with them" in r.output
