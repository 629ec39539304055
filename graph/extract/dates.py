"""Calendar expressions → Date mentions with ISO values, resolved against the speech year.

Handled: 2022年1月21日, 2022年1月, 2022年, 二〇二二年, 1月21日 (speech year),
去年/今年/明年/前年 with or without 月日, 过去一年, 上半年/下半年 (their year),
2021年以来, 6月底 and 3月上旬 (that month of the speech year); with the speech's own date
(`--date`), the datelines of news items: 26日 and
当地时间26日 (that day of the speech's month, or of the month before when the day is still to
come), 今天/今日 (the speech date), 昨天/昨日, 前天. Not dates: durations (前瞻30年, 五年规划), ordinals in names
(第十一次), deictic words without a calendar value (当前, 今后).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from collections.abc import Iterator

from speechkg.graph.extract import registry
from speechkg.graph.extract.common import starting_with
from speechkg.graph.extract.registry import MentionRule
from speechkg.graph.model import Doc, Mention
from speechkg.graph.segment import cn_number

_CN = "〇零一二三四五六七八九十"
_REL = {"前年": -2, "去年": -1, "上年": -1, "今年": 0, "本年": 0, "明年": 1}

# every part is optional: without the lookahead each character would be an empty match
_DATE = re.compile(
    starting_with(
        rf"\d{_CN}前去上今本明",
        rf"(?<![\d{_CN}第])"
        rf"(?:(?P<y>(?:19|20)\d{{2}}|[〇零一二三四五六七八九]{{4}})年"
        rf"|(?P<rel>前年|去年|上年|今年|本年|明年))?"
        rf"(?:(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月"
        rf"(?:(?P<d>3[01]|[12]\d|0?[1-9]|[一二]?十[一二三四五六七八九]?|三十一?|[一二三四五六七八九])[日号])?)?"
        rf"(?P<since>以来)?",
    )
)
# what follows a dateline's day or 今天: a time of day, a comma, a place or the verb of the news
_DATELINE_NEXT = (
    r"(?=上午|下午|晚上|晚间|晚|早上|中午|凌晨|[，,]|在|电|召开|举行|出席|主持|会见|会谈|"
    r"开幕|闭幕|发布|致电|致信|同|与|向|以视频)"
)
_DAY_ONLY = re.compile(
    rf"(?:(?<=本月)|(?<![\d{_CN}月第至到—\-~～]))"
    rf"(?P<d>3[01]|[12]\d|0?[1-9]|[一二]?十[一二三四五六七八九]?|三十一?|[一二三四五六七八九])"
    rf"[日号]{_DATELINE_NEXT}"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
#: a span of days after a date with its day (3月5日至11日, 10月17日—18日): its last day
_RANGE_END = re.compile(rf"(?:至|到|—|－|-|~|～)(?P<d>{_DAY})[日号]")
#: a dateline's span of days (11日至12日，…; 23至24日在京召开): its first and last day
_DAY_RANGE = re.compile(
    rf"(?<![\d{_CN}月第至到—\-~～])(?P<d1>{_DAY})日?(?:至|到|—|－|-|~|～)(?P<d2>{_DAY})[日号]{_DATELINE_NEXT}"
)
#: what says a span of days is still to come (将于18日至20日举行)
_FUTURE = re.compile(r"将于?|拟于|计划于|定于")
_DEICTIC_DAY = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2}
_DEICTIC = re.compile(rf"(?<![{_CN}])(?:今天|今日|昨天|昨日|前天){_DATELINE_NEXT}")
_PAST_YEAR = re.compile(r"过去(?:的)?一年")
#: a part of a month after it (6月底, 3月上旬): the month as a time, not a count of months
_PART_OF_MONTH = re.compile(r"底|初|末|上旬|中旬|下旬")
_HALF = re.compile(r"(?P<rel>今年|去年|明年)?(?P<h>上半年|下半年)")
# a year that is a target ("到2035年", "2035年远景目标") says nothing about the speech date
_TARGET_BEFORE = re.compile(r"(?:到|至|截至|力争|预计|前)$")
# a span of years (2021—2025年, 2016-2025年) is a period, not a calendar date, and no speech date
_RANGE_BEFORE = re.compile(r"(?:19|20)\d{2}(?:年)?[—–\-~～至到]$")


def _ends_a_span(text: str, start: int) -> bool:
    """Whether the year at `start` closes a span of years (the 2025 of 2021—2025年)."""
    return _RANGE_BEFORE.search(text, max(0, start - 6), start) is not None


def _num(s: str | None) -> int | None:
    return None if s is None else cn_number(s)


def _year_of(m: re.Match) -> int | None:
    y = m.group("y")
    return _num(y) if y else None


def infer_year(text: str) -> int | None:
    """The speech's year from its explicit years: the most frequent, the latest on a tie.

    Target years (到2035年) are left out; 今年 next to an explicit year ("今年是2022年")
    would be the best evidence but is rare, so frequency is the rule.
    """
    counts: Counter[int] = Counter()
    for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})年(?!代)", text):
        if _TARGET_BEFORE.search(text[max(0, m.start() - 2) : m.start()]) or _ends_a_span(text, m.start()):
            continue
        counts[int(m.group(1))] += 1
    if not counts:
        return None
    top = max(counts.values())
    return max(y for y, c in counts.items() if c == top)


def _valid(y: int, mo: int | None, d: int | None) -> bool:
    import datetime as dt

    if mo is None:
        return 1 <= y <= 9999
    if d is None:
        return 1 <= y <= 9999 and 1 <= mo <= 12
    try:
        dt.date(y, mo, d)
    except ValueError:
        return False
    return True


def _value(y: int, mo: int | None, d: int | None) -> str:
    if mo is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{mo:02d}"
    return f"{y:04d}-{mo:02d}-{d:02d}"


def day_of_month(day: int, on: _dt.date) -> _dt.date | None:
    """The date a bare “day 日” stands for in a text of date `on`: that day of `on`'s month, or of
    the month before when the day is still to come (news reports what has happened)."""
    year, month = on.year, on.month
    if day > on.day:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def _span_of_days(d1: int, d2: int, on: _dt.date, future: bool) -> tuple[_dt.date, _dt.date] | None:
    """The first and last day of a dateline's span of days in a text of date `on`: the first as a
    dateline's day (this month, or the last when it is still to come), or, said to be still to come,
    this month's or the next's; the last the next such day on or after the first."""
    first = _next_day(d1, on) if future else day_of_month(d1, on)
    last = _next_day(d2, first) if first is not None else None
    return (first, last) if last is not None else None


def _next_day(day: int, on: _dt.date) -> _dt.date | None:
    """The first date on or after `on` whose day of the month is `day` (within two months)."""
    year, month = on.year, on.month
    for _ in range(3):
        try:
            when = _dt.date(year, month, day)
        except ValueError:
            when = None
        if when is not None and when >= on:
            return when
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return None


def datelines(text: str, on: _dt.date) -> list[Mention]:
    """Days without a month (26日, 当地时间26日), spans of them (11日至12日) and 今天/昨天,
    resolved against the date `on`."""
    out = []
    for m in _DAY_RANGE.finditer(text):
        future = _FUTURE.search(text, max(0, m.start() - 3), m.start()) is not None
        span = _span_of_days(int(m.group("d1")), int(m.group("d2")), on, future)
        if span is not None:
            for name, when in zip(("d1", "d2"), span, strict=True):
                end = m.end(name) + (text[m.end(name) : m.end(name) + 1] in "日号")
                out.append(
                    Mention(
                        m.start(name),
                        end,
                        text[m.start(name) : end],
                        "Date",
                        text[m.start(name) : end],
                        "dateline",
                        value=when.isoformat(),
                    )
                )
    for m in _DAY_ONLY.finditer(text):
        day = _num(m.group("d"))
        when = day_of_month(day, on) if day else None
        if when is not None:
            out.append(Mention(m.start(), m.end(), m.group(0), "Date", m.group(0), "dateline", value=when.isoformat()))
    for m in _DEICTIC.finditer(text):
        when = on + _dt.timedelta(days=_DEICTIC_DAY[m.group(0)])
        out.append(Mention(m.start(), m.end(), m.group(0), "Date", m.group(0), "dateline", value=when.isoformat()))
    return out


def _year(m: re.Match, base: int | None) -> int | None:
    """A calendar match's year: its own, or the speech year `base` (shifted by 去年, 明年 …)."""
    y = _year_of(m)
    if y is not None or base is None:
        return y
    rel = m.group("rel")
    return base + _REL.get(rel, 0) if rel else base


