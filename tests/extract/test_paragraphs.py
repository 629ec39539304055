"""Whole paragraphs written for these tests, in the genres speechkg meets (government work
report, news report of a meeting, mass-organization speeches), with their expected entities.

Each case lists what an analyst would index; `absent` lists tempting false positives.
"""

from __future__ import annotations

import pytest

from speechkg.graph.build.steps import process
from speechkg.graph.model import Speech

from ..conftest import ROOT

DATA = ROOT / "tests" / "data"

CASES = {
    "gov-report.txt": {
        "Campaign": {
            "疫情防控",
            "脱贫攻坚战",
            "万人助万企活动",
            "优化营商环境三年行动",
            "消费促进年活动",
            "高标准农田建设工程",
            "放管服改革",
        },
        "Body": {"省人民政府", "省政协", "党中央", "国务院", "省委"},
        # the expected targets (主要预期目标是：…) are numbered targets, so goals
        "Goal": {"现代农业强省", "国家创新高地", "生产总值增长6%左右", "城镇新增就业110万人以上"},
        "Date": {"2023-01-12", "2023"},
        "Meeting": {"XX省第十四届人民代表大会第一次会议", "党的第十九次全国代表大会", "党的第二十次全国代表大会"},
        "Concept": {
            "习近平新时代中国特色社会主义思想",
            "创新驱动战略",
            "科教兴省战略",
            "人才强省战略",
            "新发展理念",
            "新发展格局",
            "两个确保",
            "十大战略",
            "扩大内需战略",
            "稳中求进工作总基调",
            "乡村全面振兴",
        },
        "absent": {("Goal", "主要预期目标"), ("Concept", "内需战略"), ("Goal", "人才强省")},
        "relations": {("XX省第十四届人民代表大会第一次会议", "date", "2023-01-12")},
        "not_relations": {("党的第二十次全国代表大会", "date", "2023")},
    },
    "news-union.txt": {
        "Body": {"市委", "市总工会", "全总", "省总工会"},
        "Date": {"2023-02-20", "2022", "2023"},
        "Meeting": {
            "全市工会工作会议",
            "全总十八届二次执委会议",
            "省总工会十三届五次全委会议",
            "党的第二十次全国代表大会",
        },
        "Person": {"赵光明", "孙红"},
        "Campaign": set(),
        "relations": {
            ("全市工会工作会议", "date", "2023-02-20"),
            ("全市工会工作会议", "speaker", "赵光明"),
            ("全市工会工作会议", "speaker", "孙红"),
            ("全总十八届二次执委会议", "organizer", "全总"),
        },
    },
    "womens-federation.txt": {
        "Campaign": {"巾帼建功行动", "寻找最美家庭活动", "巾帼心向党、奋进新征程主题宣传教育活动", "乡村振兴巾帼行动"},
        "Body": {"全国妇联", "省委", "省教育厅", "省民政厅", "省公安厅"},
        "Meeting": {"全省妇联系统工作会议", "全国妇联十三届二次执委会议", "党的第二十次全国代表大会"},
        "Document": {"XX省家庭教育促进条例", "妇女儿童发展十四五规划"},
        "absent": {("Meeting", "这次全省妇联系统工作会议")},
    },
    "standing-committee.txt": {
        "year": 2024,
        "Body": {"省委", "省委常委会", "省政府", "省人大常委会", "省政协"},
        "Meeting": {"省委常委会会议", "全国两会"},
        "Person": {"李明"},
        "Campaign": {"万人助万企活动", "放管服改革"},
        "Concept": {"两个确立", "四个意识", "四个自信", "两个维护", "创新驱动发展战略"},
        "absent": {("Concept", "全国两会精神")},
        "relations": {
            ("省委常委会会议", "date", "2024-03-15"),
            ("省委常委会会议", "chair", "李明"),
            ("省委常委会会议", "organizer", "省委常委会"),
        },
    },
    "city-report.txt": {
        "Campaign": {"我为群众办实事实践活动", "百千万工程", "城乡环境综合整治行动"},
        "Body": {"市政府", "市委", "中央委员会"},
        "Goal": {"全面建设社会主义现代化国家", "制造强市"},
        "Concept": {"乡村振兴战略", "一带一路", "产业强市、生态立市"},
        "absent": {("Campaign", "一带一路"), ("Goal", "产业强市")},
        "relations": {
            ("党的第二十次全国代表大会", "date", "2022-10-16"),
            ("产业强市、生态立市", "proposedBy", "市委十二届三次全会"),
        },
    },
    "youth-league.txt": {
        "Campaign": {"青年大学习行动", "青春建功新时代主题实践活动", "挑战杯竞赛", "青年之家品牌"},
        "Goal": {"第二个百年奋斗目标"},
        "Person": {"王芳"},
        "relations": {("共青团XX省委十四届五次全委（扩大）会议", "organizer", "共青团XX省委")},
    },
    "womens-executive.txt": {
        "year": 2023,
        "Campaign": {"巾帼建功活动", "最美家庭评选", "巾帼脱贫行动"},
        "Body": {"省妇联", "全国妇联", "公安", "民政", "司法行政"},
        "Concept": {"习近平总书记关于妇女儿童和妇联工作的重要论述", "伟大建党精神", "红旗渠精神"},
        "Document": {"中华人民共和国妇女权益保障法", "XX省实施〈反家庭暴力法〉办法"},
        "relations": {
            ("省妇联十三届四次执委会议", "date", "2023-01-10"),
            ("省妇联十三届四次执委会议", "organizer", "省妇联"),
        },
    },
    "party-congress-report.txt": {
        "Campaign": {
            "党史学习教育",
            "不忘初心、牢记使命主题教育",
            "污染防治攻坚战",
            "扫黑除恶专项斗争",
            "人才强市工程",
        },
        "Body": {"中共XX市第十二届委员会", "市纪委监委", "市委组织部", "市委宣传部"},
        "Goal": {"基本实现社会主义现代化", "国家中心城市"},
        "Date": {"2021-09-26", "2025", "2035"},
        "Meeting": {"中共XX市第十三次代表大会"},
        "Concept": {"以人民为中心的发展思想", "全面从严治党", "东强、西进、南拓、北优"},
        "absent": {
            ("Body", "区委员会"),
            ("Campaign", "非法宗教活动"),
            ("Body", "中国共产党"),
            ("Concept", "城市发展战略"),
        },
    },
    "discipline-report.txt": {
        "Campaign": {"党史学习教育", "群众身边腐败和作风问题专项整治", "清廉XX"},
        "Body": {"省委", "中央纪委", "国家监委", "省纪委"},
        "Date": {"2022-01-20", "2021", "2022"},
        "Meeting": {"省纪委十一届二次全会", "党的第二十次全国代表大会"},
        "relations": {
            ("省纪委十一届二次全会", "date", "2022-01-20"),
            ("省纪委十一届二次全会", "organizer", "省纪委"),
            ("党的第二十次全国代表大会", "date", "2022"),
        },
    },
    "state-council-news.txt": {
        "year": 2023,
        "Campaign": {"百日千万招聘专项行动"},
        "Body": {"国务院", "全国人大常委会"},
        "Meeting": {"国务院常务会议"},
        "Person": {"李强"},
        "Document": {"中华人民共和国行政复议法（修订草案）"},
        "Concept": {"就业优先战略"},
        "relations": {
            ("国务院常务会议", "date", "2023-09-01"),
            ("国务院常务会议", "chair", "李强"),
            ("国务院常务会议", "organizer", "国务院"),
        },
    },
}
TYPES = ("Campaign", "Body", "Goal", "Date", "Meeting", "Person", "Document", "Concept")


def _doc(name: str, year: int | None):
    return process(Speech((DATA / name).read_text(encoding="utf-8"), name, year=year))


@pytest.mark.parametrize("name", sorted(CASES))
def test_paragraph(name):
    case = CASES[name]
    doc = _doc(name, case.get("year"))
    found = {(e.type, e.label) for e in doc.entities}
    for t in TYPES:
        if t in case:
            got = {lab for typ, lab in found if typ == t}
            assert got == case[t], f"{t}: missing {case[t] - got}, unexpected {got - case[t]}"
    for t, lab in case.get("absent", ()):
        assert (t, lab) not in found
    by_key = {e.key: e for e in doc.entities}
    rels = {(by_key[doc.links[r.subject]].label, r.predicate, by_key[doc.links[r.object]].label) for r in doc.relations}
    assert case.get("relations", set()) <= rels, case.get("relations", set()) - rels
    assert not (case.get("not_relations", set()) & rels)
