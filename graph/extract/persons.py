"""Persons: names after titles, before 同志/总书记, in lists before a verb of attending, and at the head of a clause."""

from __future__ import annotations

import re
from collections.abc import Iterator

from speechkg.graph.extract import registry
from speechkg.graph.extract.common import (
    HAN,
    LIST_ITEMS,
    PUNCT,
    common_word,
    is_boundary,
)
from speechkg.graph.extract.registry import MentionRule
from speechkg.graph.extract.tables import (
    COMPOUND_SURNAMES,
    FOREIGN_TITLES,
    SURNAMES,
    TITLES,
    TRANSLIT,
    alternation,
)
from speechkg.graph.model import Doc, Mention

#: what follows a person's name: a verb of official news, an honorific, or the end of a clause
_AFTER_NAME = (
    "同志|总书记|主持|出席|强调|指出|表示|讲话|在|于|作|参加|会见|会谈|调研|要求|说|陪同|致辞|"
    "发言|发了言|先后|分别|相继|宣布|代表|看望|考察|视察|签署|介绍|回答|应约|应邀|先生|女士|总统|总理|主席|等|和|、|，|。|；|"
    "：|（|\\s|$|"
    # a day right after the name: 市长张国强26日主持…
    "[0-9０-９]{1,2}(?:月[0-9０-９]{1,2})?日"
)


_TITLE_RX = alternation(TITLES)


_FOREIGN_TITLE_RX = alternation(FOREIGN_TITLES)


_NAME_AFTER_TITLE = re.compile(rf"(?:{_TITLE_RX})[ \u3000]?(?=[{HAN}])")


_HONORIFIC = re.compile(r"同志|总书记")


_TITLE_END = re.compile(rf"(?:{_TITLE_RX})$")


_AFTER = re.compile(_AFTER_NAME)


# A、B、C等参加 / A、B先后发言: a list of names before a verb of attending or speaking
_NAME_LIST = re.compile(
    rf"(?:[{HAN}]{{2,4}}、){{1,{LIST_ITEMS}}}[{HAN}]{{2,4}}?"
    rf"(?=等?(?:同志)?(?:参加|出席|陪同|参会|先后发言|发言|发了言|讲话|会见|主持|同志))"
)


# a name at the head of a sentence before a verb of official news (王晨主持座谈会。)
_NAME_LEADS = re.compile(
    rf"(?:^|(?<=[。；！？\n]))[{HAN}]{{2,3}}(?=主持|出席|参加|强调|指出|表示|会见|宣布|"
    rf"讲话|致辞|看望|考察|调研)",
    re.M,
)


_FUNCTION_CHARS = set("在由和与及对向请让是为了着的以经据按被把将从同跟给，、。；：“”（）\n")


_NOT_NAMES = {
    "广大",
    "各位",
    "全体",
    "青年",
    "老",
    "党员",
    "领导",
    "有关",
    "全党",
    "中央",
    "地方",
    "各级",
    "基层",
    "我们",
    "大家",
    "同志",
    "许多",
    "全国",
    "国家",
    "政府",
    "成员",
    "代表",
    "会议",
    "常委",
    "委员",
    "主任",
    "主席",
    "书记",
    "部长",
    "干部",
    "群众",
    "全会",
    "大会",
    "全市",
    "全省",
    "全区",
    "全县",
    "会上",
    "双方",
    "各方",
    "中方",
    "我国",
    "我省",
    "我市",
    "文件",
    "报告",
}


#: leading characters of words that follow a title but are no names (主席团, 总理府, 委员会)
_NOT_NAME_START = set("团府会级长副兼职们")


def is_name(cand: str) -> bool:
    """A Chinese personal name: a surname and one or two given characters."""
    if not (2 <= len(cand) <= 4) or cand in _NOT_NAMES or cand[:2] in _NOT_NAMES:
        return False
    if any(not ("\u4e00" <= c <= "\u9fff") for c in cand) or cand[-1] == "等":
        return False
    if cand[:2] in COMPOUND_SURNAMES:
        return len(cand) in (3, 4)
    return cand[0] in SURNAMES and len(cand) <= 3 and not (len(cand) == 2 and common_word(cand))


