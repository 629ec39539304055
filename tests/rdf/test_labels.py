"""English and pinyin labels: from the bilingual table, composed from known parts, never guessed."""

from __future__ import annotations

import pytest

from speechkg.graph.model import Entity
from speechkg.graph.rdf import labels

from ..conftest import doc_of


@pytest.mark.parametrize(
    "label, english",
    [
        ("省委", "Provincial Party Committee"),
        ("河南省委", "Henan Provincial Party Committee"),
        ("河南省总工会", "Henan Provincial Federation of Trade Unions"),
        ("中共河南省委", "CPC Henan Provincial Committee"),
        ("北京市委", "Beijing Municipal Party Committee"),
        ("市人民政府", "Municipal People's Government"),
        ("县纪委监委", "County Commission for Discipline Inspection and Supervisory Commission"),
        ("广西壮族自治区人民政府", "Guangxi Autonomous Regional People's Government"),
        ("省高级人民法院", "Provincial Higher People's Court"),
        ("郑州市委", None),  # a city the tables do not know: no English rather than a guess
        ("中共河南省总工会", None),  # 中共 goes only with a party committee
        ("河南", None),  # a place alone is no organ
        ("省委书记", None),
    ],
)
def test_organs_are_composed_from_known_parts_only(label, english):
    assert labels.composed_english(label) == english


def test_the_table_is_searched_by_label_then_aliases():
    e = Entity(key="k", type="Body", label="全国总工会", aliases={"全总"})
    assert labels.english(e) == "All-China Federation of Trade Unions"
    assert labels.english(Entity(key="k", type="Concept", label="两个确立")) == "Two Establishments"
    assert labels.english(Entity(key="k", type="Campaign", label="送温暖活动")) is None
    assert labels.english(Entity(key="k", type="Person", label="全总")) is None  # people get pinyin


@pytest.mark.parametrize(
    "name, romanized",
    [
        ("习近平", "Xi Jinping"),
        ("王沪宁", "Wang Huning"),
        ("吕忠梅", "Lü Zhongmei"),
        ("欧阳坚", "Ouyang Jian"),  # compound surname
        ("曾庆红", "Zeng Qinghong"),  # a surname's own reading, not the common one (ceng)
        ("单霁翔", "Shan Jixiang"),
        ("安东尼奥·古特雷斯", None),  # a transliterated name: its characters' readings are no name of its bearer
        ("普京", None),  # no surname of the table (Pujing would be wrong)
        ("古特雷斯", None),  # 古 is a surname, but four characters are no surname and given name
        ("米尔济约耶夫", None),
        ("Smith", None),
        ("", None),
    ],
)
def test_people_in_pinyin(name, romanized):
    assert labels.pinyin(name) == romanized


def test_a_built_speech_carries_them():
    from speechkg.graph.rdf.emit import triples

    doc = doc_of("河南省总工会召开会议，王东明同志出席。全总充分肯定。")
    english = {str(o) for _, p, o in triples(doc) if getattr(o, "language", None) == "en"}
    pinyin = {str(o) for _, p, o in triples(doc) if (getattr(o, "language", None) or "").lower() == "zh-latn-pinyin"}
    assert english == {"Henan Provincial Federation of Trade Unions", "All-China Federation of Trade Unions"}
    assert pinyin == {"Wang Dongming"}


def test_foreign_persons_get_no_pinyin_label():
    from speechkg.graph.rdf.emit import triples

    doc = doc_of("3月5日，国家主席王东明在北京会见来访的俄罗斯总统普京和联合国秘书长古特雷斯。")
    persons = {e.label for e in doc.entities if e.type == "Person"}
    pinyin = {str(o) for _, p, o in triples(doc) if (getattr(o, "language", None) or "").lower() == "zh-latn-pinyin"}
    assert (persons, pinyin) == ({"王东明", "普京", "古特雷斯"}, {"Wang Dongming"})
