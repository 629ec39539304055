"""Relations between mentions: a registry of small rules, each over one sentence.

A rule is a plain function `Clause → iterable of (subject, predicate, object)`. A `Clause`
holds one sentence's mentions, the text, and a little document state (`Focus`: the meeting
the text is reporting on, and the meeting a news item is about). `RULES` names the rules in
the order they run; `DOC_RULES` read a document's head once. Kinds of rule:

- dates: a dateline or date-first clause (“3月3日，…主持召开…会议”, “…26日在京出席…”),
  a meeting 于/on a date 召开/开幕/闭幕;
- chairs and speakers: 主持(召开) / 出席…并讲话 / 在…上的讲话 / 由…主持 / lists of speakers
  (A、B、C先后发言); a bare 主持会议 or 主持并讲话 refers to the meeting in focus;
- organizers: the organ a meeting is named after, or that 召开/举行 it, or 由…主办/举办 it;
- proposals: 提出/作出/确立… after a meeting, body or person, “X提出的Y”, X关于Y的部署,
  以X同志为主要代表的中国共产党人…形成了Y;
- endorsements (…得到A批示肯定), leading bodies (A牵头…行动), members of a numbered formula.

The date, organizers and speakers found for a part of a meeting (…年会开幕式) are then its
meeting's too (`WHOLE`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from speechkg.graph.extract import rules as mention_rules
from speechkg.graph.extract.common import inside_quotes, quotes
from speechkg.graph.model import Doc, Mention, Relation, Sentence

# ------------------------------------------------------------------ names

#: predicates: local names in the skg: namespace
DATE = "date"
ORGANIZER = "organizer"
CHAIR = "chair"
SPEAKER = "speaker"
PROPOSED_BY = "proposedBy"
ENDORSED_BY = "endorsedBy"
LED_BY = "ledBy"
MEMBER = "member"
PREDICATES = (DATE, ORGANIZER, CHAIR, SPEAKER, PROPOSED_BY, ENDORSED_BY, LED_BY, MEMBER)

#: the rule whose relations `link` reads to join an organ and a meeting name (省委 召开 X会议)
CONVENE = "convene"
#: the rule that gives a meeting what was found of its part (…年会开幕式 → …年会)
WHOLE = "whole-of-part"
#: what holds of a part of a meeting holds of the meeting: it was held that day, by those
#: organs, and who spoke at its opening spoke at it (who chaired a session need not chair it all)
_LIFTED = (DATE, ORGANIZER, SPEAKER)

AGENTS = ("Meeting", "Body", "Person")
OBJECT_TYPES = ("Goal", "Concept", "Campaign")
#: how many sentences a meeting reported as held stays the one the text is about
FOCUS_SPAN = 6
#: how far (characters, dates included) a verb phrase joining a person or body to a meeting
#: may run: 张三（DATE）上午在北京主持召开 MEETING; rules look no further, so that a sentence
#: listing thousands of names and meetings is read in linear time
REACH = 120

Found = tuple[Mention, str, Mention]

# ------------------------------------------------------------------ word patterns

_TIME_OF_DAY = r"(?:上午|下午|晚上|晚间|晚|早上|中午|凌晨)"
# what may stand between a person (or a date) and the verb: 同志, 于, a time of day, 在京, 以视频方式
_FILL = (
    rf"(?:同志)?(?:于)?{_TIME_OF_DAY}?\s*(?:在[^，。；、“”]{{1,12}}?(?=主持|出席|召开|举行|会见|参加)"
    r"|以视频(?:连线)?方式|通过视频(?:连线)?)?"
)
# a meeting named by a common noun, not a name: 会议, 座谈会, 闭幕会…
_GENERIC_MEETING = r"(?:会议|全体会议|座谈会|闭幕会|开幕会|开幕式|闭幕式|大会|全会|常务会议|视频会议|会)"
_SPEECH = r"(?:发表|作)?了?(?:重要|主旨|书面)?(?:讲话|致辞|演讲|发言|讲座)|致辞|作[^，。；]{0,12}?报告"
_AND_SPEAK = re.compile(rf"(?:开幕式|闭幕式|开幕会|闭幕会)?(?:上)?并{_SPEECH}")

_CHAIR = re.compile(rf"^{_FILL}(?:主持召开了?|主持了?)$")
_SPEAK_AT = re.compile(rf"^{_FILL}(?:在|出席)$")
_SPEAK_AFTER = re.compile(
    rf"^(?:等(?:重要)?会议)?(?:开幕式|闭幕式|开幕会|闭幕会)?"
    rf"(?:上(?:的)?[，,]?(?:{_SPEECH}|指出|强调|表示|宣布)|并{_SPEECH})"
)
_LIST_SEP = re.compile(r"^(?:、|和|及|以及|，)$")
# …主持会议 / 主持并讲话 / 主持召开座谈会 / 出席会议并讲话 / 在会上讲话 / 在发言中: the meeting in focus
_CHAIR_HERE = re.compile(rf"^{_FILL}主持(?:召开了?)?(?:{_GENERIC_MEETING}(?=[，。；并\s]|$)|(?=并))")
_SPEAK_HERE = re.compile(
    rf"^{_FILL}(?:出席(?:{_GENERIC_MEETING})?并{_SPEECH}|在(?:会上|会议上|大会上)"
    rf"(?:{_SPEECH}|指出|强调|表示)|在(?:会上的|会议上的)?(?:讲话|发言|致辞)中"
    r"|作(?:了)?(?:工作|主题|专题)?报告)"
)
_THEN_SPEAK = re.compile(rf"^[^，。；]{{0,16}}?并{_SPEECH}")
# A、B、C先后发言: each person of a list that ends at the verb
_LIST_SPEAK = re.compile(
    r"(?:同志)?(?:等)?(?:先后|分别|相继|也|还)?"
    r"(?:发言|发了言|讲话|致辞|作了?(?:交流)?发言)(?![精要])"
)
_SAYS = re.compile(r"(?:同志)?(?:在[^，。；]{0,10}?)?(?:说|表示|指出|强调|认为)[，：:]")
_ATTENDS = re.compile(rf"(?:同志)?{_FILL}出席(?:了)?(?:{_GENERIC_MEETING}|活动)?[。，；]")
# 会议由省妇联党组书记陈静主持: the chair named after 由, the meeting before it
_CHAIR_BY_BEFORE = re.compile(r"(?:会议|大会|会)由[^，。；由]{0,20}$")
_CHAIR_BY_AFTER = re.compile(r"(?:同志)?主持(?![召了会大])")
_DATE_THEN_HOLD = re.compile(rf"{_FILL}(?:主持召开|召开|举行|主持|出席)了?")
_DATE_THEN_GENERIC = re.compile(
    rf"[，,]?[^，。；]{{0,40}}?{_FILL}(?:主持召开|召开|举行|主持|出席)了?"
    rf"{_GENERIC_MEETING}(?=[，。；并\s]|$)"
)
# an organ named after a session number (…第三十二次会议) is not the organ of the meeting
_DIGITS_BETWEEN = re.compile(r"第[〇一二三四五六七八九十百\d]+次")
# 各民主党派中央、全国工商联负责人…座谈会: bodies in a list of participants, not the organ
_NOT_ORGAN_BEFORE = re.compile(r"[各、和及与]")
_PEOPLE_OF = re.compile(r"(?:负责人|代表|成员|干部|人士|职工|青年|专家|企业家)")
# 各民主党派中央、全国工商联负责人…座谈会: bodies in a list of participants, not the organ
_NOT_ORGAN_BEFORE = re.compile(r"[各、和及与]")
_PEOPLE_OF = re.compile(r"(?:负责人|代表|成员|干部|人士|职工|青年|专家|企业家)")
_HELD = re.compile(r"^[^，。；]{0,12}?(?:召开|举行|开幕|闭幕|举办)")
_HELD_ON = re.compile(rf"{_TIME_OF_DAY}?\s*(?:在[^，。；]{{1,10}}?)?(?:隆重|胜利)?(?:召开|举行|开幕|闭幕|举办)")
_CONVENE = re.compile(rf"^{_FILL}(?:主持)?(?:召开|举行|举办)了?$")
# 由A、B和C共同主办: organizers of the meeting before 由, or of the one in focus
_HOSTED_BY = re.compile(r"由(?P<who>[^，。；由]{2,60}?)(?:共同|联合)?(?:主办|举办|召开|发起)")
# the subject of 由…主办 when it is the meeting in focus: 会议由…, 本次年会…，由…
_THIS_WORDS = "本此这该"
_THIS_MEETING = re.compile(rf"(?:本次|本届|此次|这次|该)?(?:{_GENERIC_MEETING}|论坛|年会|峰会|博览会)")
_HOSTS_OF = re.compile(r"^(?:共同|联合)?(?:主办|举办)的$")
_LEAD = re.compile(
    r"^(?:——|—|本报讯|据[^，。]{0,15}|[^，。]{0,12}(?:电|消息))?\s*"
    r"(?:（[^）]{0,20}）|\([^)]{0,20}\))?\s*[：:]?\s*(?:当地时间|北京时间|本月)?(?:在|于)?$"
)
_HELD_BEFORE = re.compile(r"(?:召开|举行|举办|主持召开|出席|参加)了?$|在$")
_HELD_AFTER = re.compile(r"(?:上|召开|举行|开幕|闭幕|胜利召开|在[^，。]{1,10}(?:召开|举行))")
_PROPOSE = re.compile(r"(?:鲜明|明确|首次|郑重|创造性地)?(?:提出|作出|确立|确定|部署)")
# what may stand before the subject in its clause (after ，；：): ——, 以 (以X为核心的Y), 在/于 a place
_SUBJECT_PREFIX = re.compile(r"^\s*(?:——|以|[^，。；]{0,6}?[在于])?$")
# 作出…的部署: what is between 作出 and the word that closes it
_DECIDED = re.compile(r"(?:部署|决策|决定|战略)")
# 部署 is a proposing verb before a campaign (部署开展…), a noun after 决策/工作/战略
_NOUN_BEFORE_DEPLOY = ("决策", "工作", "战略", "重要", "重大", "统一", "中央", "总体")
_DEPLOY_WHAT = re.compile(r"了?(?:开展|实施|推进|启动|推动)")
_PROPOSED_DE = ("提出的", "确立的", "作出的", "确定的")
# 在X组建之初, 在X成立时: an agent in a phrase of time before the verb is not its subject
_WHEN_TAIL = re.compile(r"[^，。；]{0,10}?(?:之初|之际|之时|时|期间|以来)")
# 党中央关于A、B等战略部署: A and B put forward by the one whose 部署 it is
_DECISION = re.compile(r"关于(?P<what>[^。；]{2,80}?)(?:等)?(?:的)?(?:重大)?(?:战略|决策)?部署")
# 以江泽民同志为主要代表的中国共产党人…形成了…: the proposer is the person named
_MAIN_REPRESENTATIVE = re.compile(r"(?:同志)?为(?:主要)?代表的中国共产党人")
_FORMED = re.compile(r"(?:形成|创立|提出)了?")
_ENDORSE = re.compile(
    r"(?:得到|受到|获得)(?P<who>[^，。；]{1,40}?)(?:批示)?(?:充分)?"
    r"(?:肯定|表扬|赞扬|称赞|点赞)"
)
_ENDORSE_ACTIVE = re.compile(r"^(?:同志)?(?:(?:作出|作)?批示)?(?:充分)?(?:肯定|表扬|赞扬)了?")
_TITLE_AT = re.compile(r"在(?P<m>.+?)上的(?:讲话|重要讲话|报告|工作报告|致辞|发言|总结讲话)")
_BYLINE = re.compile(r"^[（(]\s*(?P<d>[^（）()]{4,20}?)\s*[)）]$")
# ——2024年1月15日在XX市第十七届人民代表大会第三次会议上
_TITLE_AT_LINE = re.compile(r"^[—－-]*[^，。]{0,16}?在(?P<m>[^，。]+?)上$")
_CLAUSE_MARKS = "，；：,;:"


# ------------------------------------------------------------------ look-ups


class _Index:
    """Mentions by position, for “the mentions inside this span” look-ups."""

    def __init__(self, mentions: list[Mention]):
        self.mentions = sorted(mentions, key=lambda m: (m.start, -m.end))
        self.starts = [m.start for m in self.mentions]

    def within(self, lo: int, hi: int, *types: str) -> list[Mention]:
        i = bisect_left(self.starts, lo)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < hi:
            m = self.mentions[i]
            if m.end <= hi and (not types or m.type in types):
                out.append(m)
            i += 1
        return out


def _top(ms: list[Mention]) -> list[Mention]:
    """Mentions not nested in another of the list (a span equal to one's own does not count),
    in the list's order: one sweep over the spans sorted by (start, -end)."""
    order = sorted(range(len(ms)), key=lambda i: (ms[i].start, -ms[i].end))
    nested: set[int] = set()
    reach = -1  # the furthest end of the groups of equal spans seen before this one
    group_span, group_end = None, -1
    for i in order:
        span = (ms[i].start, ms[i].end)
        if span != group_span:
            reach = max(reach, group_end)
            group_span, group_end = span, span[1]
        if reach >= span[1]:
            nested.add(i)
    return [m for i, m in enumerate(ms) if i not in nested]


def _outermost(m: Mention, pool: list[Mention]) -> Mention:
    best = m
    for o in pool:
        if o.start <= best.start and best.end <= o.end and (o.end - o.start) > (best.end - best.start):
            best = o
    return best


# ------------------------------------------------------------------ the clause


@dataclass
class Focus:
    """What the text is about so far: the meeting last reported as held (`held`, named in
    sentence `since`), the meeting a news item is about (`item`, from its first lines) and the
    people (labels) who chaired, spoke at or attended the meeting in focus."""

    held: Mention | None = None
    since: int = -1
    item: Mention | None = None
    people: set[str] = field(default_factory=set)  # who chaired, spoke at or attended it


@dataclass
class Clause:
    """One sentence and what rules need to read it."""

    doc: Doc
    idx: _Index
    k: int
    sent: Sentence
    ms: list[Mention]
    focus: Focus = field(default_factory=Focus)

    @property
    def text(self) -> str:
        return self.doc.text

    def of(self, *types: str) -> list[Mention]:
        return [m for m in self.ms if m.type in types]

    @cached_property
    def meetings(self) -> list[Mention]:
        return self.of("Meeting")

    @cached_property
    def top(self) -> list[Mention]:
        return _top(self.ms)

    def about(self) -> Mention | None:
        """The meeting this sentence is likely about: the one reported as held in the last
        few sentences, else the one the news item is about."""
        f = self.focus
        if f.held is not None and self.k - f.since <= FOCUS_SPAN:
            return f.held
        return f.item

    @cached_property
    def _dates(self) -> tuple[list[int], list[Mention]]:
        dates = self.of("Date")  # in the order of `ms`: by start
        return [d.start for d in dates], dates

    def gap(self, lo: int, hi: int) -> str:
        """text[lo:hi] with the dates in it cut out (“\\0” when hi < lo)."""
        if hi < lo:
            return "\0"
        starts, dates = self._dates
        out, pos = [], lo
        for i in range(bisect_left(starts, lo), bisect_left(starts, hi)):
            d = dates[i]
            if d.end <= hi:
                out.append(self.text[pos : d.start])
                pos = d.end
        out.append(self.text[pos:hi])
        return "".join(out)

    def near(self, pos: int, pool: str = "meetings") -> list[Mention]:
        """The meetings (or top meetings: `pool` "tops") that start within REACH characters after
        `pos`: the verb phrases that join a person or body to a meeting are short."""
        return self.starting(pos, pos + REACH, pool)

    def starting(self, lo: int, hi: int, pool: str = "meetings") -> list[Mention]:
        """The meetings (or top meetings) that start in [lo, hi], by start."""
        starts, ms = self._by_start[pool]
        return ms[bisect_left(starts, lo) : bisect_left(starts, hi + 1)]

    @cached_property
    def _by_start(self) -> dict[str, tuple[list[int], list[Mention]]]:
        pools = (("meetings", self.meetings), ("tops", self.top_meetings))
        return {name: ([m.start for m in ms], ms) for name, ms in pools}

    @cached_property
    def top_meetings(self) -> list[Mention]:
        return _top(self.meetings)

    def window(self, pos: int) -> str:
        """The gap from `pos` to REACH characters on, at most to the sentence's end."""
        return self.gap(pos, min(self.sent.end, pos + REACH))

    def clause_start(self, pos: int) -> int:
        """Where the clause holding `pos` begins (after the last ，；： before it)."""
        return max([self.text.rfind(c, self.sent.start, pos) + 1 for c in _CLAUSE_MARKS] + [self.sent.start])

    def clause_end(self, pos: int) -> int:
        ends = [e for c in _CLAUSE_MARKS if (e := self.text.find(c, pos, self.sent.end)) >= 0]
        return min(ends, default=self.sent.end)


Rule = Callable[[Clause], Iterable[Found]]


# ------------------------------------------------------------------ dates


def date_first(c: Clause) -> Iterator[Found]:
    """A clause opening with a date (after a news lead) dates the meeting it reports held:
    “3月3日，刘强同志主持召开市委常委会会议”."""
    first = min(c.ms, key=lambda m: (m.start, -m.end))
    if first.type != "Date" or not _LEAD.match(c.text[c.sent.start : first.start]):
        return
    later = [m.start for m in c.ms if m.type == "Date" and m.start > first.start]
    stop = min(later, default=c.sent.end)
    for mt in (_outermost(m, c.meetings) for m in c.meetings if m.start < stop):
        if _held_here(c.text, mt, first):
            yield mt, DATE, first
            return


def _held_here(text: str, meeting: Mention, date: Mention) -> bool:
    """A date-first clause dates a meeting only when the clause is about its being held:
    召开/举行 … the meeting, the meeting 召开/开幕/上, or the meeting as the clause's subject."""
    before = text[max(date.end, meeting.start - 5) : meeting.start]
    if _HELD_BEFORE.search(before) or _HELD_AFTER.match(text, meeting.end):
        return True
    return re.fullmatch(r"[，,\s]*", text[date.end : meeting.start]) is not None


def date_hold(c: Clause) -> Iterator[Found]:
    """…DATE (上午)(在京) 主持召开/召开/举行/出席 MEETING: the date of the meeting held."""
    starts = {mt.start: mt for mt in c.meetings}
    for d in c.of("Date"):
        v = _DATE_THEN_HOLD.match(c.text, d.end)
        if v and v.end() in starts:
            yield _outermost(starts[v.end()], c.meetings), DATE, d


def dateline(c: Clause) -> Iterator[Found]:
    """A day heading a news sentence (11日，…) or right after its subject (X26日…), then
    主持召开/召开/出席 a meeting named by a common noun (座谈会, 会议): the meeting in focus."""
    about = c.about()
    if about is None:
        return
    subjects = {m.end for m in c.of("Person", "Body")}
    for d in c.of("Date"):
        if (d.value or "").count("-") != 2:
            continue
        if not (_LEAD.match(c.text[c.sent.start : d.start]) or d.start in subjects):
            continue
        if _DATE_THEN_GENERIC.match(c.text, d.end):
            yield about, DATE, d
            return


def held_on(c: Clause) -> Iterator[Found]:
    """MEETING (于) DATE (下午)(在北京) 召开/举行/开幕/闭幕: the date it was held on."""
    for mt in _top(c.meetings):
        pos = mt.end + (1 if c.text.startswith("于", mt.end) else 2 if c.text.startswith("已于", mt.end) else 0)
        for d in c.idx.within(pos, pos + 16, "Date"):
            if d.start == pos and _HELD_ON.match(c.text, d.end):
                yield mt, DATE, d
                break


# ------------------------------------------------------------------ chairs and speakers


def chair(c: Clause) -> Iterator[Found]:
    """PERSON (DATE)(在X) 主持召开 MEETING."""
    for p in c.of("Person"):
        for mt in c.near(p.end):
            if _CHAIR.match(c.gap(p.end, mt.start)):
                yield mt, CHAIR, p
                if _AND_SPEAK.match(c.text, mt.end):
                    yield mt, SPEAKER, p


def speaker(c: Clause) -> Iterator[Found]:
    """PERSON 在/出席 MEETING(、MEETING) 上发表讲话 / 并讲话 / 上的重要讲话 / 上指出."""
    text = c.text
    for p in c.of("Person"):
        run = [mt for mt in c.near(p.end, "tops") if _SPEAK_AT.match(c.gap(p.end, mt.start))][:1]
        if not run:
            continue
        while True:  # a list of meetings: 在A、B和C上的讲话 (a separator is at most 2 characters)
            end = run[-1].end
            nxt = [mt for mt in c.starting(end + 1, end + 2, "tops") if _LIST_SEP.match(text[end : mt.start])]
            if not nxt:
                break
            run.append(nxt[0])
        last = run[-1]
        after = text[last.end : last.end + 24]
        when = re.match(r"^[^，。；]{0,20}?时的(?:重要)?讲话", after)
        if _SPEAK_AFTER.match(after) or (when and len(run) == 1):
            for mt in run:
                yield mt, SPEAKER, p


def chair_here(c: Clause) -> Iterator[Found]:
    """PERSON 主持会议 / 主持闭幕会并讲话 / 主持召开座谈会 / 主持并讲话: the meeting in focus."""
    about = c.about()
    if about is None:
        return
    for p in c.of("Person"):
        v = _CHAIR_HERE.match(c.window(p.end))
        if v is None or _next_is_meeting(c, p):
            continue
        yield about, CHAIR, p
        if _THEN_SPEAK.match(c.window(p.end)[v.end() :]):
            yield about, SPEAKER, p


def _next_is_meeting(c: Clause, p: Mention) -> bool:
    """Whether a meeting name follows the person's verb (then `chair` has it)."""
    return any(mt.start > p.end and _CHAIR.match(c.gap(p.end, mt.start)) for mt in c.near(p.end))


def speaker_here(c: Clause) -> Iterator[Found]:
    """PERSON 出席会议并讲话 / 在会上讲话 / 在发言中 / 作报告: the meeting in focus."""
    about = c.about()
    if about is None:
        return
    for p in c.of("Person"):
        if _SPEAK_HERE.match(c.gap(p.end, min(c.sent.end, p.end + 30))):
            yield about, SPEAKER, p


def said(c: Clause) -> Iterator[Found]:
    """A person who chaired or attended the meeting in focus and, heading a sentence, 说/表示/指出…:
    they spoke at it (李克强主持召开座谈会。… 李克强说，…)."""
    about = c.about()
    if about is None or not c.focus.people:
        return
    heads = [m for m in c.top if m.type != "Date"]
    if (
        heads
        and heads[0].type == "Person"
        and heads[0].label in c.focus.people
        and _SUBJECT_PREFIX.match(c.gap(c.clause_start(heads[0].start), heads[0].start))
        and _SAYS.match(c.text, heads[0].end)
    ):
        yield about, SPEAKER, heads[0]


def chair_by(c: Clause) -> Iterator[Found]:
    """MEETING由PERSON主持 / 会议由PERSON主持 (then the meeting in focus)."""
    text = c.text
    for p in c.of("Person"):
        if not _CHAIR_BY_AFTER.match(text, p.end) or _CHAIR_BY_BEFORE.search(text, c.sent.start, p.start) is None:
            continue
        by = text.rfind("由", c.sent.start, p.start)
        named = [mt for mt in c.meetings if mt.end == by]
        if named:
            yield _outermost(named[0], c.ms), CHAIR, p
        elif c.about() is not None:
            yield c.about(), CHAIR, p


def speaker_list(c: Clause) -> Iterator[Found]:
    """A、B、C先后发言 / 发了言: every person of a list that ends at the verb, the meeting in focus.
    The list is a clause of persons (with their titles) joined by 、 和 及."""
    about = c.about()
    if about is None:
        return
    people = c.of("Person")
    for i, last in enumerate(people):
        if not _LIST_SPEAK.match(c.text, last.end):
            continue
        lo = c.clause_start(last.start)
        group = [p for p in people[: i + 1] if p.start >= lo]
        if all(_list_gap(c.text[a.end : b.start]) for a, b in zip(group, group[1:], strict=False)):
            for p in group:
                yield about, SPEAKER, p


def _list_gap(between: str) -> bool:
    """Text between two persons of a list: a separator then at most a title (…主席)."""
    return bool(re.match(r"^(?:同志)?(?:、|和|及|以及)[^，。；、]{0,16}$", between))


# ------------------------------------------------------------------ organizers


def named_after(c: Clause) -> Iterator[Found]:
    """The organ a meeting is named after: 国务院常务会议 → 国务院; of
    中国共产党第二十届中央委员会第一次全体会议 the innermost organ; of A暨B the one in A."""
    text = c.text
    for mt in c.meetings:
        ji = text.find("暨", mt.start, mt.end)
        first_part_end = ji if ji >= 0 else mt.end
        inside = [
            b
            for b in c.idx.within(mt.start, first_part_end, "Body")
            if b.start - mt.start <= 12
            and b.end < mt.end
            and not _DIGITS_BETWEEN.search(text, mt.start, b.start)
            and not _NOT_ORGAN_BEFORE.search(text, mt.start, b.start)
            and not _PEOPLE_OF.match(text, b.end)
        ]
        if inside:
            yield mt, ORGANIZER, max(inside, key=lambda b: (b.end, b.start))


def convene(c: Clause) -> Iterator[Found]:
    """BODY (DATE) 召开/举行/举办 MEETING."""
    for b in c.of("Body"):
        for mt in c.near(b.end):
            if _CONVENE.match(c.gap(b.end, mt.start)):
                yield mt, ORGANIZER, b


def hosted_by(c: Clause) -> Iterator[Found]:
    """由A、B和C共同主办/举办: organizers of the meeting named before 由 in the sentence, else of
    the meeting in focus; A和B联合主办的MEETING."""
    text = c.text
    for h in _HOSTED_BY.finditer(text, c.sent.start, c.sent.end):
        lo = c.clause_start(h.start())
        named = [mt for mt in c.starting(max(lo, h.start() - REACH), h.start(), "tops") if mt.end == h.start()]
        this = _THIS_MEETING.fullmatch(text[lo : h.start()]) or (
            lo == h.start() and _THIS_MEETING.match(text, c.sent.start) and text[c.sent.start] in _THIS_WORDS
        )
        target = named[0] if named else c.about() if this else None
        hosts = _top(c.idx.within(h.start("who"), h.end("who"), "Body"))
        if target is None or not hosts or not _only_list(text, h.start("who"), h.end("who"), hosts):
            continue
        for b in hosts:
            yield target, ORGANIZER, b
    bodies = _top(c.of("Body"))
    ends = [b.end for b in bodies]  # top spans neither nest nor cross: their ends rise with their starts
    for mt in c.meetings:
        window = range(bisect_left(ends, mt.start - REACH), bisect_right(ends, mt.start))
        last = [i for i in window if _HOSTS_OF.match(text[bodies[i].end : mt.start])]
        if not last:
            continue
        i = last[0]
        while i > 0 and _only_list(text, bodies[i - 1].end, bodies[i].start, []):
            i -= 1  # A、B和C联合主办的: back through the list
        for b in bodies[i : last[0] + 1]:
            yield mt, ORGANIZER, b


def _only_list(text: str, lo: int, hi: int, ms: list[Mention]) -> bool:
    """Whether text[lo:hi] is only the mentions `ms` joined by 、 和 及 与."""
    rest, pos = [], lo
    for m in ms:
        rest.append(text[pos : m.start])
        pos = m.end
    rest.append(text[pos:hi])
    return all(re.fullmatch(r"(?:、|和|及|与|以及|，)?", r) for r in rest)


# ------------------------------------------------------------------ proposals


def _first_verb(c: Clause, lo: int, hi: int) -> re.Match | None:
    """The first 提出/作出/确立… in text[lo:hi] that is not inside a quotation (把握“两个确立”)."""
    spans = quotes(c.text)
    v = _PROPOSE.search(c.text, lo, hi)
    while v and inside_quotes(spans, v.start()):
        v = _PROPOSE.search(c.text, v.end(), hi)
    return v


def propose(c: Clause) -> Iterator[Found]:
    """提出/确立/确定 + goals, concepts, campaigns of the verb's clause; 作出…的部署/决策 + those
    between 作出 and 部署. The proposer is the last agent before the verb in its clause, or, in a
    clause without one, the agent heading the sentence (提出A，作出B的部署). A verb before a
    quotation (提出，“…”) is `propose_quotation`'s."""
    head = _head(c)
    if head is None:
        return
    agents = [m for m in c.top if m.type in AGENTS]
    for v in _verbs(c, head.end):
        lo, hi = c.clause_start(v.start()), c.clause_end(v.end())
        own = [m for m in agents if lo <= m.start and m.end <= v.start() and not _when_of(c.text, m, v.start())]
        before = [m for m in agents if m.end <= v.start()]
        if own:
            subj = own[-1]
            if subj is not head and not _SUBJECT_PREFIX.match(c.gap(lo, own[0].start)):
                continue
        elif before and before[-1] is head and v.start() - head.end <= 40:
            subj = head
        else:
            continue
        if v.group(0).endswith("作出"):
            close = _DECIDED.search(c.text, v.end(), hi)
            if close is None:
                continue
            hi = close.start()
        for o in c.top:
            if o.type in OBJECT_TYPES and v.end() <= o.start and o.end <= hi:
                yield o, PROPOSED_BY, subj


def _when_of(text: str, m: Mention, verb: int) -> bool:
    """Whether `m` only says when the verb happened (习近平在亚投行组建之初提出…: not 亚投行)."""
    return text[m.start - 1 : m.start] == "在" and _WHEN_TAIL.fullmatch(text, m.end, verb) is not None


def _verbs(c: Clause, lo: int) -> Iterator[re.Match]:
    """提出/作出/确立… after `lo`, not in a quotation (把握“两个确立”), not a noun (决策部署),
    not before 的 (X提出的Y is `proposed_de`'s) and not before a quotation."""
    spans = quotes(c.text)
    for v in _PROPOSE.finditer(c.text, lo, c.sent.end):
        after = c.text[v.end() : v.end() + 2]
        if inside_quotes(spans, v.start()) or after[:1] == "的" or after in ("，“", "：“", ":“"):
            continue
        if v.group(0).endswith("部署") and (
            c.text[v.start() - 2 : v.start()] in _NOUN_BEFORE_DEPLOY or not _DEPLOY_WHAT.match(c.text, v.end())
        ):
            continue
        yield v


def _head(c: Clause) -> Mention | None:
    """The agent heading the sentence (within 12 characters of its start); of 以X为核心的Y, Y."""
    heads = [m for m in c.top if m.type != "Date"]
    if not heads or heads[0].type not in AGENTS or heads[0].start - c.sent.start > 12:
        return None
    subj = heads[0]
    if not _SUBJECT_PREFIX.match(c.gap(c.clause_start(subj.start), subj.start)):
        return None  # 贯彻党中央部署: an object, not the subject
    core = re.match(r"^(?:同志)?为核心的", c.text[subj.end : subj.end + 8])
    if core:
        nxt = [m for m in heads[1:] if m.start == subj.end + core.end() and m.type in ("Body",)]
        return nxt[0] if nxt else None
    return subj


def propose_quotation(c: Clause) -> Iterator[Found]:
    """X提出，“…”。 — the formula heading the next sentence is X's (“十个坚持”是…)."""
    subj = _head(c)
    if subj is None:
        return
    v = _first_verb(c, subj.end, c.sent.end)
    if v is None or v.start() - subj.end > 24 or c.text[v.end() : v.end() + 2] not in ("，“", "：“", ":“"):
        return
    sents = c.doc.sentences
    if c.k + 1 < len(sents):
        nxt = sents[c.k + 1]
        for o in c.idx.within(nxt.start, nxt.start + 12, *OBJECT_TYPES):
            if o.start == nxt.start:
                yield o, PROPOSED_BY, subj


def proposed_de(c: Clause) -> Iterator[Found]:
    """X提出的Y / X确立的Y."""
    starts = {o.start: o for o in c.of(*OBJECT_TYPES)}
    for m in c.of(*AGENTS):
        if c.text[m.end : m.end + 3] in _PROPOSED_DE and m.end + 3 in starts:
            yield starts[m.end + 3], PROPOSED_BY, m


def decision(c: Clause) -> Iterator[Found]:
    """X关于A、B等(战略|决策)部署: A and B are X's (X a body, meeting or person just before 关于)."""
    for d in _DECISION.finditer(c.text, c.sent.start, c.sent.end):
        agents = [m for m in c.top if m.type in AGENTS and m.end == d.start()]
        if not agents:
            continue
        for o in _top(c.idx.within(d.start("what"), d.end("what"), *OBJECT_TYPES)):
            yield o, PROPOSED_BY, agents[0]


def main_representative(c: Clause) -> Iterator[Found]:
    """以X同志为主要代表的中国共产党人…形成了/创立了Y: Y is X's."""
    text = c.text
    for p in c.of("Person"):
        r = _MAIN_REPRESENTATIVE.match(text, p.end)
        if r is None or not text.startswith("以", p.start - 1):
            continue
        for v in _FORMED.finditer(text, r.end(), c.sent.end):
            for o in c.top:  # the name right after the verb: 形成了“三个代表”重要思想
                if o.type in ("Concept", "Goal") and o.start == v.end():
                    yield o, PROPOSED_BY, p


# ------------------------------------------------------------------ endorsements, leads, members


def endorsed_passive(c: Clause) -> Iterator[Found]:
    """…等工作得到A、B批示肯定; 开展A行动，实施B，得到C充分肯定 (the work is before 得到)."""
    text, sent = c.text, c.sent
    for e in _ENDORSE.finditer(text, sent.start, sent.end):
        who = c.idx.within(e.start("who"), e.end("who"), "Body", "Person")
        start = c.clause_start(e.start())
        what = c.idx.within(start, e.start(), "Campaign")
        if not what and not text[start : e.start()].strip("，；： "):
            what = c.idx.within(sent.start, e.start(), "Campaign")
        for w in _top(what):
            for b in _top(who):
                yield w, ENDORSED_BY, b


def endorsed_active(c: Clause) -> Iterator[Found]:
    """A (作出批示)充分肯定 CAMPAIGN."""
    for m in c.of("Body", "Person"):
        v = _ENDORSE_ACTIVE.match(c.text[m.end : m.end + 12])
        if v:
            for o in c.of("Campaign"):
                if 0 <= o.start - (m.end + v.end()) <= 2:
                    yield o, ENDORSED_BY, m


def lead(c: Clause) -> Iterator[Found]:
    """A牵头开展 CAMPAIGN: the first campaign after 牵头."""
    for m in c.of("Body"):
        if c.text[m.end : m.end + 2] == "牵头":
            after = [o for o in c.of("Campaign") if o.start > m.end]
            if after:
                yield after[0], LED_BY, m


def formula_member(c: Clause) -> Iterator[Found]:
    """The members a numbered formula lists (“四个自信”（道路自信、…））."""
    for m in c.ms:
        if m.member_of is not None:
            whole = [f for f in c.idx.within(m.member_of, m.start) if f.start == m.member_of]
            if whole:
                yield whole[0], MEMBER, m


#: rule name → rule, in the order they run; a relation found twice keeps the first rule's name
RULES: dict[str, Rule] = {
    "named-after": named_after,
    "date-first": date_first,
    "date-hold": date_hold,
    "held-on": held_on,
    "dateline": dateline,
    "chair": chair,
    "speaker": speaker,
    "chair-here": chair_here,
    "speaker-here": speaker_here,
    "chair-by": chair_by,
    "said": said,
    "speaker-list": speaker_list,
    CONVENE: convene,
    "hosted-by": hosted_by,
    "formula-member": formula_member,
    "propose": propose,
    "propose-quotation": propose_quotation,
    "proposed-de": proposed_de,
    "decision": decision,
    "main-representative": main_representative,
    "endorsed-passive": endorsed_passive,
    "endorsed-active": endorsed_active,
    "lead": lead,
}


# ------------------------------------------------------------------ document head


def title_byline(doc: Doc, idx: _Index) -> Iterator[tuple[Mention, str, Mention, int]]:
    """The head of a speech: 在XX会议上的讲话 followed by a line （2022年1月20日） dates the
    meeting; a line of its own with only a name (市长 刘建国) under a 在XX会议上 line is its speaker."""
    head = doc.sentences[:5]
    for k, sent in enumerate(head):
        t = _TITLE_AT.search(sent.text) or _TITLE_AT_LINE.match(sent.text)
        if not t:
            continue
        meetings = idx.within(sent.start + t.start("m"), sent.start + t.end("m"), "Meeting")
        if not meetings:
            continue
        meeting = _outermost(meetings[0], meetings)
        for nxt in head[k + 1 : k + 3]:
            dates = idx.within(nxt.start, nxt.end, "Date")
            if _BYLINE.match(nxt.text) and dates:
                yield meeting, DATE, dates[0], sent.index
            people = idx.within(nxt.start, nxt.end, "Person")
            if len(people) == 1 and people[0].end == nxt.end and nxt.end - nxt.start <= 12:
                yield meeting, SPEAKER, people[0], nxt.index
        return


DocRule = Callable[[Doc, _Index], Iterable[tuple[Mention, str, Mention, int]]]
DOC_RULES: dict[str, DocRule] = {"title-byline": title_byline}


# ------------------------------------------------------------------ focus


def _held_meetings(c: Clause) -> list[Mention]:
    """The meetings this sentence reports as held (召开/举行… it, it 召开/开幕…)."""
    text = c.text
    out = []
    for mt in _top(c.meetings):
        before = text[max(c.sent.start, mt.start - 3) : mt.start]
        if _TO_BE_HELD.search(c.gap(max(c.sent.start, mt.start - 16), mt.start)):
            continue
        if _HELD.match(text[mt.end : mt.end + 10]) or re.search(r"(?:召开|举行)了?$", before):
            out.append(mt)
    return out


#: the first lines of a news item (headline and lead sentence) that name the meeting it is about
_ITEM_LINES = 2
# a meeting still to come is not the one reported: 决定今年10月在北京召开…, 将于…举行
_TO_BE_HELD = re.compile(r"(?:决定|将|拟|即将|定于|筹备|准备)[^，。；]{0,12}?(?:召开|举行)$")
_ITEM_BEFORE = re.compile(r"(?:主持召开|召开|举行|出席|主持|参加)了?$")


def _item_meeting(c: Clause) -> Mention | None:
    """The meeting a headline or lead sentence is about: one held, chaired or attended there."""
    held = _held_meetings(c)
    if held:
        return held[0]
    for mt in _top(c.meetings):
        if _TO_BE_HELD.search(c.gap(max(c.sent.start, mt.start - 16), mt.start)):
            continue
        if _ITEM_BEFORE.search(c.gap(max(c.sent.start, mt.start - 16), mt.start)):
            return mt
    return None


def _refocus(c: Clause, found: list[Relation]) -> None:
    """After a sentence: the meeting it reports held becomes the focus; who chaired, spoke at or
    attended the meeting in focus is remembered."""
    f = c.focus
    held = _held_meetings(c)
    if held and (f.held is None or held[-1].label != f.held.label):
        f.people = set()
    if held:
        f.held, f.since = held[-1], c.k
    about = c.about()
    if about is None:
        return
    for r in reversed(found):
        if r.sentence != c.sent.index:
            break
        if r.predicate in (CHAIR, SPEAKER) and r.subject.label == about.label:
            f.people.add(r.object.label)
    for p in c.of("Person"):
        if _ATTENDS.match(c.window(p.end)):
            f.people.add(p.label)


def relations(
    doc: Doc, rules: dict[str, Rule] | None = None, doc_rules: dict[str, DocRule] | None = None
) -> list[Relation]:
    """Every relation the rules find (default: `RULES`, `DOC_RULES`), sentence by sentence, each once."""
    rules = RULES if rules is None else rules
    doc_rules = DOC_RULES if doc_rules is None else doc_rules
    idx = _Index(doc.mentions)
    out: list[Relation] = []
    seen: set[tuple] = set()

    def add(s: Mention, p: str, o: Mention, sentence: int, rule: str) -> None:
        key = (s.start, s.end, p, o.start, o.end)
        if key not in seen and s is not o:
            seen.add(key)
            out.append(Relation(s, p, o, sentence, rule))

    focus = Focus()
    for k, sent in enumerate(doc.sentences):
        ms = idx.within(sent.start, sent.end)
        if not ms:
            continue
        c = Clause(doc, idx, k, sent, ms, focus)
        if focus.item is None and k < _ITEM_LINES:
            focus.item = _item_meeting(c)
        for name, rule in rules.items():
            for s, p, o in rule(c):
                add(s, p, o, sent.index, name)
        _refocus(c, out)
    for name, doc_rule in doc_rules.items():
        for s, p, o, sentence in doc_rule(doc, idx):
            add(s, p, o, sentence, name)
    for r in list(out):
        whole = _whole(r.subject, idx) if r.predicate in _LIFTED else None
        if whole is not None:
            add(whole, r.predicate, r.object, r.sentence, WHOLE)
    return out


def _whole(part: Mention, idx: _Index) -> Mention | None:
    """The meeting a part of a meeting is named after (…年会 of …年会开幕式), if found."""
    if part.rule != mention_rules.MEETING_PART:
        return None
    inside = [m for m in idx.within(part.start, part.end, "Meeting") if m.start == part.start and m.end < part.end]
    return max(inside, key=lambda m: m.end, default=None)
