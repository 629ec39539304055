"""Corpora of one speech per row (.jsonl, .jsonl.gz, .csv): each row is built exactly as a file
of its text would be, bad rows are skipped one line each, and nothing is read whole."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re

import pytest
from click.testing import CliRunner
from rdflib import RDF, Dataset
from rdflib.namespace import DCTERMS

from speechkg.cli import cli
from speechkg.graph.build import pipeline as build_pipeline
from speechkg.graph.read.corpus import Corpus
from speechkg.graph.read.decode import InputError
from speechkg.ontology.namespace import SKG

from ..conftest import SHARED, need_shared

runner = CliRunner()

XWLB = SHARED / "corpora" / "xwlb-2020-2021.jsonl.gz"

ROWS = [
    {
        "id": "report-2022.txt",
        "date": "2022-02-08",
        "text": "2022年工作报告\r\n在省委和全总的领导下，深入开展送温暖活动，落实《中华人民共和国工会法》。",
    },
    {
        "id": "news/2023-03-02.txt",
        "date": "2023-03-02",
        "text": "市总工会十五届三次全委会议今天召开。会议要求深入实施“技能强市”行动，全总有关负责同志出席。",
    },
    {
        "id": "trad.txt",
        "date": "",
        "text": "2020年，省委召開全會，中華全國總工會充分肯定“五大行動”，要落實《工會法》。",
    },
]


def write_jsonl(path, rows, gz=False):
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_csv(path, rows, columns):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def build(*args):
    return runner.invoke(cli, ["build", *map(str, args)])


def test_a_row_builds_the_same_bytes_as_a_file_of_its_text(tmp_path):
    """A row with id X, a text and a date gives byte for byte the graph of a file named X
    with that text and that date, in every form a corpus comes in."""
    files = tmp_path / "files"
    for r in ROWS:
        f = files / r["id"]
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(r["text"].encode("utf-8"))
    dates = write_csv(
        tmp_path / "dates.csv", [{"file": r["id"], "date": r["date"]} for r in ROWS if r["date"]], ["file", "date"]
    )
    rows = sorted(ROWS, key=lambda r: r["id"])  # the order in which a directory's files are read
    corpora = [
        write_jsonl(tmp_path / "c.jsonl", rows),
        write_jsonl(tmp_path / "c.jsonl.gz", rows, gz=True),
        write_csv(tmp_path / "c.csv", rows, ["id", "date", "text"]),
    ]
    for fmt in ("nq", "trig"):
        r = build(files, "-o", tmp_path / f"files.{fmt}", "--dates", dates)
        assert r.exit_code == 0, r.output
        expected = (tmp_path / f"files.{fmt}").read_bytes()
        assert b'"report-2022.txt"' in expected and b'"news/2023-03-02.txt"' in expected
        for corpus in corpora:
            out = tmp_path / f"{corpus.name}.{fmt}"
            r = build(corpus, "-o", out)
            assert r.exit_code == 0, r.output
            assert (
                r.stderr == f"3 speech(es), {r.stderr.split(' ')[2]} entities, "
                f"{r.stderr.split(' ')[4]} relations → {out}\n"
            )
            assert out.read_bytes() == expected, corpus.name


@pytest.mark.slow
def test_the_news_corpus_builds_as_it_is(tmp_path):
    """The first 20 items of the CCTV news corpus (date, num, title, text; no id): one named
    graph per row, named by the row number, with the row's date and title."""
    rows = []
    with gzip.open(need_shared(XWLB), "rt", encoding="utf-8") as fh:
        for line in fh:
            rows.append(json.loads(line))
            if len(rows) == 20:
                break
    assert set(rows[0]) == {"date", "num", "title", "text"}
    corpus = write_jsonl(tmp_path / "xwlb.jsonl.gz", rows, gz=True)
    out = tmp_path / "news.trig"
    r = build(corpus, "-o", out)
    assert r.exit_code == 0, r.output
    assert re.fullmatch(rf"20 speech\(es\), \d+ entities, \d+ relations → {re.escape(str(out))}\n", r.stderr)
    ds = Dataset(default_union=True)
    ds.parse(out, format="trig")
    speeches = {str(ds.value(sp, SKG.sourceFile)): sp for sp in ds.subjects(RDF.type, SKG.Speech)}
    assert sorted(speeches) == sorted(f"xwlb.jsonl.gz:{i}" for i in range(1, 21))
    for i, row in enumerate(rows, 1):
        sp = speeches[f"xwlb.jsonl.gz:{i}"]
        assert str(ds.value(sp, DCTERMS.date)) == row["date"]
        assert str(ds.value(sp, DCTERMS.title)) == row["title"]
    assert len([g for g in ds.graphs() if len(g)]) == 20


