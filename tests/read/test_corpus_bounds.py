"""Corpora bounded in time and memory whatever their rows (attack 3, B13, B20, B14): blank lines
pass at the speed of a block scan, bad rows are counted with their first few kept, a corpus
with no row says so, and a byte-order mark (UTF-8, UTF-16, UTF-32) is the corpus's encoding."""

from __future__ import annotations

import gzip
import json
import time

import pytest
from click.testing import CliRunner

from speechkg import api
from speechkg.cli import cli
from speechkg.graph.read.corpus import Corpus

runner = CliRunner()

ROW = {"id": "a.txt", "date": "2022-01-21", "text": "省委召开全省工会工作会议。"}


def line(row: dict) -> bytes:
    return json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n"


@pytest.mark.defect("B13")
@pytest.mark.parametrize("blank", [b"\n", b"  \r\n", b"\t \n"])
def test_blank_lines_pass_at_the_speed_of_a_block_scan(tmp_path, blank):
    """8 MiB of blank lines (some 3 M of them) took about 5 s of CPU one readline each (200 MiB:
    128 s); scanned by blocks they take a small fraction of one. Rows are still numbered by line."""
    n = 8 * 2**20 // len(blank)
    corpus = tmp_path / "blank.jsonl.gz"
    corpus.write_bytes(gzip.compress(blank * n + line({"text": "省委召开全会。"}) + blank * 3, compresslevel=1))
    started = time.process_time()
    rows = list(Corpus(str(corpus), "blank.jsonl.gz"))
    spent = time.process_time() - started
    assert [(r.where, r.speech.source if r.speech else r.error) for r in rows] == [
        (f"{corpus}:{n + 1}", f"blank.jsonl.gz:{n + 1}")
    ]
    assert spent < 1.0, f"{spent:.2f} s of CPU for {n:,} blank lines"


@pytest.mark.defect("B13")
def test_a_blank_line_longer_than_the_row_limit_is_still_blank(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(b" " * 3000 + b"\n" + line(ROW))
    rows = list(Corpus(str(corpus), "c.jsonl", max_bytes=1000))
    assert [(r.where, r.error, r.speech.source) for r in rows] == [(f"{corpus}:2", None, "a.txt")]


@pytest.mark.defect("B13")
def test_bad_rows_are_counted_and_only_the_first_kept(tmp_path):
    """5,000 bad rows: the build keeps the first 20 reasons and a count of the rest, not 5,000
    messages (a 1 M-row bomb held 1 M of them)."""
    corpus = tmp_path / "bomb.jsonl.gz"
    corpus.write_bytes(gzip.compress(b"not json\n" * 5000 + line(ROW)))
    kg = api.build(corpus, ner="none")
    assert len(kg.skipped) == 21
    assert kg.skipped[0] == (str(corpus), f"{corpus}:1: not JSON (Expecting value: line 1 column 1 (char 0))")
    assert kg.skipped[19][1].startswith(f"{corpus}:20: not JSON")
    assert kg.skipped[20] == (str(corpus), f"{corpus}: 4,980 more bad rows, not listed (the first 20 are)")
    assert kg.counts()[0] == 1


@pytest.mark.defect("B13")
def test_the_command_lists_the_first_bad_rows_and_counts_the_rest(tmp_path):
    corpus = tmp_path / "bomb.jsonl"
    corpus.write_bytes(b"[]\n" * 25 + line(ROW))
    out = tmp_path / "g.nt"
    r = runner.invoke(cli, ["build", str(corpus), "-o", str(out), "--ner", "none", "--quiet"])
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[:20] == [f"Skipped: {corpus}:{i}: not a JSON object but an array" for i in range(1, 21)]
    # --quiet: the errors only, no summary
    assert lines[20:] == [f"Skipped: {corpus}: 5 more bad rows, not listed (the first 20 are)"]


@pytest.mark.defect("B14")
@pytest.mark.parametrize(
    "name, data, problem",
    [
        ("c.jsonl", b"", "empty; a .jsonl corpus holds one JSON object per line"),
        (
            "c.jsonl.gz",
            # no time stamp: the bytes are in the test's id, which both xdist workers must collect
            # alike, and the clock could pass a second between them on a loaded machine
            gzip.compress(b"\n" * 1000, mtime=0),
            "no rows, only 1,000 blank lines; a .jsonl corpus holds one JSON object per line",
        ),
        ("c.csv", b"id,text\r\n\r\n", "a header and no rows; a CSV corpus holds a header and one row per speech"),
    ],
)
def test_a_corpus_with_no_row_says_so(tmp_path, name, data, problem):
    """It gave an empty graph and exit status 0, as if its rows had been built."""
    corpus = tmp_path / name
    corpus.write_bytes(data)
    r = runner.invoke(cli, ["build", str(corpus), "-o", str(tmp_path / "g.nt"), "--quiet"])
    assert (r.exit_code, r.output) == (1, f"Error: {corpus}: {problem}\n")
    assert not (tmp_path / "g.nt").exists()


@pytest.mark.defect("B20")
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("kind", ["jsonl", "jsonl.gz", "csv", "csv.gz"])
def test_a_corpus_is_read_in_the_encoding_its_mark_announces(tmp_path, encoding, kind):
    if kind.startswith("csv"):
        text = "id,date,text\r\na.txt,2022-01-21,省委召开全省工会工作会议。\r\n"
    else:
        text = line(ROW).decode("utf-8")
    data = ("\ufeff" + text).encode(encoding) if encoding == "utf-16-be" else text.encode(encoding)
    corpus = tmp_path / f"c.{kind}"
    corpus.write_bytes(gzip.compress(data) if kind.endswith(".gz") else data)
    rows = list(Corpus(str(corpus), corpus.name))
    assert [(r.error, r.speech.source, r.speech.text, str(r.speech.date)) for r in rows] == [
        (None, "a.txt", ROW["text"], "2022-01-21")
    ]


@pytest.mark.defect("B20")
def test_a_corpus_that_does_not_fit_its_mark_is_one_line(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(b"\xff\xfe\x00\xdc" + '{"text": "x"}\n'.encode("utf-16-le"))  # a lone low surrogate
    r = runner.invoke(cli, ["build", str(corpus), "-o", str(tmp_path / "g.nt"), "--quiet"])
    assert (r.exit_code, r.output) == (
        1,
        f"Error: {corpus}: bytes that are not UTF-16-LE (its byte-order mark's encoding); save it as UTF-8\n",
    )


@pytest.mark.defect("B14")
def test_a_corpus_that_is_not_a_regular_file_is_called_what_it_is(tmp_path):
    import os

    corpus = tmp_path / "c.jsonl"
    os.mkfifo(corpus)
    r = runner.invoke(cli, ["build", str(corpus), "-o", str(tmp_path / "g.nt"), "--quiet"])
    assert (r.exit_code, r.output) == (1, f"Error: {corpus}: not a regular file (a FIFO); give a file\n")
