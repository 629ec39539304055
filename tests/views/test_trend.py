"""`speechkg trend` and `timeline -o`: mentions per period counted by Oxigraph, as CSV, SVG,
PNG and HTML, on a small made-up corpus with known counts and on a slice of real news."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.views import charts as views_charts
from speechkg.graph.views.charts import cjk_font
from speechkg.graph.views.trend import InputError, period_of, periods_between

from ..conftest import SHARED, need_shared

SVG = "{http://www.w3.org/2000/svg}"
GOAL = "https://w3id.org/speechkg/id/goal/ef87cff5ea482585"  # 共同富裕
PATTERN = "https://w3id.org/speechkg/id/concept/66ca6626ab544c05"  # 新发展格局

#: four dated speeches in three quarters of 2021 (none in Q2), one without a date, one dated
#: only to its year by the 2021年 in its text
TEXTS = {
    "a.txt": ("2021-01-15", "会议强调，要扎实推动共同富裕，加快构建新发展格局。\n"),
    "b.txt": ("2021-02-20", "全会提出，坚持共同富裕方向。推动共同富裕取得实质性进展。\n"),
    "c.txt": (
        "2021-08-03",
        "加快构建以国内大循环为主体、国内国际双循环相互促进的新发展格局。共同富裕是社会主义的本质要求。\n",
    ),
    "d.txt": ("2021-11-30", "会议强调，完整准确全面贯彻新发展理念，加快构建新发展格局。新发展格局是根本要求。\n"),
    "e.txt": (None, "全总开展送温暖活动。\n"),
    "f.txt": (None, "2021年，各地贯彻新发展理念，推动共同富裕。\n"),
}
NOTE_QUARTER = (
    "Note: 1 speech(es) without a date and 1 dated only to the year (too coarse for --by quarter) "
    "left out; give dates with `speechkg build --date` or `--dates`\n"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("trend")
    for name, (_, text) in TEXTS.items():
        (d / name).write_text(text, encoding="utf-8")
    (d / "dates.csv").write_text(
        "file,date\n" + "".join(f"{n},{dt}\n" for n, (dt, _) in TEXTS.items() if dt), encoding="utf-8"
    )
    out = d / "corpus.trig"
    r = CliRunner().invoke(
        cli, ["build", *sorted(str(p) for p in d.glob("*.txt")), "--dates", str(d / "dates.csv"), "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    return out


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def trend(corpus, tmp_path, *args, name="out.csv"):
    out = tmp_path / name
    r = run("trend", corpus, *args, "-o", out)
    assert r.exit_code == 0, r.output
    return r, out


def test_counts_by_quarter_csv_bytes(corpus, tmp_path):
    r, out = trend(corpus, tmp_path, "--entity", "共同富裕", "--entity", "新发展格局", "--by", "quarter")
    assert r.stderr == NOTE_QUARTER + f"2 entities, 4 quarter(s) → {out}\n"
    assert (
        out.read_bytes()
        == (
            "period,entity,label,type,mentions,speeches\r\n"
            f"2021-Q1,{GOAL},共同富裕,Goal,3,2\r\n"
            f"2021-Q1,{PATTERN},新发展格局,Concept,1,1\r\n"
            f"2021-Q2,{GOAL},共同富裕,Goal,0,0\r\n"  # no speech in Q2: the period is there, with 0
            f"2021-Q2,{PATTERN},新发展格局,Concept,0,0\r\n"
            f"2021-Q3,{GOAL},共同富裕,Goal,1,1\r\n"
            f"2021-Q3,{PATTERN},新发展格局,Concept,1,1\r\n"
            f"2021-Q4,{GOAL},共同富裕,Goal,0,0\r\n"
            f"2021-Q4,{PATTERN},新发展格局,Concept,2,1\r\n"
        ).encode()
    )


def test_any_label_finds_the_entity(corpus, tmp_path):
    """国内大循环 is an alias of 国内国际双循环; the label is compared without quotes or spaces."""
    _, out = trend(corpus, tmp_path, "--entity", "国内大循环", "--by", "quarter")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["period"], r["label"], r["mentions"], r["speeches"]) for r in rows] == [
        ("2021-Q1", "国内国际双循环", "0", "0"),
        ("2021-Q2", "国内国际双循环", "0", "0"),
        ("2021-Q3", "国内国际双循环", "2", "1"),
        ("2021-Q4", "国内国际双循环", "0", "0"),
    ]
    _, again = trend(corpus, tmp_path, "--entity", "“国内国际 双循环”", "--by", "quarter", name="again.csv")
    assert again.read_bytes() == out.read_bytes()
    _, english = trend(corpus, tmp_path, "--entity", "common prosperity", name="english.csv")  # an @en label
    assert english.read_text(encoding="utf-8").splitlines()[1] == f"2021,{GOAL},共同富裕,Goal,5,4"


def test_by_year_keeps_the_year_only_speech(corpus, tmp_path):
    r, out = trend(corpus, tmp_path, "--entity", "共同富裕", "--by", "year")
    assert r.stderr.startswith("Note: 1 speech(es) without a date left out;")
    assert out.read_text(encoding="utf-8").splitlines()[1:] == [f"2021,{GOAL},共同富裕,Goal,5,4"]


def test_by_month_runs_without_gaps(corpus, tmp_path):
    _, out = trend(corpus, tmp_path, "--entity", "新发展格局", "--by", "month")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["period"] for r in rows] == [f"2021-{m:02d}" for m in range(1, 12)]
    assert {r["period"]: int(r["mentions"]) for r in rows if r["mentions"] != "0"} == {
        "2021-01": 1,
        "2021-08": 1,
        "2021-11": 2,
    }


def test_per_10k_arithmetic(corpus, tmp_path):
    _, out = trend(corpus, tmp_path, "--entity", "共同富裕", "--by", "quarter", "--per-10k")
    chars = {
        "2021-Q1": len(TEXTS["a.txt"][1]) + len(TEXTS["b.txt"][1]),
        "2021-Q3": len(TEXTS["c.txt"][1]),
        "2021-Q4": len(TEXTS["d.txt"][1]),
    }
    assert chars == {"2021-Q1": 55, "2021-Q3": 48, "2021-Q4": 41}
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["period"], r["mentions"], r["per_10k"]) for r in rows] == [
        ("2021-Q1", "3", "545.4545"),  # 3 × 10,000 / 55
        ("2021-Q2", "0", "0.0000"),  # no text in the period: 0
        ("2021-Q3", "1", "208.3333"),  # 1 × 10,000 / 48
        ("2021-Q4", "0", "0.0000"),
    ]
    assert f"{3 * 10_000 / 55:.4f}" == "545.4545"


@pytest.mark.slow
def test_top_changed_most_ties_by_label(corpus, tmp_path):
    # Concepts from 2021-Q1 to 2021-Q4: 新发展格局 1 → 2, 新发展理念 0 → 1, 国内国际双循环 0 → 0
    _, out = trend(corpus, tmp_path, "--type", "Concept", "--top", "3", "--by", "quarter")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["label"] for r in rows if r["period"] == "2021-Q4"] == ["新发展格局", "新发展理念"]
    _, svg = trend(corpus, tmp_path, "--type", "Concept", "--top", "3", "--by", "quarter", name="top.svg")
    assert "Mentions by quarter, 2021-Q1 – 2021-Q4 (4 speeches); the 2 Concept entities that changed most" in [
        "".join(t.itertext()) for t in _svg(svg).iter(f"{SVG}text")
    ]
    _, one = trend(corpus, tmp_path, "--type", "Concept", "--top", "1", "--by", "quarter", name="one.csv")
    assert {r["label"] for r in csv.DictReader(io.StringIO(one.read_text(encoding="utf-8")))} == {"新发展格局"}
    # named entities come first, and are not ranked again
    _, both = trend(
        corpus,
        tmp_path,
        "--entity",
        "新发展格局",
        "--type",
        "Concept",
        "--top",
        "1",
        "--by",
        "quarter",
        name="both.csv",
    )
    assert [r["label"] for r in csv.DictReader(io.StringIO(both.read_text(encoding="utf-8")))][:2] == [
        "新发展格局",
        "新发展理念",
    ]


def test_top_by_rate(corpus, tmp_path):
    # per 10k: 新发展格局 1/55 → 2/41 (+306.1), 新发展理念 0 → 1/41 (+243.9)
    _, out = trend(corpus, tmp_path, "--type", "Concept", "--top", "1", "--by", "quarter", "--per-10k")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["label"], r["per_10k"]) for r in rows if r["period"] in ("2021-Q1", "2021-Q4")] == [
        ("新发展格局", "181.8182"),
        ("新发展格局", "487.8049"),
    ]


def _svg(path: Path) -> ET.Element:
    return ET.fromstring(path.read_bytes())


def _series(root: ET.Element) -> dict[str, list[tuple[float, float]]]:
    """Each data line of the chart: its points, from the path's d attribute."""
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("id", "").startswith("series-"):
            paths = g.findall(f"{SVG}path")
            assert len(paths) == 1
            nums = paths[0].get("d").replace("M", " ").replace("L", " ").split()
            out[g.get("id")] = [(float(x), float(y)) for x, y in zip(nums[::2], nums[1::2], strict=True)]
    return out


