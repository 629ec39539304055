"""Issue 24, places: an organ's identity includes its place. The same sentences for every
provincial-level division in one corpus give one 省委 and one 省政府 per division, each with its
own Chinese and English names; relative forms of speeches that do not say their place are never
merged across speeches; full forms of two places are never one entity."""

from __future__ import annotations

from speechkg.graph.build.pipeline import build_speeches
from speechkg.graph.extract.tables import rows
from speechkg.graph.model import Speech
from speechkg.graph.rdf.emit import entity_iri
from speechkg.graph.rdf.labels import english

#: the divisions with a party committee and a people's government (Hong Kong and Macao have neither)
DIVISIONS = [r for r in rows("places.tsv") if not r[1].endswith(("特别行政区",)) and r[1] != "台湾省"]
LEVEL = {"省": ("省委", "省政府"), "市": ("市委", "市政府"), "自治区": ("自治区党委", "自治区人民政府")}


def _level(full: str) -> str:
    return next(lv for lv in ("自治区", "省", "市") if full.endswith(lv))


def _speech(full: str) -> str:
    committee, government = LEVEL[_level(full)]
    return f"——2030年1月20日在{full}第十五届人民代表大会第三次会议上。{committee}召开全会，{government}召开常务会议。"


def _bodies(texts: list[str]) -> dict:
    """IRI → (preferred label, English name) of the Bodies of a corpus of `texts`."""
    result = build_speeches([Speech(t, source=f"s{i}.txt") for i, t in enumerate(texts)])
    return {entity_iri(e): (e.label, english(e)) for d in result.docs for e in d.entities if e.type == "Body"}


def test_each_division_has_its_own_committee_and_government():
    assert len(DIVISIONS) == 31
    bodies = _bodies([_speech(r[1]) for r in DIVISIONS])
    assert len(bodies) == 2 * len(DIVISIONS)
    for _, full, _, name in DIVISIONS:
        mine = [(label, en) for label, en in bodies.values() if label.removeprefix("中共").startswith(full)]
        assert len(mine) == 2, (full, mine)
        for label, en in mine:
            assert name in (en or ""), (label, en)


def test_full_forms_of_two_places_are_never_one_entity():
    bodies = _bodies(
        ["河南省人民政府召开常务会议。中共河南省委召开全会。", "湖北省人民政府召开常务会议。中共湖北省委召开全会。"]
    )
    assert sorted(label for label, _ in bodies.values()) == [
        "中共河南省委",
        "中共湖北省委",
        "河南省人民政府",
        "湖北省人民政府",
    ]


def test_relative_forms_without_a_place_stay_in_their_speech():
    assert sorted(label for label, _ in _bodies(["市委召开全会。", "市委召开常委会议。"]).values()) == ["市委", "市委"]


def test_a_relative_form_joins_the_one_organ_of_a_named_place():
    labels = [label for label, _ in _bodies(["西安市人民政府召开常务会议，市人民政府发布通知。"]).values()]
    assert labels == ["西安市人民政府"]


def test_a_placeholder_place_and_the_relative_form_are_one_organ_in_a_speech():
    """A template's XX省总工会 names no place: it is the speech's 省总工会, as before."""
    labels = [label for label, _ in _bodies(["XX省总工会召开全委会议。省总工会主席出席。"]).values()]
    assert labels == ["XX省总工会"]