def test_fields_are_named_with_options(tmp_path):
    rows = [{"url": "http://example.com/a", "day": "2022-02-08", "headline": "一则新闻", "body": ROWS[0]["text"]}]
    corpus = write_csv(tmp_path / "c.csv", rows, ["url", "day", "headline", "body"])
    out = tmp_path / "g.trig"
    r = build(
        corpus,
        "-o",
        out,
        "--text-field",
        "body",
        "--date-field",
        "day",
        "--id-field",
        "url",
        "--title-field",
        "headline",
    )
    assert r.exit_code == 0, r.output
    ds = Dataset(default_union=True)
    ds.parse(out, format="trig")
    sp = next(ds.subjects(RDF.type, SKG.Speech))
    assert str(ds.value(sp, SKG.sourceFile)) == "http://example.com/a"
    assert str(ds.value(sp, DCTERMS.date)) == "2022-02-08"
    assert str(ds.value(sp, DCTERMS.title)) == "一则新闻"
    r = build(corpus, "-o", out, "--text-field", "content")
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {corpus}: no column 'content' (columns: url, day, headline, body); name the column with --text-field\n"
    )


def test_bad_rows_are_skipped_one_line_each(tmp_path):
    good = ROWS[0]["text"]
    lines = [
        json.dumps({"id": "ok", "text": good}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "no-text", "body": good}),
        json.dumps({"id": "bad-date", "text": good, "date": "2022-13-40"}),
        json.dumps(["an", "array"]),
        "",
        json.dumps({"id": "surrogate", "text": "\ud800" + good}),
        json.dumps({"id": "number", "text": 12}),
        json.dumps({"id": "nul", "text": "a\u0000b"}),
        json.dumps({"id": "x" * 1001, "text": good}),
        json.dumps({"text": good, "date": "2022-02-08T09:30:00+08:00"}),
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "g.nq"
    r = build(corpus, "-o", out)
    assert r.exit_code == 1
    c = str(corpus)
    assert r.stderr.splitlines()[:-1] == [
        f"Skipped: {c}:2: not JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
        f"Skipped: {c}:3: no 'text' field (fields: id, body)",
        f"Skipped: {c}:4: '2022-13-40' is not a date; use YYYY-MM-DD",
        f"Skipped: {c}:5: not a JSON object but an array",
        f"Skipped: {c}:7: the text is not valid Unicode (a lone surrogate, or bytes that are not UTF-8)",
        f"Skipped: {c}:8: the 'text' field is a number, not a string",
        f"Skipped: {c}:9: the text holds a NUL character, so it looks binary",
        f"Skipped: {c}:10: the id is 1,001 characters long, over the 1,000 an id may have",
    ]
    assert r.stderr.splitlines()[-1].startswith("2 speech(es), ")
    text = out.read_text(encoding="utf-8")
    assert '"ok"' in text and '"c.jsonl:11"' in text  # no id: the corpus's name and the row number
    assert '"2022-02-08"^^<http://www.w3.org/2001/XMLSchema#date>' in text


def test_a_field_named_must_be_in_every_row(tmp_path):
    corpus = write_jsonl(
        tmp_path / "c.jsonl", [{"id": "a", "text": ROWS[0]["text"]}, {"key": "b", "text": ROWS[1]["text"]}]
    )
    r = build(corpus, "-o", tmp_path / "g.nq", "--id-field", "key")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[:-1] == [f"Skipped: {corpus}:1: no 'key' field (fields: id, text)"]


