"""Numeric targets (issue 26), on sentences written for these tests: every qualifier and unit,
ranges, the frames that state a target, the government that sets it, and outcomes, which are
no targets."""

from __future__ import annotations

import pytest

from speechkg.graph.extract.places import full_form, speech_places, split_place
from speechkg.graph.extract.targets import RANGE, read_target

from ..conftest import doc_of


def _targets(text: str, year: int | None = 2030) -> list[tuple]:
    doc = doc_of(text, year)
    labels = {e.key: e.label for e in doc.entities}
    return [
        (t.words, t.indicator, t.value, t.upper, t.unit, t.qualifier, t.year, labels.get(t.body)) for t in doc.targets
    ]


@pytest.mark.parametrize(
    ("clause", "parts"),
    [
        ("国内生产总值增长6%左右", ("国内生产总值", "gdp-growth", "6", None, "%", "左右")),
        ("地区生产总值增长4%以上", ("地区生产总值", "gdp-growth", "4", None, "%", "以上")),
        ("城镇调查失业率控制在6%以内", ("城镇调查失业率", "surveyed-unemployment", "6", None, "%", "以内")),
        ("城镇登记失业率4.2%之内", ("城镇登记失业率", "registered-unemployment", "4.2", None, "%", "之内")),
        ("居民消费价格涨幅不超过3.5%", ("居民消费价格涨幅", "cpi", "3.5", None, "%", "不超过")),
        ("单位国内生产总值能耗下降2%以下", ("单位国内生产总值能耗", "energy-intensity", "2", None, "%", "以下")),
        ("全市生产总值增长3.5%—4%", ("全市生产总值", "gdp-growth", "3.5", "4", "%", RANGE)),
        ("经济增长6-6.5%", ("经济增长", "gdp-growth", "6", "6.5", "%", RANGE)),
        ("经济增速5%至5.5%", ("经济增速", "gdp-growth", "5", "5.5", "%", RANGE)),
        ("城镇新增就业900万人以上", ("城镇新增就业", "urban-jobs", "900", None, "万人", "以上")),
        ("粮食产量稳定在1.2万亿斤以上", ("粮食产量", "grain-output", "1.2", None, "万亿斤", "以上")),
        ("粮食总产量超过600亿斤", ("粮食总产量", "grain-output", "600", None, "亿斤", "超过")),
        ("城镇新增就业人数不低于800万人", ("城镇新增就业人数", "urban-jobs", "800", None, "万人", "不低于")),
        ("粮食产量保持在900万吨上下", ("粮食产量", "grain-output", "900", None, "万吨", "上下")),
        ("常住人口城镇化率提高1.5个百分点", ("常住人口城镇化率", "urbanisation", "1.5", None, "个百分点", "")),
        ("赤字率拟按3.2%安排", ("赤字率", "deficit-ratio", "3.2", None, "%", "")),
        ("地区生产总值按增长6%安排", ("地区生产总值", "gdp-growth", "6", None, "%", "")),
        ("一产增加值增长3%左右", ("一产增加值", None, "3", None, "%", "左右")),
        ("地方财政收入达到30亿元", ("地方财政收入", None, "30", None, "亿元", "")),
        ("地区生产总值达到500亿元", ("地区生产总值", None, "500", None, "亿元", "")),  # a level, not growth
        ("居民消费价格涨幅３％左右", ("居民消费价格涨幅", "cpi", "3", None, "%", "左右")),
        ("国内生产总值增长7.50%左右", ("国内生产总值", "gdp-growth", "7.5", None, "%", "左右")),
        ("国内生产总值增长6%－6.5%", ("国内生产总值", "gdp-growth", "6", "6.5", "%", RANGE)),
        ("新增城镇就业800万人", ("新增城镇就业", "urban-jobs", "800", None, "万人", "")),
        ("赤字率从去年的2.5%提高到2.8%", ("赤字率", "deficit-ratio", "2.8", None, "%", "")),
        ("赤字率下降到1．8%左右", ("赤字率", "deficit-ratio", "1.8", None, "%", "左右")),
    ],
)
def test_a_target_clause_is_read_into_its_parts(clause, parts):
    assert read_target(clause) == parts


