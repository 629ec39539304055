"""Meetings: party congresses and plenums, numbered sessions, and named meetings of a kind in meetings.tsv."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from speechkg.graph.extract import registry, rules
from speechkg.graph.extract.bodies import BODY
from speechkg.graph.extract.common import (
    CN,
    HAN,
    PLACE,
    PLACE_FIRST,
    after_conjunction,
    left_edge,
    starting_with,
    title_opener,
    unquote,
)
from speechkg.graph.extract.registry import MentionRule
from speechkg.graph.extract.tables import (
    alternation,
    meeting_pattern,
    meeting_words,
    verbs,
)
from speechkg.graph.model import Doc, Mention
from speechkg.graph.segment import cn_number

_PARTY_CONGRESS = re.compile(
    starting_with(
        f"中党第{CN}",
        rf"(?P<pre>中国共产党|中共|党的)?(?:第(?P<n1>[{CN}]{{1,4}})次全国代表大会"
        rf"|(?:(?<=中共)|(?<![{HAN}第]))(?P<n2>[十二三][{CN}]{{1,2}})大(?![会学队家局力型批战])"
        rf"|(?<=党的)(?P<n3>[{CN}]{{1,3}})大(?![会学队家局力型批]))",
    )
)


_PLENUM = re.compile(
    starting_with(f"中党{CN}", rf"(?P<pre>中国共产党|中共|党的)?(?P<t>[{CN}]{{1,3}})届(?P<n>[{CN}]{{1,2}})中全会")
)


_ORG_SESSION = re.compile(
    rf"(?P<t>[{CN}]{{1,3}})届(?P<n>[{CN}]{{1,3}})次"
    rf"(?:全体会议|全会|(?:执委|全委|常委)(?:（扩大）|\(扩大\))?(?:会议|会)|会议|代表大会)"
)


# 二十届中央纪委二次全会, 十四届全国人大二次会议: the term before the organ, the session after it
_TERM_ORGAN_SESSION = re.compile(
    rf"(?<![{CN}第])(?:省|市|县|自治区)?(?P<t>[{CN}]{{1,3}})届(?P<org>[{HAN}]{{2,8}}?)(?<![{CN}])(?P<n>[{CN}]{{1,2}})次"
    rf"(?:全体会议|全会|会议)"
)


_FULL_PLENUM = re.compile(rf"(?:中国共产党|中共)?第(?P<t>[{CN}]{{1,3}})届中央委员会第(?P<n>[{CN}]{{1,2}})次全体会议")


_BODY_MEETING = re.compile(
    starting_with(
        f"中国省市县区{PLACE_FIRST}",
        rf"(?:中共)?(?:{PLACE})?(?:省|市|县|区)(?:委常委会|政府|人大常委会|政协常委会)"
        rf"(?:第[{CN}]{{1,4}}次)?(?:{meeting_pattern('local-organ')})"
        rf"|(?:中央政治局常委会|中央政治局|国务院|中央全面深化改革委员会|中央财经委员会|中央书记处)"
        rf"(?:第[{CN}]{{1,4}}次)?(?:{meeting_pattern('central-organ')})",
    )
)


_NUMBERED_SESSION = re.compile(
    rf"(?:(?P<t>[{CN}]{{1,3}})届)?(?!(?<=\d)[年月日号])(?P<body>[{HAN}XＸ]{{2,24}}?)第(?P<n>[{CN}]{{1,4}})次"
    rf"(?P<kind>{meeting_pattern('numbered')})"
)


_LOCAL_CONGRESS = re.compile(
    starting_with(
        f"中第省市县区自{PLACE_FIRST}",
        rf"(?P<place>{PLACE}|自治区|省|市|县|区)?第(?P<n>[{CN}]{{1,3}})次党(?:代会|代表大会)"
        rf"|(?:中共|中国共产党)(?P<place2>{PLACE}|省|市|县|区)第(?P<n2>[{CN}]{{1,3}})次代表大会",
    )
)


_SHORT_CONGRESS = re.compile(r"(?P<level>省|市|县|区)党代会")


_SHORT_PLENUM = re.compile(r"(?P<org>省委|市委|县委|区委)全会")


_MEETING_KINDS = meeting_words("named")


_MEETING_KIND = re.compile(alternation(_MEETING_KINDS))


#: a part of a meeting, named after it (…第二十二次会议小范围会谈, …年会开幕式)
_MEETING_PART = re.compile(meeting_pattern("part"))


_MEETING_REACH = 24  # how far left a meeting's name may run from its kind


#: how the name of a meeting ends, the short name of a party congress (二十大) and the spirit of a
#: meeting (…全会精神) too: a conjunction after one of them joins two names
_MEETING_ENDS = (*meeting_words("named"), *meeting_words("generic"), "大", "精神")


# words that govern other names but stand inside meeting names (全国组织工作会议)
_MEETING_KEEP = frozenset(
    {
        "的",
        "以",
        "在",
        "对",
        "从",
        "于",
        "到",
        "组织",
        "促进",
        "建设",
        "推进",
        "全面",
        "深化",
        "宣传",
        "统战",
    }
)


# governing words that are also words of organs' names (上海合作组织, 中央全面深化改革委员会)
_ORGAN_WORDS = _MEETING_KEEP - set("的以在对从向于由到")


def _party_congress(n: int) -> tuple[str, tuple[str, ...]]:
    """The canonical name of the n-th party congress and its usual other forms."""
    num = _cn(n)
    return (
        f"党的第{num}次全国代表大会",
        (f"中国共产党第{num}次全国代表大会", f"第{num}次全国代表大会", f"党的{num}大", f"{num}大", f"中共{num}大"),
    )


def _cn(n: int) -> str:
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def party_congress(doc: Doc) -> Iterator[Mention]:
    """党的二十大, 中共十九大, 党的第二十次全国代表大会: keyed by the congress's number."""
    text = doc.text
    for m in _PARTY_CONGRESS.finditer(text):
        n = cn_number(m.group("n1") or m.group("n2") or m.group("n3") or "")
        if not n or n > 30:
            continue
        if m.group("n1") and not m.group("pre"):
            # 第二十次全国代表大会 without 党的: the party's only when the clause speaks of the party
            clause_start = max(text.rfind(c, 0, m.start()) for c in "，。；\n")
            if "党" not in text[clause_start + 1 : m.start()]:
                continue
        if m.group("n2") and not m.group("pre") and n < 8:
            continue  # 三大, 五大 are rarely congresses
        label, aliases = _party_congress(n)
        yield Mention(
            m.start(),
            m.end(),
            m.group(0),
            "Meeting",
            label,
            "party-congress",
            key=f"party-congress-{n}",
            aliases=aliases,
        )


