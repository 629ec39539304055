"""Bodies: organs, departments and institutions, by their suffixes after a place or level, and the lexicon's names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from speechkg.graph.extract import registry
from speechkg.graph.extract.common import (
    CN,
    HAN,
    LIST_ITEMS,
    PLACE,
    left_edge,
)
from speechkg.graph.extract.registry import MentionRule
from speechkg.graph.extract.tables import (
    alternation,
    column,
)
from speechkg.graph.model import Doc, Mention

_ORG_SUFFIX = alternation(column("organs.tsv", {1: "level-organ"}))


#: Stems of government departments, written as 省/市 + stem + 厅/局/委/办 or alone in lists.
_DEPT = alternation(column("organs.tsv", {1: "department"}))


_DEPT_SUFFIX = alternation(column("organs.tsv", {1: "dept-suffix"}))


_INSTITUTION = alternation(column("organs.tsv", {1: "institution"}))


_LEVEL = alternation(column("levels.tsv"))


# not an organ: 全省, 各市, 本县, 我省 … are areas, not bodies
_NOT_BEFORE = set("全各本我该跨外分两三四")


# …区/…市 words that are places, not organs: 社区委员会, 园区, 城市政府
_PLACE_WORD_BEFORE = set("社园城景片新辖湾山灾农牧矿老街校营军战商学都超股楼集门上夜菜乡省市县")


BODY = re.compile(
    rf"(?:中共)?(?:(?P<place>{PLACE})|(?P<level>{_LEVEL}))"
    rf"(?:(?P<org>{_ORG_SUFFIX})|(?P<dept>{_DEPT})(?:{_DEPT_SUFFIX}))"
    rf"|(?P<term>中共(?:{PLACE})?(?P<tlevel>省|市|县|区)?第[{CN}]{{1,3}}届委员会)"
    rf"|(?P<youth>共青团(?:{PLACE})?(?:省|市|县|区)?委|团(?:省|市|县|区)委)"
    rf"|(?P<group>(?:{_LEVEL})[{HAN}]{{0,6}}?(?:领导小组|协调小组|工作小组))"
    rf"|(?P<special>(?:全国|[省市县区])(?:人大|政协)[{HAN}]{{2,10}}?委员会)"
    rf"|(?P<cppcc>(?:中国人民政治协商会议|政协)第[{CN}]{{1,3}}届全国委员会(?:常务委员会)?)"
)


# 北方工业大学, 城投公司, XX股份有限公司: a proper name before the suffix of a named unit
_INSTITUTION_RX = re.compile(rf"(?:{_INSTITUTION})(?!长|员|生[^产活态]|制|区)")


#: words before an institution suffix that make it a kind, not a name (上市公司, 公立医院)
_GENERIC_UNIT = re.compile(
    r"(?:上市|保险|证券|基金|外资|跨国|民营|国有|国营|私营|合资|子|分|母|各|投资|平台|"
    r"科技|贸易|物流|建筑|高等|一流|综合|公立|民办|基层|社区|乡镇|县级|市级|省级|"
    r"医科|职业|技术|重点|龙头|骨干|中小|大型|企业|有关|相关|这些|该|本|两|多|一|"
    r"专科|定点|三甲|商业|政策性|村镇|农商|城商|网络|新型|研究型|开放|特色|示范|控股|外国|国外|"
    r"境外|开发|多边|股份|收治|所在|当地|附近|综合性|专业|航空|最大|^方舱)$"
)


_GENERIC_START = re.compile(
    r"新型|各类|一批|多家|国外|境外|外国|有关|相关|这些|部分|全国|全省|全市|一些|不少|收治|"
    r"定点|所在|当地|附近|多所|各级|现有|第[一二三四五六七八九十]|一季度|企业|最大|京(?!东)"
)


_UNIT_COUNT = re.compile(r"[\d一二两三四五六七八九十百千几多数]+(?:家|所|个|座)")


#: verbs and conjunctions that stand before a unit's name but are not part of it
_UNIT_VERBS = (
    "和",
    "与",
    "及",
    "建设",
    "利用",
    "被",
    "依托",
    "引进",
    "组建",
    "成立",
    "联合",
    "加快",
    "新建",
    "扩建",
    "改造",
    "筹建",
    "落户",
    "入驻",
    "培育",
    "壮大",
)


_LEAD_FUNCTION = re.compile(r"^[与和同及跟对向强由在]+")


_ORGAN_PARTY_GROUP = re.compile(r"机关党组(?!书记|副书记|成员)")


_ENUM_UNITS = re.compile(
    rf"((?:[{HAN}]{{2,4}}、){{1,{LIST_ITEMS}}}[{HAN}]{{2,4}}|[{HAN}]{{2,4}})等(?:有关|相关)?(?:单位|部门|机关)"
)


def body_suffix(doc: Doc) -> Iterator[Mention]:
    """An organ named by place or level + suffix (省委, XX省总工会, 市人社局, 团省委)."""
    text = doc.text
    for m in BODY.finditer(text):
        if (
            m.group("level")
            and m.start() > 0
            and (text[m.start() - 1] in _NOT_BEFORE or text[m.start() - 1] in _PLACE_WORD_BEFORE)
        ):
            continue
        if m.group("level") and m.group("org") == "委" and text[m.end() : m.end() + 1] == "员":
            continue
        if m.group("level") not in (None, "自治区") and m.group("org") == "党委":
            continue  # 自治区党委 is the organ's name; 社区党委, 省区市党委 are units or lists
        span = m.group(0)
        yield Mention(m.start(), m.end(), span, "Body", _body_label(span), "body-suffix")


def institution(doc: Doc) -> Iterator[Mention]:
    """A named unit (北方工业大学, 城投公司): a proper name before an institution suffix."""
    text = doc.text
    for m in _INSTITUTION_RX.finditer(text):
        start = left_edge(text, m.start(), max_len=10, extra=_UNIT_VERBS)
        counts = list(_UNIT_COUNT.finditer(text, start, m.start()))
        if counts:
            start = counts[-1].end()  # 建成14家方舱医院, 两所大学: a count of units, not a name
        content = text[start : m.start()]
        if (
            len(content) >= 2
            and not _GENERIC_UNIT.search(content)
            and not _GENERIC_START.match(content)
            and not content.isdigit()
        ):
            span = text[start : m.end()]
            yield Mention(start, m.end(), span, "Body", span, "institution")


def organ_party_group(doc: Doc) -> Iterator[Mention]:
    """机关党组: the party group of an organ's offices."""
    for m in _ORGAN_PARTY_GROUP.finditer(doc.text):
        yield Mention(m.start(), m.end(), m.group(0), "Body", m.group(0), "party-group")