@pytest.mark.parametrize(
    "clause", ["居民收入增长和经济增长同步", "国际收支基本平衡", "城乡居民收入分别增长6%、7%", "粮食产量保持稳定"]
)
def test_a_clause_without_one_number_is_no_target(clause):
    assert read_target(clause) is None


def test_a_list_of_expected_targets_states_each():
    text = (
        "今年发展的主要预期目标是：国内生产总值增长6%左右；城镇新增就业900万人以上；"
        "居民消费价格涨幅3%左右；居民收入增长和经济增长同步。"
    )
    assert _targets(text) == [
        ("国内生产总值", "gdp-growth", "6", None, "%", "左右", 2030, None),
        ("城镇新增就业", "urban-jobs", "900", None, "万人", "以上", 2030, None),
        ("居民消费价格涨幅", "cpi", "3", None, "%", "左右", 2030, None),
    ]


def test_targets_stated_on_their_own():
    text = "今年赤字率拟按3.2%左右安排，比上年提高0.2个百分点。经济增长预期目标为6%左右，兼顾了需要与可能。"
    assert _targets(text) == [
        ("赤字率", "deficit-ratio", "3.2", None, "%", "左右", 2030, None),
        ("经济增长", "gdp-growth", "6", None, "%", "左右", 2030, None),
    ]


def test_the_deficit_ratio_in_the_sentence_that_arranges_the_deficit():
    text = (
        "今年拟安排财政赤字7000亿元，其中中央财政赤字5000亿元，赤字率下降到1.8%左右。"
        "今年增加赤字后，赤字率在2.2%左右。赤字率一直稳定在2%。"
    )
    assert _targets(text) == [
        ("赤字率", "deficit-ratio", "1.8", None, "%", "左右", 2030, None),
        ("赤字率", "deficit-ratio", "2.2", None, "%", "左右", 2030, None),
    ]


def test_the_main_targets_of_development_and_of_macro_control():
    text = "今年国民经济和社会发展的主要目标是：国内生产总值增长9%左右；城镇新增就业800万人。"
    assert [t[:3] for t in _targets(text)] == [
        ("国内生产总值", "gdp-growth", "9"),
        ("城镇新增就业", "urban-jobs", "800"),
    ]
    text = "今年宏观调控的主要目标是：经济增长速度7 ％，商品零售价格涨幅控制在2 ％以内。"
    assert [t[:6] for t in _targets(text)] == [
        ("经济增长速度", "gdp-growth", "7", None, "%", ""),
        ("商品零售价格涨幅", "retail-prices", "2", None, "%", "以内"),
    ]


def test_outcomes_of_last_year_are_no_targets():
    text = (
        "过去一年，国内生产总值增长5.8%，城镇新增就业1300万人，居民消费价格上涨1.1%。"
        "去年赤字率为3%。财政赤字率一直控制在3%以内。"
    )
    assert _targets(text) == []


def test_the_government_of_a_report_sets_its_targets():
    text = (
        "2030年1月20日在山西省第十五届人民代表大会第二次会议上。各位代表：现在，我代表省人民政府，"
        "向大会报告政府工作。今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。"
    )
    assert _targets(text) == [("地区生产总值", "gdp-growth", "5", None, "%", "左右", 2030, "山西省人民政府")]
    text = "我代表国务院，向大会报告政府工作。今年发展主要预期目标是：国内生产总值增长6%左右。"
    assert [t[-1] for t in _targets(text)] == ["国务院"]


def test_the_year_of_a_target_is_the_year_of_its_speech():
    text = "今年发展主要预期目标是：国内生产总值增长6%左右。"
    assert [t[6] for t in _targets(text, year=2031)] == [2031]
    assert [t[6] for t in _targets(text, year=None)] == [None]


# ------------------------------------------------------------------ places of organs (issue 24)


