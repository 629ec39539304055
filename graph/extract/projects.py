"""Named projects and zones: the campaigns a work report names by what is built or set up.

Work reports and news name the works of a plan by their own names: zones set up to try or show a
policy (国家资源型经济转型综合配套改革试验区, 京津合作示范区), and the projects listed before
等重点项目 or 等工程 (瓜达尔港、喀喇昆仑公路等旗舰项目). Both are campaigns (ANNOTATION.md). A
zone's name starts after the word that governs it or the conjunction that joins it to another
name (推进西部大开发和|内陆开放型经济试验区建设).
"""

from __future__ import annotations

import re

from speechkg.graph.extract.common import (
    GOVERNORS,
    HAN,
    NUMERAL_CHARS,
    PUNCT,
    after_conjunction,
    inside_quotes,
    left_edge,
    quotes,
    title_opener,
)
from speechkg.graph.extract.tables import CONJUNCTIONS, alternation, rows, tagged
from speechkg.graph.model import Doc, Mention
from speechkg.graph.segment import cn_number

ZONE = "zone"
PROJECT_LIST = "project-list"

_ZONE_HEAD = re.compile(alternation(tuple(r[0] for r in rows("heads.tsv") if "zone" in r[2].split(","))))
#: how far back from its head a zone's name may start (国家资源型经济转型综合配套改革|试验区)
ZONE_REACH = 24
#: what opens a zone's name but is no part of it: a time, the first (首个…), 之一
_ZONE_OPENER = re.compile(
    rf".*(?:\d{{4}}年?|[一二三四]季度|上半年|前[{NUMERAL_CHARS}]+个月|日前|近日|目前|首[个条批]|之一)"
)
#: a count or a demonstrative before the head makes it a kind or a reference, not a name
#: (一个水稻示范区, 第一批省级水网先导区, 安徽3个自贸试验区, 这一示范区)
_COUNTED = re.compile(rf"[{NUMERAL_CHARS}\d]+[个批张家大]|这|该")
#: places that own the whole kind (我国自由贸易试验区, 全国自贸试验区)
_ALL_OVER = re.compile(r"^(?:我国|全国|全省|各地|中国|各)")
#: 建设 governs a zone unless it ends the name (高质量建设|沿边…试验区; 国家生态文明建设示范区)
_BUILD = ("建设",)
#: a zone named by a kind only (各类示范区, 国家级示范区; 自贸试验区: 22 zones of one kind)
_ZONE_KIND = frozenset(tagged("projects.tsv", "kind", 1))
_ZONE_GOAL = tagged("projects.tsv", "goal", 1)


def zones(doc: Doc) -> list[Mention]:
    """Named zones: …试验区, …示范区, …先导区, …实验区, after the word that governs them."""
    text = doc.text
    qspans = quotes(text)
    out = []
    for m in _ZONE_HEAD.finditer(text):
        if inside_quotes(qspans, m.start()):
            continue
        start = title_opener(text, left_edge(text, m.start(), max_len=ZONE_REACH, extra=_BUILD))
        start = after_conjunction(text, start, m.start())
        opener = _ZONE_OPENER.match(text, start, m.start())
        if opener:
            start = opener.end()
        content = text[start : m.start()]
        before = text[max(0, start - 4) : start]
        if _a_kind(content) or _COUNTED.search(before + content) or any(c in PUNCT for c in content):
            continue
        span = text[start : m.end()]
        out.append(Mention(start, m.end(), span, "Campaign", span, ZONE))
    return out


def _a_kind(content: str) -> bool:
    """Whether the words before a zone's head name a kind of zone (各类, 我国自贸, 国家级) or a goal
    (先行示范区), not one zone."""
    kind = _ALL_OVER.sub("", content)
    return len(kind) < 2 or kind in _ZONE_KIND or content.endswith(_ZONE_GOAL)


#: 瓜达尔港、喀喇昆仑公路、卡拉奇-拉合尔高速公路等旗舰项目: the items of a list before it are projects
_LISTED = re.compile(
    rf"等(?:一批)?(?:{alternation(tagged('projects.tsv', 'listed', 1))})(?:[{HAN}]{{0,4}}?)(?:项目|工程)"
)
_WORKS = tagged("projects.tsv", "works", 1)
_CLAUSE_END = "，。；：！？\n（）《》"
#: a listed item shorter than this is a sector, not a project (交通、水利等重大项目)
ITEM_MIN = 3
ITEM_MAX = 24