def party_plenum(doc: Doc) -> Iterator[Mention]:
    """党的二十届三中全会 (the short form, which also names the full one) and 中国共产党第二十届中央
    委员会第三次全体会议 (the full form): one meeting, keyed by term and session."""
    for pattern, short in ((_PLENUM, True), (_FULL_PLENUM, False)):
        for m in pattern.finditer(doc.text):
            t, n = cn_number(m.group("t")), cn_number(m.group("n"))
            if not t or not n:
                continue
            aliases = (
                f"{_cn(t)}届{_cn(n)}中全会",
                f"中共{_cn(t)}届{_cn(n)}中全会",
                f"中国共产党第{_cn(t)}届中央委员会第{_cn(n)}次全体会议",
            )
            yield Mention(
                m.start(),
                m.end(),
                m.group(0),
                "Meeting",
                f"党的{_cn(t)}届{_cn(n)}中全会",
                "party-plenum",
                key=f"party-plenum-{t}-{n}",
                aliases=aliases if short else aliases[:1],
            )


def body_meeting(doc: Doc) -> Iterator[Mention]:
    """A meeting named after the body that holds it (省委常委会会议, 国务院常务会议)."""
    for m in _BODY_MEETING.finditer(doc.text):
        yield Mention(m.start(), m.end(), m.group(0), "Meeting", m.group(0), "body-meeting")


def term_organ_session(doc: Doc) -> Iterator[Mention]:
    """The term before the organ, the session after it (二十届中央纪委二次全会)."""
    for m in _TERM_ORGAN_SESSION.finditer(doc.text):
        if cn_number(m.group("t")) and cn_number(m.group("n")):
            yield Mention(m.start(), m.end(), m.group(0), "Meeting", m.group(0), "term-organ-session")


def session(doc: Doc) -> Iterator[Mention]:
    """A term's numbered session, with the organ right before it (全总十七届五次执委会议)."""
    text = doc.text
    for m in _ORG_SESSION.finditer(text):
        start = _org_prefix_start(doc, m.start())
        span = text[start : m.end()]
        yield Mention(start, m.end(), span, "Meeting", span, "session")


def numbered_session(doc: Doc) -> Iterator[Mention]:
    """A body's N-th meeting (…第十二次会议), its name running left from 第 to a governing word."""
    text = doc.text
    for m in _NUMBERED_SESSION.finditer(text):
        di = m.start("n") - 1  # the 第 of 第N次
        start = max(m.start("body"), left_edge(text, di, max_len=_MEETING_REACH, keep=_ORGAN_WORDS))
        if m.group("t") and start > m.start("t") and not _HELD_OR_ATTENDED.search(text[m.start() : start]):
            start = m.start("t")
        start = after_conjunction(text, start, di)  # 工作情况和十九届…第五次全体会议
        span = text[start : m.end()]
        if di - start >= 2 and len(span) >= 6:
            yield Mention(start, m.end(), span, "Meeting", span, "numbered-session")


