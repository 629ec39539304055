"""Frames of meeting news on sentences written for these tests: a seminar named by its audience and
theme (…专题研讨班开班/结业, 开班式, 结业式) and a meeting name opened by 推动."""

from __future__ import annotations

from ..conftest import ents
from .test_extract import rels


def _meetings(text: str) -> set[str]:
    return {label for kind, label in ents(text) if kind == "Meeting"}


def test_a_seminar_is_named_by_audience_and_theme_and_holds_the_meetings_it_names():
    text = (
        "央视网消息：省级干部学习贯彻党的二十大精神专题研讨班3月5日下午在省委党校结业，"
        "省委副书记赵建平出席结业式并作总结讲话。\n研讨班期间，学员们认真学习。\n钱立新主持结业式。"
    )
    seminar = "省级干部学习贯彻党的二十大精神专题研讨班"
    assert _meetings(text) == {seminar, "党的第二十次全国代表大会"}
    assert rels(text) == {(seminar, "date", "2022-03-05"), (seminar, "speaker", "赵建平"), (seminar, "chair", "钱立新")}


def test_push_opens_a_meeting_name_after_a_verb_of_holding():
    text = "5月8日，省政府召开推动农村公路提质增效工作视频会议。副省长钱立新主持会议。"
    meeting = "省政府推动农村公路提质增效工作视频会议"
    assert _meetings(text) == {meeting}
    assert rels(text) == {
        (meeting, "date", "2022-05-08"),
        (meeting, "organizer", "省政府"),
        (meeting, "chair", "钱立新"),
    }
    assert _meetings("省委书记周立在深入推动沿江城市群发展座谈会上讲话。") == {"深入推动沿江城市群发展座谈会"}


def test_push_as_a_verb_stays_out_of_the_name():
    assert _meetings("各地要持续推动全省组织工作会议精神落地见效。") == {"全省组织工作会议"}


def test_china_and_its_partner_open_a_meeting_name():
    text = "国家主席王建国5月19日在西安主持第二届中国－中亚峰会并发表主旨讲话。"
    assert _meetings(text) == {"第二届中国－中亚峰会"}
    assert rels(text) == {
        ("第二届中国－中亚峰会", "chair", "王建国"),
        ("第二届中国－中亚峰会", "speaker", "王建国"),
        ("第二届中国－中亚峰会", "date", "2022-05-19"),
    }
    # the partner is no organizer
    assert not {r for r in rels("第十届中国—东盟博览会9月5日在南宁开幕。") if r[1] == "organizer"}
