"""Labels in other scripts, for readers who do not read Chinese: standard English names and
Hanyu Pinyin. Exported as `skos:altLabel "…"@en` and `skos:altLabel "…"@zh-Latn-pinyin`.

English comes only from what is known: the bilingual table `extract/data/english.tsv`
(official renderings of the lexicon's names) and, for organs built by pattern, a label
composed from known parts (place, level, organ: 河南省总工会 → Henan Provincial Federation of
Trade Unions); a name whose parts are not all known gets no English label, never a guess.
Pinyin is given for Chinese people's names (pypinyin, offline), surname first: 习近平 → Xi Jinping;
a transliterated foreign name (普京) gets none.
"""

from __future__ import annotations

import re
from functools import cache

from pypinyin import Style, lazy_pinyin

from speechkg.graph.extract.tables import COMPOUND_SURNAMES, alternation, rows
from speechkg.graph.model import Entity

#: language tags of the labels made here
ENGLISH, PINYIN = "en", "zh-Latn-pinyin"


@cache
def _english() -> dict[str, str]:
    return {r[0]: r[1] for r in rows("english.tsv")}


@cache
def _organ_parts() -> tuple[re.Pattern, dict[str, tuple[str, str | None]], dict[str, str], dict[str, str]]:
    """The pattern of an organ's name from known parts, and the English of each part: places
    (name or full name → English, and the level a full name ends with), levels, organs."""
    levels = {r[0]: r[1] for r in rows("levels.tsv")}
    places: dict[str, tuple[str, str | None]] = {}
    for name, full, _short, english in (r[:4] for r in rows("places.tsv")):
        places[name] = (english, None)
        places[full] = (english, next((lv for lv in sorted(levels, key=len, reverse=True) if full.endswith(lv)), None))
    organs = {r[0]: r[2] for r in rows("organs.tsv") if r[1] == "level-organ" and len(r) > 2}
    pattern = re.compile(
        rf"^(?P<cpc>中共)?(?P<place>{alternation(list(places))})?"
        rf"(?P<level>{alternation(list(levels))})?(?P<organ>{alternation(list(organs))})$"
    )
    return pattern, places, levels, organs


def composed_english(label: str) -> str | None:
    """The English name of an organ built from known parts (省委 → Provincial Party Committee,
    河南省总工会 → Henan Provincial Federation of Trade Unions, 中共河南省委 → CPC Henan
    Provincial Committee), or None when a part is not known."""
    pattern, places, levels, organs = _organ_parts()
    m = pattern.match(label)
    if m is None or not (m["place"] or m["level"]):
        return None
    place, level = places[m["place"]] if m["place"] else ("", None)
    level = m["level"] or level
    organ = organs[m["organ"]]
    if m["cpc"]:
        if m["organ"] != "委":
            return None
        organ = "Committee"
    words = ["CPC" if m["cpc"] else "", place, levels[level] if level else "", organ]
    return " ".join(w for w in words if w)


def english(e: Entity) -> str | None:
    """The standard English name of an entity: from the bilingual table (by its label or any
    alias), else composed from the parts of an organ's name; None when not known."""
    if e.type in ("Date", "Person"):
        return None
    table = _english()
    for name in (e.label, *sorted(e.aliases)):
        if name in table:
            return table[name]
    if e.type == "Body":
        return composed_english(e.label)
    return None


@cache
def _readings() -> dict[str, str]:
    return {r[0]: r[1] for r in rows("surname_readings.tsv")}


def _syllables(text: str) -> list[str]:
    return [s for s in lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors="ignore") if s.isalpha()]


def pinyin(name: str) -> str | None:
    """A Chinese person's name in Hanyu Pinyin without tones, surname first and the given name
    joined (习近平 → Xi Jinping, 欧阳坚 → Ouyang Jian, 曾庆红 → Zeng Qinghong). None for a name
    the rules read as transliterated (one written with "·", longer than four characters, or
    `persons.is_foreign` and not `persons.is_name`: 普京, 古特雷斯, 佩通坦·钦那瓦): a foreign
    name's characters read aloud (Pujing) are no name of its bearer."""
    from speechkg.graph.extract.persons import is_foreign, is_name

    if not name or not all("\u4e00" <= c <= "\u9fff" or c == "·" for c in name):
        return None
    if "·" in name or not 2 <= len(name) <= 4 or (is_foreign(name) and not is_name(name)):
        return None
    surname = next((s for s in COMPOUND_SURNAMES if name.startswith(s)), name[0])
    family = _readings().get(surname, " ".join(_syllables(surname))).replace(" ", "")
    given = "".join(_syllables(name[len(surname) :]))
    return " ".join(p.capitalize() for p in (family, given) if p) or None