def local_congress(doc: Doc) -> Iterator[Mention]:
    """A local party congress; 省第十一次党代会 = 中共XX省第十一次代表大会: one key for level + number."""
    for m in _LOCAL_CONGRESS.finditer(doc.text):
        span = m.group(0)
        level = (m.group("place") or m.group("place2") or "")[-1:] or ""
        n = cn_number(m.group("n") or m.group("n2") or "")
        key, aliases = None, ()
        if level in "省市县区" and level and n:
            key, aliases = f"Meeting|local-congress-{level}-{n}", (f"{level}第{_cn(n)}次党代会",)
        yield Mention(m.start(), m.end(), span, "Meeting", span, "local-congress", key=key, aliases=aliases)


def short_congress(doc: Doc) -> Iterator[Mention]:
    """省党代会: short for the congress of that level named elsewhere in the text."""
    for m in _SHORT_CONGRESS.finditer(doc.text):
        short_of = f"{m.group('level')}|党代会"
        yield Mention(m.start(), m.end(), m.group(0), "Meeting", m.group(0), "short-congress", short_of=short_of)


def short_plenum(doc: Doc) -> Iterator[Mention]:
    """省委全会: short for that committee's plenum named elsewhere in the text."""
    for m in _SHORT_PLENUM.finditer(doc.text):
        short_of = f"{m.group('org')}|全会"
        yield Mention(m.start(), m.end(), m.group(0), "Meeting", m.group(0), "short-plenum", short_of=short_of)


# 召开推动…工作视频会议, 在深入推动…座谈会上: (深入/全面/新时代)推动 opens the name after a verb of
# holding or 在
_PUSH = re.compile(r"(?:召开|举行|在)(?P<name>(?:深入|全面|新时代|进一步)?推动)$")


def _with_push(text: str, start: int) -> int:
    """The name's start moved back over a 推动 that opens it (深入推动长江经济带发展座谈会)."""
    p = _PUSH.search(text, max(0, start - 7), start)
    return p.start("name") if p else start


# 中国—东盟博览会, 第二届中国－中亚峰会: China and its partner joined by a dash open the name
_PARTNER = re.compile(rf"(?:首届|第[{CN}]{{1,3}}届)?中国[—－-]$")


def _with_partner(text: str, start: int) -> int:
    """The name's start moved back over 中国— that opens it (the dash is no edge there)."""
    p = _PARTNER.search(text, max(0, start - 9), start)
    return p.start() if p else start


def named_meeting(doc: Doc) -> Iterator[Mention]:
    """A name before a kind of meeting in meetings.tsv (全省组织工作会议, …座谈会)."""
    text = doc.text
    for m in _MEETING_KIND.finditer(text):
        start = left_edge(text, m.start(), max_len=_MEETING_REACH, keep=_MEETING_KEEP)
        start = max(start, _cut_after(text, m.start() - _MEETING_REACH, m.end()))
        start = _with_partner(text, _with_push(text, start))
        start = after_conjunction(text, title_opener(text, start), m.start(), _MEETING_ENDS)
        span = text[start : m.end()]
        if len(span) > len(_meeting_kind(span)) + 1:
            yield Mention(start, m.end(), span, "Meeting", unquote(span), "named-meeting")


# a name of audience and theme (省部级主要领导干部学习贯彻党的十九大精神专题研讨班) runs back over its
# verbs to the clause's start or to the word that governs it; the governing words are not in it
_THEMED_GOVERNORS = r"主办的|举办的|在|出席|参加|举办|召开|主持|这次|本次|此次|给"
_THEMED = re.compile(
    rf"(?:^|[，。；：“”\s）]|{_THEMED_GOVERNORS})"
    rf"(?P<name>(?:(?!{_THEMED_GOVERNORS})[^，。；：、“”！？\s（）]){{4,40}}?(?:{meeting_pattern('themed')}))"
)


def themed_meeting(doc: Doc) -> Iterator[Mention]:
    """A seminar named by its audience and theme, from the clause's start or its governing word."""
    for m in _THEMED.finditer(doc.text):
        name = m.group("name")
        yield Mention(m.start("name"), m.end("name"), name, "Meeting", name, rules.THEMED_MEETING)


#: the meeting rules in the order they run
RULES: tuple[MentionRule, ...] = (
    party_congress,
    party_plenum,
    body_meeting,
    term_organ_session,
    session,
    numbered_session,
    local_congress,
    short_congress,
    short_plenum,
    named_meeting,
    themed_meeting,
)


