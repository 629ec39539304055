"""Every command through click's CliRunner: exit codes and exact output."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from speechkg.cli import cli

from ..conftest import ROOT, SEED

runner = CliRunner()


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, cmd in cli.commands.items():
        assert cmd.help and cmd.help.strip(), f"{name} has no help text"
        assert "Example:" in cmd.help, f"{name} help has no example"
        assert f"speechkg {name}" in readme, f"{name} is not in the README"
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert "Usage:" in result.output


def test_build_writes_turtle_and_reports(tmp_path):
    out = tmp_path / "seed.ttl"
    result = runner.invoke(cli, ["build", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"1 speech\(es\), \d+ entities, \d+ relations → .*seed\.ttl\n", result.stderr)
    assert out.read_text(encoding="utf-8").startswith("@prefix")


@pytest.mark.parametrize("suffix,start", [(".nt", "<"), (".jsonld", "["), (".trig", "@prefix"), (".nq", "<")])
def test_build_format_follows_the_extension(tmp_path, suffix, start):
    out = tmp_path / f"g{suffix}"
    result = runner.invoke(cli, ["build", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith(start)


def test_build_format_option_overrides_the_extension(tmp_path):
    out = tmp_path / "g.ttl"
    assert runner.invoke(cli, ["build", str(SEED), "-o", str(out), "--format", "nt"]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<")


def test_build_reads_stdin_and_writes_stdout():
    result = runner.invoke(
        cli,
        ["build", "-", "-o", "-", "--format", "nt", "--date", "2022-03-01"],
        input="2月21日，省委召开工青妇工作会议。".encode(),
    )
    assert result.exit_code == 0, result.output
    assert "工青妇工作会议" in result.stdout
    assert "<https://w3id.org/speechkg/id/date/" in result.stdout


def test_build_date_option_resolves_relative_dates(tmp_path):
    out = tmp_path / "g.nt"
    r = runner.invoke(
        cli, ["build", "-", "-o", str(out), "--date", "2019-03-01"], input="去年12月24日，会议召开。".encode()
    )
    assert r.exit_code == 0, r.output
    assert '"2018-12-24"^^<http://www.w3.org/2001/XMLSchema#date>' in out.read_text("utf-8")


def test_build_bad_date_is_a_usage_error(tmp_path):
    r = runner.invoke(cli, ["build", str(SEED), "-o", str(tmp_path / "g.ttl"), "--date", "May"])
    assert r.exit_code == 2
    assert "'May' is not a date; use YYYY-MM-DD" in r.output


def test_query_table(seed_ttl):
    q = (
        "SELECT ?meeting ?date WHERE { ?m a skg:Meeting ; skos:prefLabel ?meeting ; "
        "skg:date/rdf:value ?date . FILTER(STRLEN(STR(?date)) = 10) } ORDER BY ?date"
    )
    result = runner.invoke(cli, ["query", str(seed_ttl), q])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        "meeting                             date",
        "----------------------------------  ----------",
        "十三届全国人大常委会第三十二次会议  2021-12-24",
    ]


@pytest.mark.slow
def test_query_csv_json_ask_construct(seed_ttl, tmp_path):
    q = "SELECT ?l WHERE { ?p a skg:Person ; skos:prefLabel ?l } ORDER BY ?l"
    r = runner.invoke(cli, ["query", str(seed_ttl), q, "--format", "csv"])
    assert r.exit_code == 0
    assert r.output == "l\n习近平\n王东明\n王沪宁\n"
    r = runner.invoke(cli, ["query", str(seed_ttl), q, "--format", "json"])
    assert '"head": {"vars": ["l"]}' in r.output
    r = runner.invoke(cli, ["query", str(seed_ttl), "ASK { ?x a skg:Goal }"])
    assert r.output == "true\n"
    rq = tmp_path / "q.rq"
    rq.write_text("CONSTRUCT { ?p a skg:Person } WHERE { ?p a skg:Person }", encoding="utf-8")
    r = runner.invoke(cli, ["query", str(seed_ttl), "--file", str(rq)])
    assert r.exit_code == 0
    assert r.output.count("a skg:Person") == 3


def test_view_writes_a_self_contained_page(seed_ttl, tmp_path):
    out = tmp_path / "seed.html"
    r = runner.invoke(cli, ["view", str(seed_ttl), "-o", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert "全总" in page and "vis.Network" in page
    assert not re.search(r"""<(?:script|link)[^>]+(?:src|href)=["']?https?:""", page)


def test_stats(seed_ttl):
    r = runner.invoke(cli, ["stats", str(seed_ttl)])
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].startswith("speeches: 1  triples: ")
    assert re.fullmatch(r"entities: \d+ \(each once, however many speeches name it\)", lines[1])
    assert re.fullmatch(r"  Person\s+3", lines[7])
    assert "most connected:" in lines


# ------------------------------------------------------------------ bad input


def _error_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_missing_input_file(tmp_path):
    out = tmp_path / "g.ttl"
    r = runner.invoke(cli, ["build", str(tmp_path / "nope.txt"), "-o", str(out)])
    assert r.exit_code == 1
    assert _error_line(r) == f"Error: {tmp_path / 'nope.txt'}: no such file"
    assert not out.exists()


