"""Relations between mentions, found clause by clause.

- date-first clauses: “1月21日，王沪宁同志主持召开中央书记处办公会议” → the meeting's date;
- chairs (主持), speakers (在…上发表讲话 / 作报告 / 出席…并讲话);
- organizers: the organ a meeting is named after, or that 召开/举行 it;
- proposals: 提出/作出/确立 after a meeting, body or person at the head of a sentence,
  or “X提出的Y”; a 提出， followed by a quotation names its formula in the next sentence;
- endorsements: …等工作得到A、B批示肯定 / A充分肯定…;
- leading bodies: A牵头…行动; members of a numbered formula the text lists.
"""
from __future__ import annotations

import re
from bisect import bisect_left

from ..model import Doc, Mention, Relation, Sentence
from .common import inside_quotes, quotes

_CHAIR = re.compile(r"^(?:同志)?(?:主持召开了?|主持了?)$")
_SPEAK_AFTER = re.compile(r"^上?[，,]?(?:发表(?:了)?(?:重要)?讲话|讲话|作(?:了)?[^，。]{0,12}报告|致辞)")
_LEAD = re.compile(r"^(?:——|—|本报讯|据[^，。]{0,15}|[^，。]{0,12}电)?\s*(?:（[^）]{0,20}）|\([^)]{0,20}\))?"
                   r"\s*(?:在|于)?$")
_SPEAK_HERE = re.compile(r"^(?:同志)?(?:出席(?:会议|大会)?并(?:发表)?(?:重要)?讲话"
                         r"|在会上(?:发表)?(?:重要)?讲话|作(?:了)?(?:工作|主题|专题)?报告)")
_CHAIR_HERE = re.compile(r"^(?:同志)?主持(?:会议|大会)")
# 会议由省妇联党组书记陈静主持: the chair named after 由, the meeting before it
_CHAIR_BY_BEFORE = re.compile(r"(?:会议|大会|会)由[^，。；由]{0,20}$")
_CHAIR_BY_AFTER = re.compile(r"(?:同志)?主持(?![召了会大])")
_DATE_THEN_HOLD = re.compile(r"(?:在[^，。；]{1,8}?)?(?:主持召开|召开|举行|主持|出席)了?")
# an organ named after a session number (…第三十二次会议) is not the organ of the meeting
_DIGITS_BETWEEN = re.compile(r"第[〇一二三四五六七八九十百\d]+次")
_HELD = re.compile(r"^[^，。；]{0,8}?(?:召开|举行|开幕|闭幕|举办)")
_CONVENE = re.compile(r"^(?:主持)?(?:召开|举行|举办)了?$")
_PROPOSE = re.compile(r"(?:鲜明|明确|首次|郑重|创造性地)?(?:提出|作出|确立|部署)")
_ENDORSE = re.compile(r"(?:得到|受到|获得)(?P<who>[^，。；]{1,40}?)(?:批示)?(?:充分)?"
                      r"(?:肯定|表扬|赞扬|称赞|点赞)")
_ENDORSE_ACTIVE = re.compile(r"^(?:同志)?(?:(?:作出|作)?批示)?(?:充分)?(?:肯定|表扬|赞扬)了?")


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
    """Mentions not nested in another of the list."""
    return [m for m in ms if not any(o is not m and o.start <= m.start and m.end <= o.end
                                     and (o.start, o.end) != (m.start, m.end) for o in ms)]