def _calendar(text: str, m: re.Match, base: int | None) -> Mention | None:
    """The date a calendar match names, its year resolved against the speech year `base`; None
    when it is no date (a month alone, the end of a span of years, a day that does not exist)."""
    if m.end() == m.start() or not (m.group("y") or m.group("rel") or m.group("m")):
        return None
    mo, d = _num(m.group("m")), _num(m.group("d"))
    part = _PART_OF_MONTH.match(text, m.end()) if m.group("m") and not m.group("d") else None
    if m.group("m") and not m.group("y") and not m.group("rel") and not m.group("d") and part is None:
        return None  # "3月" alone is too often a duration ("3个月") or a list item; 6月底 is a time
    if m.group("y") and _ends_a_span(text, m.start()):
        return None
    y = _year(m, base)
    if y is None or not _valid(y, mo, d):
        return None
    end = part.end() if part else m.end()
    surface = text[m.start() : end]
    return Mention(m.start(), end, surface, "Date", surface, "date", value=_value(y, mo, d))


def calendar_date(doc: Doc) -> Iterator[Mention]:
    """2022年1月21日, 2022年1月, 2022年, 1月21日, 去年3月, 2021年以来, 6月底, and the last day of a
    span of days after a day (3月5日至11日)."""
    for m in _DATE.finditer(doc.text):
        found = _calendar(doc.text, m, doc.speech.year)
        if found is not None:
            yield found
            if found.value and len(found.value) == 10 and (r := _RANGE_END.match(doc.text, found.end)):
                last = found.value[:8] + f"{int(r.group('d')):02d}"
                if int(r.group("d")) > int(found.value[8:]) and _valid(*map(int, last.split("-"))):
                    s, e = r.start("d"), r.end()
                    yield Mention(s, e, doc.text[s:e], "Date", doc.text[s:e], "date", value=last)


