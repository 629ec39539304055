"""Extraction patterns on short sentences written for these tests (not from the seed)."""

from __future__ import annotations

import pytest

from speechkg.graph.extract import dates as dates_mod
from speechkg.graph.segment import cn_number, sections, sentences

from ..conftest import doc_of, ents, labels


def rels(text: str, year: int | None = 2022) -> set[tuple[str, str, str]]:
    doc = doc_of(text, year)
    by_key = {e.key: e for e in doc.entities}

    def lab(m):
        return by_key[doc.links[m]].label

    return {(lab(r.subject), r.predicate, lab(r.object)) for r in doc.relations}


def date_values(text: str, year: int | None = 2022) -> set[str]:
    return {e.value for e in doc_of(text, year).entities if e.type == "Date"}


# ------------------------------------------------------------------ segmentation


def test_cn_number():
    assert [cn_number(s) for s in ("十一", "二十", "三十二", "一百零五", "二〇二二", "7")] == [11, 20, 32, 105, 2022, 7]


def test_sections_and_sentences_keep_offsets():
    text = (
        "同志们：\n一、总体要求\n（一）坚持党的领导。要把握方向！\n（二）深化改革。\n二、重点任务\n要抓落实；要见实效。"
    )
    secs = sections(text)
    assert [(s.level, s.ordinal, s.heading) for s in secs] == [
        (1, 1, "一、总体要求"),
        (2, 1, "（一）坚持党的领导"),
        (2, 2, "（二）深化改革"),
        (1, 2, "二、重点任务"),
    ]
    assert secs[1].parent == 0 and secs[0].end == secs[3].start
    sents = sentences(text, secs)
    assert [s.text for s in sents] == [
        "同志们：",
        "一、总体要求",
        "（一）坚持党的领导。",
        "要把握方向！",
        "（二）深化改革。",
        "二、重点任务",
        "要抓落实；",
        "要见实效。",
    ]
    assert all(text[s.start : s.end] == s.text for s in sents)
    assert sents[3].section == 1 and sents[-1].section == 3


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    "text,values",
    [
        ("2019年3月5日，大会开幕。", {"2019-03-05"}),
        ("二〇二一年，全市经济稳中有进。", {"2021"}),
        ("3月5日，大会开幕。", {"2022-03-05"}),
        ("去年8月，全省遭遇洪灾。", {"2021-08"}),
        ("去年12月24日，条例正式施行。", {"2021-12-24"}),
        ("明年1月1日起施行。", {"2023-01-01"}),
        ("今年以来，各项工作稳步推进。", {"2022"}),
        ("过去一年，我们攻坚克难。", {"2021"}),
        ("2020年以来，累计新增就业50万人。", {"2020"}),
        ("上半年，全省生产总值增长5%。", {"2022"}),
        ("省第十二次党代会以前瞻30年的眼光谋划发展。", set()),
        ("落实五年规划，当前和今后一个时期要做好三件事。", set()),
        ("2月30日是不存在的日期。", set()),
    ],
)
def test_dates(text, values):
    assert date_values(text) == values


def test_surface_forms_of_one_date_are_one_entity():
    doc = doc_of("今年是关键之年。2022年，我们要再接再厉。", 2022)
    dates = [e for e in doc.entities if e.type == "Date"]
    assert len(dates) == 1 and dates[0].label == "2022"
    assert dates[0].aliases == {"今年", "2022年"}


def test_speech_year_inferred_from_explicit_years():
    text = "2023年，全市上下团结奋斗。回顾2022年的工作，我们要为2023年开好局。到2035年基本实现现代化。"
    assert dates_mod.infer_year(text) == 2023
    assert dates_mod.infer_year("没有年份的讲话。") is None


def test_month_day_without_any_year_is_left_out():
    assert date_values("3月5日，大会开幕。", year=None) == set()


# ------------------------------------------------------------------ bodies


def test_bodies_from_lexicon_and_suffixes():
    found = labels("在市委、市政府的领导下，团市委和市妇联联合人社部、国务院国资委开展工作。", "Body")
    # with the full names and short forms the lexicon gives
    assert found == {
        "市委",
        "市政府",
        "团市委",
        "市妇联",
        "人社部",
        "人力资源社会保障部",
        "人力资源和社会保障部",
        "国务院国资委",
        "国资委",
        "国务院国有资产监督管理委员会",
    }
    assert labels("省青联、省学联联合开展志愿服务。大学联合培养研究生。", "Body") == {"省青联", "省学联"}