def meetings(doc: Doc) -> list[Mention]:
    """What the `RULES` find, national sessions keyed, then joint meetings (M1暨M2) and parts of
    meetings (…会议小范围会谈) added."""
    text = doc.text
    out = [_national_session(text, m) for m in registry.run(RULES, doc)]
    return _parts(text, _join_ji(text, out))


def _meeting_kind(span: str) -> str:
    return next((kind for kind in _MEETING_KINDS if span.endswith(kind)), "")


def _parts(text: str, found: list[Mention]) -> list[Mention]:
    """A part of a meeting named after it (…会议小范围会谈, …年会开幕式) is a meeting of its own."""
    out = list(found)
    for m in found:
        p = _MEETING_PART.match(text, m.end)
        if p:
            span = text[m.start : p.end()]
            out.append(Mention(m.start, p.end(), span, "Meeting", span, rules.MEETING_PART))
    return out


# sessions of the national people's congress and CPPCC and of their standing committees, in
# every form: 政协第十四届全国委员会第二次会议 = 全国政协十四届二次会议 = 十四届全国政协二次会议
_SESSION_NUMBERS = re.compile(
    rf"第?(?P<t>[{CN}]{{1,3}})届.*?第?(?P<n>[{CN}]{{1,3}})次(?:{meeting_pattern('national-session')})$"
)


def _national_session(text: str, m: Mention) -> Mention:
    """The same key for every form of a national NPC or CPPCC session, with its full name as alias."""
    span = m.text
    if m.key or "全国" not in span or not span.endswith("会议"):
        return m
    cppcc = "政协" in span or "政治协商会议" in span
    npc = "人大" in span or "人民代表大会" in span
    nums = _SESSION_NUMBERS.search(span)
    if cppcc == npc or not nums:
        return m
    t, n = cn_number(nums.group("t")), cn_number(nums.group("n"))
    standing = "常委会" in span or "常务委员会" in span
    if not t or not n:
        return m
    if cppcc:
        organ = "全国委员会常务委员会" if standing else "全国委员会"
        full = f"政协第{_cn(t)}届{organ}第{_cn(n)}次会议"
        short = f"全国政协{_cn(t)}届常委会第{_cn(n)}次会议" if standing else f"全国政协{_cn(t)}届{_cn(n)}次会议"
    else:
        organ = "全国人民代表大会常务委员会" if standing else "全国人民代表大会"
        full = f"第{_cn(t)}届{organ}第{_cn(n)}次会议"
        short = f"{_cn(t)}届全国人大常委会第{_cn(n)}次会议" if standing else f"{_cn(t)}届全国人大{_cn(n)}次会议"
    kind = "cppcc" if cppcc else "npc"
    return replace(m, key=f"Meeting|{kind}{'-standing' if standing else ''}-{t}-{n}", aliases=m.aliases + (full, short))


#: a verb of holding or attending between a session's number and the name it ends
_HELD_OR_ATTENDED = re.compile(verbs("hold", "attend"))
_CUT = re.compile(r"召开|主持|出席|参加|举行|在|暨|的|了|，")


def _cut_after(text: str, lo: int, hi: int) -> int:
    best = 0
    for m in _CUT.finditer(text, max(0, lo), hi):
        if m.end() <= hi - 4:
            best = max(best, m.end())
    return best


_CENTRAL_ORGANS = re.compile(
    r"(?:全总|中华全国总工会|共青团中央|团中央|全国妇联|中国科协|全国工商联|"
    r"中国文联|中国作协|中国侨联|中国残联|中央纪委|全国人大常委会|全国政协|中国工会|"
    r"全国人大|政协|人大)$"
)


def _org_prefix_start(doc: Doc, start: int) -> int:
    """A session name starts with its organ when one stands right before it
    (全总十七届五次执委会议, 省纪委十一届二次全会)."""
    lo = max(0, start - 16)
    best = start
    for m in BODY.finditer(doc.text, lo, start):
        if m.end() == start:
            best = min(best, m.start())
    c = _CENTRAL_ORGANS.search(doc.text, lo, start)
    if c and c.end() == start:
        best = min(best, c.start())
    return best


def _join_ji(text: str, found: list[Mention]) -> list[Mention]:
    """M1暨M2 is one meeting: add a mention spanning both, with both parts as aliases."""
    out = list(found)
    for m in found:
        if text[m.end : m.end + 1] == "暨":
            nxt = [o for o in found if o.start == m.end + 1]
            if nxt:
                second = max(nxt, key=lambda o: o.end)
                span = text[m.start : second.end]
                out.append(
                    Mention(
                        m.start, second.end, span, "Meeting", span, "joint-meeting", aliases=(m.label, second.label)
                    )
                )
    return out
