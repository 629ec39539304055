"""Patterns of official Chinese found in real reports and news, on sentences written for
these tests: titles before names, lists of names, organs by suffix, heads of campaigns,
goals and concepts, documents without 《》, meetings named in full."""
from __future__ import annotations

import pytest

from .conftest import ents, labels


def named(text: str, type_: str) -> set[str]:
    """The canonical labels of the entities of one type found in `text`."""
    return {label for t, label in ents(text) if t == type_}

# ------------------------------------------------------------------ persons


@pytest.mark.parametrize("text, names", [
    ("省政协副主席张建国主持闭幕会。", {"张建国"}),
    ("公司党委书记、董事长孙立平，党委副书记、总经理周小川出席。", {"孙立平", "周小川"}),
    ("哈萨克斯坦总统托卡耶夫主持会议，法国总统马克龙参加。", {"托卡耶夫", "马克龙"}),
    ("赵明华、钱立新、孙海峰等参加。", {"赵明华", "钱立新", "孙海峰"}),
    ("李大鹏主持座谈会。", {"李大鹏"}),
    ("会议由市委副书记王立新同志主持。", {"王立新"}),
    ("大会由副主席林芳同志主持。", {"林芳"}),
])
def test_persons_after_titles_in_lists_and_at_the_head(text, names):
    assert named(text, "Person") == names


@pytest.mark.parametrize("text", [
    "许多老同志来了。",
    "全会指出，要坚持稳中求进。",
    "教育、金融、程序化等领域取得进展。",
    "主席团常务主席主持会议。",
])
def test_no_person_in_words_that_start_with_a_surname(text):
    assert labels(text, "Person") == set()


# ------------------------------------------------------------------ bodies


@pytest.mark.parametrize("text, bodies", [
    ("华东理工大学和瑞金医院签署协议。", {"华东理工大学", "瑞金医院"}),
    ("江南机械股份有限公司扩大生产。", {"江南机械股份有限公司"}),
    ("支持建设西湖大学。", {"西湖大学"}),
    ("自治区人民政府印发通知。", {"自治区人民政府"}),
    ("全国人大教育科学文化卫生委员会开展调研。", {"全国人大教育科学文化卫生委员会"}),
    ("中共省总工会党组召开会议。", {"中共省总工会党组"}),
    ("外交部发言人表示，联合国和世界银行将参加。", {"外交部", "联合国", "世界银行"}),
])
def test_bodies_by_suffix_party_group_and_lexicon(text, bodies):
    assert named(text, "Body") == bodies


@pytest.mark.parametrize("text", [
    "推动上市公司和公立医院改革。",
    "各类金融控股公司要依法经营。",
    "培养更多大学生。",
])
def test_no_body_in_kinds_of_units(text):
    assert named(text, "Body") == set()