def test_abbreviation_and_full_name_are_one_body():
    doc = doc_of("中华全国总工会召开会议。全总主要负责同志出席。")
    bodies = [e for e in doc.entities if e.type == "Body"]
    assert len(bodies) == 1
    assert (bodies[0].label, bodies[0].aliases) == ("中华全国总工会", {"全国总工会", "全总"})


def test_place_prefixed_and_bare_organs_are_one_body():
    doc = doc_of("中共湖南省委召开全会。省委要求各地抓好落实。")
    bodies = [e for e in doc.entities if e.type == "Body"]
    assert len(bodies) == 1 and (bodies[0].label, bodies[0].aliases) == ("中共湖南省委", {"省委"})


def test_areas_are_not_bodies():
    assert labels("全省各级工会要服务全省大局，各市县要抓好落实。", "Body") == set()


def test_department_list_before_deng_youguan_danwei():
    assert labels("加强与财政、审计、统计等有关部门的协作。", "Body") == {"财政", "审计", "统计"}


# ------------------------------------------------------------------ persons


def test_persons():
    found = labels("省委书记张建国出席并讲话，刘晓红同志主持会议，X同志作报告。", "Person")
    assert found == {"张建国", "刘晓红", "刘晓红同志"}


def test_a_name_before_a_day_or_a_verb_of_a_list_of_speakers():
    assert labels("市政协主席王建新、无党派人士代表席南华发了言。", "Person") == {"王建新", "席南华"}
    assert labels("市总工会主席赵大勇、市妇联主席孙丽先后发言。", "Person") == {"赵大勇", "孙丽"}
    assert labels("副市长钱红26日出席推进会。", "Person") == {"钱红"}
    assert labels("副市长钱红5月26日出席推进会。", "Person") == {"钱红"}
    # 等 ends a list, not a name
    assert labels("市政协副主席周斌等分别就有关议题作了说明。", "Person") == {"周斌"}


def test_what_holds_of_a_part_of_a_meeting_holds_of_the_meeting():
    found = rels("5月5日，市委书记李明出席第三届长江经济带旅游博览会开幕式并致辞。")
    assert found == {
        (meeting, p, o)
        for meeting in ("第三届长江经济带旅游博览会开幕式", "第三届长江经济带旅游博览会")
        for p, o in (("speaker", "李明"), ("date", "2022-05-05"))
    }
    # who chaired a session need not have chaired the whole
    found = rels("5月10日，第三届长江经济带旅游博览会闭幕式在武汉举行，副省长王红主持闭幕式。")
    assert found == {
        ("第三届长江经济带旅游博览会闭幕式", "chair", "王红"),
        ("第三届长江经济带旅游博览会闭幕式", "date", "2022-05-10"),
        ("第三届长江经济带旅游博览会", "date", "2022-05-10"),
    }


def test_leaders_from_lexicon():
    assert ents("在以习近平同志为核心的党中央坚强领导下。") == {("Person", "习近平"), ("Body", "党中央")}
    # the names an older text knows them by
    assert ents("毛主席说：要调动一切积极因素。周总理指出。") == {("Person", "毛泽东"), ("Person", "周恩来")}


# ------------------------------------------------------------------ meetings


def test_party_congress_forms_are_one_meeting():
    doc = doc_of("我们党召开第十九次全国代表大会。党的十九大以来，十九大精神深入人心。")
    meetings = [e for e in doc.entities if e.type == "Meeting"]
    assert len(meetings) == 1
    assert meetings[0].label == "党的第十九次全国代表大会"
    assert meetings[0].aliases == {
        "党的十九大",
        "十九大",
        "第十九次全国代表大会",
        "中共十九大",
        "中国共产党第十九次全国代表大会",
    }


def test_plenum_short_and_full_forms_are_one_meeting():
    doc = doc_of("党的二十届三中全会审议通过决定。中国共产党第二十届中央委员会第三次全体会议在北京举行。")
    meetings = [e for e in doc.entities if e.type == "Meeting"]
    assert len(meetings) == 1
    assert meetings[0].label == "中国共产党第二十届中央委员会第三次全体会议"
    assert meetings[0].aliases == {"党的二十届三中全会", "二十届三中全会", "中共二十届三中全会"}