def test_repeated_ids_are_an_error_naming_both_rows(tmp_path):
    corpus = write_jsonl(
        tmp_path / "c.jsonl",
        [
            {"id": "a", "text": ROWS[0]["text"]},
            {"id": "b", "text": ROWS[1]["text"]},
            {"id": "a", "text": ROWS[2]["text"]},
        ],
    )
    out = tmp_path / "g.nq"
    r = build(corpus, "-o", out)
    assert r.exit_code == 1
    assert (
        r.stderr == f"Error: {corpus}:1 and {corpus}:3 would be one speech named 'a' (one IRI); give each its own id\n"
    )
    assert not out.exists()
    (tmp_path / "a").write_text(ROWS[0]["text"], encoding="utf-8")  # a file named as a row's id
    r = build(tmp_path / "a", write_jsonl(tmp_path / "d.jsonl", [{"id": "a", "text": "x"}]), "-o", out)
    assert r.exit_code == 1
    assert (
        r.stderr == f"Error: {tmp_path / 'a'} and {tmp_path / 'd.jsonl'}:1 would be one speech named 'a' "
        "(one IRI); give each its own id\n"
    )


def test_a_row_over_the_size_limit_is_refused_without_being_read_whole(tmp_path):
    """A gzip bomb: one row of 24 MiB compresses to some 100 KiB. It is refused with one line,
    read a MiB at a time, and the rows after it are built."""
    import tracemalloc

    bomb = b'{"id": "bomb", "text": "' + b"a" * (24 * 2**20) + b'"}\n'
    after = json.dumps({"id": "after", "text": ROWS[0]["text"]}, ensure_ascii=False).encode("utf-8") + b"\n"
    corpus = tmp_path / "c.jsonl.gz"
    corpus.write_bytes(gzip.compress(bomb + after, compresslevel=1))
    del bomb
    assert corpus.stat().st_size < 2**20
    tracemalloc.start()
    rows = list(Corpus(str(corpus), "c.jsonl.gz", max_bytes=2**20))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 * 2**20
    assert [r.error for r in rows] == [f"{corpus}:1: the row is over the 1 MiB limit; raise it with --max-size", None]
    assert rows[1].speech.source == "after"
    r = build(corpus, "-o", tmp_path / "g.nq", "--max-size", "1")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[:-1] == [
        f"Skipped: {corpus}:1: the row is over the 1 MiB limit; raise it with --max-size"
    ]


def test_a_csv_record_over_the_limit_stops_its_file(tmp_path):
    corpus = tmp_path / "c.csv"
    corpus.write_text(
        "id,text\nok," + ROWS[1]["text"] + '\nbig,"' + "长" * 400_000 + '\n\nmore"\nlast,x\n', encoding="utf-8"
    )
    r = build(corpus, "-o", tmp_path / "g.nq", "--max-size", "1")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[:-1] == [
        f"Skipped: {corpus}:2: the row is over the 1 MiB limit; raise it with --max-size; "
        "the rows after it were not read"
    ]


def test_a_truncated_gzip_keeps_the_rows_before(tmp_path):
    corpus = write_jsonl(
        tmp_path / "c.jsonl.gz", [{"id": f"r{i}", "text": ROWS[i % 3]["text"]} for i in range(3)], gz=True
    )
    data = corpus.read_bytes()
    corpus.write_bytes(data[: len(data) - 12])  # the trailer and a little data gone
    rows = []
    with pytest.raises(
        InputError,
        match=r"c\.jsonl\.gz: cannot read it after row \d; the rows after it "
        r"were not read \(Compressed file ended",
    ):
        for row in Corpus(str(corpus), "c.jsonl.gz"):
            rows.append(row)
    assert rows and all(r.speech for r in rows)
    r = build(corpus, "-o", tmp_path / "g.nq")
    assert r.exit_code == 1 and r.stderr.splitlines()[0].startswith(f"Skipped: {corpus}: cannot read it after row")
    r = build(tmp_path / "missing.jsonl", "-o", tmp_path / "g.nq")
    assert r.exit_code == 1 and r.stderr == f"Error: {tmp_path / 'missing.jsonl'}: no such file\n"
    plain = tmp_path / "plain.jsonl.gz"
    plain.write_text('{"text": "x"}\n', encoding="utf-8")
    r = build(plain, "-o", tmp_path / "g.nq")
    assert r.exit_code == 1 and r.stderr == f"Error: {plain}: cannot read it (Not a gzipped file (b'{{\"'))\n"


def test_rows_and_files_in_one_build(tmp_path):
    f = tmp_path / "speech.txt"
    f.write_text(ROWS[1]["text"], encoding="utf-8")
    corpus = write_jsonl(tmp_path / "c.jsonl", ROWS[:1])
    result = build_pipeline.build([str(f), str(corpus)])
    assert [d.speech.source for d in result.docs] == ["speech.txt", "report-2022.txt"]