@pytest.mark.slow
def test_svg_one_line_per_entity_with_cjk_legend(corpus, tmp_path):
    _, out = trend(
        corpus,
        tmp_path,
        "--entity",
        "共同富裕",
        "--entity",
        "新发展格局",
        "--entity",
        "国内大循环",
        "--by",
        "quarter",
        name="chart.svg",
    )
    root = _svg(out)
    lines = _series(root)
    assert sorted(lines) == ["series-0", "series-1", "series-2"]
    assert all(len(points) == 4 for points in lines.values())  # one point per quarter
    # 共同富裕: 3, 0, 1, 0 — highest first, lowest second (SVG y grows downwards)
    ys = [y for _, y in lines["series-0"]]
    assert ys[0] < ys[2] < ys[1] == ys[3]
    legend = {
        g.get("id"): "".join(g.itertext()).strip()
        for g in root.iter(f"{SVG}g")
        if g.get("id", "").startswith("legend-")
    }
    assert legend == {"legend-0": "共同富裕", "legend-1": "新发展格局", "legend-2": "国内国际双循环"}
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Mentions by quarter, 2021-Q1 – 2021-Q4 (4 speeches)" in texts
    assert {"quarter", "mentions", "2021-Q1", "2021-Q4"} <= set(texts)
    # text kept as text, in a list of CJK-capable families
    style = next(t.get("style") for t in root.iter(f"{SVG}text") if "".join(t.itertext()) == "共同富裕")
    assert "'Noto Sans CJK SC'" in style and "'Microsoft YaHei'" in style
    assert not any(g.get("id", "").startswith("glyph") for g in root.iter())