def test_sessions_and_work_meetings():
    found = {
        lab
        for t, lab in ents(
            "市总工会十五届三次全委会议指出。2月8日，市委召开农村工作会议。3月2日，市政府第12次常务会议研究。"
        )
        if t == "Meeting"
    }
    assert found == {"市总工会十五届三次全委会议", "市委农村工作会议", "市政府第12次常务会议"}


def test_local_congress_short_form_links_to_full_form():
    doc = doc_of("市第九次党代会提出目标。市党代会确定的任务要落实。")
    meetings = [e for e in doc.entities if e.type == "Meeting"]
    assert [(e.label, e.aliases) for e in meetings] == [("市第九次党代会", {"市党代会"})]


def test_joint_meeting():
    doc = doc_of("市委九届五次全会暨市委经济工作会议召开。")
    m = [e for e in doc.entities if e.type == "Meeting"]
    assert [e.label for e in m] == ["市委九届五次全会暨市委经济工作会议"]
    assert m[0].aliases == {"市委九届五次全会", "市委经济工作会议"}


def test_the_word_meeting_alone_is_no_meeting():
    assert labels("刚才，会议表彰了先进集体。会议指出，要抓好落实。", "Meeting") == set()


# ------------------------------------------------------------------ documents


def test_document_short_and_full_titles_are_one_document():
    doc = doc_of("认真学习《中华人民共和国安全生产法》，把《安全生产法》落到实处。")
    docs = [e for e in doc.entities if e.type == "Document"]
    assert len(docs) == 1
    assert (docs[0].label, docs[0].aliases) == ("中华人民共和国安全生产法", {"安全生产法"})


# ------------------------------------------------------------------ quoted formulas


def test_numbered_formulas_keep_their_number():
    doc = doc_of("深入实施“三大攻坚行动”，办好“十项民生实事”，牢记“三个务必”。")
    got = {(e.type, e.label, e.number) for e in doc.entities}
    assert got == {("Campaign", "三大攻坚行动", 3), ("Campaign", "十项民生实事", 10), ("Concept", "三个务必", 3)}


def test_quoted_campaign_takes_its_head():
    found = ents("广泛开展“强国复兴有我”主题宣传教育活动，扎实开展“作风建设年”活动。")
    assert found == {("Campaign", "强国复兴有我主题宣传教育活动"), ("Campaign", "作风建设年活动")}


def test_quoted_name_with_concept_tail():
    found = labels("严格落实“三会一课”制度，贯彻“两个毫不动摇”方针。", "Concept")
    assert found == {"三会一课", "三会一课制度", "两个毫不动摇", "两个毫不动摇方针"}  # the tails are aliases


def test_emphasis_quotes_are_not_names():
    doc = doc_of("要打通服务群众的“最后一米”，攻克“卡脖子”技术，稳住“基本盘”，把工作从“大水漫灌”转变为“精准滴灌”。")
    assert [e for e in doc.entities if e.type not in ("Date",)] == []


def test_goal_from_quoted_formula_with_target():
    assert ents("锚定“三个确保”的奋斗目标，为实现“三个确保”而奋斗。") == {("Goal", "三个确保")}  # not a Concept


def test_members_of_a_numbered_formula():
    got = rels("要坚定“四个自信”（道路自信、理论自信、制度自信、文化自信）。")
    assert got == {("四个自信", "member", m) for m in ("道路自信", "理论自信", "制度自信", "文化自信")}


# ------------------------------------------------------------------ campaigns, goals, concepts


def test_campaigns_by_head():
    found = labels("常态化开展金秋助学活动，深入实施技能人才培育工程，持续推进安全生产专项整治行动。", "Campaign")
    assert found == {"金秋助学活动", "技能人才培育工程", "安全生产专项整治行动"}


def test_generic_heads_are_not_campaigns():
    assert labels("以实际行动践行初心，各项活动有序开展，这是一项系统工程。", "Campaign") == set()


