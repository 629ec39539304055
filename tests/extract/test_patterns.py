"""Patterns of official Chinese found in real reports and news, on sentences written for
these tests: titles before names, lists of names, organs by suffix, heads of campaigns,
goals and concepts, documents without 《》, meetings named in full."""

from __future__ import annotations

import pytest

from ..conftest import doc_of, ents


def named(text: str, type_: str) -> set[str]:
    """The canonical labels of the entities of one type found in `text`."""
    return {label for t, label in ents(text) if t == type_}


# ------------------------------------------------------------------ persons


@pytest.mark.parametrize(
    "text, names",
    [
        ("省政协副主席张建国主持闭幕会。", {"张建国"}),
        ("公司党委书记、董事长孙立平，党委副书记、总经理周小川出席。", {"孙立平", "周小川"}),
        ("哈萨克斯坦总统托卡耶夫主持会议，法国总统马克龙参加。", {"托卡耶夫", "马克龙"}),
        ("赵明华、钱立新、孙海峰等参加。", {"赵明华", "钱立新", "孙海峰"}),
        ("李大鹏主持座谈会。", {"李大鹏"}),
        ("会议由市委副书记王立新同志主持。", {"王立新"}),
        ("大会由副主席林芳同志主持。", {"林芳"}),
    ],
)
def test_persons_after_titles_in_lists_and_at_the_head(text, names):
    assert named(text, "Person") == names


@pytest.mark.parametrize(
    "text",
    [
        "许多老同志来了。",
        "全会指出，要坚持稳中求进。",
        "教育、金融、程序化等领域取得进展。",
        "主席团常务主席主持会议。",
    ],
)
def test_no_person_in_words_that_start_with_a_surname(text):
    assert named(text, "Person") == set()


# ------------------------------------------------------------------ bodies


@pytest.mark.parametrize(
    "text, bodies",
    [
        ("华东理工大学和瑞金医院签署协议。", {"华东理工大学", "瑞金医院"}),
        ("江南机械股份有限公司扩大生产。", {"江南机械股份有限公司"}),
        ("支持建设西湖大学。", {"西湖大学"}),
        ("自治区人民政府印发通知。", {"自治区人民政府"}),
        ("全国人大教育科学文化卫生委员会开展调研。", {"全国人大教育科学文化卫生委员会"}),
        ("中共省总工会党组召开会议。", {"中共省总工会党组"}),
        ("外交部发言人表示，联合国和世界银行将参加。", {"外交部", "联合国", "世界银行"}),
    ],
)
def test_bodies_by_suffix_party_group_and_lexicon(text, bodies):
    assert named(text, "Body") == bodies


@pytest.mark.parametrize(
    "text",
    [
        "推动上市公司和公立医院改革。",
        "各类金融控股公司要依法经营。",
        "培养更多大学生。",
    ],
)
def test_no_body_in_kinds_of_units(text):
    assert named(text, "Body") == set()


# ------------------------------------------------------------------ documents without 《》


@pytest.mark.parametrize(
    "text, docs",
    [
        ("会议审议通过了关于调整市政府组成部门的决定。", {"关于调整市政府组成部门的决定"}),
        ("常委会审议了食品安全法（草案）。", {"食品安全法（草案）"}),
        ("省政府印发乡村旅游提质增效实施方案。", {"乡村旅游提质增效实施方案"}),
        ("会议听取了市人民政府工作报告。", {"市人民政府工作报告"}),
    ],
)
def test_documents_by_their_kind(text, docs):
    assert named(text, "Document") == docs


def test_a_written_out_title_keeps_its_persons():
    text = "会议通过了关于免去李明同志副主任职务的决定。"
    assert named(text, "Person") == {"李明"}
    assert named(text, "Document") == {"关于免去李明同志副主任职务的决定"}


@pytest.mark.parametrize("text", ["各单位要落实有关条例。", "编制年度工作报告。"])
def test_no_document_in_kinds_of_documents(text):
    assert named(text, "Document") == set()


# ------------------------------------------------------------------ goals and campaigns


@pytest.mark.parametrize(
    "text, goals",
    [
        ("加快推进渔业渔村现代化。", {"渔业渔村现代化"}),
        ("努力建设国际航运中心城市。", {"国际航运中心城市"}),
        ("完成全市经济社会发展的主要预期目标。", {"全市经济社会发展的主要预期目标"}),
        ("加快建设文化强省。", {"文化强省"}),
    ],
)
def test_goals_to_reach_and_to_build(text, goals):
    assert named(text, "Goal") == goals


@pytest.mark.parametrize("text", ["要加强省际合作。", "做大做强区域经济。", "实现这样的目标。", "完成这些目标。"])
def test_no_goal_in_words_that_only_look_like_one(text):
    assert named(text, "Goal") == set()


