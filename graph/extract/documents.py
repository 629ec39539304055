"""Documents: titles in 《》, plans and opinions named before a document head."""

from __future__ import annotations

import re
from collections.abc import Iterator

from speechkg.graph.extract import registry, rules
from speechkg.graph.extract.common import (
    CN,
    HAN,
    PLACE,
    after_conjunction,
    left_edge,
    title_opener,
    unquote,
)
from speechkg.graph.extract.registry import MentionRule
from speechkg.graph.extract.tables import (
    CONJUNCTIONS,
    alternation,
    rows,
)
from speechkg.graph.model import Doc, Mention

_BOOK = re.compile(r"《([^《》\n]{1,120})》")


_PLAN = re.compile(
    rf"[{HAN}]{{0,10}}“[{CN}]{{2,4}}”(?:[{HAN}]{{0,8}}?)规划(?:纲要)?"
    rf"|[{HAN}]{{2,12}}?五年规划"
)


# 关于…的决定: a title of a decision, report or opinion written without 《》
_ABOUT = re.compile(
    r"关于[^，。；：“”《》\n]{2,60}?的(?:决定|决议|报告|意见|通知|规定|说明|批复|建议|方案|办法)"
    r"(?:（草案）)?"
)


_DOC_HEADS = tuple(r[0] for r in rows("heads.tsv") if r[1] == "Document")
_DOC_HEAD = re.compile(alternation(_DOC_HEADS))


#: how a document's name ends: a conjunction after one joins two names (…条例和数据条例)
_DOC_ENDS = (*_DOC_HEADS, "》", "法", "规划", "纲要", "方案", "意见", "决定", "报告", "办法", "通知")


#: documents counted, not named (更多…协定, 8个自由贸易协定)
_COUNTED = re.compile(rf"^(?:更多|许多|多个|若干|一批|一系列)|(?<![第\d{CN}两])(?:\d+|[{CN}两]+)(?:个|项|部|批)")


#: a list of those let through (“无事不扰”白名单, 纳入白名单): a mechanism, not a document (a
#: blacklist is often published as one: 首批失信黑名单公布)
_WHITE_LIST = "白名单"


#: governing words that stand inside documents' names (区域全面经济伙伴关系协定)
_DOC_KEEP = frozenset({"全面"})


#: the organ that reports in a work report's name, with the year and place before it
#: (2026年四川省人民政府工作报告, 省政府工作报告, 最高人民法院工作报告)
_REPORTING_ORGAN = re.compile(
    rf"(?:(?:19|20)\d\d年?)?(?:{PLACE}|省|市|县|区|自治区|国务院|最高人民|全国|中央)*(?:人民)?"
    r"(?:政府|委员会|常委会|法院|检察院|总工会|工会|妇联|团委|政协|人大|监委|纪委)$"
)


#: words that make a document head a kind of document, not a name (年度工作报告, 有关条例)
_DOC_GENERIC = re.compile(
    r"^(?:年度|有关|相关|各项|各类|这个|这一|该|本|上述|有关部门|专项|配套|具体|"
    r"政府|我们的|一批|多项)?$"
)


def about_title(doc: Doc) -> Iterator[Mention]:
    """A title written without 《》: 关于…的决定, …的报告, …的意见."""
    for m in _ABOUT.finditer(doc.text):
        yield Mention(m.start(), m.end(), m.group(0), "Document", m.group(0), rules.ABOUT_TITLE)


def document_head(doc: Doc) -> Iterator[Mention]:
    """A name before a document head of heads.tsv (…法（草案）, …实施方案, 政府工作报告)."""
    text = doc.text
    for m in _DOC_HEAD.finditer(text):
        if text[m.start() - 1 : m.end()] == _WHITE_LIST:
            continue  # a mechanism of listing, not a document
        start = title_opener(text, left_edge(text, m.start(), max_len=24, keep=_DOC_KEEP))
        start = after_conjunction(text, start, m.start(), _DOC_ENDS)
        content = text[start : m.start()]
        if m.group(0) == "工作报告":
            organ = _REPORTING_ORGAN.search(content)
            if not organ:
                continue  # a work report is named after the organ that reports (政府工作报告)
            start, content = start + organ.start(), organ.group(0)  # not who delivers it (张三作…)
        if content.endswith(tuple(CONJUNCTIONS)) or _COUNTED.search(content):
            continue  # 决定和决议, 更多…协定, 8个…协定: generic words and a head, not a name
        if len(content) >= 2 and not _DOC_GENERIC.match(content) and "《" not in content and "》" not in content:
            span = text[start : m.end()]
            yield Mention(start, m.end(), span, "Document", unquote(span), "document-head")


def _works(where: str) -> tuple[str, ...]:
    return tuple(r[0] for r in rows("works.tsv") if r[1] == where)


_WORK_BEFORE, _WORK_AFTER, _WORK_END = _works("before"), _works("after"), _works("end")
_WORK_AFTER_RX = re.compile(rf"[^，。；：！？\n]{{0,6}}?(?:{alternation(_WORK_AFTER)})")
_LIST_GAP = frozenset({"", "、", "和", "与", "及"})  # between the titles of a list (《A》、《B》)


def _title_lists(text: str) -> Iterator[list[re.Match[str]]]:
    """The titles in 《》, a list of them (《A》、《B》和《C》) at a time."""
    group: list[re.Match[str]] = []
    for m in _BOOK.finditer(text):
        if group and text[group[-1].end() : m.start()] not in _LIST_GAP:
            yield group
            group = []
        group.append(m)
    if group:
        yield group


def _works_of_art(text: str, titles: list[re.Match[str]]) -> bool:
    """Whether a list of titles names films, plays, songs or periodicals: a genre word before it
    (电影《A》、《B》) or soon after it (《A》《B》等精品剧)."""
    start, end = titles[0].start(), titles[-1].end()
    return text[max(0, start - 4) : start].endswith(_WORK_BEFORE) or bool(_WORK_AFTER_RX.match(text, end))


def book_title(doc: Doc) -> Iterator[Mention]:
    """A title in 《》 that names no work of art or periodical (see data/works.tsv)."""
    for titles in _title_lists(doc.text):
        if _works_of_art(doc.text, titles):
            continue
        for m in titles:
            title = m.group(1).strip()
            if not title.endswith(_WORK_END):
                yield Mention(m.start(), m.end(), m.group(0), "Document", title, "book-title")


def plan(doc: Doc) -> Iterator[Mention]:
    """A five-year plan: “十四五”规划, 妇女儿童发展“十四五”规划, …五年规划."""
    text = doc.text
    for m in _PLAN.finditer(text):
        start = max(m.start(), left_edge(text, m.end() - 2, max_len=m.end() - 2 - m.start()))
        quote = text.find("“", m.start(), m.end())
        if quote >= 0:  # 妇女儿童发展“十四五”规划: the words before the quote belong to it
            start = max(m.start(), left_edge(text, quote, max_len=quote - m.start()))
            if after_conjunction(text, start, quote) > start:
                start = quote  # 国家和地方“十五五”规划, 精神和“十五五”规划: the plan is what is quoted
        span = text[start : m.end()]
        if len(span) > 4:
            yield Mention(start, m.end(), span, "Document", span.replace("“", "").replace("”", ""), "plan")


#: the document rules in the order they run
RULES: tuple[MentionRule, ...] = (about_title, document_head, book_title, plan)


def documents(doc: Doc) -> list[Mention]:
    """Titles in 《》, five-year plans, and titles written without 《》: what the `RULES` find."""
    return registry.run(RULES, doc)