def test_goals():
    found = labels("为建设社会主义现代化湖南而奋斗，加快建设文化强省，促进共同富裕新目标。", "Goal")
    # 共同富裕 with the lexicon's full name and the form the text gives it
    assert found == {"社会主义现代化湖南", "文化强省", "共同富裕", "全体人民共同富裕", "共同富裕新目标"}


def test_concepts():
    found = labels(
        "以习近平新时代中国特色社会主义思想为指导，弘扬焦裕禄精神、红旗渠精神，"
        "深入实施区域协调发展战略，学习习近平总书记关于安全生产的重要论述。",
        "Concept",
    )
    assert found == {
        "习近平新时代中国特色社会主义思想",
        "焦裕禄精神",
        "红旗渠精神",
        "区域协调发展战略",
        "习近平总书记关于安全生产的重要论述",
    }


def test_a_meetings_spirit_is_not_a_named_spirit():
    assert labels("认真学习贯彻全国两会精神和省委全会精神。", "Concept") == set()


# ------------------------------------------------------------------ relations


def test_date_first_clause_gives_date_chair_and_organizer():
    got = rels("3月3日，刘强同志主持召开市委常委会会议，研究部署重点工作。")
    assert got == {
        ("市委常委会会议", "date", "2022-03-03"),
        ("市委常委会会议", "chair", "刘强"),
        ("市委常委会会议", "organizer", "市委常委会"),
    }


def test_speaker_and_convener():
    got = rels("5月9日，省委召开民营经济工作会议。周立新同志在省民营经济工作会议上发表讲话。")
    assert got == {
        ("省委民营经济工作会议", "organizer", "省委"),
        ("省委民营经济工作会议", "date", "2022-05-09"),
        ("省委民营经济工作会议", "speaker", "周立新"),  # the meeting named again, with 省 for 省委
    }


def test_meeting_held_on_a_date():
    got = rels("市妇联九届三次执委会议于6月18日在市会议中心召开。")
    assert got == {("市妇联九届三次执委会议", "date", "2022-06-18"), ("市妇联九届三次执委会议", "organizer", "市妇联")}


def test_proposals():
    got = rels("市第八次党代会提出“三个高地”的建设目标，作出实施“五大工程”的部署。")
    assert got == {("三个高地", "proposedBy", "市第八次党代会"), ("五大工程", "proposedBy", "市第八次党代会")}


def test_proposal_followed_by_a_quotation_names_the_next_formula():
    got = rels("党的十九届六中全会鲜明提出，“坚持党的全面领导，坚持人民至上”。“十个坚持”是党和人民共同创造的精神财富。")
    assert got == {("十个坚持", "proposedBy", "党的十九届六中全会")}


def test_endorsements():
    got = rels("“金秋助学”行动、技能培育工程等工作得到市委、市政府主要领导批示肯定。")
    assert got == {(w, "endorsedBy", b) for w in ("金秋助学行动", "技能培育工程") for b in ("市委", "市政府")}


def test_leading_body():
    got = rels("由市总工会牵头开展“安康杯”竞赛。")
    assert got == {("安康杯竞赛", "ledBy", "市总工会")}


def test_endorsement_in_its_own_clause_covers_the_work_before_it():
    got = rels("各级团组织深入开展“青春护航”行动和“红领巾”寻访活动，实施“希望工程”，得到团中央充分肯定。")
    assert got == {
        ("青春护航行动", "endorsedBy", "共青团中央"),
        ("红领巾寻访活动", "endorsedBy", "共青团中央"),
        ("希望工程", "endorsedBy", "共青团中央"),
    }


def test_chair_named_after_you():
    got = rels("11月3日，市科协九届三次全委会议在市会议中心召开。会议由市科协党组书记赵明主持。")
    assert got == {
        ("市科协九届三次全委会议", "chair", "赵明"),
        ("市科协九届三次全委会议", "date", "2022-11-03"),
        ("市科协九届三次全委会议", "organizer", "市科协"),
    }
    got = rels("市妇联八届二次执委会议由副主席钱芳同志主持。")
    assert got == {("市妇联八届二次执委会议", "chair", "钱芳"), ("市妇联八届二次执委会议", "organizer", "市妇联")}


def test_enlarged_session_is_the_same_meeting():
    doc = doc_of("市总工会召开十五届三次全委会议。市总工会十五届三次全委（扩大）会议听取了工作报告。")
    meetings = [e for e in doc.entities if e.type == "Meeting"]
    assert len(meetings) == 1, [e.label for e in meetings]


