"""Every file speechkg reads besides speeches (lexicons, --dates, gold files, annotated sets, query
files) goes through the checks the speeches do (attack 3: B6, B7, B10, B15, B19, B20): a regular
file or a FIFO a process writes to, a size limit, a time limit; a byte-order mark read as the
encoding it announces; an output that is one of them refused; a lexicon entry of the wrong kind
and a set's file outside the set named in one line."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.errors import InputError
from speechkg.graph.extract.lexicon import load_user
from speechkg.graph.quality import evaluate

from ..fifos import writing

runner = CliRunner()

TEXT = "2022年1月21日，省委召开全省工会工作会议。全总开展“两个确保”行动。\n"
GOLD = {"entities": [{"type": "Body", "label": "省委"}]}


class Hang(BaseException):
    """The command was still waiting (a BaseException: no `except Exception` turns it into a message)."""


@contextlib.contextmanager
def no_hang(seconds: int = 60):
    """Fail the block (Hang) when it runs longer than `seconds`: what is tested is that it ends
    (wall time, so far from the second or so the block takes, which a loaded machine stretches)."""

    def expired(signum, frame):
        raise Hang(f"still waiting after {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def cpu() -> float:
    return time.process_time()


@pytest.fixture
def speech(tmp_path):
    f = tmp_path / "s.txt"
    f.write_text(TEXT, encoding="utf-8")
    return f


@pytest.fixture
def graph(tmp_path, speech):
    out = tmp_path / "g.ttl"
    r = runner.invoke(cli, ["build", str(speech), "-o", str(out), "--ner", "none", "--quiet"])
    assert r.exit_code == 0, r.output
    return out


def fifo(tmp_path, name: str) -> Path:
    f = tmp_path / name
    os.mkfifo(f)
    return f


NO_WRITER = "a FIFO with no process writing to it; start the writer first"


# ----------------------------------------------------------------- B6, B7: FIFOs, devices, size


def _reading(tmp_path, speech, graph, which: str, path) -> list[str]:
    """The command that reads `path` as the file `which` names."""
    return {
        "lexicon": ["build", str(speech), "-o", str(tmp_path / "o.ttl"), "--lexicon", str(path)],
        "dates": ["build", str(speech), "-o", str(tmp_path / "o.ttl"), "--dates", str(path)],
        "gold": ["eval", str(graph), "--gold", str(path)],
        "query": ["query", str(graph), "--file", str(path)],
    }[which]


@pytest.mark.defect("B6", "B7")
@pytest.mark.parametrize("which", ["lexicon", "dates", "gold", "query"])
def test_a_fifo_with_no_writer_is_refused(tmp_path, speech, graph, which):
    f = fifo(tmp_path, f"{which}.in")
    with no_hang():
        r = runner.invoke(cli, _reading(tmp_path, speech, graph, which, f))
    assert (r.exit_code, r.output) == (1, f"Error: {f}: {NO_WRITER}\n")


@pytest.mark.defect("B6", "B7")
@pytest.mark.parametrize("which", ["lexicon", "dates", "gold", "query"])
def test_a_device_is_refused_unread(tmp_path, speech, graph, which):
    r = runner.invoke(cli, _reading(tmp_path, speech, graph, which, "/dev/zero"))
    assert (r.exit_code, r.output) == (
        1,
        f"Error: /dev/zero: not a regular file (a device or socket); give a {which} file\n",
    )


@pytest.mark.defect("B6")
def test_a_huge_gold_file_is_refused_by_its_size_unread(tmp_path, graph):
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:  # sparse: 3 GiB that take no room and would take minutes to read
        fh.truncate(3 * 2**30)
    started = cpu()
    r = runner.invoke(cli, ["eval", str(graph), "--gold", str(big)])
    assert (r.exit_code, r.output) == (1, f"Error: {big}: 3.07e+03 MiB is over the 50 MiB limit for a gold file\n")
    assert cpu() - started < 1.0


@pytest.mark.defect("B6")
def test_a_fifo_whose_writer_never_ends_is_given_up_after_the_time_limit(tmp_path, monkeypatch):
    from speechkg.graph.read import files

    gold = fifo(tmp_path, "gold.json")
    monkeypatch.setattr(files, "FIFO_SECONDS", 0.3)
    # held open for writing (O_RDWR does not wait for a reader) with a little written, and
    # neither written to again nor closed until the read has given up
    fd = os.open(gold, os.O_RDWR)
    try:
        os.write(fd, b'{"entities": [')
        with no_hang(), pytest.raises(InputError) as exc:
            evaluate.load_gold(gold)
    finally:
        os.close(fd)
    assert str(exc.value) == (f"{gold}: a FIFO whose writer did not finish within 0.3 s; write it to a file first")


@pytest.mark.defect("B6")
def test_a_gold_fifo_with_a_writer_is_read(tmp_path, graph):
    gold = fifo(tmp_path, "gold.json")
    # a writer from the start, not a thread given 0.2 s to get into open()
    with no_hang(), writing(gold, json.dumps(GOLD).encode()):
        r = runner.invoke(cli, ["eval", str(graph), "--gold", str(gold)])
    assert r.exit_code == 0, r.output
    assert "Body" in r.output


def _set(tmp_path, plan: str = "a\tsrc\t2022-01-21\n") -> Path:
    d = tmp_path / "set"
    (d / "texts").mkdir(parents=True)
    (d / "gold").mkdir()
    (d / "plan.tsv").write_text(plan, encoding="utf-8")
    (d / "texts" / "a.txt").write_text(TEXT, encoding="utf-8")
    (d / "gold" / "a.json").write_text(json.dumps(GOLD), encoding="utf-8")
    return d


@pytest.mark.defect("B6")
def test_an_annotated_sets_plan_fifo_with_no_writer_is_refused(tmp_path):
    d = _set(tmp_path)
    (d / "plan.tsv").unlink()
    os.mkfifo(d / "plan.tsv")
    with no_hang():
        r = runner.invoke(cli, ["eval", "--set", str(d)])
    assert (r.exit_code, r.output) == (1, f"Error: {d / 'plan.tsv'}: {NO_WRITER}\n")


@pytest.mark.defect("B6", "B14")
def test_an_annotated_sets_text_that_is_a_fifo_is_not_called_missing(tmp_path):
    d = _set(tmp_path)
    (d / "gold" / "a.json").unlink()
    os.mkfifo(d / "gold" / "a.json")
    with no_hang():
        r = runner.invoke(cli, ["eval", "--set", str(d)])
    assert (r.exit_code, r.output) == (1, f"Error: {d / 'gold' / 'a.json'}: {NO_WRITER}\n")


# ----------------------------------------------------------------- B20: byte-order marks

BOMS = [("utf-8-sig", "UTF-8"), ("utf-16", "UTF-16"), ("utf-32", "UTF-32")]


@pytest.mark.defect("B20")
@pytest.mark.parametrize("encoding", [e for e, _ in BOMS])
def test_a_gold_file_with_a_byte_order_mark_is_read(tmp_path, graph, encoding):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(GOLD, ensure_ascii=False), encoding=encoding)
    assert evaluate.load_gold(gold) == GOLD


@pytest.mark.defect("B20")
@pytest.mark.parametrize("encoding", [e for e, _ in BOMS])
def test_a_lexicon_with_a_byte_order_mark_is_read(tmp_path, encoding):
    csv_lex = tmp_path / "lex.csv"
    csv_lex.write_text("label,type,aliases\n青春建功,Campaign,青春建功行动\n", encoding=encoding)
    yaml_lex = tmp_path / "lex.yaml"
    yaml_lex.write_text("- label: 青春建功\n  type: Campaign\n  aliases: [青春建功行动]\n", encoding=encoding)
    for lex in (csv_lex, yaml_lex):
        [entry] = load_user(lex).entries
        assert (entry.label, entry.type, entry.aliases) == ("青春建功", "Campaign", ("青春建功行动",))


@pytest.mark.defect("B20")
@pytest.mark.parametrize("encoding", [e for e, _ in BOMS])
def test_a_dates_file_with_a_byte_order_mark_is_read(tmp_path, encoding):
    from speechkg.graph.read.reader import read_dates

    dates = tmp_path / "dates.csv"
    dates.write_text("file,date\ns.txt,2021-03-04\n", encoding=encoding)
    import datetime as dt

    assert read_dates(dates) == {"s.txt": dt.date(2021, 3, 4)}


@pytest.mark.defect("B20")
@pytest.mark.parametrize("encoding", [e for e, _ in BOMS])
def test_a_query_file_with_a_byte_order_mark_is_read(tmp_path, graph, encoding):
    q = tmp_path / "q.rq"
    q.write_text("ASK { ?s ?p ?o }", encoding=encoding)
    r = runner.invoke(cli, ["query", str(graph), "--file", str(q)])
    assert (r.exit_code, r.output) == (0, "true\n")


@pytest.mark.defect("B20")
def test_a_plan_with_a_byte_order_mark_names_its_first_text(tmp_path):
    d = _set(tmp_path)
    (d / "plan.tsv").write_text("a\tsrc\t2022-01-21\n", encoding="utf-8-sig")
    [item] = evaluate.read_plan(d)
    assert item.name == "a"


@pytest.mark.defect("B20")
def test_a_mark_that_does_not_fit_the_bytes_is_one_line(tmp_path):
    gold = tmp_path / "gold.json"
    gold.write_bytes(b"\xff\xfe{\x00\x00\xd8")  # UTF-16 little-endian, then a lone surrogate
    with pytest.raises(InputError) as exc:
        evaluate.load_gold(gold)
    assert str(exc.value) == (
        f"{gold}: the gold file is not UTF-16-LE, as its byte-order mark says (byte 4); save it as UTF-8"
    )


# ----------------------------------------------------------------- B15: YAML lexicon entries


@pytest.mark.defect("B15")
@pytest.mark.parametrize(
    "entry, problem",
    [
        ("label: 12345\n  type: Body", "'label' must be a string, not a number"),
        ("label: null\n  type: Body", "'label' must be a string, not null"),
        ("label: [全总]\n  type: Body", "'label' must be a string, not a list"),
        ("label: {a: 1}\n  type: Body", "'label' must be a string, not a mapping"),
        ("label: 全总\n  type: [Body]", "'type' must be a string, not a list"),
        ("label: 全总\n  type: Body\n  aliases: [中华全国总工会, 7]", "aliases[2] must be a string, not a number"),
        ("label: 全总\n  type: Body\n  aliases: [null]", "aliases[1] must be a string, not null"),
        (
            "label: 全总\n  type: Body\n  aliases: {a: b}",
            "'aliases' must be a list of strings or one string, not a mapping",
        ),
        (
            "label: 全总\n  type: Body\n  aliases: true",
            "'aliases' must be a list of strings or one string, not a boolean",
        ),
    ],
)
def test_a_yaml_lexicon_entry_that_is_not_a_string_is_named(tmp_path, entry, problem):
    lex = tmp_path / "lex.yaml"
    lex.write_text(f"- label: 省委\n  type: Body\n- {entry}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_user(lex)
    assert str(exc.value) == f"{lex}: entry 2: {problem}"


# ----------------------------------------------------------------- B19: a set's files stay in it


@pytest.mark.defect("B19")
@pytest.mark.parametrize("which", ["texts/a.txt", "gold/a.json", "texts"])
def test_an_annotated_sets_file_outside_the_set_is_refused(tmp_path, which):
    d = _set(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    target = d / which
    moved = outside / target.name
    target.rename(moved)
    target.symlink_to(moved)
    r = runner.invoke(cli, ["eval", "--set", str(d)])
    shown = d / which if which != "texts" else d / "texts" / "a.txt"
    real = moved if which != "texts" else moved / "a.txt"
    assert (r.exit_code, r.output) == (
        1,
        f"Error: {d / 'plan.tsv'}: line 1: {shown} leads out of the set (to {real}); copy the file into the set\n",
    )


@pytest.mark.defect("B19")
def test_a_symlink_inside_the_set_is_followed(tmp_path):
    d = _set(tmp_path)
    (d / "texts" / "real.txt").write_text(TEXT, encoding="utf-8")
    (d / "texts" / "a.txt").unlink()
    (d / "texts" / "a.txt").symlink_to("real.txt")
    [item] = evaluate.read_plan(d)
    assert item.text == d / "texts" / "a.txt"


# ----------------------------------------------------------------- B10: -o is never an input


@pytest.mark.defect("B10")
@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_output_that_is_the_dates_file_is_refused(tmp_path, speech, how):
    dates = tmp_path / "dates.csv"
    dates.write_text("file,date\ns.txt,2021-03-04\n", encoding="utf-8")
    out = {"same": dates, "symlink": tmp_path / "link.csv", "hardlink": tmp_path / "hard.csv"}[how]
    if how == "symlink":
        out.symlink_to(dates)
    elif how == "hardlink":
        os.link(dates, out)
    r = runner.invoke(cli, ["build", str(speech), "-o", str(out), "--dates", str(dates), "--format", "nt"])
    assert (r.exit_code, r.output) == (
        1,
        f"Error: {out}: is also an input, which writing would overwrite; choose another output path\n",
    )
    assert dates.read_text(encoding="utf-8") == "file,date\ns.txt,2021-03-04\n"