@pytest.mark.parametrize(
    "text, campaigns",
    [
        ("深入开展农村人居环境专项整治。", {"农村人居环境专项整治"}),
        ("打好碧水保卫战。", {"碧水保卫战"}),
        ("稳妥推进宅基地制度改革试点。", {"宅基地制度改革试点"}),
    ],
)
def test_campaigns_by_new_heads(text, campaigns):
    assert named(text, "Campaign") == campaigns


@pytest.mark.parametrize("text", ["实施三年行动。", "举办群众体育活动。", "这是一项伟大工程。", "我们要携手行动。"])
def test_no_campaign_in_durations_and_kinds_of_activity(text):
    assert named(text, "Campaign") == set()


# ------------------------------------------------------------------ meetings


@pytest.mark.parametrize(
    "text, meetings",
    [
        ("副省长王华出席全省冬春农田水利建设现场会并讲话。", {"全省冬春农田水利建设现场会"}),
        (
            "总理出席世界经济论坛第十六届年会开幕式并致辞。",
            {"世界经济论坛第十六届年会", "世界经济论坛第十六届年会开幕式"},
        ),
        ("中共省科协党组3月2日召开会议，传达学习文件精神。", {"中共省科协党组会议"}),
        ("会议强调，要贯彻中共二十大精神。", {"党的第二十次全国代表大会"}),
        (
            "他主持召开长江经济带各省市党委负责同志和专家学者代表座谈会。",
            {"长江经济带各省市党委负责同志和专家学者代表座谈会"},
        ),
    ],
)
def test_meetings_by_kind_part_and_convener(text, meetings):
    assert named(text, "Meeting") == meetings


def test_forms_of_a_national_session_are_one_meeting():
    text = "政协第十五届全国委员会第三次会议在京开幕。全国政协十五届三次会议将审议常委会工作报告。"
    found = [e for e in doc_of(text).entities if e.type == "Meeting"]
    assert len(found) == 1
    assert {"政协第十五届全国委员会第三次会议", "全国政协十五届三次会议"} <= {found[0].label, *found[0].aliases}


def test_no_meeting_in_preparing_one():
    assert named("各方共同筹备青岛峰会。", "Meeting") == {"青岛峰会"}


# ------------------------------------------------------------------ left edges at words


@pytest.mark.parametrize(
    "text, campaigns",
    [
        ("开展街道环境品质提升三年行动。", {"街道环境品质提升三年行动"}),
        ("高质量完成国有企业改革深化提升行动。", {"国有企业改革深化提升行动"}),
        ("落实绿色出行推进行动。", {"绿色出行推进行动"}),
    ],
)
def test_verbs_that_end_a_campaign_name_are_part_of_it(text, campaigns):
    assert named(text, "Campaign") == campaigns


@pytest.mark.parametrize("text", ["不断提高竞赛的参与度。", "要加强组织领导。"])
def test_a_verb_alone_before_a_head_is_no_name(text):
    assert named(text, "Campaign") == set()


@pytest.mark.parametrize(
    "text, goals",
    [
        ("要牢牢守住18亿亩耕地红线。", set()),  # a limit to hold, no state to reach
        ("深化国际消费中心城市建设。", {"国际消费中心城市"}),
        ("推动实现老城市新活力和“四个出新出彩”。", {"四个出新出彩"}),
        ("加快建设社会主义现代化XX。", {"社会主义现代化XX"}),
    ],
)
def test_goals_built_and_reached_but_no_red_lines(text, goals):
    assert named(text, "Goal") == goals


def test_a_known_unit_after_a_long_verb_starts_after_it():
    assert named("要充分利用城投公司融资。", "Body") == {"城投公司"}
    assert named("加快建设东海工业大学新校区。", "Body") == {"东海工业大学"}


# ------------------------------------------------------------------ word boundaries


def test_a_lexicon_name_across_two_words_is_no_mention():
    assert named("要紧紧依靠人民，领导人民进行伟大斗争。", "Body") == set()  # 人民/进行, not 民进


def test_a_name_glued_to_a_title_is_still_named():
    assert "省委" in named("省委书记张立新出席会议。", "Body")


def test_a_name_cut_by_the_word_after_it_is_dropped():
    assert named("坚持马克思列宁主义。", "Person") == set()
    assert named("坚持马克思列宁主义。", "Concept") == {"马克思列宁主义"}


def test_a_name_whose_first_character_is_glued_to_a_verb_takes_the_word():
    assert named("在自治区人大常委会的领导下。", "Body") == {"自治区人大常委会"}
    assert named("带头学雷锋。", "Person") == {"雷锋"}


def test_function_words_glued_to_a_name_do_not_cut_it():
    assert named("传达学习了全总十八届二次执委会议和省总工会全委会议精神。", "Meeting") >= {"全总十八届二次执委会议"}


@pytest.mark.parametrize("text", ["文章指出，要坚持人民至上。", "感谢和全体同志的努力。", "向代表和媒体介绍情况。"])
def test_common_words_and_function_words_are_no_names(text):
    assert named(text, "Person") == set()