def test_a_formula_in_quotes_is_not_a_proposing_verb():
    got = rels("会议强调，要学习贯彻党的二十届三中全会精神，深刻领悟“两个确立”的决定性意义，增强“四个意识”。")
    assert not {r for r in got if r[1] == "proposedBy"}


def test_strong_province_goals_take_their_whole_name():
    found = labels("为全面建设社会主义现代化强省贡献力量，奋力建设文化强省和教育强省。", "Goal")
    assert found == {"社会主义现代化强省", "文化强省", "教育强省"}  # none cut short (会主义…, 力建设…, 面建设…)


def test_year_spans_are_no_dates_and_no_speech_year():
    text = "印发《青年发展规划（2016—2025年）》和2021-2025年行动方案。2023年，全省团员增加。"
    assert date_values(text, None) == {"2023"}
    assert dates_mod.infer_year(text) == 2023


def test_report_head_gives_the_meeting_its_date_and_speaker():
    got = rels(
        "政府工作报告\n——2023年2月8日在XX县第十八届人民代表大会第二次会议上\n县长 孙立平\n各位代表：\n"
        "现在，我代表县人民政府向大会报告工作。",
        None,
    )
    assert got == {
        ("XX县第十八届人民代表大会第二次会议", "date", "2023-02-08"),
        ("XX县第十八届人民代表大会第二次会议", "speaker", "孙立平"),
    }


def test_term_before_organ_sessions():
    got = rels("会议传达学习了十九届中央纪委六次全会精神。代表们出席十四届全国人大二次会议。")
    assert got == {
        ("十九届中央纪委六次全会", "organizer", "中央纪委"),
        ("十四届全国人大二次会议", "organizer", "全国人大"),
    }
    assert ents("代表们出席十四届全国人大二次会议。") == {("Meeting", "十四届全国人大二次会议"), ("Body", "全国人大")}
    # the meeting without its 精神, with the lexicon's names of it
    assert labels("学习党的十九届六中全会精神。", "Meeting") == {
        "党的十九届六中全会",
        "十九届六中全会",
        "中共十九届六中全会",
        "中国共产党第十九届中央委员会第六次全体会议",
    }


def test_each_expected_target_of_a_work_report_is_a_goal():
    text = (
        "今年全市发展的主要预期目标是：地区生产总值增长5%左右，在实际工作中争取更好结果；城镇新增就业50万人以上；"
        "固定资产投资达到194亿元，同比增长25%；居民收入增长和经济增长同步；文化事业繁荣发展。重点做好以下工作。"
    )
    targets = {m.text for m in doc_of(text).mentions if m.rule == "expected-target"}
    assert targets == {
        "地区生产总值增长5%左右",
        "城镇新增就业50万人以上",
        "固定资产投资达到194亿元",
        "居民收入增长和经济增长同步",
    }
    # across a line break; a number alone names nothing
    assert labels("主要预期目标\n是：一般公共预算收入增长3%左右。", "Goal") == {"一般公共预算收入增长3%左右"}
    assert not {m for m in doc_of("经济增长的预期目标为7%左右，这是必要的。").mentions if m.rule == "expected-target"}


def test_what_a_goal_is_said_to_build_is_a_goal():
    got = labels("全面推进依法治国，总目标是建设中国特色社会主义法治体系、建设社会主义法治国家。", "Goal")
    assert got == {"中国特色社会主义法治体系", "社会主义法治国家"}
    got = labels("强军目标是建设一支听党指挥、能打胜仗、作风优良的人民军队。", "Goal")
    assert got == {"一支听党指挥、能打胜仗、作风优良的人民军队", "强军目标"}  # 强军目标 names a goal too
    # not a name cut at the verb's complement (和完善…), nor one running past the clause
    assert labels("目标是建立和完善院团人才辈出的体制机制。", "Goal") == set()


def test_a_place_to_be_built_may_hold_a_quotation_or_be_a_centre():
    assert labels("打造新时代更高水平的“天府粮仓”。", "Goal") == {"新时代更高水平的天府粮仓"}
    assert labels("积极推动国际科技创新中心建设，持续提升科技成果转化。", "Goal") == {"国际科技创新中心"}


