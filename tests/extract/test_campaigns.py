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
