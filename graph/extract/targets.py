"""Numeric targets: the parts of a target a government work report states (国内生产总值增长5%左右,
城镇新增就业1200万人以上, 赤字率拟按4%左右安排, 地区生产总值增长4.5%—5%).

A target is read from a Goal found in a frame of targets: a clause of a list of expected targets
(goals.py), or a target stated on its own in the standard forms of work reports and budgets
(赤字率拟按X%安排, 经济增长预期目标为X%左右: `stated_targets`). Its parts: the indicator
(data/indicators.tsv: a standard name with zh and en labels; an unknown one keeps its words), the
value (and a range's upper end), the unit and the qualifier (data/quantities.tsv), and the year it
is for (the year of the speech). Outcomes of last year (增长5.2%) are no targets: no frame of
targets states them, so they never reach this reader."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from speechkg.graph.extract import rules
from speechkg.graph.extract.common import PROVINCES
from speechkg.graph.extract.places import full_form, full_names, level_of
from speechkg.graph.extract.tables import alternation, rows
from speechkg.graph.model import Doc, Mention, Target
from speechkg.graph.text import analysis_form

#: the qualifier of a range (4.5%—5%)
RANGE = "区间"
#: the rules whose Goals are targets
TARGET_RULES = frozenset({rules.EXPECTED_TARGET, rules.STATED_TARGET})


@dataclass(frozen=True)
class Indicator:
    """A standard indicator: its key (the IRI's last part), labels, the forms that name it and
    the unit it is counted in (a clause in another unit states a level, not this indicator)."""

    key: str
    en: str
    zh: str
    forms: tuple[str, ...]
    unit: str


@cache
def indicators() -> dict[str, Indicator]:
    """key → Indicator, in the table's order."""
    return {r[0]: Indicator(r[0], r[1], r[2], tuple(r[3].split("|")), r[4]) for r in rows("indicators.tsv")}


@cache
def quantity_words(kind: str) -> dict[str, str]:
    """The words of data/quantities.tsv of `kind` → their English names."""
    return {r[0]: (r[2] if len(r) > 2 else "") for r in rows("quantities.tsv") if r[1] == kind}


def _words(kind: str) -> str:
    return alternation(list(quantity_words(kind)))


_NUMBER = r"[0-9]+(?:[.．][0-9]+)?"


@cache
def _forms() -> str:
    return alternation([f for ind in indicators().values() for f in ind.forms])


@cache
def _clause() -> re.Pattern[str]:
    """A target's clause: the indicator's words, verbs, a qualifier before, the value (or a
    range), its unit, a qualifier after, 安排."""
    unit = _words("unit")
    return re.compile(
        rf"(?P<words>(?:{_forms()})|[^0-9]+?)(?:从(?:去年|上年)的?{_NUMBER}%)?(?:{_words('verb')})*"
        rf"(?P<before>{_words('before')})?"
        rf"(?P<value>{_NUMBER})\s*(?P<unit1>{unit})?"
        rf"(?:\s*[-－—–~～至到]\s*(?P<upper>{_NUMBER})\s*(?P<unit2>{unit})?)?"
        rf"(?P<after>{_words('after')})?(?:{_words('arranged')})?"
    )


#: the deficit ratio of this year's budget, in the words of the reports that arrange it
#: (今年拟安排财政赤字9000亿元，……赤字率下降到2%左右; 赤字率从去年的2.1%提高到2.3%)
_DEFICIT_CHANGE = rf"(?:从(?:去年|上年)的?{_NUMBER}%)?(?:下降到|提高到|降至|提高至|稳定在|约为|为|在)"


@cache
def _stated() -> re.Pattern[str]:
    """A target stated on its own: 赤字率拟按4%左右安排, 经济增长预期目标为5%左右, and this year's
    deficit ratio in the sentence that arranges the deficit (group t: the target's words)."""
    value = rf"{_NUMBER}\s*(?:%|％)(?:{_words('after')})?"
    return re.compile(
        rf"(?P<a>(?:{_forms()})(?:增长)?预期目标(?:为|是){value}|(?:财政)?赤字率(?:拟)?按{value}安排)"
        rf"|(?:今年|拟安排)[^。；]{{0,80}}?(?P<t>赤字率{_DEFICIT_CHANGE}{value})"
    )


def stated_targets(text: str) -> Iterator[Mention]:
    """The Goals of targets stated on their own (a goal rule: see goals._RULES)."""
    for m in _stated().finditer(text):
        g = "a" if m["a"] else "t"
        yield Mention(m.start(g), m.end(g), m[g], "Goal", m[g], rules.STATED_TARGET)


def _number(s: str) -> str:
    """A decimal as written in the graph: 5, 5.5, 1.4 (no exponent, no trailing zeros)."""
    return format(Decimal(s).normalize(), "f")


def read_target(text: str) -> tuple[str, str | None, str, str | None, str, str] | None:
    """(indicator words, indicator key or None, value, upper, unit, qualifier) of a target's
    clause, or None when it states no one number (a state to keep, several values)."""
    text = analysis_form(text).replace("预期目标为", "").replace("预期目标是", "").replace("．", ".")
    if any(w in text for w in quantity_words("several")):
        return None
    m = _clause().fullmatch(text)
    if not m:
        return None
    words = m["words"]
    key = next((ind.key for ind in indicators().values() if words in ind.forms), None)
    unit = (m["unit2"] or m["unit1"] or (indicators()[key].unit if key else "")).replace("％", "%")
    if key and (indicators()[key].unit == "%") != (unit == "%"):
        key = None  # 地区生产总值达到240亿元: a level, not the growth the indicator is
    upper = _number(m["upper"]) if m["upper"] else None
    qualifier = RANGE if upper is not None else (m["before"] or m["after"] or "")
    return words, key, _number(m["value"]), upper, unit, qualifier


#: the government that gives a work report: 我代表国务院, 我代表（广东省）省人民政府 (the report's
#: standard opening: 向大会报告政府工作)
_REPORTER = re.compile(rf"我代表(?:国务院|(?:(?P<place>{PROVINCES})[省市]?)?(?P<level>自治区|省|市)?人民政府)")


def report_government(text: str, places: dict[str, str]) -> str | None:
    """The label of the government whose work report the text is (国务院, 广东省人民政府), from
    its opening 我代表…; a relative form (省人民政府) takes the speech's place at its level
    (`places`, places.speech_places); None when the text is no such report or the place is unknown."""
    m = _REPORTER.search(text)
    if m is None:
        return None
    if "国务院" in m.group():
        return "国务院"
    place = full_names()[m["place"]] if m["place"] else places.get(m["level"] or "省")
    return (
        full_form(place, "省人民政府" if place.endswith("省") else (level_of(place) or "") + "人民政府")
        if place
        else None
    )


def find(doc: Doc) -> list[Target]:
    """The targets the speech's Goals state (the last step of a speech: after linking)."""
    out = []
    body: str | None = ""
    for m in doc.mentions:
        if m.type == "Goal" and m.rule in TARGET_RULES:
            parts = read_target(m.text)
            if parts is not None:
                if body == "":
                    body = _government_key(doc)
                out.append(Target(m, *parts, doc.speech.year, body))
    return out


def _government_key(doc: Doc) -> str | None:
    """The key of the speech's entity that is the government giving the report, if any."""
    from speechkg.graph.link import base_key

    bodies = [m for m in doc.mentions if m.type == "Body"]
    places = doc.places  # as link found them
    label = report_government(analysis_form(doc.text), places)
    if label is None:
        return None
    key = base_key(Mention(0, len(label), label, "Body", label, rules.STATED_TARGET), places)
    return next((doc.links[m] for m in bodies if base_key(m, places) == key and m in doc.links), None)
