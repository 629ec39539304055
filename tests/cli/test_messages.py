"""Messages that quote user data (file names, JSON keys, labels of a gold file) never pass a
character a terminal acts on (attack 3, B8): ESC, BEL, CR, the C1 controls (0x9b is a CSI by
itself) and the bidirectional overrides are shown escaped, in errors, warnings and Skipped lines."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.text import printable

runner = CliRunner()

TEXT = "2022年1月21日，省委召开全省工会工作会议。\n"
#: what a terminal must never receive from user data
RAW = ("\x1b", "\x07", "\r", "\x9b", "\u202e", "\u2066")


def assert_safe(output: str) -> None:
    assert not any(c in output for c in RAW), repr(output)


@pytest.mark.defect("B8")
def test_printable_escapes_controls_and_bidirectional_overrides():
    assert printable("省委\x1b[2J\x07\r\x9b\x7f\u202eevil\u2066x\u2069\u200f ok") == (
        "省委\\x1b[2J\\x07\\x0d\\x9b\\x7f\\u202eevil\\u2066x\\u2069\\u200f ok"
    )


@pytest.mark.defect("B8")
def test_a_json_key_in_a_skipped_line_is_escaped(tmp_path):
    corpus = tmp_path / "c.jsonl"
    rows = [{"\x1b]0;owned\x07": "x", "\u202eid": "y"}, {"id": "ok.txt", "text": TEXT}]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    r = runner.invoke(cli, ["build", str(corpus), "-o", str(tmp_path / "g.nt"), "--ner", "none"])
    assert r.exit_code == 1
    assert_safe(r.output)
    assert r.stderr.splitlines()[0] == (f"Skipped: {corpus}:1: no 'text' field (fields: \\x1b]0;owned\\x07, \\u202eid)")


@pytest.mark.defect("B8")
@pytest.mark.parametrize("name", ["a\x1b[2Jb.txt", "\u202etxt.exe", "a\rb.txt", "c\x9b31m.txt"])
def test_a_file_name_in_an_error_is_escaped(tmp_path, name):
    f = tmp_path / name
    f.write_bytes(b"\x00binary")
    r = runner.invoke(cli, ["build", str(f), "-o", str(tmp_path / "g.nt")])
    assert r.exit_code == 1
    assert_safe(r.output)
    assert r.output == f"Error: {printable(str(f))}: looks like a binary file, not text; give a .txt speech\n"


@pytest.mark.defect("B8")
def test_a_file_name_in_a_warning_is_escaped(tmp_path):
    d = tmp_path / "d"
    (d / "x").mkdir(parents=True)
    (d / "y").mkdir()
    for sub in ("x", "y"):
        (d / sub / "s\x1b[31m.txt").write_text(TEXT, encoding="utf-8")
    (d / "x" / "empty\x07.txt").write_text("  \n", encoding="utf-8")
    r = runner.invoke(cli, ["build", str(d), "-o", str(tmp_path / "g.nt"), "--ner", "none"])
    assert r.exit_code == 0, r.output
    assert_safe(r.output)
    assert "empty\\x07.txt" in r.stderr


@pytest.mark.defect("B8")
def test_a_gold_files_values_in_an_error_are_escaped(tmp_path):
    speech = tmp_path / "s.txt"
    speech.write_text(TEXT, encoding="utf-8")
    graph = tmp_path / "g.ttl"
    assert runner.invoke(cli, ["build", str(speech), "-o", str(graph), "--ner", "none"]).exit_code == 0
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"entities": [{"type": "\x9b2J\u202eBody", "label": "x"}]}), encoding="utf-8")
    r = runner.invoke(cli, ["eval", str(graph), "--gold", str(gold)])
    assert r.exit_code == 1
    assert_safe(r.output)
    assert r.output.startswith(f'Error: {gold}: entities[0]: type "\\x9b2J\\u202eBody" is not one of ')


@pytest.mark.defect("B8")
def test_a_library_error_is_printable_for_api_users_too(tmp_path):
    """What a program using the library prints or logs of an error is as safe as what the CLI prints."""
    from speechkg import api
    from speechkg.graph.errors import InputError

    f = tmp_path / "s\x1b[2J\u202e.txt"
    f.write_bytes(b"\x00")
    with pytest.raises(InputError) as exc:
        api.build(f)
    assert_safe(str(exc.value))
    assert str(exc.value) == f"{printable(str(f))}: looks like a binary file, not text; give a .txt speech"
