"""The head of a text: the navigation residue of a saved web page to skip (下载 打印 【字号： 加大
还原 减小 】, 您的位置: 首页 > 要闻, 来源：四川日报) and the bylines and datelines that date the
speech (时间：2026-02-02, ——2026年1月25日在…会议上, 新华社北京3月5日电). The words are
data/page_head.tsv; only the head is read, so a date quoted in the body never dates the speech."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from speechkg.graph.extract.dates import infer_year
from speechkg.graph.extract.tables import alternation, rows
from speechkg.graph.segment import cn_number

#: no page's navigation runs longer; lines past it are the body
HEAD_LINES = 40
#: the lines of the head that are not residue read for any byline: a title, a subtitle, a
#: byline, the speaker
CONTENT_LINES = 4
#: the lines read for a report's header or a byline in brackets, after a dateline and a subtitle
HEADER_LINES = 6
#: a byline is a short line (（2022年1月20日）, 时间：2026-02-02); a longer one is a sentence
BYLINE_CHARS = 40


def _kind(kind: str) -> frozenset[str]:
    return frozenset(r[0] for r in rows("page_head.tsv") if len(r) > 1 and r[1] == kind)


WORDS = _kind("word") | _kind("crumb")
ARROWS = frozenset(">›»")
SOURCES = _kind("source")
LABELS = _kind("label") | SOURCES
AGENCIES = _kind("agency")

_LABEL = re.compile(rf"^[【\[]?\s*(?P<label>{alternation(sorted(LABELS))})\s*[：:]\s*(?P<value>.*)$")
_TOKENS = re.compile(r"[\s【】\[\]|｜：:]+")
_SOURCE_CHARS = 20  # a source's name on its own line (四川日报), not a sentence
_NAV_CHARS = 200  # a line of navigation is short; a longer one is the speech's

_CN_DIGIT = "〇零一二三四五六七八九"
_Y = rf"(?P<y>(?:19|20)\d{{2}}|[{_CN_DIGIT}]{{4}})"
_M = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_D = r"(?P<d>3[01]|[12]\d|0?[1-9]|[一二]?十[一二三四五六七八九]?|三十一?|[一二三四五六七八九])"
_TIME = r"(?:\s*\d{1,2}(?:[:：]\d{2}){1,2}|\s*\d{1,2}时\d{1,2}分(?:\d{1,2}秒)?)?"
#: a calendar date: 2026年1月25日, 二〇二六年一月二十七日, 2026-02-03, 2026/2/3, 2026.2.3
_ISO = r"(?P<iy>(?:19|20)\d{2})(?P<sep>[-/.])(?P<im>1[0-2]|0?[1-9])(?P=sep)(?P<id>3[01]|[12]\d|0?[1-9])(?!\d)"
_DATE = rf"(?:{_Y}年{_M}月{_D}日|{_ISO})"
_ANY_DATE = re.compile(rf"(?<![\d{_CN_DIGIT}]){_DATE}")
#: a line that is only a date and a time (2026年02月10日 07时41分): a byline
_DATE_ONLY = re.compile(rf"^[（(]?{_DATE}{_TIME}[）)]?$")
#: a report's header (——2026年1月25日在北京市第十六届人民代表大会…上) or a byline in brackets
#: under a speech's title (（2016年5月30日）): the day it was delivered
_DELIVERED = (re.compile(rf"^[—－\-\s（(]*{_DATE}\s*在"), re.compile(rf"^[（(]{_DATE}[）)]$"))
_AGENCY = alternation(sorted(AGENCIES))
#: a news agency's dateline: 新华社北京3月5日电, 人民网北京2015年3月5日电
_DATELINE = re.compile(
    rf"^[（(【]?(?:{_AGENCY})[^\s，。：:（(]{{0,10}}?(?:{_Y}年)?(?P<m2>1[0-2]|0?[1-9])月(?P<d2>3[01]|[12]\d|0?[1-9])日电"
)
#: a broadcast's lead (央视网消息（新闻联播）：…): the first date of an event in its first sentence,
#: not one to come (将于7月4日), a span's (7月4日至7日), or a date in a name
_LEAD = re.compile(rf"^(?:{_AGENCY})消息\s*[（(][^）)\n]{{1,10}}[）)]\s*[：:](?P<first>[^。\n]*)")
_LEAD_DATE = re.compile(
    r"(?<![\d年于自从至到和、])(?:当地时间)?(?P<m>1[0-2]|[1-9])月(?P<d>3[01]|[12]\d|[1-9])日"
    r"(?:上午|下午|晚上|晚间|晚|早上|中午|凌晨)?"
    r"(?=在|召开|举行|出席|主持|会见|会谈|同|与|向|致电|致信|以视频|，)"
)


@dataclass(frozen=True, slots=True)
class HeadLine:
    """A line of the head, stripped, and whether it is navigation or byline (not the speech)."""

    text: str
    residue: bool
    end: int  # where the line ends in the text


class _Reader:
    """Marks the lines of a head one after the other: a breadcrumb's segments and a label's
    value on the next line depend on the lines before."""

    def __init__(self) -> None:
        self.crumbs: set[str] = set()
        self.value_next = self.after_arrow = False

    def residue(self, line: str) -> bool:
        if len(line) > _NAV_CHARS:
            self.value_next = False
            return False
        if self.value_next:
            self.value_next = False
            if len(line) <= _SOURCE_CHARS and not _ANY_DATE.search(line):
                return True
        if m := _LABEL.match(line):
            self.value_next = m.group("label") in SOURCES and not m.group("value")
            return True
        return _DATE_ONLY.match(line) is not None or self._words(line)

    def _words(self, line: str) -> bool:
        """Whether every word of the line is a navigation word or label, an arrow, a segment after an
        arrow, or a segment already seen (the section's name repeated as a heading)."""
        crumbs, after_arrow = set(), self.after_arrow
        for token in filter(None, _TOKENS.split(line)):
            if token in ARROWS:
                after_arrow = True
            elif after_arrow:
                crumbs.add(token)
                after_arrow = False
            elif token not in WORDS and token not in LABELS and token not in self.crumbs:
                return False
        self.crumbs |= crumbs
        self.after_arrow = after_arrow
        return True


def head(text: str, content: int = CONTENT_LINES) -> list[HeadLine]:
    """The first non-empty lines of `text`, each marked, up to its `content`-th line that is not
    residue (at most HEAD_LINES lines)."""
    reader, out, seen, end = _Reader(), [], 0, -1
    for raw in text.split("\n", HEAD_LINES)[:HEAD_LINES]:
        end += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        residue = reader.residue(line)
        out.append(HeadLine(line, residue, end))
        seen += not residue
        if seen >= content:
            break
    return out


def _day(y: int | None, mo: int | None, d: int | None) -> _dt.date | None:
    try:
        return _dt.date(y, mo, d) if y and mo and d else None
    except ValueError:
        return None


def _calendar(m: re.Match) -> _dt.date | None:
    if m.group("iy"):
        return _day(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
    return _day(cn_number(m.group("y")), cn_number(m.group("m")), cn_number(m.group("d")))


def _head_year(lines: list[HeadLine]) -> tuple[int, int] | None:
    """The year and month of the first dated short line of the head (时间：2016-06-01): the year
    of a dateline without one."""
    for line in lines:
        if len(line.text) <= BYLINE_CHARS and (m := _ANY_DATE.search(line.text)) and (when := _calendar(m)):
            return when.year, when.month
    return None


def _year_for(month: int, dated: tuple[int, int] | None) -> int | None:
    """A dateline's year from the head's dated line: its year, or the one before when the
    dateline's month comes after the line's (新华社北京12月31日电 published on 2016-01-02)."""
    if dated is None:
        return None
    return dated[0] - (month > dated[1])


def _dateline(line: str, dated: tuple[int, int] | None, text: str) -> _dt.date | None:
    """An agency's dateline (its own year, else the head's, else the text's) or a broadcast's
    lead (the head's year only: the years a news item names are its own year only 38% of the
    time in the news archive)."""
    if m := _DATELINE.match(line):
        mo, d = int(m.group("m2")), int(m.group("d2"))
        y = cn_number(m.group("y")) if m.group("y") else _year_for(mo, dated) or infer_year(text)
        return _day(y, mo, d)
    if (m := _LEAD.match(line)) and (d := _LEAD_DATE.search(m.group("first"))):
        mo = int(d.group("m"))
        return _day(_year_for(mo, dated), mo, int(d.group("d")))
    return None


def head_date(text: str) -> _dt.date | None:
    """The speech's date from the head of `text`: the day a report's header or a byline in
    brackets says it was delivered (——2026年1月25日在…, （2016年5月30日）), else an agency's dateline
    (新华社北京3月5日电), else the first date on a short line (时间：2026-02-02); None when the head
    has none. A date in the body is never read."""
    lines = head(text, content=HEADER_LINES)
    for line in lines:
        for form in _DELIVERED:
            if (m := form.match(line.text)) and (when := _calendar(m)) is not None:
                return when
    near = head(text)
    dated = _head_year(near)
    for line in near:
        if (when := _dateline(line.text, dated, text)) is not None:
            return when
    for line in near:
        if len(line.text) <= BYLINE_CHARS:
            for m in _ANY_DATE.finditer(line.text):
                if (when := _calendar(m)) is not None:
                    return when
    return None


def title_line(text: str) -> str | None:
    """The first line of the head that is not residue, when more text follows it."""
    first = next((ln for ln in head(text, content=1) if not ln.residue), None)
    return first.text if first is not None and text[first.end :].strip() else None