def is_foreign(cand: str) -> bool:
    """A transliterated name (普京, 米尔济约耶夫, 古特雷斯): two to eight transliteration characters."""
    parts = cand.split("·")
    return (
        2 <= len(cand) <= 12
        and all(len(p) >= 1 and all(c in TRANSLIT for c in p) for p in parts)
        and len(cand.replace("·", "")) >= 2
    )


def _function_first(text: str, pos: int) -> bool:
    """和全体, 和媒体: a function word of its own where a surname would stand."""
    return text[pos] in _FUNCTION_CHARS and is_boundary(text, pos + 1)


def _name_at(text: str, pos: int, foreign: bool = False) -> int | None:
    """The end of the name that starts at `pos`, checked by what follows it; None if none."""
    if _function_first(text, pos):
        return None
    for n in (3, 2, 4):
        cand = text[pos : pos + n]
        if is_name(cand) and _AFTER.match(text, pos + n):
            return pos + n
    if foreign:
        for n in range(8, 1, -1):
            cand = text[pos : pos + n]
            if is_foreign(cand) and _AFTER.match(text, pos + n):
                return pos + n
    return None


def _before_honorific(text: str, m: re.Match) -> Mention | None:
    """The name that ends where the honorific `m` starts, if one does."""
    end = m.start()
    # 副主席钱芳同志: a title right before a two-character name is not part of it
    titled = _TITLE_END.search(text, max(0, end - 8), end - 2) is not None
    for n in (2, 3, 4) if titled else (3, 2, 4):
        start = end - n
        if start < 0:
            continue
        cand = text[start:end]
        before = text[start - 1] if start > 0 else "\n"
        if not is_name(cand):
            continue
        fits = (
            before in _FUNCTION_CHARS
            or before in PUNCT
            or (titled and n == 2)
            or not "\u4e00" <= before <= "\u9fff"
            or is_boundary(text, start)
        )
        if fits and not _function_first(text, start):
            return Mention(start, end, cand, "Person", cand, "person-honorific", aliases=(cand + m.group(0),))
    return None


def honorific(doc: Doc) -> Iterator[Mention]:
    """A name before 同志 or 总书记."""
    for m in _HONORIFIC.finditer(doc.text):
        found = _before_honorific(doc.text, m)
        if found is not None:
            yield found


def after_title(doc: Doc) -> Iterator[Mention]:
    """A name after a title (省委书记楼阳生出席…, 俄罗斯总统普京), checked by what follows it."""
    text = doc.text
    for m in _NAME_AFTER_TITLE.finditer(text):
        if text[m.end()] in _NOT_NAME_START:
            continue
        title = m.group(0).strip()
        end = _name_at(text, m.end(), foreign=bool(re.fullmatch(_FOREIGN_TITLE_RX, title)))
        if end is not None:
            cand = text[m.end() : end]
            yield Mention(m.end(), end, cand, "Person", cand, "person-title")


def name_list(doc: Doc) -> Iterator[Mention]:
    """Each name of a list before a verb of attending or speaking (A、B、C等参加), when all are names."""
    for m in _NAME_LIST.finditer(doc.text):
        items = m.group(0).split("、")
        if not all(is_name(i) for i in items):
            continue
        pos = m.start()
        for item in items:
            yield Mention(pos, pos + len(item), item, "Person", item, "person-list")
            pos += len(item) + 1


def name_leads(doc: Doc) -> Iterator[Mention]:
    """A name at the head of a sentence before a verb of official news (王晨主持座谈会)."""
    for m in _NAME_LEADS.finditer(doc.text):
        cand = m.group(0)
        if is_name(cand):
            yield Mention(m.start(), m.end(), cand, "Person", cand, "person-lead")


#: the person rules in the order they run
RULES: tuple[MentionRule, ...] = (honorific, after_title, name_list, name_leads)


def persons(doc: Doc) -> list[Mention]:
    """Names before 同志/总书记, after a title, in lists before a verb of attending, and at the
    head of a sentence before a verb of official news: what the `RULES` find."""
    return registry.run(RULES, doc)
