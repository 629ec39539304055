"""Positions (issue 25), on sentences written for these tests: organ + title before a name, a
title after a name, lists of posts over 、, implied organs, former posts, a province's organs
and foreign leaders (who get no Chinese organ)."""

from __future__ import annotations

import pytest

from speechkg.graph.extract import rules
from speechkg.graph.extract.positions import implied_organs, roles

from ..conftest import doc_of


def _posts(text: str) -> set[tuple]:
    """(person, title, organ's label, organ's key, former, statement) of each position."""
    doc = doc_of(text)
    labels = {e.key: e.label for e in doc.entities}
    return {
        (
            p.mention.label,
            p.title,
            labels[p.organ],
            p.organ,
            p.former,
            text[p.start : p.end],
        )
        for p in doc.positions
    }


@pytest.mark.parametrize(
    ("text", "posts"),
    [
        # organ + title + name
        (
            "全国政协副主席赵明远主持会议。",
            {("赵明远", "副主席", "全国政协", "Body|全国政协", False, "全国政协副主席")},
        ),
        # a title after a name, implying its organ
        (
            "孙立群委员长主持会议。",
            {("孙立群", "委员长", "全国人大常委会", "Body|全国人大常委会", False, "委员长")},
        ),
        # a list of posts: two memberships
        (
            "中共中央政治局常委、国务院副总理钱建华出席。",
            {
                ("钱建华", "常委", "中共中央政治局", "Body|中央政治局", False, "中共中央政治局常委"),
                ("钱建华", "副总理", "国务院", "Body|国务院", False, "国务院副总理"),
            },
        ),
        # implied organs in a list: the state's (国家主席), the party's (总书记 stated)
        (
            "中共中央总书记、国家主席、中央军委主席周文博出席。",
            {
                ("周文博", "总书记", "中共中央", "Body|党中央", False, "中共中央总书记"),
                ("周文博", "国家主席", "中华人民共和国", "Body|中华人民共和国", False, "国家主席"),
                ("周文博", "主席", "中央军委", "Body|中央军委", False, "中央军委主席"),
            },
        ),
        # a title alone before a name that implies its organ
        ("国务委员吴志刚出席。", {("吴志刚", "国务委员", "国务院", "Body|国务院", False, "国务委员")}),
        # former posts: 原 before the organ, 原 between organ and title
        (
            "会见了原国务院副总理郑国平。",
            {("郑国平", "副总理", "国务院", "Body|国务院", True, "原国务院副总理")},
        ),
        (
            "云南省委原书记冯立新出席。",
            {("冯立新", "书记", "中共云南省委", "Body|云南省|省委", True, "云南省委原书记")},
        ),
        # names joined by 、 after a post share it; a name with its own title keeps its own
        (
            "国务院副总理钱建华、孙立平出席会议，国务委员吴志刚讲话。",
            {
                ("钱建华", "副总理", "国务院", "Body|国务院", False, "国务院副总理"),
                ("孙立平", "副总理", "国务院", "Body|国务院", False, "国务院副总理"),
                ("吴志刚", "国务委员", "国务院", "Body|国务院", False, "国务委员"),
            },
        ),
        # a title without an organ that implies none states no post
        ("副主席陈晓峰出席。", set()),
    ],
)
def test_posts(text, posts):
    assert _posts(text) == posts


def test_a_shared_post_is_read_by_its_own_rule():
    doc = doc_of("中共中央政治局常委李明华、赵国强出席。")
    assert [(p.mention.label, p.rule) for p in doc.positions] == [
        ("李明华", rules.POST_BEFORE_NAME),
        ("赵国强", rules.POST_SHARED),
    ]


def test_provincial_posts_follow_the_province():
    """省委书记 in a Hubei text is Hubei's, and so is the governor's 省人民政府 it implies."""
    text = "湖北省人民政府召开会议。省委书记、省人大常委会主任王建国出席。省委副书记、省长李振华讲话。"
    assert _posts(text) == {
        ("王建国", "书记", "中共湖北省委", "Body|湖北省|省委", False, "省委书记"),
        ("王建国", "主任", "湖北省人大常委会", "Body|湖北省|省人大常委会", False, "省人大常委会主任"),
        ("李振华", "副书记", "中共湖北省委", "Body|湖北省|省委", False, "省委副书记"),
        ("李振华", "省长", "湖北省人民政府", "Body|湖北省|省人民政府", False, "省长"),
    }


def test_two_provinces_organs_are_never_one():
    hubei = _posts("湖北省人民政府召开会议。省委书记王建国出席。")
    henan = _posts("河南省人民政府召开会议。省委书记王建国出席。")
    assert {p[3] for p in hubei} == {"Body|湖北省|省委"}
    assert {p[3] for p in henan} == {"Body|河南省|省委"}


def test_foreign_leaders_get_no_chinese_organ():
    """总理 alone is also Singapore's; a list with another country's party names its own organ;
    an organ not known before 总书记 leaves the title after the name unresolved too."""
    assert _posts("会见新加坡总统哈莉玛、总理李显龙。") == set()
    assert _posts("越共中央总书记阮富仲会见。阮富仲总书记表示欢迎。") == set()
    found = _posts("会见老挝人民革命党中央总书记、国家主席本扬。")
    assert {(p[1], p[2]) for p in found} <= {("总书记", "老挝人民革命党中央")}


def test_a_title_after_a_name_takes_the_organ_stated_for_it():
    text = "新加坡总理李显龙说，欢迎合作。李显龙总理表示感谢。"
    assert {(p[1], p[2], p[5]) for p in _posts(text)} == {("总理", "新加坡", "新加坡总理"), ("总理", "新加坡", "总理")}


def test_an_implied_organ_the_speech_never_names_is_an_entity_without_mentions():
    doc = doc_of("国家副主席马立群出席。")
    (p,) = doc.positions
    organ = next(e for e in doc.entities if e.key == p.organ)
    assert (organ.type, organ.label, organ.mentions) == ("Body", "中华人民共和国", [])
    assert p.rule == rules.POST_BEFORE_NAME


def test_tables():
    """Every implied title is a role, and every role has its English name."""
    assert set(implied_organs()) <= set(roles())
    assert all(roles().values())
    assert roles()["副主席"] == "Vice Chairperson" and implied_organs()["总书记"] == "中共中央"