def relations(doc: Doc) -> list[Relation]:
    idx = _Index(doc.mentions)
    text = doc.text
    out: list[Relation] = []
    seen: set[tuple] = set()

    def add(s: Mention, p: str, o: Mention, sent: Sentence, rule: str) -> None:
        key = (s.start, s.end, p, o.start, o.end)
        if key not in seen and s is not o:
            seen.add(key)
            out.append(Relation(s, p, o, sent.index, rule))

    current: tuple[Mention, int] | None = None  # the meeting the text is reporting on
    for k, sent in enumerate(doc.sentences):
        ms = idx.within(sent.start, sent.end)
        if not ms:
            continue
        if current is not None and k - current[1] <= 6:
            for m in ms:
                if m.type == "Person":
                    after = text[m.end:m.end + 16]
                    if _SPEAK_HERE.match(after):
                        add(current[0], "speaker", m, sent, "speaker-here")
                    elif _CHAIR_HERE.match(after):
                        add(current[0], "chair", m, sent, "chair-here")
        for m in ms:
            if m.type == "Person" and _CHAIR_BY_AFTER.match(text, m.end):
                if _CHAIR_BY_BEFORE.search(text, sent.start, m.start) is None:
                    continue
                by = text.rfind("由", sent.start, m.start)
                named = [mt for mt in ms if mt.type == "Meeting" and mt.end == by]
                if named:
                    add(_outermost(named[0], ms), "chair", m, sent, "chair-by")
                elif current is not None and k - current[1] <= 6:
                    add(current[0], "chair", m, sent, "chair-by")
        meetings = [m for m in ms if m.type == "Meeting"]
        # organizer: the organ a meeting is named after
        for mt in meetings:
            # the organ a meeting is named after; of 中国共产党第二十届中央委员会第一次全体会议
            # that is the innermost organ (中央委员会), of A暨B the one in A
            ji = text.find("暨", mt.start, mt.end)
            first_part_end = ji if ji >= 0 else mt.end
            inside = [b for b in idx.within(mt.start, first_part_end, "Body")
                      if b.start - mt.start <= 12 and b.end < mt.end
                      and not _DIGITS_BETWEEN.search(text, mt.start, b.start)]
            if inside:
                add(mt, "organizer", max(inside, key=lambda b: (b.end, b.start)), sent, "named-after")
        # date-first clause (after a news lead such as 本报讯（记者 …）or ——)
        first_m = min(ms, key=lambda m: (m.start, -m.end))
        dates = [first_m] if first_m.type == "Date" and _LEAD.match(text[sent.start:first_m.start]) \
            else []
        if dates:
            d = dates[0]
            later_dates = [m.start for m in ms if m.type == "Date" and m.start > d.start]
            stop = min(later_dates) if later_dates else sent.end
            cands = [_outermost(m, meetings) for m in meetings if m.start < stop]
            cands = [m for m in cands if _held_here(text, m, d)]
            if cands:
                add(cands[0], "date", d, sent, "date-first")
        # …DATE(在X)主持召开/召开/举行 MEETING: the date of the meeting held
        for d in (m for m in ms if m.type == "Date"):
            v = _DATE_THEN_HOLD.match(text, d.end)
            if v:
                for mt in meetings:
                    if mt.start == v.end():
                        add(_outermost(mt, meetings), "date", d, sent, "date-hold")
                        break
        # MEETING于DATE(在…)召开/举行
        for mt in meetings:
            after = text[mt.end:mt.end + 2]
            if after[:1] == "于" or after == "已于":
                for d in idx.within(mt.end, mt.end + 16, "Date"):
                    if d.start - mt.end <= 2 and _HELD.search(text[d.end:d.end + 12]):
                        add(_outermost(mt, meetings), "date", d, sent, "held-on")
                        break
        for m in ms:
            if m.type == "Person":
                for mt in meetings:
                    gap = _GAP_FILLER.sub("", _without_dates(text, ms, m.end, mt.start))
                    if mt.start >= m.end and _CHAIR.match(gap):
                        add(mt, "chair", m, sent, "chair")
                    if mt.start >= m.end and re.match(r"^(?:同志)?(?:在|出席)$", gap) and \
                            (_SPEAK_AFTER.match(text[mt.end:mt.end + 16])
                             or text[mt.end:mt.end + 3] == "并讲话"):
                        add(mt, "speaker", m, sent, "speaker")
            if m.type == "Body":
                for mt in meetings:
                    if mt.start >= m.end and _CONVENE.match(text[m.end:mt.start]):
                        add(mt, "organizer", m, sent, "convene")
        for mt in _top([m for m in ms if m.type == "Meeting"]):
            before = text[max(sent.start, mt.start - 3):mt.start]
            if _HELD.match(text[mt.end:mt.end + 10]) or re.search(r"(?:召开|举行)了?$", before):
                current = (mt, k)
        for m in ms:
            of = m.member_of
            if of is not None:
                whole = [f for f in idx.within(of, m.start) if f.start == of]
                if whole:
                    add(whole[0], "member", m, sent, "formula-member")
        _proposals(doc, idx, sent, ms, add, k)
        _endorsements(doc, idx, sent, ms, add)
        _leads(doc, sent, ms, add)
    _title_byline(doc, idx, add)
    return out


_HELD_BEFORE = re.compile(r"(?:召开|举行|举办|主持召开|出席|参加)了?$|在$")
_HELD_AFTER = re.compile(r"(?:上|召开|举行|开幕|闭幕|胜利召开|在[^，。]{1,10}(?:召开|举行))")


def _held_here(text: str, meeting: Mention, date: Mention) -> bool:
    """A date-first clause dates a meeting only when the clause is about its being held:
    召开/举行 … the meeting, the meeting 召开/开幕/上, or the meeting as the clause's subject."""
    before = text[max(date.end, meeting.start - 5):meeting.start]
    if _HELD_BEFORE.search(before) or _HELD_AFTER.match(text, meeting.end):
        return True
    return re.fullmatch(r"[，,\s]*", text[date.end:meeting.start]) is not None


# 于9月1日 / 在北京 between a person and 主持召开: not part of the pattern
_GAP_FILLER = re.compile(r"^(?:同志)?(?:于|在[^，。；]{1,8}?(?=主持|出席|召开))+")


