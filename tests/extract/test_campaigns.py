"""Campaigns named by a head noun: the left edge of long names, pilots (试点), and what a head
after a verb or a category word is not, on sentences written for these tests."""

from __future__ import annotations

import pytest

from ..conftest import ents


def campaigns(text: str) -> set[str]:
    """The canonical labels of the campaigns found in `text`."""
    return {label for t, label in ents(text) if t == "Campaign"}


@pytest.mark.parametrize(
    "text, found",
    [
        # a long name after its governing verb is read whole, past left_edge's default reach
        (
            "今年全面实施城乡接合部人居环境综合整治和基础设施补短板工程。",
            {"城乡接合部人居环境综合整治和基础设施补短板工程"},
        ),
        ("省里启动实施12个跨区域流域水生态保护修复工程。", {"跨区域流域水生态保护修复工程"}),
        # 试点 is a pilot when a verb governs it, and no more than a verb or a modifier otherwise
        ("在部分省份开展农村集体经营性建设用地入市试点。", {"农村集体经营性建设用地入市试点"}),
        ("去年开展了城市管理综合执法试点工作。", {"城市管理综合执法试点工作"}),
        ("这项制度先在东部沿海试点，再推广到全国。", set()),
        ("扩大消费金融公司试点城市范围，全国已有两批试点。", set()),
        ("有关部门启动3个医保支付方式改革试点。", {"医保支付方式改革试点"}),
        # 见行动 is a verb and its object; 重大…工程 a class of works
        ("要在落实责任上见行动见成效。", set()),
        ("这是重大民生工程，也是重大发展工程。", set()),
    ],
)
def test_campaign_heads(text, found):
    assert campaigns(text) == found


@pytest.mark.parametrize(
    "text, found",
    [
        # a named zone starts after its verb, a conjunction or the first (首个) before it
        ("推进东北振兴和辽宁沿海经济带综合配套改革试验区建设。", {"辽宁沿海经济带综合配套改革试验区"}),
        ("该市获批建设全国首个智慧交通先导区。", {"智慧交通先导区"}),
        ("高质量建设黄河三角洲农业高新技术产业示范区。", {"黄河三角洲农业高新技术产业示范区"}),
        ("日前江苏自贸试验区发布新一批制度创新成果。", {"江苏自贸试验区"}),
        # kinds of zones, counted zones and goals to build are not named zones
        ("各地建设了一批现代农业示范区，全国自贸试验区增至22个，各类示范区加快发展。", set()),
        ("建设好中国特色社会主义先行示范区。", set()),
    ],
)
def test_zones(text, found):
    assert campaigns(text) == found


@pytest.mark.parametrize(
    "text, found",
    [
        # the works listed before 等重点项目 / 等一批重大工程, each ending in a work's head
        (
            "加快建设成渝中线高铁、引大济岷水库和天府国际机场二期等一批重大工程。",
            {"成渝中线高铁", "引大济岷水库"},  # 天府国际机场二期 ends in no work's head
        ),
        ("双方要办好蒙内铁路、汉班托塔港等旗舰项目。", {"蒙内铁路", "汉班托塔港"}),
        # sectors and kinds of works are no projects; 等项目 alone lists anything
        ("推进交通、水利、原油管道等重大项目建设。", set()),
        ("运动员将参加跳水、体操等项目的比赛，游览西湖景区、灵隐寺等项目。", set()),
    ],
)
def test_project_lists(text, found):
    assert campaigns(text) == found


@pytest.mark.parametrize(
    "text, found",
    [
        # a list named as a whole by the head that counts its items
        (
            "全面推进科技攻关、人才引育、平台建设三大工程。",
            {"科技攻关、人才引育、平台建设三大工程"},
        ),
        # clauses whose last one governs the head, or a count that is not the list's
        ("要推动高质量发展、保障和改善民生、打赢三大攻坚战。", {"三大攻坚战"}),  # the lexicon's
    ],
)
def test_counted_lists(text, found):
    assert campaigns(text) == found


def test_quoted_items_before_activities_are_campaigns():
    text = "各地开展“文明家庭进社区”、“书香满校园”等活动。"
    assert campaigns(text) == {"文明家庭进社区", "书香满校园"}
