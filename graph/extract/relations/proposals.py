"""Rules whose subject is a goal, concept, campaign or numbered formula: who proposed it
(提出/作出…部署, X提出的Y, X关于Y的部署, 以X同志为主要代表的…), who endorsed or led it, and its members."""

from __future__ import annotations

import re
from collections.abc import Iterator

from speechkg.graph.extract.common import inside_quotes, quotes
from speechkg.graph.extract.relations.frame import (
    AGENTS,
    ENDORSED_BY,
    LED_BY,
    MEMBER,
    OBJECT_TYPES,
    PROPOSED_BY,
    Clause,
    Found,
    top_level,
)
from speechkg.graph.extract.relations.patterns import SUBJECT_PREFIX
from speechkg.graph.model import Mention

_PROPOSE = re.compile(r"(?:鲜明|明确|首次|郑重|创造性地)?(?:提出|作出|确立|确定|部署)")
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
        subj = _proposer(c, v, head, agents)
        if subj is None:
            continue
        hi = _objects_end(c, v)
        if hi is None:
            continue
        for o in c.top:
            if o.type in OBJECT_TYPES and v.end() <= o.start and o.end <= hi:
                yield o, PROPOSED_BY, subj


def _proposer(c: Clause, v: re.Match, head: Mention, agents: list[Mention]) -> Mention | None:
    """The subject of the verb `v`: the last agent before it in its clause, not one saying when
    (unless it is the sentence's head, the clause opens with at most what may precede a subject);
    in a clause without one, the sentence's head if it is the last agent before `v`, at most 40
    characters off."""
    lo = c.clause_start(v.start())
    own = [m for m in agents if lo <= m.start and m.end <= v.start() and not _when_of(c.text, m, v.start())]
    if own:
        subj = own[-1]
        if subj is not head and not SUBJECT_PREFIX.match(c.gap(lo, own[0].start)):
            return None
        return subj
    before = [m for m in agents if m.end <= v.start()]
    if before and before[-1] is head and v.start() - head.end <= 40:
        return head
    return None


def _objects_end(c: Clause, v: re.Match) -> int | None:
    """Where what the verb `v` proposes ends: its clause's end; after 作出, the 部署/决策… that
    closes what was decided (None without one)."""
    hi = c.clause_end(v.end())
    if not v.group(0).endswith("作出"):
        return hi
    close = _DECIDED.search(c.text, v.end(), hi)
    return None if close is None else close.start()


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
    if not SUBJECT_PREFIX.match(c.gap(c.clause_start(subj.start), subj.start)):
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
        for o in top_level(c.idx.within(d.start("what"), d.end("what"), *OBJECT_TYPES)):
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
        for w in top_level(what):
            for b in top_level(who):
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