def test_what_a_thing_is_to_be_made_into_is_a_goal():
    got = labels("努力把新区打造成极具魅力的商贸城、充满活力的创业城。", "Goal")
    assert got == {"极具魅力的商贸城、充满活力的创业城"}
    got = labels("为把我国建设成为富强民主文明和谐美丽的社会主义现代化强国而奋斗。", "Goal")
    assert got == {"富强民主文明和谐美丽的社会主义现代化强国"}
    # 打造 成渝…, 建设 成效: 成 starts another word; a goal inside a longer noun is not one
    assert labels("打造成渝绵科技创新金三角。生态建设成效显著。", "Goal") == set()
    assert not labels("肩负起打造成为引领对外开放的重要门户的光荣使命。", "Goal")
    # the proposer is not the body in a phrase of time before the verb
    got = rels("李强表示，习近平主席在亚投行组建之初提出将亚投行打造成专业、高效、廉洁的新型多边开发银行。")
    assert got == {("专业、高效、廉洁的新型多边开发银行", "proposedBy", "习近平")}


def test_x_this_goal_names_x():
    assert labels("紧紧围绕建设生态、宜居城市这一目标，加大投入。", "Goal") == {"生态、宜居城市"}
    assert labels("围绕这一目标，我们要努力。", "Goal") == set()


def test_a_programme_carried_out_is_a_campaign():
    assert labels("实施城乡居民增收计划，促进消费。", "Campaign") == {"城乡居民增收计划"}
    assert labels("实施全民参保计划和社保扩面。", "Campaign") == {"全民参保计划"}
    # an action plan is a document; a plan with no name is nothing
    assert labels("实施新型城镇化五年行动计划。", "Campaign") == set()
    assert labels("认真实施年度计划。实施这一计划。", "Campaign") == set()


def test_a_quoted_name_built_is_a_campaign():
    assert ents("有序推动“好房子”建设，开展物业服务提升。") == {("Campaign", "好房子建设")}
    assert labels("推动“好房子”建设。", "Campaign") == {"好房子建设", "好房子"}
    assert not labels("“好房子”建设者们。", "Campaign")
    # a name typed otherwise keeps its type
    assert ents("高质量推进“一带一路”建设。") == {("Concept", "一带一路")}


def test_cppcc_national_committee_of_a_term_is_the_national_committee():
    doc = doc_of("政协第十二届全国委员会常务委员会第九次会议闭幕。全国政协常委会召开座谈会。")
    bodies = [e for e in doc.entities if e.type == "Body"]
    assert len(bodies) == 1 and (bodies[0].label, bodies[0].aliases) == (
        "政协第十二届全国委员会常务委员会",
        {
            "全国政协常委会",
            "全国政协常务委员会",
            "政协全国委员会常务委员会",
            "中国人民政治协商会议全国委员会常务委员会",
        },
    )
    got = rels("中国人民政治协商会议第十二届全国委员会第三次会议开幕。")
    assert got == {
        (
            "中国人民政治协商会议第十二届全国委员会第三次会议",
            "organizer",
            "中国人民政治协商会议第十二届全国委员会",
        )
    }
    # the full name is the same meeting as the short forms
    meetings = [
        e
        for e in doc_of("中国人民政治协商会议第十二届全国委员会第三次会议开幕。全国政协十二届三次会议闭幕。").entities
        if e.type == "Meeting"
    ]
    assert len(meetings) == 1


def test_rectification_campaigns():
    found = labels("县纪委监委牵头开展漠视侵害群众利益问题集中整治，扎实开展政法队伍教育整顿。", "Campaign")
    assert found == {"漠视侵害群众利益问题集中整治", "政法队伍教育整顿"}
    assert rels("县纪委监委牵头开展漠视侵害群众利益问题集中整治。") == {
        ("漠视侵害群众利益问题集中整治", "ledBy", "县纪委监委")
    }


def test_goals_concepts_and_dates_inside_a_document_title_are_the_title():
    found = ents("市政府印发《关于推动高质量发展的若干措施》和《2024年工作要点》。")
    # no Goal, Concept or Date inside the titles
    assert found == {("Body", "市政府"), ("Document", "关于推动高质量发展的若干措施"), ("Document", "2024年工作要点")}
