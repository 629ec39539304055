"""The edges of documents' and meetings' names, on sentences written for these tests: a name
starts after the word that governs it (按照, 出台, 商签, 作 …) and after a conjunction that joins
two names, takes a short quotation or a "X—" that opens it, and ends at its head; titles in 《》
that name films, plays, songs or newspapers are no documents."""

from __future__ import annotations

import pytest

from .test_patterns import named

# ------------------------------------------------------------------ governing words


@pytest.mark.parametrize(
    "text, meetings",
    [
        ("各地要按照市委经济工作会议部署抓好落实。", {"市委经济工作会议"}),
        ("我市成功举办全球智慧农业峰会。", {"全球智慧农业峰会"}),
        ("积极申办第五届亚洲林业论坛。", {"第五届亚洲林业论坛"}),
        ("去年我们在这里举办了国际茶叶博览会。", {"国际茶叶博览会"}),
    ],
)
def test_a_meeting_starts_after_its_governing_word(text, meetings):
    assert named(text, "Meeting") == meetings


@pytest.mark.parametrize(
    "text, docs",
    [
        ("市政府出台中小企业数字化转型行动方案。", {"中小企业数字化转型行动方案"}),
        ("两国同意商签双边投资协定。", {"双边投资协定"}),
        ("各项工作要紧扣“十六五”规划。", {"十六五规划"}),
        ("推动区域全面经济伙伴关系协定生效。", {"区域全面经济伙伴关系协定"}),
        ("市长刘明作政府工作报告。解读市政府工作报告。", {"市政府工作报告"}),
        ("会议听取了2025年云南省人民政府工作报告。", {"2025年云南省人民政府工作报告"}),
    ],
)
def test_a_document_starts_after_its_governing_word(text, docs):
    assert named(text, "Document") == docs


# ------------------------------------------------------------------ conjunctions


@pytest.mark.parametrize(
    "text, meetings",
    [
        ("全面贯彻省委十届三次全会和省委经济工作会议精神。", {"省委十届三次全会", "省委经济工作会议"}),
        ("贯彻党的二十大和中央农村工作会议精神。", {"党的第二十次全国代表大会", "中央农村工作会议"}),
        ("他出席网络安全和信息化工作座谈会。", {"网络安全和信息化工作座谈会"}),
        ("听取2024年工作情况和十四届市纪委第三次全体会议筹备情况汇报。", {"十四届市纪委第三次全体会议"}),
    ],
)
def test_a_conjunction_after_a_meeting_joins_two_meetings(text, meetings):
    assert named(text, "Meeting") == meetings


@pytest.mark.parametrize(
    "text, docs",
    [
        ("要遵守党的纪律和条例。", set()),
        ("贯彻上级决定和决议。", set()),
        ("新签和升级5个自由贸易协定。", set()),
        ("认真落实节水条例和河道管理条例。", {"节水条例", "河道管理条例"}),
        ("编制国家和地方“十六五”规划。", {"十六五规划"}),
        ("深入实施第二个历史决议。", {"第二个历史决议"}),
        ("将守信企业纳入“免检”白名单。", set()),
        ("入选首批国家级智慧园区建设名单。", {"首批国家级智慧园区建设名单"}),
    ],
)
def test_no_document_in_a_conjunction_or_a_count(text, docs):
    assert named(text, "Document") == docs


# ------------------------------------------------------------------ quotations and dashes that open a name


@pytest.mark.parametrize(
    "text, meetings",
    [
        ("他出席“数字丝路”国际合作论坛。", {"数字丝路国际合作论坛"}),
        ("成功举办中国—南亚博览会和中国—中亚合作论坛。", {"中国—南亚博览会", "中国—中亚合作论坛"}),
    ],
)
def test_a_quotation_or_a_dash_opens_a_meeting(text, meetings):
    assert named(text, "Meeting") == meetings


def test_a_quotation_opens_a_document():
    assert named("实施“数字乡村”三年行动计划。", "Document") == {"数字乡村三年行动计划"}


# ------------------------------------------------------------------ other edges


def test_a_date_glued_to_a_session_stays_out():
    text = "（2030年3月9日中国共产党第二十一届中央委员会第二次全体会议通过）"
    assert named(text, "Meeting") == {"中国共产党第二十一届中央委员会第二次全体会议"}


def test_a_local_congress_keeps_its_level():
    assert named("自治区第十一次党代会胜利召开。", "Meeting") == {"自治区第十一次党代会"}


@pytest.mark.parametrize(
    "text",
    [
        "在习近平新时代中国特色社会主义思想科学指引下前进。",
        "沿着总书记指引的方向奋勇前进。",
    ],
)
def test_no_document_in_guidance(text):
    assert named(text, "Document") == set()


def test_a_guideline_is_a_document():
    assert named("制定跨境电商合规指引。", "Document") == {"跨境电商合规指引"}


# ------------------------------------------------------------------ titles in 《》 that are no documents


@pytest.mark.parametrize(
    "text, docs",
    [
        ("电影《星河之上》、话剧《山海》广受好评。", set()),
        ("《远方的家》《小城故事》等精品剧热播。", set()),
        ("他在《光明日报》发表文章。", set()),
        ("全场高唱《团结就是力量歌》。", set()),
        ("他在《华盛顿邮报》和《经济参考》上读到《关于加强监督的意见》。", {"关于加强监督的意见"}),
        ("印发《数字政府建设实施方案》。", {"数字政府建设实施方案"}),
    ],
)
def test_titles_of_works_and_newspapers_are_no_documents(text, docs):
    assert named(text, "Document") == docs