def _without_dates(text: str, ms: list[Mention], lo: int, hi: int) -> str:
    """text[lo:hi] with the dates in it cut out."""
    if hi <= lo:
        return text[lo:hi] if hi == lo else "\0"
    out, pos = [], lo
    for d in ms:
        if d.type == "Date" and lo <= d.start and d.end <= hi:
            out.append(text[pos:d.start])
            pos = d.end
    out.append(text[pos:hi])
    return "".join(out)


def _outermost(m: Mention, pool: list[Mention]) -> Mention:
    best = m
    for o in pool:
        if o.start <= best.start and best.end <= o.end and (o.end - o.start) > (best.end - best.start):
            best = o
    return best


_OBJECT_TYPES = ("Goal", "Concept", "Campaign")


def _proposals(doc: Doc, idx: _Index, sent: Sentence, ms: list[Mention], add, k: int) -> None:
    text = doc.text
    heads = [m for m in _top(ms) if m.type != "Date"]
    if heads and heads[0].type in ("Meeting", "Body", "Person"):
        subj = heads[0]
        if subj.start - sent.start <= 12:
            window = text[subj.end:sent.end]
            v = _PROPOSE.search(window)
            while v and inside_quotes(quotes(text), subj.end + v.start()):
                v = _PROPOSE.search(window, v.end())  # 把握“两个确立”: a formula, not a verb
            if v and v.start() <= 24:
                vpos = subj.end + v.end()
                quoted = text[vpos:vpos + 2] in ("，“", "：“", ":“")
                objs = [] if quoted else [m for m in _top(ms)
                                          if m.type in _OBJECT_TYPES and m.start >= vpos]
                for o in objs:
                    add(o, "proposedBy", subj, sent, "propose")
                if quoted:
                    nxt = doc.sentences[k + 1] if k + 1 < len(doc.sentences) else None
                    if nxt is not None:
                        lead = [m for m in idx.within(nxt.start, nxt.start + 12, *_OBJECT_TYPES)
                                if m.start == nxt.start]
                        for o in lead:
                            add(o, "proposedBy", subj, sent, "propose-quotation")
    # X提出的Y
    for m in ms:
        if m.type in ("Meeting", "Body", "Person") and text[m.end:m.end + 3] in ("提出的", "确立的"):
            for o in ms:
                if o.type in _OBJECT_TYPES and o.start == m.end + 3:
                    add(o, "proposedBy", m, sent, "proposed-de")


def _endorsements(doc: Doc, idx: _Index, sent: Sentence, ms: list[Mention], add) -> None:
    text = doc.text
    for e in _ENDORSE.finditer(text, sent.start, sent.end):
        who = [m for m in idx.within(e.start("who"), e.end("who"), "Body", "Person")]
        clause_start = max(text.rfind(c, sent.start, e.start()) for c in "，；：")
        clause_start = max(clause_start, sent.start)
        what = [m for m in idx.within(clause_start, e.start(), "Campaign")]
        if not what and not text[clause_start:e.start()].strip("，；： "):
            # 开展A行动和B活动，实施C，得到…肯定: 得到 opens its own clause; the work is before it
            what = [m for m in idx.within(sent.start, e.start(), "Campaign")]
        for w in _top(what):
            for b in _top(who):
                add(w, "endorsedBy", b, sent, "endorsed-passive")
    for m in ms:
        if m.type in ("Body", "Person"):
            v = _ENDORSE_ACTIVE.match(text[m.end:m.end + 12])
            if v:
                for o in ms:
                    if o.type == "Campaign" and 0 <= o.start - (m.end + v.end()) <= 2:
                        add(o, "endorsedBy", m, sent, "endorsed-active")


def _leads(doc: Doc, sent: Sentence, ms: list[Mention], add) -> None:
    text = doc.text
    for m in ms:
        if m.type == "Body" and text[m.end:m.end + 2] == "牵头":
            for o in ms:
                if o.type == "Campaign" and o.start > m.end:
                    add(o, "ledBy", m, sent, "lead")
                    break


_TITLE_AT = re.compile(r"在(?P<m>.+?)上的(?:讲话|重要讲话|报告|工作报告|致辞|发言|总结讲话)")
_BYLINE = re.compile(r"^[（(]\s*(?P<d>[^（）()]{4,20}?)\s*[)）]$")
# ——2024年1月15日在XX市第十七届人民代表大会第三次会议上
_TITLE_AT_LINE = re.compile(r"^[—－-]*[^，。]{0,16}?在(?P<m>[^，。]+?)上$")


def _title_byline(doc: Doc, idx: _Index, add) -> None:
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
        for nxt in head[k + 1:k + 3]:
            dates = idx.within(nxt.start, nxt.end, "Date")
            if _BYLINE.match(nxt.text) and dates:
                add(meeting, "date", dates[0], sent, "title-byline")
            people = idx.within(nxt.start, nxt.end, "Person")
            if len(people) == 1 and people[0].end == nxt.end and nxt.end - nxt.start <= 12:
                add(meeting, "speaker", people[0], nxt, "title-speaker")
        return
