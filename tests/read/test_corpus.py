"""A corpus in every encoding and format the tests can make, built into one TriG graph."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import RDF, SKOS, Dataset

from speechkg.cli import cli
from speechkg.ontology.namespace import ITSRDF, NIF, SKG

runner = CliRunner()

UTF8 = "2022年工作报告\n（2022年2月8日）\n在省委和全总的领导下，深入开展送温暖活动，落实《中华人民共和国工会法》。"
BOM = "2021年工作报告\n2021年，全总部署“五大行动”，省委充分肯定。"
GBK = "市总工会十五届三次全委会议于2023年3月2日召开。会议要求深入实施“技能强市”行动，全总有关负责同志出席。"
BIG5 = "省委召開工作會議。要堅定擁護「兩個確立」，全總充分肯定「五大行動」。"  # traditional
TRAD = "2020年，省委召開全會，中華全國總工會充分肯定“五大行動”，要落實《工會法》。"
HTML = (
    "<html><head><title>在全市工会工作会议上的讲话</title><script>var x='省委召开';</script>"
    "<style>p{}</style></head><body><nav>首页 | 省委</nav><article><p>2023年，全总部署开展"
    "<b>金秋助学活动</b>。</p><p>市总工会要抓好落实。</p></article><footer>版权所有</footer></body></html>"
)
DOCX = ["2024年工作要点", "（2024年1月9日）", "全总召开十八届二次执委会议，部署开展“工会服务职工年”活动。"]


def make_docx(path, lines):
    import docx

    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(str(path))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    (d / "utf8.txt").write_text(UTF8, encoding="utf-8")
    (d / "bom.txt").write_bytes(b"\xef\xbb\xbf" + BOM.encode("utf-8"))
    (d / "gbk.txt").write_bytes(GBK.encode("gbk"))
    (d / "big5.txt").write_bytes(BIG5.encode("big5"))
    (d / "trad-utf8.txt").write_text(TRAD, encoding="utf-8")
    (d / "page.html").write_text(HTML, encoding="utf-8")
    make_docx(d / "plan.docx", DOCX)
    return d


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "corpus.trig"
    r = runner.invoke(cli, ["build", str(corpus), "-o", str(out)])
    assert r.exit_code == 0, r.output
    ds = Dataset(default_union=True)
    ds.parse(out, format="trig")
    return ds, r


def test_every_file_is_its_own_named_graph(built):
    ds, r = built
    assert r.stderr.startswith("7 speech(es), ")
    sources = {str(s) for s in ds.objects(None, SKG.sourceFile)}
    assert sources == {"utf8.txt", "bom.txt", "gbk.txt", "big5.txt", "trad-utf8.txt", "page.html", "plan.docx"}
    graphs = [g for g in ds.graphs() if len(g)]
    assert len(graphs) == 7
    assert all(len(set(g.subjects(RDF.type, SKG.Speech))) == 1 for g in graphs)


def test_shared_entities_have_one_iri(built):
    ds, _ = built

    def nodes(label):
        return {s for s, o in ds.subject_objects(SKOS.prefLabel) if str(o) == label} | {
            s for s, o in ds.subject_objects(SKOS.altLabel) if str(o) == label
        }

    quanzong = nodes("全总") | nodes("中华全国总工会") | nodes("中華全國總工會")
    assert len(quanzong) == 1
    in_graphs = {g.identifier for g in ds.graphs() if (next(iter(quanzong)), RDF.type, SKG.Body) in g}
    assert len(in_graphs) == 7  # utf8, bom, gbk, big5, trad, html, docx all name 全总
    assert len(nodes("五大行动")) == 1
    assert len(nodes("工会法") | nodes("中华人民共和国工会法")) == 1


def test_offsets_hold_on_the_original_traditional_text(built):
    ds, _ = built
    texts = {c: str(t) for c, t in ds.subject_objects(NIF.isString)}
    trad = [t for t in texts.values() if "召開" in t]
    assert len(trad) == 2
    n = 0
    for m in ds.subjects(RDF.type, SKG.Mention):
        ctx = ds.value(m, NIF.referenceContext)
        b, e = int(ds.value(m, NIF.beginIndex)), int(ds.value(m, NIF.endIndex))
        assert texts[ctx][b:e] == str(ds.value(m, NIF.anchorOf))
        n += texts[ctx] in trad
    assert n >= 8
    ent = next(s for s, o in ds.subject_objects(SKOS.prefLabel) if str(o) == "两个确立")
    alts = {(str(o), o.language.lower()) for o in ds.objects(ent, SKOS.altLabel)}
    assert ("兩個確立", "zh-hant") in alts  # language tags are case-insensitive (BCP 47)


def test_html_and_docx_text(built):
    ds, _ = built
    texts = [str(t) for t in ds.objects(None, NIF.isString)]
    page = next(t for t in texts if "金秋助学活动" in t)
    assert "var x" not in page and "首页" not in page and "版权所有" not in page
    assert page.splitlines()[0] == "在全市工会工作会议上的讲话"
    assert any(t.startswith("2024年工作要点\n（2024年1月9日）") for t in texts)


def test_dates_from_bylines_and_the_dates_file(corpus, tmp_path):
    dates = tmp_path / "dates.csv"
    dates.write_text("file,date\ngbk.txt,2023-03-10\n", encoding="utf-8")
    out = tmp_path / "c.trig"
    r = runner.invoke(cli, ["build", str(corpus), "-o", str(out), "--dates", str(dates), "--quiet"])
    assert r.exit_code == 0
    ds = Dataset(default_union=True)
    ds.parse(out, format="trig")
    from rdflib.namespace import DCTERMS

    by_source = {
        str(ds.value(sp, SKG.sourceFile)): str(ds.value(sp, DCTERMS.date)) for sp in ds.subjects(RDF.type, SKG.Speech)
    }
    assert by_source["gbk.txt"] == "2023-03-10"  # the dates file
    assert by_source["utf8.txt"] == "2022-02-08"  # the byline
    assert by_source["plan.docx"] == "2024-01-09"
    assert by_source["bom.txt"] == "2021"  # only the year, from the text


def test_bad_file_is_skipped_and_reported(corpus, tmp_path):
    bad = tmp_path / "corpus"
    bad.mkdir()
    (bad / "good.txt").write_text(UTF8, encoding="utf-8")
    (bad / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02" * 50)
    out = tmp_path / "c.trig"
    r = runner.invoke(cli, ["build", str(bad), "-o", str(out)])
    assert r.exit_code == 1
    skipped = [ln for ln in r.stderr.splitlines() if ln.startswith("Skipped: ")]
    assert len(skipped) == 2 and any("broken.docx" in ln for ln in skipped)
    assert out.exists() and "good.txt" in out.read_text(encoding="utf-8")


def test_nothing_is_written_when_no_file_can_be_read(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00" * 10)
    (tmp_path / "b.txt").write_bytes(b"\x00" * 10)
    out = tmp_path / "out.trig"
    out.write_text("previous", encoding="utf-8")
    r = runner.invoke(cli, ["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(out)])
    assert r.exit_code == 1
    assert r.output.strip().splitlines()[-1].startswith("Error: none of the 2 inputs could be read")
    assert out.read_text(encoding="utf-8") == "previous"


def test_globs(corpus, tmp_path):
    out = tmp_path / "g.trig"
    r = runner.invoke(cli, ["build", str(corpus / "*.txt"), "-o", str(out)])
    assert r.exit_code == 0
    assert r.stderr.startswith("5 speech(es), ")
    r = runner.invoke(cli, ["build", str(corpus / "*.nothing"), "-o", str(out)])
    assert r.exit_code == 1 and "no file matches this pattern" in r.output


def test_parallel_jobs_give_the_same_bytes(corpus, tmp_path):
    a, b = tmp_path / "a.trig", tmp_path / "b.trig"
    assert runner.invoke(cli, ["build", str(corpus), "-o", str(a), "--jobs", "1"]).exit_code == 0
    assert runner.invoke(cli, ["build", str(corpus), "-o", str(b), "--jobs", "2"]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_short_gbk_and_big5_texts_decode():
    from speechkg.graph.read.decode import decode

    for text, enc in [("省委召开会议。", "gbk"), ("全总充分肯定。", "gb18030"), ("省委召開會議，全總肯定。", "big5")]:
        assert decode(text.encode(enc), "x") == text


def test_mentions_link_to_entities_in_every_graph(built):
    ds, _ = built
    for _m, e in ds.subject_objects(ITSRDF.taIdentRef):
        assert (e, SKOS.prefLabel, None) in ds


def test_the_corpus_graph_validates(built):
    from speechkg.graph.quality import validate

    ds, _ = built
    report = validate.validate(ds)
    assert report.conforms, report.lines()[:5]