def enumerated(doc: Doc) -> Iterator[Mention]:
    """Short names of departments enumerated before 等有关单位/部门 (发改、财政等部门)."""
    for m in _ENUM_UNITS.finditer(doc.text):
        pos = m.start(1)
        items = m.group(1).split("、")
        lead = _LEAD_FUNCTION.match(items[0])
        if lead and len(items[0]) - lead.end() >= 2:
            pos += lead.end()
            items[0] = items[0][lead.end() :]
        for item in items:
            if item not in ("政府", "有关", "相关", "其他"):
                yield Mention(pos, pos + len(item), item, "Body", item, "body-enum")
            pos += len(item) + 1


#: the body rules in the order they run
RULES: tuple[MentionRule, ...] = (body_suffix, institution, organ_party_group, enumerated)


def bodies(doc: Doc) -> list[Mention]:
    """Organs named by level + suffix, named units, and department short names enumerated
    before 等有关单位/部门: what the `RULES` find."""
    return registry.run(RULES, doc)


_YOUTH = re.compile(rf"^共青团(?:{PLACE})?(?P<level>[省市县区])委$")


_TERM = re.compile(rf"^中共(?:{PLACE})?第[{CN}]{{1,3}}届委员会$")


_CPPCC_TERM = re.compile(r"届全国委员会(?P<standing>常务委员会)?$")


def _body_label(span: str) -> str:
    """共青团XX省委 is 团省委, 中共XX市第十二届委员会 is 市委, 政协第十四届全国委员会(常务委员会)
    is 全国政协(常委会); 省委 and XX省委 are linked later by their level + organ."""
    m = _CPPCC_TERM.search(span)
    if m and span.startswith(("政协第", "中国人民政治协商会议第")):
        return "全国政协常委会" if m.group("standing") else "全国政协"
    m = _YOUTH.match(span)
    if m:
        return f"团{m.group('level')}委"
    if _TERM.match(span):
        level = re.search(r"[省市县区](?=第)", span)
        return f"{level.group(0)}委" if level else "党中央"
    return span