def test_directory_without_speeches(tmp_path):
    (tmp_path / "empty").mkdir()
    r = runner.invoke(cli, ["build", str(tmp_path / "empty"), "-o", str(tmp_path / "g.ttl")])
    assert r.exit_code == 1
    assert _error_line(r).startswith(f"Error: {tmp_path / 'empty'}: no speech files in this directory")


def test_directory_of_speeches(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.txt").write_text("1月21日，省委召开经济工作会议。", encoding="utf-8")
    (d / "b.txt").write_text("全总充分肯定“五大行动”。", encoding="utf-8")
    r = runner.invoke(cli, ["build", str(d), "-o", str(tmp_path / "g.trig")])
    assert r.exit_code == 0, r.output
    assert r.stderr.startswith("2 speech(es), ")


def test_binary_file(tmp_path):
    f = tmp_path / "x.txt"
    f.write_bytes(b"\x00\x01\x02PK\x03\x04" * 10)
    r = runner.invoke(cli, ["build", str(f), "-o", str(tmp_path / "g.ttl")])
    assert r.exit_code == 1
    assert _error_line(r) == f"Error: {f}: looks like a binary file, not text; give a .txt speech"


def test_undecodable_file(tmp_path):
    f = tmp_path / "x.txt"
    f.write_bytes(bytes(range(0x80, 0x100)) * 3)
    r = runner.invoke(cli, ["build", str(f), "-o", str(tmp_path / "g.ttl")])
    assert r.exit_code == 1
    assert _error_line(r).startswith(f"Error: {f}: cannot decode the text")


def test_malformed_sparql(seed_ttl):
    r = runner.invoke(cli, ["query", str(seed_ttl), "SELECT ?x WHERE { ?x ?y"])
    assert r.exit_code == 1
    assert _error_line(r).startswith("Error: malformed SPARQL: ")


def test_update_is_refused(seed_ttl):
    r = runner.invoke(cli, ["query", str(seed_ttl), "DELETE WHERE { ?s ?p ?o }"])
    assert r.exit_code == 1
    assert _error_line(r) == (
        "Error: updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE) are refused: queries are read-only"
    )


def test_malformed_graph_file(tmp_path):
    g = tmp_path / "bad.ttl"
    g.write_text("@prefix x: <http://x/> .\nx:a x:b ", encoding="utf-8")
    r = runner.invoke(cli, ["query", str(g), "ASK {}"])
    assert r.exit_code == 1
    assert _error_line(r).startswith(f"Error: {g}: not a readable turtle graph (")


def test_missing_graph_file(tmp_path):
    r = runner.invoke(cli, ["stats", str(tmp_path / "none.ttl")])
    assert r.exit_code == 1
    assert _error_line(r) == f"Error: {tmp_path / 'none.ttl'}: no such graph file"


def test_unwritable_output_keeps_nothing(tmp_path):
    r = runner.invoke(cli, ["build", str(SEED), "-o", str(tmp_path / "no" / "dir" / "g.ttl")])
    assert r.exit_code == 1
    assert _error_line(r).startswith(f"Error: {tmp_path / 'no' / 'dir' / 'g.ttl'}: the directory")
    assert list(tmp_path.iterdir()) == []


def test_failed_build_leaves_previous_output(tmp_path):
    out = tmp_path / "g.ttl"
    out.write_text("previous", encoding="utf-8")
    r = runner.invoke(cli, ["build", str(tmp_path / "nope.txt"), "-o", str(out)])
    assert r.exit_code == 1
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"]


def test_empty_speech_is_a_warning_and_a_graph(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_text("  \n\t\n", encoding="utf-8")
    out = tmp_path / "g.ttl"
    r = runner.invoke(cli, ["build", str(f), "-o", str(out)])
    assert r.exit_code == 0
    assert r.stderr.splitlines()[0] == ("Warning: empty.txt: the speech is empty; the graph has no entities")
    text = out.read_text(encoding="utf-8")
    assert "skg:Speech" in text and "skos:prefLabel" not in text


def test_a_bug_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    from speechkg.graph.build import pipeline as build_pipeline

    def broken(*args, **kwargs):
        raise ValueError("boom\nsecond line")

    monkeypatch.setattr(build_pipeline, "write", broken)
    monkeypatch.delenv("SPEECHKG_DEBUG", raising=False)
    r = CliRunner().invoke(cli, ["build", str(SEED), "-o", str(tmp_path / "g.ttl")])
    assert (r.exit_code, r.output) == (
        1,
        "Error: internal error (ValueError: boom); nothing was written. Run "
        "again with SPEECHKG_DEBUG=1 for the traceback and report it\n",
    )
    assert not (tmp_path / "g.ttl").exists()
    monkeypatch.setenv("SPEECHKG_DEBUG", "1")
    r = CliRunner().invoke(cli, ["build", str(SEED), "-o", str(tmp_path / "g.ttl")])
    assert isinstance(r.exception, ValueError)