def project_lists(doc: Doc) -> list[Mention]:
    """The items listed before 等重点项目, 等工程 (at least two, each a project of its own name)."""
    text = doc.text
    out = []
    for m in _LISTED.finditer(text):
        clause = max(text.rfind(c, max(0, m.start() - 200), m.start()) for c in _CLAUSE_END) + 1
        parts = _items(text, clause, m.start())
        if len(parts) < 2 or any(not ITEM_MIN <= e - s <= ITEM_MAX for s, e in parts):
            continue  # one item, or a list of sectors (交通、水利等重大项目)
        for s, e in parts:
            label = text[s:e]
            if _a_work(label):
                out.append(Mention(s, e, label, "Campaign", label, PROJECT_LIST))
    return out


def _items(text: str, clause: int, end: int) -> list[tuple[int, int]]:
    """The items (start, end) of the list text[clause:end]: split at 、 and at a conjunction before
    the last item, the first one from its governing word on (搞好|瓜达尔港)."""
    bounds, pos = [], clause
    for piece in text[clause:end].split("、"):
        bounds.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    first_start, first_end = bounds[0]
    start = left_edge(text, first_end, max_len=first_end - first_start)
    opener = title_opener(text, start)  # 城区“六横六纵”绿带: a quotation inside the item
    if first_start <= opener < start:
        start = left_edge(text, opener, max_len=opener - first_start) if opener > first_start else opener
    bounds[0] = (start, first_end)
    last_start, last_end = bounds[-1]
    joined = after_conjunction(text, last_start, last_end)
    if joined > last_start:  # …补绿增绿和5000亩三山绿化: the conjunction joins the last item
        bounds[-1:] = [(last_start, _before_conjunction(text, last_start, joined)), (joined, last_end)]
    return bounds


def _before_conjunction(text: str, start: int, after: int) -> int:
    """Where the conjunction that ends at `after` begins."""
    for word in sorted(CONJUNCTIONS, key=len, reverse=True):
        if text.startswith(word, after - len(word)) and after - len(word) >= start:
            return after - len(word)
    return after


def _a_work(label: str) -> bool:
    """Whether a listed item names one work: it ends in a work's head (铁路, 水库, 港) after a name
    of at least two characters that is no kind (原油管道, 经济走廊)."""
    head = next((w for w in _WORKS if label.endswith(w)), None)
    return head is not None and len(label) - len(head) >= 2 and label[: -len(head)] not in _ZONE_KIND


COUNTED_LIST = "counted-list"
#: 设备更新、消费品以旧换新、回收循环利用、标准提升四大行动: a list whose items the head counts
_COUNTED_HEAD = re.compile(rf"(?:等|这)?([{NUMERAL_CHARS}])大(?:{alternation(tagged('projects.tsv', 'counted', 1))})")


def counted_lists(doc: Doc) -> list[Mention]:
    """A list of as many items as the head after it counts (A、B、C三大攻坚战), named as a whole
    from its first item on."""
    text = doc.text
    out = []
    for m in _COUNTED_HEAD.finditer(text):
        clause = max(text.rfind(c, max(0, m.start() - 120), m.start()) for c in _CLAUSE_END) + 1
        parts = _items(text, clause, m.start())
        if len(parts) != cn_number(m.group(1)) or any(not 2 <= e - s <= ITEM_MAX for s, e in parts):
            continue
        start = _past_governors(text, parts[0][0], parts[0][1])
        if any(c in PUNCT and c != "、" for c in text[start : m.start()]) or _governed_last(text, parts[-1]):
            continue  # 推动高质量发展、打赢三大攻坚战: clauses, the last one governing the head
        label = text[start : m.start()] + text[m.start(1) : m.end()]  # without 等, 这 before the count
        out.append(Mention(start, m.end(), text[start : m.end()], "Campaign", label, COUNTED_LIST))
    return out


def _past_governors(text: str, start: int, end: int) -> int:
    """`start` moved past a governing word of two or more characters that opens the item
    text[start:end], a word of its own or not (推进|设备更新, which the segmenter reads 推进设备|更新)."""
    for word in GOVERNORS:
        if len(word) >= 2 and text.startswith(word, start) and start + len(word) < end:
            return start + len(word)
    return start


def _governed_last(text: str, item: tuple[int, int]) -> bool:
    """Whether the last item is or opens with a governing word (…、打赢|三大攻坚战, …、坚决打好|…): the
    list is of clauses (标准提升 ends in a verb of the name, not one that governs)."""
    return text[item[0] : item[1]] in GOVERNORS or _past_governors(text, item[0], item[1] + 1) > item[0]