@pytest.mark.parametrize(
    ("label", "parts"),
    [
        ("中共湖南省委", ("湖南省", "省委")),
        ("湖南省委", ("湖南省", "省委")),
        ("湖南省人民政府", ("湖南省", "省人民政府")),
        ("天津市委", ("天津市", "市委")),
        ("宁夏回族自治区人民政府", ("宁夏回族自治区", "自治区人民政府")),
        ("宁夏区党委", ("宁夏回族自治区", "区党委")),
        ("全国人大常委会", (None, "全国人大常委会")),
    ],
)
def test_an_organs_place_is_split_from_its_relative_form(label, parts):
    assert split_place(label) == parts


def test_relative_forms_are_named_in_full():
    assert full_form("湖南省", "省委") == "中共湖南省委"
    assert full_form("天津市", "市人民政府") == "天津市人民政府"
    assert full_form("湖南省", "省纪委") == "湖南省纪委"


def test_a_speech_naming_two_provinces_leaves_its_relative_forms_alone():
    doc = doc_of("湖南省委和江西省委召开联席会议，省委书记出席。")
    assert speech_places(doc.text, [m for m in doc.mentions if m.type == "Body"]) == {}
    doc = doc_of("湖南省委召开全会，省委书记出席。")
    assert speech_places(doc.text, [m for m in doc.mentions if m.type == "Body"]) == {"省": "湖南省"}


def test_the_shapes_know_every_qualifier_of_the_table():
    """ontology/shapes.ttl lists the qualifiers a target may carry: the table's, and 区间."""
    from rdflib import Graph, Namespace
    from rdflib.collection import Collection

    from speechkg.graph.extract.targets import quantity_words
    from speechkg.ontology.namespace import SHAPES_FILE

    sh = Namespace("http://www.w3.org/ns/shacl#")
    g = Graph().parse(SHAPES_FILE)
    (prop,) = [p for p in g.subjects(sh.path, Namespace("https://w3id.org/speechkg#").qualifier)]
    allowed = {str(x) for x in Collection(g, g.value(prop, sh["in"]))}
    assert allowed == {*quantity_words("before"), *quantity_words("after"), RANGE}


#: the 2026 GDP growth target of each provincial report in ../shared/dev/full, as its text states it
PROVINCES_2026 = {
    "beijing": ("北京市人民政府", "5", None, "左右"),
    "chongqing": ("重庆市人民政府", "5", None, "以上"),
    "gansu": ("甘肃省人民政府", "5.5", None, "左右"),
    "guangdong": ("广东省人民政府", "4.5", "5", RANGE),
    "hainan": ("海南省人民政府", "6", None, "左右"),
    "heilongjiang": ("黑龙江省人民政府", "4.5", "5", RANGE),
    "hubei": ("湖北省人民政府", "5.5", None, "左右"),
    "jiangsu": ("江苏省人民政府", "5", None, ""),
    "neimenggu": ("内蒙古自治区人民政府", "5", None, "左右"),
    "shandong": ("山东省人民政府", "5", None, "以上"),
    "sichuan": ("四川省人民政府", "5.5", None, "左右"),
    "xizang": ("西藏自治区人民政府", "7", None, "以上"),
    "yunnan": ("云南省人民政府", "4.5", None, "左右"),
    "zhejiang": ("浙江省人民政府", "5", "5.5", RANGE),
}


@pytest.mark.slow
@pytest.mark.parametrize("province", sorted(PROVINCES_2026))
def test_every_provincial_report_of_2026_states_its_gdp_target(province):
    from speechkg.graph.build.steps import lexicon_for, process
    from speechkg.graph.model import Speech

    from ..conftest import SHARED, need_shared

    path = need_shared(SHARED / "dev" / "full" / f"gwr_prov_2026_{province}.txt")
    doc = process(Speech(path.read_text(encoding="utf-8"), path.name, year=2026), lexicon_for(None, "none"))
    labels = {e.key: e.label for e in doc.entities}
    gdp = {(labels.get(t.body), t.value, t.upper, t.qualifier) for t in doc.targets if t.indicator == "gdp-growth"}
    assert gdp == {PROVINCES_2026[province]}
