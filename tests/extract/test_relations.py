"""Each relation rule alone, on sentences written for these tests, with the mentions marked by hand
so that a rule is tested apart from the mention extractors: [P:…] person, [B:…] body, [M:…] meeting,
[D:…] date (value after =, as in [D:3日=2024-03-03]), [G:…] goal, [C:…] concept, [A:…] campaign.
Marks nest: [M:[B:国务院]常务会议]."""

from __future__ import annotations

import random
import re

import pytest

from speechkg.graph.extract import relations as R
from speechkg.graph.model import Doc, Mention, Speech
from speechkg.graph.segment import sentences

_TYPES = {"P": "Person", "B": "Body", "M": "Meeting", "D": "Date", "G": "Goal", "C": "Concept", "A": "Campaign"}


def marked(src: str) -> Doc:
    """A Doc whose text is `src` without marks and whose mentions are the marked spans."""
    text, stack, ms = [], [], []
    i = 0
    while i < len(src):
        if src[i] == "[" and i + 2 < len(src) and src[i + 1] in _TYPES and src[i + 2] == ":":
            stack.append((src[i + 1], len("".join(text))))
            i += 3
        elif src[i] == "]" and stack:
            kind, start = stack.pop()
            span = "".join(text)[start:]
            value = None
            if "=" in span:
                span, value = span.split("=")
                text[:] = list("".join(text)[:start] + span)
            ms.append(Mention(start, start + len(span), span, _TYPES[kind], span, "test", value=value))
            i += 1
        else:
            text.append(src[i])
            i += 1
    doc = Doc(speech=Speech(text="".join(text)))
    doc.sentences = sentences(doc.text)
    doc.mentions = sorted(ms, key=lambda m: (m.start, -m.end))
    return doc


