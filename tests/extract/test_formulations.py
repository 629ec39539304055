"""Standard formulations of party doctrine and policy (the lexicon's general knowledge) and the
names of bilateral relationships, on sentences written for these tests."""

from __future__ import annotations

import pytest

from ..conftest import ents


@pytest.mark.parametrize(
    "text, found",
    [
        (
            "会议强调，要坚持以经济建设为中心，坚持民主集中制，坚定历史自信，树立正确党史观。",
            {
                ("Concept", "以经济建设为中心"),
                ("Concept", "民主集中制"),
                ("Concept", "历史自信"),
                ("Concept", "正确党史观"),
            },
        ),
        (
            "要统筹做好“六稳”“六保”工作，实施就业优先战略和可持续发展战略，推动减税降费、棚户区改造。",
            {
                ("Concept", "六稳"),
                ("Concept", "六保"),
                ("Concept", "就业优先战略"),
                ("Concept", "可持续发展战略"),
                ("Campaign", "减税降费"),
                ("Campaign", "棚户区改造"),
            },
        ),
        (
            "我们坚持一个中国原则，支持走中国特色社会主义政治发展道路，建设学习型社会和法治政府。",
            {
                ("Concept", "一个中国原则"),
                ("Concept", "中国特色社会主义政治发展道路"),
                ("Goal", "学习型社会"),
                ("Goal", "法治政府"),
            },
        ),
        (
            "各地深入开展党的群众路线教育实践活动，大力弘扬塞罕坝精神，把人民军队全面建成世界一流军队。",
            {
                ("Campaign", "党的群众路线教育实践活动"),
                ("Concept", "塞罕坝精神"),
                ("Goal", "世界一流军队"),
            },
        ),
    ],
)
def test_standard_formulations_are_typed_by_the_lexicon(text, found):
    assert ents(text) == found


@pytest.mark.parametrize(
    "text, found",
    [
        (
            "双方同意推动中柬全面战略合作伙伴关系不断向前发展，携手构建新时代中柬命运共同体。",
            {("Concept", "中柬全面战略合作伙伴关系"), ("Goal", "新时代中柬命运共同体")},
        ),
        ("总统表示，俄中新时代全面战略协作伙伴关系达到更高水平。", {("Concept", "俄中新时代全面战略协作伙伴关系")}),
        ("双方一致同意构建面向新时代的中阿命运共同体。", {("Goal", "面向新时代的中阿命运共同体")}),
        ("两国元首宣布建立中巴全天候战略合作伙伴关系。", {("Concept", "中巴全天候战略合作伙伴关系")}),
    ],
)
def test_bilateral_relationships_by_their_names(text, found):
    assert ents(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "部长说，愿继续发展同中方全面战略伙伴关系。",  # 中方 is one side, not a pair of names
        "双方将推进中国战略伙伴关系的发展。",  # 中国 is no pair of short names
        "两国建立了伙伴关系，共建命运共同体。",  # no pair: no name
    ],
)
def test_no_relationship_without_a_pair_of_short_names(text):
    assert {t for t, _ in ents(text)} <= {"Body"} and not any(t in ("Concept", "Goal") for t, _ in ents(text))


@pytest.mark.parametrize(
    "text, found",
    [
        (
            "各地牢固树立安全发展理念，坚持贯彻新发展理念，秉持合作共赢理念。",
            {("Concept", "安全发展理念"), ("Concept", "新发展理念"), ("Concept", "合作共赢理念")},
        ),
        (
            "我们要坚持和完善中国特色社会主义行政体制，践行人民城市理念。",
            {("Concept", "中国特色社会主义行政体制"), ("Concept", "人民城市理念")},
        ),
        # not through a demonstrative, not a generic word, not a description with 的
        ("要坚持和完善人民代表大会制度这一根本政治制度，坚持和完善相关制度。", {("Concept", "人民代表大会制度")}),
        ("要践行正确的政绩观理念，坚持和完善各项学习制度。", set()),
    ],
)
def test_what_a_verb_of_holding_governs_is_a_formulation(text, found):
    assert ents(text) == found


@pytest.mark.parametrize(
    "text, found",
    [
        ("王毅、王小洪等参加上述活动。", {("Person", "王毅"), ("Person", "王小洪")}),  # the above: no name
        ("双方同意加强两国发展战略对接，实施乡村振兴战略。", {("Concept", "乡村振兴战略")}),
        ("各方愿对接各自发展战略，推进共建“一带一路”。", {("Concept", "一带一路")}),
    ],
)
def test_no_name_in_a_demonstrative_or_the_parties_own_strategies(text, found):
    assert ents(text) == found
