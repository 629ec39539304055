"""Talks (会见, 同…举行会谈) named by their frame, on sentences written for these tests: the meeting,
its counterpart, and the relations (both parties spoke at it; the day of the report is its date)."""

from __future__ import annotations

import pytest

from ..conftest import doc_of, ents
from .test_extract import rels


def _meetings(text: str) -> set[str]:
    return {label for kind, label in ents(text) if kind == "Meeting"}


def test_a_headline_and_its_report_are_one_talk():
    text = "王建国会见甲国总统\n国家主席王建国3月3日在人民大会堂会见来华进行国事访问的甲国总统卡尔多萨。"
    talk = "王建国会见甲国总统卡尔多萨"
    assert _meetings(text) == {talk}
    assert rels(text) == {(talk, "speaker", "王建国"), (talk, "speaker", "卡尔多萨"), (talk, "date", "2022-03-03")}
    (e,) = [e for e in doc_of(text).entities if e.type == "Meeting"]
    assert {"王建国会见甲国总统", "会见来华进行国事访问的甲国总统卡尔多萨"} <= e.aliases


def test_talks_held_with_a_counterpart():
    text = "全国人大常委会委员长赵海山5月12日在北京以视频方式同乙国议长莫雷蒂举行会谈。"
    talk = "赵海山同乙国议长莫雷蒂举行会谈"
    assert _meetings(text) == {talk}
    assert rels(text) == {(talk, "speaker", "赵海山"), (talk, "speaker", "莫雷蒂"), (talk, "date", "2022-05-12")}


def test_a_working_talk_keeps_its_word_and_the_short_form():
    text = "国务院副总理孙立平在北京与丙国总理阿尔瓦雷斯举行了工作会谈。"
    talk = "孙立平与丙国总理阿尔瓦雷斯举行工作会谈"
    assert _meetings(text) == {talk}
    (e,) = [e for e in doc_of(text).entities if e.type == "Meeting"]
    assert {"孙立平与丙国总理举行工作会谈", "孙立平与丙国总理阿尔瓦雷斯举行了工作会谈"} <= e.aliases
    assert rels(text) == {(talk, "speaker", "孙立平"), (talk, "speaker", "阿尔瓦雷斯")}


@pytest.mark.parametrize(
    "text",
    [
        "国家主席王建国将同丁国总理阿尔瓦雷斯举行会谈。",  # still to come
        "王建国主席同甲国总统卡尔多萨多次举行会晤。",  # many talks, none reported
        "国家主席王建国会见出席大会的全体代表。",  # no counterpart
        "国家主席王建国会见甲国总统特使团。",  # a delegation, no name
    ],
)
def test_no_talk_without_a_reported_counterpart(text):
    assert _meetings(text) == set()
    assert not {r for r in rels(text) if r[1] == "speaker"}


def test_a_headline_naming_part_of_the_office_is_the_talk_reported():
    text = "赵海山会见乙国国会主席\n委员长赵海山3月3日在京会见乙国国会主席兼众议长莫雷蒂。"
    assert _meetings(text) == {"赵海山会见乙国国会主席兼众议长莫雷蒂"}


def test_a_propagated_talk_names_no_organizer_and_a_role_is_no_name():
    text = "王建国会见甲国总统\n国家主席王建国3月3日在京会见甲国总统卡尔多萨。王建国说，会见甲国总统是荣幸。"
    assert not {r for r in rels(text) if r[1] == "organizer"}
    assert _meetings("王建国会见甲国总统顾问\n国家主席王建国3月3日会见甲国总统顾问。") == set()
    assert _meetings("王建国会见全省劳动模范代表\n国家主席王建国3月3日会见全省劳动模范代表。") == set()


def test_a_headline_phrase_and_a_name_before_the_title():
    text = "王建国同甲国总统会谈 两国元首决定深化合作\n欢迎仪式后，国家主席王建国在人民大会堂同总统卡尔多萨举行会谈。"
    talk = "王建国同总统卡尔多萨举行会谈"
    assert _meetings(text) == {talk}
    (e,) = [e for e in doc_of(text).entities if e.type == "Meeting"]
    assert {"王建国同甲国总统会谈", "王建国同总统举行会谈"} <= e.aliases
    assert rels(text) == {(talk, "speaker", "王建国"), (talk, "speaker", "卡尔多萨")}