@pytest.mark.parametrize(
    "text, bodies",
    [
        ("武汉已建成14家方舱医院，江汉方舱医院开始收治患者。", {"江汉方舱医院"}),
        ("她来到东湖大学看望师生。", {"东湖大学"}),
        ("一些医院和不少公司参加。", set()),
    ],
)
def test_named_units_without_counts_and_verbs(text, bodies):
    assert named(text, "Body") == bodies


# ------------------------------------------------------------------ sayings, coordinated heads, footnotes


@pytest.mark.parametrize(
    "text",
    [
        "古人说：“学而不思则罔，思而不学则殆。”我们要牢记。",
        "要牢记“积土成山，积水成渊”的道理。",
    ],
)
def test_quoted_sayings_are_no_formulations(text):
    assert named(text, "Concept") == set()


def test_a_formulation_of_clauses_after_a_verb_of_holding_it():
    assert named("坚持“以人民为中心，以奋斗者为本”。", "Concept") == {"以人民为中心，以奋斗者为本"}


def test_a_head_coordinated_with_a_noun_is_no_campaign():
    assert named("要统一思想和行动。", "Campaign") == set()


def test_a_footnote_mark_ends_a_name_to_the_left():
    assert named("坚持党的领导［3］工匠培育工程全面铺开。", "Campaign") == {"工匠培育工程"}


def test_full_width_digits_are_read_as_digits_and_kept_in_the_text():
    doc = doc_of("２００１年１２月３日，国务院召开会议。", 2001)
    dates = {e.value: e for e in doc.entities if e.type == "Date"}
    assert "2001-12-03" in dates
    m = dates["2001-12-03"].mentions[0]
    assert doc.text[m.start : m.end] == m.text == "２００１年１２月３日"


def test_jianshe_governs_only_at_the_head_of_its_phrase():
    assert named("建设农村公路提质工程，深化产业工人队伍建设改革行动。", "Campaign") == {
        "农村公路提质工程",
        "产业工人队伍建设改革行动",
    }


def test_a_title_before_a_name_is_no_part_of_a_longer_one():
    assert named("中央委员会不设主席只设总书记。", "Person") == set()


def test_other_occurrences_of_a_name_keep_to_word_boundaries():
    doc = doc_of("人民信赖我们党。我们党执政七十多年。")
    assert [m.text for m in doc.mentions if m.type == "Body"] == ["我们党"]


def test_the_verbs_of_meetings_come_from_one_table():
    """data/verbs.tsv: each pattern asks for the verbs of its tags, longest first."""
    import pytest

    from speechkg.graph.extract.tables import verbs

    assert verbs("hold") == "举行|召开"
    assert verbs("chair", "hold").split("|")[0] == "主持召开"  # before 主持, which it starts with
    with pytest.raises(ValueError, match="no tag convene"):
        verbs("convene")
    # the same verbs in a sentence: the body 举行s, the date goes with it, the chair 主持s
    doc = doc_of("3月3日，省委在长沙举行全省经济工作会议，省委书记张国强主持会议。", 2022)
    assert {(r.subject.label, r.predicate, r.object.label) for r in doc.relations} == {
        ("全省经济工作会议", "date", "3月3日"),
        ("全省经济工作会议", "organizer", "省委"),
        ("全省经济工作会议", "chair", "张国强"),
    }


def test_the_words_of_meetings_come_from_one_table():
    """data/meetings.tsv: the words a body convenes unnamed, the words that refer back to the
    meeting in focus and the sessions of organs are tags of one table."""
    from speechkg.graph.extract.tables import meeting_words

    assert set(meeting_words("convened")) == {"会议", "全体会议", "常务会议", "扩大会议"}
    assert "会" in meeting_words("generic") and "会" not in meeting_words("named")
    assert {"主任会议"} == set(meeting_words("local-organ")) - set(meeting_words("central-organ"))
    # convened: a body's 扩大会议 named after it, with its date and organizer
    doc = doc_of("中共江西省委党组1月14日召开扩大会议，传达学习全会精神。", 2022)
    assert [m.label for m in doc.entities if m.type == "Meeting"] == ["中共江西省委党组扩大会议"]
    assert {(r.predicate, r.object.label) for r in doc.relations} == {
        ("date", "1月14日"),
        ("organizer", "中共江西省委党组"),
    }
    # local-organ and generic: 主持会议 is the numbered session of the city government in focus
    doc = doc_of("3月5日，市政府召开第十次常务会议，市长王明主持会议并讲话。", 2022)
    assert [m.label for m in doc.entities if m.type == "Meeting"] == ["市政府第十次常务会议"]
    assert {(r.predicate, r.object.label) for r in doc.relations} == {
        ("chair", "王明"),
        ("speaker", "王明"),
        ("date", "3月5日"),
        ("organizer", "市政府"),
    }