def dateline(doc: Doc) -> Iterator[Mention]:
    """26日, 今天, 昨天: with the speech's own date only (see `datelines`)."""
    if doc.speech.date is not None:
        yield from datelines(doc.text, doc.speech.date)


def past_year(doc: Doc) -> Iterator[Mention]:
    """过去一年: the year before the speech year."""
    base = doc.speech.year
    if base is None:
        return
    for m in _PAST_YEAR.finditer(doc.text):
        yield Mention(m.start(), m.end(), m.group(0), "Date", m.group(0), "date", value=_value(base - 1, None, None))


def half_year(doc: Doc) -> Iterator[Mention]:
    """上半年, 去年下半年: the year the half is of."""
    base = doc.speech.year
    if base is None:
        return
    for m in _HALF.finditer(doc.text):
        y = base + _REL.get(m.group("rel") or "今年", 0)
        if _valid(y, None, None):
            yield Mention(m.start(), m.end(), m.group(0), "Date", m.group(0), "date", value=_value(y, None, None))


#: the date rules in the order they run
RULES: tuple[MentionRule, ...] = (calendar_date, dateline, past_year, half_year)


def dates(doc: Doc) -> list[Mention]:
    """Date mentions with `value` an ISO date, year-month or year: what the `RULES` find."""
    return registry.run(RULES, doc)