@pytest.mark.slow
def test_outputs_identical_across_runs(corpus, tmp_path):
    for ext in ("svg", "html", "csv"):
        _, a = trend(corpus, tmp_path, "--entity", "共同富裕", "--by", "month", name=f"a.{ext}")
        _, b = trend(corpus, tmp_path, "--entity", "共同富裕", "--by", "month", name=f"b.{ext}")
        assert a.read_bytes() == b.read_bytes(), ext
    assert b"<dc:date>" not in a.with_suffix(".svg").read_bytes()


@pytest.mark.slow
def test_png(corpus, tmp_path):
    if cjk_font() is None:
        pytest.skip("no CJK font on this system (Debian: fonts-noto-cjk)")
    _, a = trend(corpus, tmp_path, "--entity", "共同富裕", "--by", "quarter", name="a.png")
    _, b = trend(corpus, tmp_path, "--entity", "共同富裕", "--by", "quarter", name="b.png")
    data = a.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data == b.read_bytes()
    from PIL import Image

    assert Image.open(a).size == (1200, 672)


def test_png_without_cjk_font_is_one_line(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(views_charts, "cjk_font", lambda: None)
    r = run("trend", corpus, "--entity", "共同富裕", "-o", tmp_path / "x.png")
    assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1
    assert r.output.startswith("Error: no CJK font") and "fonts-noto-cjk" in r.output and ".svg" in r.output
    assert not (tmp_path / "x.png").exists()
    # the SVG needs none: its text stays text
    r = run("trend", corpus, "--entity", "共同富裕", "-o", tmp_path / "x.svg")
    assert r.exit_code == 0 and "共同富裕</text>" in (tmp_path / "x.svg").read_text(encoding="utf-8")


HOSTILE = '<script>alert("x")</script> & $a$ \x1b[31m'


@pytest.fixture()
def hostile(tmp_path) -> Path:
    """A hand-written graph: one speech in 2021-03, one Concept with a label meant to break things."""
    label = HOSTILE.replace("\\", "\\\\").replace('"', '\\"').replace("\x1b", "\\u001B")
    ttl = f"""@prefix skg: <https://w3id.org/speechkg#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/speechkg/id/> .
id:s1 a skg:Speech ; dcterms:date "2021-03-01"^^xsd:date ; skg:context id:c1 .
id:c1 a nif:Context ; nif:isString "0123456789" .
id:e1 a skg:Concept ; skos:prefLabel "{label}"@zh ; skos:altLabel "甲"@zh .
id:m1 a skg:Mention ; itsrdf:taIdentRef id:e1 ; prov:wasDerivedFrom id:s1 .
id:m2 a skg:Mention ; itsrdf:taIdentRef id:e1 ; prov:wasDerivedFrom id:s1 .
"""
    path = tmp_path / "hostile.ttl"
    path.write_text(ttl, encoding="utf-8")
    return path


def test_html_escapes_a_hostile_label(hostile, tmp_path):
    r, out = trend(hostile, tmp_path, "--entity", "甲", "--by", "month", "--per-10k", name="page.html")
    assert r.stderr == f"1 entity, 1 month(s) → {out}\n"
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "\x1b" not in page
    shown = html.escape('<script>alert("x")</script> & $a$ \\x1b[31m', quote=True)
    assert f"<td>{shown}</td>" in page
    assert '<td class="n">2</td>' in page and '<td class="n">2000.0000</td>' in page  # 2 × 10,000 / 10
    assert "http://" not in page.replace("http://www.w3.org/", "").replace("http://purl.org/dc/", "").replace(
        "http://creativecommons.org/", ""
    )  # nothing to fetch
    # the inline SVG keeps the label as text, escaped, and `$` is not mathtext
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    legend = next(g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("id") == "legend-0")
    assert "".join(legend.itertext()).strip() == '<script>alert("x")</script> & $a$ \\x1b[31m'
    # the CSV keeps the label as it is
    _, table = trend(hostile, tmp_path, "--entity", "甲", name="t.csv")
    assert next(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"), newline="")))["label"] == HOSTILE


def test_store_gives_the_same_table(corpus, tmp_path):
    store = tmp_path / "corpus.db"
    from speechkg.graph.rdf import oxstore

    s = oxstore.open_store(store)
    oxstore.bulk_load(s, corpus)
    del s
    r = run("trend", "--store", store, "--entity", "共同富裕", "--by", "quarter", "-o", "-")
    _, files = trend(corpus, tmp_path, "--entity", "共同富裕", "--by", "quarter")
    assert r.exit_code == 0, r.output
    assert r.stdout_bytes == files.read_bytes()


def test_timeline_gains_the_chart(corpus, tmp_path):
    r = run("timeline", corpus, "--entity", "共同富裕", "--by", "quarter", "-o", tmp_path / "t.csv")
    assert r.exit_code == 0, r.output
    _, same = trend(corpus, tmp_path, "--entity", "共同富裕", "--by", "quarter")
    assert (tmp_path / "t.csv").read_bytes() == same.read_bytes()
    r = run("timeline", corpus, "--entity", "共同富裕", "-o", tmp_path / "t.svg")
    assert r.exit_code == 0 and len(_series(_svg(tmp_path / "t.svg"))) == 1
    r = run("timeline", corpus, "--entity", "共同富裕", "--by", "month")
    assert r.exit_code == 2
    assert "--by, --per-10k and --raw are for the chart or table: give -o OUT with them" in r.output
    r = run("timeline", corpus, "--entity", "共同富裕")  # no -o: the text as before
    assert r.exit_code == 0
    assert r.stdout.splitlines()[:2] == ["2021  f.txt  共同富裕", "    2021年，各地贯彻新发展理念，推动共同富裕。"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--entity", "双循环"], "Error: no entity labelled '双循环' in the graph"),
        (["--entity", "共同富裕", "--entity", "没有这个"], "Error: no entity labelled '没有这个' in the graph"),
        (
            ["--entity", "共同富裕", "--type", "Concept"],
            "Error: no Concept labelled '共同富裕' in the graph (there is a Goal of that name)",
        ),
        (["--type", "Concept"], "Error: name at least one --entity LABEL, or --type TYPE --top N"),
        (["--top", "2"], "Error: --top N needs --type TYPE"),
        (["--type", "Concepts", "--top", "2"], "Error: unknown entity type 'Concepts'; use one of"),
    ],
)
def test_errors_are_one_line(corpus, tmp_path, args, message):
    r = run("trend", corpus, *args, "-o", tmp_path / "x.csv")
    assert r.exit_code == 1, r.output
    assert r.output.startswith(message) and len(r.output.strip().splitlines()) == 1, r.output
    assert not (tmp_path / "x.csv").exists()


def test_output_and_source_errors(corpus, tmp_path):
    r = run("trend", corpus, "--entity", "共同富裕", "-o", tmp_path / "x.pdf")
    assert r.exit_code == 1 and r.output.startswith(f"Error: {tmp_path / 'x.pdf'}: cannot tell what to write")
    r = run("trend", corpus, "--store", tmp_path, "--entity", "共同富裕", "-o", tmp_path / "x.csv")
    assert r.output == "Error: give graph files or --store DIR, not both\n"
    r = run("trend", "--entity", "共同富裕", "-o", tmp_path / "x.csv")
    assert r.output == "Error: name at least one graph file, or --store DIR\n"
    r = run("trend", "--store", tmp_path / "none", "--entity", "共同富裕", "-o", tmp_path / "x.csv")
    assert r.exit_code == 1 and "no store here" in r.output
    (tmp_path / "dir.csv").mkdir()
    r = run("trend", corpus, "--entity", "共同富裕", "-o", tmp_path / "dir.csv")
    assert r.output == f"Error: {tmp_path / 'dir.csv'}: is a directory; give a file name\n"
    r = run("trend", corpus, "--entity", "共同富裕", "--by", "week", "-o", tmp_path / "x.csv")
    assert r.exit_code == 2 and "'week' is not one of" in r.output


def test_no_dated_speech(tmp_path):
    (tmp_path / "a.txt").write_text("全总开展送温暖活动。\n", encoding="utf-8")
    assert run("build", tmp_path / "a.txt", "-o", tmp_path / "a.ttl").exit_code == 0
    r = run("trend", tmp_path / "a.ttl", "--entity", "全总", "-o", tmp_path / "x.csv")
    assert r.exit_code == 1 and r.output.startswith(
        "Error: no speech in the graph has a date that gives its year (left out: 1 without a date"
    )


def test_periods_and_dates():
    assert period_of("2021-08-03", "quarter") == "2021-Q3"
    assert period_of("2021-08-03+08:00", "month") == "2021-08"
    assert period_of("2021-12", "quarter") == "2021-Q4"
    assert period_of("2021", "quarter") is None and period_of("2021", "year") == "2021"
    assert period_of("not a date", "year") is None
    assert periods_between("2020-Q3", "2021-Q2", "quarter") == ["2020-Q3", "2020-Q4", "2021-Q1", "2021-Q2"]
    assert periods_between("2020-11", "2021-02", "month") == ["2020-11", "2020-12", "2021-01", "2021-02"]
    assert periods_between("0998", "1001", "year") == ["0998", "0999", "1000", "1001"]
    assert period_of("0999-02-01", "quarter") == "0999-Q1" and period_of("-0044-03-15", "year") == "-0044"
    with pytest.raises(InputError, match="from 0001-01 to 2021-12"):
        periods_between("0001-01", "2021-12", "month")


@pytest.mark.slow
def test_real_news_slice(tmp_path):
    """30 CCTV news items spread over 2020–2021: the counts Oxigraph aggregates are those rdflib
    finds walking the same graph."""
    source = need_shared(SHARED / "corpora" / "xwlb-2020-2021.jsonl.gz")
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        items = [json.loads(line) for i, line in enumerate(fh) if i % 375 == 0][:30]
    d = tmp_path / "news"
    d.mkdir()
    rows = []
    for it in items:
        name = f"{it['date']}-{int(it['num']):03d}.txt"
        (d / name).write_text(f"{it['title'].strip()}\n{it['text'].strip()}\n", encoding="utf-8")
        rows.append(f"{name},{it['date']}\n")
    (tmp_path / "dates.csv").write_text("file,date\n" + "".join(rows), encoding="utf-8")
    nq = tmp_path / "news.nq"
    r = run("build", d, "--dates", tmp_path / "dates.csv", "-o", nq, "--quiet")
    assert r.exit_code == 0, r.output
    _, out = trend(nq, tmp_path, "--entity", "习近平", "--entity", "党中央", "--by", "quarter", "--per-10k")
    got = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["period"] for r in got[::2]] == [f"{y}-Q{q}" for y in (2020, 2021) for q in (1, 2, 3, 4)]

    from rdflib import RDF, URIRef
    from rdflib.namespace import DCTERMS, PROV

    from speechkg.graph.rdf.parse import load
    from speechkg.ontology.namespace import ITSRDF, NIF, SKG

    ds = load([str(nq)])
    for first in got[:2]:  # 习近平, and 党中央 under its fullest name here
        iri = first["entity"]
        want: dict[str, list] = {}
        for m in ds.subjects(ITSRDF.taIdentRef, URIRef(iri)):
            sp = ds.value(m, PROV.wasDerivedFrom)
            period = period_of(str(ds.value(sp, DCTERMS.date)), "quarter")
            w = want.setdefault(period, [0, set()])
            w[0] += 1
            w[1].add(sp)
        chars: dict[str, int] = {}
        for sp in set(ds.subjects(RDF.type, SKG.Speech)):
            p = period_of(str(ds.value(sp, DCTERMS.date)), "quarter")
            chars[p] = chars.get(p, 0) + len(str(ds.value(ds.value(sp, SKG.context), NIF.isString)))
        mine = {r["period"]: (int(r["mentions"]), int(r["speeches"]), r["per_10k"]) for r in got if r["entity"] == iri}
        assert {p: v for p, v in mine.items() if v[0]} == {
            p: (n, len(s), f"{n * 10_000 / chars[p]:.4f}") for p, (n, s) in want.items()
        }, first["label"]
    assert [r["label"] for r in got[:2]] == ["习近平", "中国共产党中央委员会"]
    assert sum(int(r["mentions"]) for r in got[::2]) == 28  # 习近平 in 11 of the 30 items
    assert sum(int(r["speeches"]) for r in got[::2]) == 11
