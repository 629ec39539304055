"""Rules whose subject is a meeting: when it was held (dates), who chaired and spoke at it
(chairs and speakers), which organs held it (organizers), and what a speech's head says of it."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from speechkg.graph.extract import rules as mention_rules
from speechkg.graph.extract.relations.frame import (
    CHAIR,
    DATE,
    ORGANIZER,
    REACH,
    SPEAKER,
    Clause,
    Found,
    Index,
    outermost,
    top_level,
)
from speechkg.graph.extract.relations.patterns import (
    FILL,
    GENERIC_MEETING,
    PERSON_FILL,
    SPEECH,
    SUBJECT_PREFIX,
    TIME_OF_DAY,
)
from speechkg.graph.extract.tables import verbs
from speechkg.graph.model import Doc, Mention

_AND_SPEAK = re.compile(rf"(?:开幕式|闭幕式|开幕会|闭幕会)?(?:上)?并{SPEECH}")
# 主持召开X座谈会上指出 / 时强调: the chair spoke at it
_CHAIR_SPOKE = re.compile(rf"(?:上|时)[，,]?(?:{SPEECH}|指出|强调|表示)")

_CHAIR = re.compile(rf"^{PERSON_FILL}(?:{verbs('chair')})了?$")
_SPEAK_AT = re.compile(rf"^{PERSON_FILL}(?:在|出席)$")
_SPEAK_AFTER = re.compile(
    rf"^(?:等(?:重要)?会议)?(?:开幕式|闭幕式|开幕会|闭幕会)?"
    rf"(?:上(?:的)?[，,]?(?:{SPEECH}|指出|强调|表示|宣布)|并{SPEECH})"
)
_LIST_SEP = re.compile(r"^(?:、|和|及|以及|，)$")
# …主持会议 / 主持并讲话 / 主持召开座谈会 / 出席会议并讲话 / 在会上(开幕式上)讲话 / 在发言中: the meeting in focus
_CHAIR_HERE = re.compile(rf"^{PERSON_FILL}主持(?:召开了?)?(?:{GENERIC_MEETING}(?=[，。；并\s]|$)|(?=并))")
_SPEAK_HERE = re.compile(
    rf"^{PERSON_FILL}(?:出席(?:{GENERIC_MEETING})?并{SPEECH}|在(?:{GENERIC_MEETING})上"
    rf"(?:{SPEECH}|指出|强调|表示)|在(?:会上的|会议上的)?(?:讲话|发言|致辞)中"
    r"|作了?[^，。；的将]{0,12}?报告"
    # 代表国务院向大会作政府工作报告 / 代表常委会向大会报告工作
    r"|代表(?!大会)[^，。；]{2,30}?向(?:大会|会议|全会)(?:作了?[^，。；的]{0,12}?(?:报告|说明)|报告工作))"
)
_THEN_SPEAK = re.compile(rf"^[^，。；]{{0,16}}?并{SPEECH}")
# A、B、C先后发言 / A、B等6位委员先后发言: each person of a list that ends at the verb
_LIST_SPEAK = re.compile(
    r"(?:同志)?(?:等(?:(?:[0-9０-９]+|[一二三四五六七八九十]+)(?:人|位|名)[^，。；、]{0,8}?)?)?(?:先后|分别|相继|也|还)?"
    r"(?:发言|发了言|讲话|致辞|作了?(?:交流)?发言)(?![精要])"
)
_SAYS = re.compile(r"(?:同志)?(?:在[^，。；]{0,10}?)?(?:说|表示|指出|强调|认为)[，：:]")
# 会议由省妇联党组书记陈静主持: the chair named after 由, the meeting before it
_CHAIR_BY_BEFORE = re.compile(r"(?:会议|大会|会)由[^，。；由]{0,20}$")
_CHAIR_BY_AFTER = re.compile(r"(?:同志)?主持(?![召了会大])")
_DATE_THEN_HOLD = re.compile(rf"{FILL}(?:{verbs('chair', 'hold', 'attend')})了?")
_DATE_THEN_GENERIC = re.compile(
    rf"[，,]?[^，。；]{{0,40}}?{FILL}(?:{verbs('chair', 'hold', 'attend')})了?"
    rf"{GENERIC_MEETING}(?=[，。；并\s]|$)"
)
# an organ named after a session number (…第三十二次会议) is not the organ of the meeting
_DIGITS_BETWEEN = re.compile(r"第[〇一二三四五六七八九十百\d]+次")
# 各民主党派中央、全国工商联负责人…座谈会, 中国—东盟博览会: bodies in a list of participants or the
# partner of a joint name, not the organ
_NOT_ORGAN_BEFORE = re.compile(r"[各、和及与—－-]")
_PEOPLE_OF = re.compile(r"(?:负责人|代表|成员|干部|人士|职工|青年|专家|企业家)")
_HELD_ON = re.compile(rf"{TIME_OF_DAY}?\s*(?:在[^，。；]{{1,10}}?)?(?:隆重|胜利)?(?:{verbs('hold', 'open', 'host')})")
_CONVENE = re.compile(rf"^{FILL}(?:主持)?(?:{verbs('hold', 'host')})了?$")
# 由A、B和C共同主办: organizers of the meeting before 由, or of the one in focus
_HOSTED_BY = re.compile(r"由(?P<who>[^，。；由]{2,60}?)(?:共同|联合)?(?:主办|举办|召开|发起)")
# the subject of 由…主办 when it is the meeting in focus: 会议由…, 本次年会…，由…
_THIS_WORDS = "本此这该"
_THIS_MEETING = re.compile(rf"(?:本次|本届|此次|这次|该)?(?:{GENERIC_MEETING}|论坛|年会|峰会|博览会)")
_HOSTS_OF = re.compile(r"^(?:共同|联合)?(?:主办|举办)的$")
_LEAD = re.compile(
    r"^(?:——|—|本报讯|据[^，。]{0,15}|[^，。]{0,12}(?:电|消息))?\s*"
    r"(?:（[^）]{0,20}）|\([^)]{0,20}\))?\s*[：:]?\s*(?:当地时间|北京时间|本月)?(?:在|于)?$"
)
_HELD_BEFORE = re.compile(rf"(?:{verbs('hold', 'host', 'attend', 'join')})了?$|在$")
_HELD_AFTER = re.compile(rf"(?:上|{verbs('hold', 'open')}|胜利召开|在[^，。]{{1,10}}(?:{verbs('hold')}))")
_TITLE_AT = re.compile(r"在(?P<m>.+?)上的(?:讲话|重要讲话|报告|工作报告|致辞|发言|总结讲话)")
_BYLINE = re.compile(r"^[（(]\s*(?P<d>[^（）()]{4,20}?)\s*[)）]$")
# ——2024年1月15日在XX市第十七届人民代表大会第三次会议上
_TITLE_AT_LINE = re.compile(r"^[—－-]*[^，。]{0,16}?在(?P<m>[^，。]+?)上$")


# ------------------------------------------------------------------ dates


def date_first(c: Clause) -> Iterator[Found]:
    """A clause opening with a date (after a news lead) dates the meeting it reports held:
    “3月3日，刘强同志主持召开市委常委会会议”."""
    first = min(c.ms, key=lambda m: (m.start, -m.end))
    if first.type != "Date" or not _LEAD.match(c.text[c.sent.start : first.start]):
        return
    later = [m.start for m in c.ms if m.type == "Date" and m.start > first.start]
    stop = min(later, default=c.sent.end)
    for mt in (outermost(m, c.meetings) for m in c.meetings if m.start < stop):
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
            yield outermost(starts[v.end()], c.meetings), DATE, d


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
    for mt in top_level(c.meetings):
        pos = mt.end + (1 if c.text.startswith("于", mt.end) else 2 if c.text.startswith("已于", mt.end) else 0)
        for d in c.idx.within(pos, pos + 16, "Date"):
            if d.start == pos and _HELD_ON.match(c.text, d.end):
                yield mt, DATE, d
                break


# ------------------------------------------------------------------ chairs and speakers


def chair(c: Clause) -> Iterator[Found]:
    """PERSON (DATE)(在X) 主持召开 MEETING; who chairs it and then 讲话 / 上指出 / 时强调 spoke at it."""
    for p in c.of("Person"):
        for mt in c.near(p.end):
            if _CHAIR.match(c.gap(p.end, mt.start)):
                yield mt, CHAIR, p
                if _AND_SPEAK.match(c.text, mt.end) or _CHAIR_SPOKE.match(c.text, mt.end):
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
    """PERSON 出席会议并讲话 / 在会上讲话 / 在发言中 / 作(政府工作)报告 / 代表X向大会作报告: the
    meeting in focus."""
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
        and SUBJECT_PREFIX.match(c.gap(c.clause_start(heads[0].start), heads[0].start))
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
            yield outermost(named[0], c.ms), CHAIR, p
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


def talk(c: Clause) -> Iterator[Found]:
    """A talk (张三会见A国总统B, 张三同B举行会谈): its host and its counterpart spoke at it, and the day
    the sentence gives (a news lead's date or one after the host) is its date."""
    for mt in c.meetings:
        if not (mt.key or "").startswith(mention_rules.TALK_KEY):
            continue
        lo = c.clause_start(mt.start)
        hosts = [p for p in c.of("Person") if lo <= p.start and p.end <= mt.start]
        inside = [p for p in c.of("Person") if mt.start <= p.start and p.end <= mt.end]
        if not hosts:
            continue
        host = hosts[-1]
        yield mt, SPEAKER, host
        if inside:
            yield mt, SPEAKER, inside[-1]
        days = [
            d
            for d in c.of("Date")
            if (d.value or "").count("-") == 2
            and d.end <= mt.start
            and (d.start >= host.end or _LEAD.match(c.text[c.sent.start : d.start]))
        ]
        if days:
            yield mt, DATE, days[-1]


# ------------------------------------------------------------------ organizers


def named_after(c: Clause) -> Iterator[Found]:
    """The organ a meeting is named after: 国务院常务会议 → 国务院; of
    中国共产党第二十届中央委员会第一次全体会议 the innermost organ; of A暨B the one in A."""
    text = c.text
    for mt in c.meetings:
        if (mt.key or "").startswith(mention_rules.TALK_KEY):
            continue  # 会见A国总统B: the country holds no talk
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
    yield from _hosted_by_named(c)
    yield from _hosts_before(c)


def _hosted_by_named(c: Clause) -> Iterator[Found]:
    """由A、B和C共同主办: every body of the list, if the list is only bodies, organizes the meeting
    named right before 由, or the meeting in focus when 由 follows words for it (本次年会…，由…)."""
    for h in _HOSTED_BY.finditer(c.text, c.sent.start, c.sent.end):
        target = _hosted_target(c, h.start())
        hosts = top_level(c.idx.within(h.start("who"), h.end("who"), "Body"))
        if target is None or not hosts or not _only_list(c.text, h.start("who"), h.end("who"), hosts):
            continue
        for b in hosts:
            yield target, ORGANIZER, b


def _hosted_target(c: Clause, by: int) -> Mention | None:
    """The meeting a 由 at `by` is said of: one named right before it in its clause, else the
    meeting in focus if the clause before 由 is only words for it (会议, 本次年会) or, with 由
    opening a clause, if the sentence opens with such words (本次年会…，由…)."""
    text = c.text
    lo = c.clause_start(by)
    named = [mt for mt in c.starting(max(lo, by - REACH), by, "tops") if mt.end == by]
    if named:
        return named[0]
    this = _THIS_MEETING.fullmatch(text[lo:by]) or (
        lo == by and _THIS_MEETING.match(text, c.sent.start) and text[c.sent.start] in _THIS_WORDS
    )
    return c.about() if this else None


def _hosts_before(c: Clause) -> Iterator[Found]:
    """A、B和C联合主办的MEETING: the bodies of the list right before 主办的 organize the meeting."""
    text = c.text
    bodies = top_level(c.of("Body"))
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


# ------------------------------------------------------------------ document head


def title_byline(doc: Doc, idx: Index) -> Iterator[tuple[Mention, str, Mention, int]]:
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
        meeting = outermost(meetings[0], meetings)
        for nxt in head[k + 1 : k + 3]:
            dates = idx.within(nxt.start, nxt.end, "Date")
            if _BYLINE.match(nxt.text) and dates:
                yield meeting, DATE, dates[0], sent.index
            people = idx.within(nxt.start, nxt.end, "Person")
            if len(people) == 1 and people[0].end == nxt.end and nxt.end - nxt.start <= 12:
                yield meeting, SPEAKER, people[0], nxt.index
        return