def found(rule: str, src: str) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) texts the one rule `rule` finds in `src` (focus kept as in a full run)."""
    doc = marked(src)
    return {(r.subject.text, r.predicate, r.object.text) for r in R.relations(doc, {rule: R.RULES[rule]}, {})}


def test_markup():
    doc = marked("[D:3日=2024-03-03]，[M:[B:市委]常委会会议]召开。")
    assert doc.text == "3日，市委常委会会议召开。"
    assert [(m.text, m.type, m.value) for m in doc.mentions] == [
        ("3日", "Date", "2024-03-03"),
        ("市委常委会会议", "Meeting", None),
        ("市委", "Body", None),
    ]


# ------------------------------------------------------------------ registry


def test_registry_names_and_predicates():
    assert R.CONVENE in R.RULES and all(callable(r) for r in R.RULES.values())
    assert set(R.PREDICATES) == {"date", "organizer", "chair", "speaker", "proposedBy", "endorsedBy", "ledBy", "member"}
    doc = marked("[D:5月6日]，[P:赵平]主持召开[M:[B:区政府]常务会议]。")
    got = R.relations(doc)
    assert {r.predicate for r in got} <= set(R.PREDICATES)
    assert {r.rule for r in got} <= set(R.RULES) | set(R.DOC_RULES)


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    "src",
    [
        "[D:5月6日]，[P:赵平]同志主持召开[M:区政府常务会议]。",
        "本报讯（记者 钱朵）[D:5月6日]，[M:区政府常务会议]召开。",
        "新华社北京5月6日电 [D:5月6日]下午，[B:区政府]召开[M:区政府常务会议]。",
        "央视网消息：当地时间[D:5月6日]，[P:赵平]在日内瓦出席[M:全球卫生论坛]。",
    ],
)
def test_date_first(src):
    got = found("date-first", src)
    assert {(m, p) for m, p, _ in got} and all(p == "date" for _, p, _ in got)


def test_date_first_needs_the_meeting_held():
    assert found("date-first", "[D:5月6日]，[P:赵平]传达了[M:区政府常务会议]精神。") == set()


@pytest.mark.parametrize(
    "src",
    [
        "[P:赵平][D:6日]在京主持召开[M:区政府常务会议]。",
        "[P:赵平][D:6日]下午以视频方式出席[M:全球卫生论坛]。",
    ],
)
def test_date_hold(src):
    got = found("date-hold", src)
    assert len(got) == 1 and next(iter(got))[1:] == ("date", "6日")


@pytest.mark.parametrize(
    "src",
    [
        "[M:市妇联九届三次执委会议]于[D:6月8日]在市会议中心召开。",
        "[M:市政协十届三次会议][D:3月2日]下午在市人民会堂闭幕。",
    ],
)
def test_held_on(src):
    assert {p for _, p, _ in found("held-on", src)} == {"date"}


def test_held_on_not_a_later_date():
    assert found("held-on", "[M:区政府常务会议]研究了[D:5月6日]的安排。") == set()


def test_dateline_dates_the_meeting_in_focus():
    src = (
        "[P:赵平]主持召开[M:全市民营企业家座谈会]\n[D:11日=2024-05-11]，市委书记[P:赵平]主持召开座谈会，听取意见建议。"
    )
    assert found("dateline", src) == {("全市民营企业家座谈会", "date", "11日")}
    src = "[B:市政协党组]召开[M:市政协党组会议]\n[B:市政协党组][D:8日=2024-05-08]召开会议，传达文件精神。"
    assert found("dateline", src) == {("市政协党组会议", "date", "8日")}


def test_dateline_needs_a_meeting_in_focus_and_a_day():
    assert found("dateline", "[D:11日=2024-05-11]，市委书记[P:赵平]主持召开座谈会。") == set()
    src = "[P:赵平]出席[M:全市科技大会]\n[D:2023年=2023]，全市召开会议。"
    assert found("dateline", src) == set()


# ------------------------------------------------------------------ chairs and speakers


def test_chair_and_speaker_of_a_named_meeting():
    got = found("chair", "[P:赵平][D:6日]下午主持召开[M:区政府常务会议]并发表重要讲话。")
    assert got == {("区政府常务会议", "chair", "赵平"), ("区政府常务会议", "speaker", "赵平")}
    assert found("chair", "[P:赵平]传达了[M:区政府常务会议]精神。") == set()
    for src in (
        "[P:赵平]在江州主持召开[M:沿江城市发展座谈会]上指出，要抓落实。",
        "[P:赵平]主持召开[M:沿江城市发展座谈会]时强调，要抓落实。",
    ):
        assert found("chair", src) == {
            ("沿江城市发展座谈会", "chair", "赵平"),
            ("沿江城市发展座谈会", "speaker", "赵平"),
        }
    assert found("chair", "[P:赵平]主持召开[M:沿江城市发展座谈会]。会上，钱立讲话。") == {
        ("沿江城市发展座谈会", "chair", "赵平")
    }


@pytest.mark.parametrize(
    "src",
    [
        "[P:周立新]同志在[M:省民营经济工作会议]上发表讲话。",
        "[P:周立新][D:2日]在北京出席[M:全省立法工作座谈会]并讲话。",
        "[P:周立新]出席[M:全球卫生论坛]开幕式并致辞。",
        "[P:周立新]在[M:全省立法工作座谈会]上指出，要提高质量。",
    ],
)
def test_speaker(src):
    got = found("speaker", src)
    assert got == {(next(m.text for m in marked(src).mentions if m.type == "Meeting"), "speaker", "周立新")}


def test_speaker_of_each_meeting_of_a_list():
    got = found(
        "speaker", "[P:周立新]在[M:全省工作会议]、[M:全省人大工作会议]和[M:全省政协工作会议]等会议上发表重要讲话。"
    )
    assert {m for m, _, _ in got} == {"全省工作会议", "全省人大工作会议", "全省政协工作会议"}
    got = found("speaker", "要学习[P:周立新]同志在[M:全省工作会议]听取汇报时的重要讲话精神。")
    assert got == {("全省工作会议", "speaker", "周立新")}


def test_a_meeting_to_be_held_is_not_in_focus():
    src = "[B:市委]召开会议，决定下月召开[M:市委全会]。市委书记[P:钱芳]主持会议。"
    assert found("chair-here", src) == set()


def test_attending_is_not_speaking():
    assert found("speaker", "[P:周立新]出席[M:全省工作会议]。") == set()
    assert found("speaker-here", "[M:全省工作会议]召开。[P:周立新]出席。") == set()


def test_chair_here_refers_to_the_meeting_in_focus():
    src = "[M:市政协十届三次会议]下午闭幕。市政协主席[P:钱芳]主持闭幕会并讲话。"
    assert found("chair-here", src) == {
        ("市政协十届三次会议", "chair", "钱芳"),
        ("市政协十届三次会议", "speaker", "钱芳"),
    }
    src = "[B:市政协党组]召开[M:市政协党组会议]\n会议学习了文件。市政协主席[P:钱芳]主持并讲话。"
    assert found("chair-here", src) == {("市政协党组会议", "chair", "钱芳"), ("市政协党组会议", "speaker", "钱芳")}
    src = "[P:赵平]主持召开[M:全市民营企业家座谈会]\n[D:11日]，市委书记[P:赵平]主持召开座谈会。"
    assert ("全市民营企业家座谈会", "chair", "赵平") in found("chair-here", src)


def test_a_title_after_the_name():
    src = "[M:市人大常委会第九次会议]上午在市行政中心举行。[P:钱芳]主任主持会议。[P:赵平]市长出席会议并讲话。"
    assert found("chair-here", src) == {("市人大常委会第九次会议", "chair", "钱芳")}
    assert found("speaker-here", src) == {("市人大常委会第九次会议", "speaker", "赵平")}


def test_chair_here_needs_a_focus_and_leaves_named_meetings_to_chair():
    assert found("chair-here", "市长[P:钱芳]主持会议。") == set()
    src = "[M:全市科技大会]召开。[P:钱芳]主持召开[M:市政府常务会议]。"
    assert found("chair-here", src) == set()


def test_speaker_here():
    src = "[M:全市科技大会]召开。[P:钱芳]出席会议并讲话。[P:赵平]在会上作工作报告。[P:孙立]在发言中说。"
    assert found("speaker-here", src) == {("全市科技大会", "speaker", n) for n in ("钱芳", "赵平", "孙立")}


def test_speaker_here_at_a_part_named_by_a_common_noun():
    src = "[M:第五届全省文化产业博览会]上午开幕。省委书记[P:钱芳]在开幕式上致辞。[P:赵平]在座谈会上强调，要抓落实。"
    assert found("speaker-here", src) == {("第五届全省文化产业博览会", "speaker", n) for n in ("钱芳", "赵平")}


def test_speaker_here_of_a_report():
    src = "[M:市第十六届人民代表大会第三次会议]上午开幕。市长[P:钱芳]作政府工作报告。"
    assert found("speaker-here", src) == {("市第十六届人民代表大会第三次会议", "speaker", "钱芳")}
    src = "[M:市第十六届人民代表大会第三次会议]上午开幕。[P:赵平]代表市人大常委会向大会报告工作。"
    assert found("speaker-here", src) == {("市第十六届人民代表大会第三次会议", "speaker", "赵平")}
    src = "[M:市第十六届人民代表大会第三次会议]上午开幕。要学习[P:钱芳]作的报告，[P:赵平]将作报告。"
    assert found("speaker-here", src) == set()


def test_said_by_who_chaired_or_attended():
    src = (
        "[P:钱芳]主持召开[M:全市企业家座谈会]\n[P:钱芳]主持召开座谈会。副市长[P:赵平]出席。"
        "[P:钱芳]说，要优化营商环境。[P:赵平]指出，要稳就业。[P:孙立]表示，企业信心增强。"
    )
    rules = {"chair-here": R.chair_here, "said": R.said}
    got = {(r.subject.text, r.predicate, r.object.text) for r in R.relations(marked(src), rules, {})}
    assert {o for _, p, o in got if p == "speaker"} == {"钱芳", "赵平"}


def test_said_needs_the_person_at_the_head():
    src = "[P:钱芳]主持召开[M:全市企业家座谈会]\n[P:钱芳]主持召开座谈会。会上，大家学习了[P:钱芳]说，要改革。"
    rules = {"chair-here": R.chair_here, "said": R.said}
    got = {(r.predicate, r.object.text) for r in R.relations(marked(src), rules, {})}
    assert ("speaker", "钱芳") not in got


def test_chair_by():
    assert found("chair-by", "[M:市妇联八届二次执委会议]由副主席[P:钱芳]同志主持。") == {
        ("市妇联八届二次执委会议", "chair", "钱芳")
    }
    src = "[M:市科协九届三次全委会议]在市会议中心召开。会议由市科协党组书记[P:赵明]主持。"
    assert found("chair-by", src) == {("市科协九届三次全委会议", "chair", "赵明")}
    assert found("chair-by", "会议由市科协党组书记[P:赵明]主持。") == set()


def test_speaker_list():
    src = "[P:钱芳]主持召开[M:全市企业家座谈会]\n市工商联主席[P:赵平]、市商会会长[P:孙立]和企业家代表[P:李明]先后发言。"
    assert found("speaker-list", src) == {("全市企业家座谈会", "speaker", n) for n in ("赵平", "孙立", "李明")}
    src = "[P:钱芳]主持召开[M:全市企业家座谈会]\n[P:赵平]、[P:孙立]发了言。"
    assert len(found("speaker-list", src)) == 2
    src = "[P:钱芳]主持召开[M:全市企业家座谈会]\n会上，[P:赵平]、[P:孙立]、[P:李明]等3位企业家先后发言。"
    assert found("speaker-list", src) == {("全市企业家座谈会", "speaker", n) for n in ("赵平", "孙立", "李明")}
    src = "[P:钱芳]主持召开[M:全市企业家座谈会]\n[P:赵平]、[P:孙立]等12人作了交流发言。"
    assert len(found("speaker-list", src)) == 2


def test_speaker_list_not_a_speech_named_or_a_clause_of_other_words():
    src = "[P:钱芳]主持召开[M:全市企业家座谈会]\n大家认真学习[P:赵平]重要讲话精神。"
    assert found("speaker-list", src) == set()
    src = "[P:钱芳]主持召开[M:全市企业家座谈会]\n[P:赵平]同志代表市委看望了[P:孙立]，[P:李明]讲话。"
    assert found("speaker-list", src) == {("全市企业家座谈会", "speaker", "李明")}


# ------------------------------------------------------------------ organizers


def test_named_after():
    assert found("named-after", "[M:[B:区政府]常务会议]召开。") == {("区政府常务会议", "organizer", "区政府")}
    assert found("named-after", "[M:[B:市委]第三十二次会议]召开。") == {("市委第三十二次会议", "organizer", "市委")}
    assert found("named-after", "[M:第三十二次[B:市委]会议]召开。") == set()
    assert found("named-after", "[M:[B:中国共产党]第八届[B:XX市委员会]第三次全体会议]召开。") == {
        ("中国共产党第八届XX市委员会第三次全体会议", "organizer", "XX市委员会")
    }


def test_named_after_not_the_participants():
    assert found("named-after", "[M:各[B:民主党派]和[B:市工商联]负责人座谈会]召开。") == set()
    assert found("named-after", "[M:[B:市工商联]企业家代表座谈会]召开。") == set()


def test_convene():
    assert found("convene", "[B:省委][D:5月9日]召开[M:民营经济工作会议]。") == {
        ("民营经济工作会议", "organizer", "省委")
    }
    assert found("convene", "[B:省委]研究[M:民营经济工作会议]筹备情况。") == set()


def test_hosted_by():
    src = "[M:全球卫生论坛]开幕。本届论坛由[B:卫生部]、[B:市人民政府]和[B:世界卫生组织]共同主办。"
    hosts = ("卫生部", "市人民政府", "世界卫生组织")
    assert found("hosted-by", src) == {("全球卫生论坛", "organizer", b) for b in hosts}
    assert found("hosted-by", "[B:卫生部]和[B:市人民政府]联合主办的[M:全球卫生论坛]开幕。") == {
        ("全球卫生论坛", "organizer", "卫生部"),
        ("全球卫生论坛", "organizer", "市人民政府"),
    }


def test_hosted_by_the_meeting_in_focus_only_when_it_is_the_subject():
    src = "[M:全球卫生论坛]开幕。本届论坛主题为“健康、合作”，由[B:卫生部]和[B:市人民政府]共同主办。"
    assert len(found("hosted-by", src)) == 2
    src = "[M:全球卫生论坛]开幕。本次展览为落实[M:全市科技大会]精神，展览由[B:卫生部]主办。"
    assert found("hosted-by", src) == set()


def test_hosted_by_only_a_list_of_bodies():
    src = "[M:全球卫生论坛]开幕。论坛由[B:卫生部]指导，多家医院主办。"
    assert found("hosted-by", src) == set()


# ------------------------------------------------------------------ proposals


def test_propose():
    src = "[M:市第八次党代会]提出[G:“三个高地”]的建设目标，作出实施[A:“五大工程”]的部署。"
    assert found("propose", src) == {
        ("“三个高地”", "proposedBy", "市第八次党代会"),
        ("“五大工程”", "proposedBy", "市第八次党代会"),
    }


def test_propose_head_of_a_core():
    src = "以[P:习近平]同志为核心的[B:党中央]作出建设[G:科技强国]的重大战略部署。"
    assert found("propose", src) == {("科技强国", "proposedBy", "党中央")}


def test_propose_not_by_an_object_or_a_quoted_verb():
    assert found("propose", "会议指出，要贯彻[B:党中央]部署，坚持[C:“两个毫不动摇”]。") == set()
    assert found("propose", "[B:市委]要求深刻领悟[C:“两个确立”]的决定性意义。") == set()


def test_propose_keeps_to_the_verbs_clause_and_its_own_subject():
    src = "[P:钱芳]说，过去一年，[B:市政府]贯彻[B:市委]决策部署，促进了[G:共同富裕]。"
    assert found("propose", src) == set()
    src = "市委常委、副市长[P:钱芳]作出批示，要求开展[A:“暖心”行动]。"
    assert found("propose", src) == set()
    src = "[B:市政府]部署了大批警力，开展[A:“平安”行动]。"
    assert found("propose", src) == set()
    src = "[B:市委]部署开展[A:“暖心”行动]，同时推进[G:共同富裕]。"
    assert found("propose", src) == {("“暖心”行动", "proposedBy", "市委")}


def test_propose_quotation():
    src = "[M:党的十九届六中全会]鲜明提出，“坚持党的全面领导”。[C:“十个坚持”]是宝贵经验。"
    assert found("propose-quotation", src) == {("“十个坚持”", "proposedBy", "党的十九届六中全会")}


def test_proposed_de():
    assert found("proposed-de", "落实[M:市第八次党代会]提出的[G:“三个高地”]目标。") == {
        ("“三个高地”", "proposedBy", "市第八次党代会")
    }


def test_decision():
    src = "要落实[B:党中央]关于推进[C:西部大开发]、推动[C:长江经济带发展]等战略部署。"
    assert found("decision", src) == {(c, "proposedBy", "党中央") for c in ("西部大开发", "长江经济带发展")}
    assert found("decision", "各地关于[C:西部大开发]的部署。") == set()


def test_main_representative():
    src = "以[P:邓小平]同志为主要代表的中国共产党人，团结带领人民，创立了[C:邓小平理论]，推进了[G:改革开放]。"
    assert found("main-representative", src) == {("邓小平理论", "proposedBy", "邓小平")}


# ------------------------------------------------------------------ endorsements, leads, members


def test_endorsements():
    src = "[A:“金秋助学”行动]、[A:技能培育工程]等工作得到[B:市委]、[B:市政府]主要领导批示肯定。"
    assert found("endorsed-passive", src) == {
        (a, "endorsedBy", b) for a in ("“金秋助学”行动", "技能培育工程") for b in ("市委", "市政府")
    }
    assert found("endorsed-active", "[B:团中央]充分肯定[A:“青春护航”行动]。") == {
        ("“青春护航”行动", "endorsedBy", "团中央")
    }


def test_lead():
    assert found("lead", "由[B:市总工会]牵头开展[A:“安康杯”竞赛]和[A:技能比武]。") == {
        ("“安康杯”竞赛", "ledBy", "市总工会")
    }


def test_formula_member():
    doc = marked("坚定[C:“两个自信”]（[C:道路自信]、[C:理论自信]）。")
    whole = doc.mentions[0]
    doc.mentions = [whole] + [
        Mention(m.start, m.end, m.text, m.type, m.label, m.rule, member_of=whole.start) for m in doc.mentions[1:]
    ]
    got = {(r.subject.text, r.predicate, r.object.text) for r in R.relations(doc, {"m": R.formula_member}, {})}
    assert got == {("“两个自信”", "member", "道路自信"), ("“两个自信”", "member", "理论自信")}


def test_title_byline():
    doc = marked("在[M:全市工会工作会议]上的讲话\n（[D:2023年2月8日]）\n")
    got = {(r.subject.text, r.predicate, r.object.text) for r in R.relations(doc, {}, None)}
    assert got == {("全市工会工作会议", "date", "2023年2月8日")}


# ------------------------------------------------------------------ _top


def _old_top(ms: list[Mention]) -> list[Mention]:
    return [
        m
        for m in ms
        if not any(
            o is not m and o.start <= m.start and m.end <= o.end and (o.start, o.end) != (m.start, m.end) for o in ms
        )
    ]


def test_top_matches_the_quadratic_definition_on_random_spans():
    rnd = random.Random(7)
    for _ in range(400):
        ms = []
        for _ in range(rnd.randint(0, 14)):
            a = rnd.randint(0, 20)
            ms.append(Mention(a, a + rnd.randint(1, 6), "x", "Body", "x", "t"))
        assert R.top_level(ms) == _old_top(ms)


def test_top_is_fast_on_many_mentions():
    import time

    ms = [Mention(i, i + 2 + i % 3, "x", "Body", "x", "t") for i in range(20000)]
    t = time.process_time()
    R.top_level(ms)
    assert time.process_time() - t < 1.0


def test_rules_are_linear_ish_in_a_long_sentence():
    import time

    src = "".join(f"[P:赵{i}]、[B:市委{i}]，" for i in range(1500)) + "。"
    doc = marked(re.sub(r"\d", "", src))
    t = time.process_time()
    R.relations(doc)
    assert time.process_time() - t < 5.0


def test_a_seminar_opens_and_closes_and_is_in_focus():
    src = (
        "[M:全省统战干部专题研讨班][D:3月5日=2022-03-05]下午在省社会主义学院结业，[P:赵建平]出席结业式并作总结讲话。"
        "\n学员们认真学习。\n[P:钱立新]主持结业式。"
    )
    assert found("held-on", src) == {("全省统战干部专题研讨班", "date", "3月5日")}
    assert found("speaker-here", src) == {("全省统战干部专题研讨班", "speaker", "赵建平")}
    assert found("chair-here", src) == {("全省统战干部专题研讨班", "chair", "钱立新")}


def test_a_meeting_held_a_long_place_after_its_name_is_in_focus():
    src = "[M:全市宣传工作会议][D:3月5日=2022-03-05]上午在市行政中心召开。市委书记[P:周立]出席会议并讲话。"
    assert found("speaker-here", src) == {("全市宣传工作会议", "speaker", "周立")}
