"""Names the trained model proposes, and the rules that decide which of them are mentions.

The model (`ner.py`) reads each sentence, cut into pieces at clause marks when long, and tags
persons, organizations and places. A proposal becomes a mention only where the rules agree:

- a person: a Chinese name (a surname of the table and one or two given characters, no common
  word) or a transliterated foreign name (`persons.is_name`, `persons.is_foreign`);
- an organization: a Body when it ends in an organ's head word (organs.tsv, `name-head`: 委员会,
  政府, 大学, 公司 …) and is no generic collective (各级政府, 有关部门, 全体党员);
- a place is never proposed on its own (the rules decide when a state acts as a Body).

What the lexicon knows keeps its type (see `extract._as_known`); where a rule finds the same span,
the rule's mention is kept (the model runs last). Each mention records its rule (`ner-lac`) and
the model's confidence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from speechkg.graph.extract import ner, rules
from speechkg.graph.extract.common import known_word
from speechkg.graph.extract.persons import is_foreign, is_name
from speechkg.graph.extract.tables import COUNTRY_CHARS, SURNAMES, TRANSLIT, alternation, column, tagged
from speechkg.graph.model import Doc, Mention


def _words(kind: str) -> tuple[str, ...]:
    """The words of data/proposals.tsv of that kind."""
    return tagged("proposals.tsv", kind, 1)


#: the least confidence (the model's probability of its least sure tag in the span) to keep a
#: proposal: a Chinese name must be surer than a transliterated one, whose characters the rules
#: check one by one (a surname and two characters is also what many phrases look like: 严私德)
MIN_CONFIDENCE = 0.5
MIN_CONFIDENCE_CHINESE = 0.8
#: a place before a head of state's title, in transliteration characters, is a state on that
#: evidence; the model need only lean to a place (it often hesitates between place and organization)
MIN_CONFIDENCE_STATE = 0.3
#: last characters of a three-character "name" that is an organ's abbreviation (孟人盟)
_NOT_FOREIGN_END = frozenset("方中盟党会国")

#: the titles of heads of state and government and their ministers (titles.tsv: foreign), and
#: 总理, then a transliterated name: after a state's name, its head (毛里塔尼亚总统加兹瓦尼); a
#: name before a title with no name after it is a person's (尼科利奇总统决定)
_STATE_TITLE = re.compile(
    f"(?:{alternation(column('titles.tsv', {1: 'foreign'}) + ('总理', '副总理'))})[{''.join(sorted(TRANSLIT))}]{{2}}"
)
_HEADS = alternation(column("organs.tsv", {1: "name-head"}))
_HEAD = re.compile(rf"(?:{_HEADS})$")
_HEAD_ANYWHERE = re.compile(_HEADS)
_TRANSLIT_RUN = re.compile(f"[{''.join(sorted(TRANSLIT))}]{{2,}}")
#: characters the model reads before and after a surname that may begin a name
PERSON_WINDOW = (4, 8)
#: characters it reads around a run of transliteration characters
TRANSLIT_WINDOW = 6
#: characters it reads before an organ's head word (the longest names run to about 20)
BODY_WINDOW = 18

#: no single organization: a generic collective (各级政府, 有关部门, 省级政府, 成员国政府,
#: 中央部委, 中央党政军, 党组织 and 学联组织 but not 上海合作组织), two organs joined (国家发展改革委会同财政部,
#: 市妇联联合人社部, 中国全国人大同法国国民议会),
#: a compass part (首尔西部)
_NOT_ONE_BODY = re.compile(
    rf"^(?:{alternation(_words('generic-start'))})|(?:{alternation(_words('generic-end'))})$|^.{{1,2}}组织$"
    r"|..(?:会同|联合)|[委部局院会厅府联办大](?:同|和|与|及)."
)

#: what stands before a kind of unit, not one unit: 各类金融控股公司, 一批龙头企业, 多家银行
_KINDS_BEFORE = re.compile(rf"(?:{alternation(_words('kinds-before'))})$")

#: a credit before a name: the reporter's or editor's, no one the text is about ((记者 张华), 文字编辑：X)
_CREDIT_BEFORE = re.compile(rf"(?:{alternation(_words('credit'))})[^）)。，\n]{{0,12}}$")

#: words after a surname that make a form of address, not a name (吴老师, 冯伯伯, 张师傅)
_ADDRESS = re.compile(rf"^.(?:{alternation(_words('address'))})$")

#: what stands before a transliterated "name" that is a place or a thing: a quotation mark or a
#: bracket (台风“卡努”, “萨尔马特”导弹, （杰哈德）) or a verb of going or taking (赴杜布罗夫尼克, 夺取苏赫奈)
_THING_BEFORE = re.compile(rf"(?:{alternation(_words('thing-before'))})$")

#: a transliterated name goes on after ·, - or a regnal number: 佩通坦·钦那瓦, 苏珊-赖斯, 卡尔十六世·古斯塔夫
#: (the model may stop before them; a proposal after · is such a name's tail, and dropped)
_REGNAL = re.compile("[一二三四五六七八九十]{1,3}世")
_MORE_NAME = re.compile(rf"(?:{_REGNAL.pattern})?(?:[·-][^\W\d_]{{1,8}})+|{_REGNAL.pattern}")

#: where a long sentence is cut into pieces for the model
_CUT = re.compile(r"(?<=[，；：,;:])")


def pieces(doc: Doc) -> Iterator[tuple[int, str]]:
    """The pieces the model reads: (offset, text). The model reads only where a name may be:
    around the places the rules' tables point at (`anchors`), in windows that stay inside one
    clause (cut after ，；： and at sentence ends); a short clause is read whole."""
    text = doc.text
    for s in doc.sentences:
        start = s.start
        for clause in _CUT.split(text[s.start : s.end]):
            windows = _merged(anchors(clause), len(clause))
            if sum(b - a for a, b in windows) * 10 >= len(clause) * 7:
                windows = [(0, len(clause))]
            for a, b in windows:
                for cut in range(a, b, ner.MAX_PIECE):
                    piece = clause[cut : min(b, cut + ner.MAX_PIECE)]
                    if len(piece) >= 2:
                        yield start + cut, piece
            start += len(clause)


def anchors(clause: str) -> Iterator[tuple[int, int]]:
    """Windows of a clause where a name may be, each (start, end), unmerged:

    - a surname (surnames.tsv) that begins no word of the dictionary with the character after it
      nor ends one with the character before it (王立新: 王立 is no word; 扩张, 周年 are);
    - an organ's head word (organs.tsv, name-head), a one-character head only where it ends no
      word (外交部, but not 全部, 社会), with the name's length before it;
    - a run of two or more characters of transliterated names (translit.tsv)."""
    before, after = PERSON_WINDOW
    for i in range(len(clause) - 1):
        if clause[i] in SURNAMES and "\u4e00" <= clause[i + 1] <= "\u9fff":
            if not known_word(clause[i : i + 2]) and (i == 0 or not known_word(clause[i - 1 : i + 1])):
                yield i - before, i + after
    for m in _HEAD_ANYWHERE.finditer(clause):
        if m.end() - m.start() > 1 or not known_word(clause[m.start() - 1 : m.end()]):
            yield m.start() - BODY_WINDOW, m.end() + 2
    for m in _TRANSLIT_RUN.finditer(clause):
        yield m.start() - TRANSLIT_WINDOW, m.end() + TRANSLIT_WINDOW


def _merged(windows: Iterator[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """The windows clipped to [0, n), overlapping ones joined, in order."""
    out: list[tuple[int, int]] = []
    for a, b in sorted((max(0, a), min(n, b)) for a, b in windows):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def person(span: str, confidence: float) -> bool:
    """Whether the rules accept a proposed person's name."""
    if len(span) == 2 and span[0] in COUNTRY_CHARS and (span[1] == "方" or span[1] in COUNTRY_CHARS):
        return False  # 毛方, 孟中, 韩美: a country's side, a pair of countries
    if _ADDRESS.match(span):
        return False
    if is_name(span):
        return confidence >= MIN_CONFIDENCE_CHINESE
    return is_foreign(span) and not (len(span) == 3 and span[-1] in _NOT_FOREIGN_END)


def body(span: str, confidence: float) -> bool:
    """Whether the rules accept a proposed organization as a Body."""
    return len(span) >= 3 and _HEAD.search(span) is not None and not _NOT_ONE_BODY.search(span)


#: model tag → (entity type, the rule that accepts a proposal)
DECIDE = {"PER": ("Person", person), "ORG": ("Body", body)}


def names(doc: Doc, model: str = ner.DEFAULT_MODEL) -> list[Mention]:
    """The mentions of persons and bodies the model proposes and the rules accept."""
    read = list(pieces(doc)) if model != "none" else []
    if not read:
        return []
    offsets, texts = zip(*read, strict=True)
    rule = rules.MODEL + model
    out = []
    for offset, found in zip(offsets, ner.tagger(model).tag(texts), strict=True):
        for p in found:
            m = decide(doc.text, offset + p.start, offset + p.end, p.tag, p.confidence, rule)
            if m is not None:
                out.append(m)
    return out


def decide(text: str, start: int, end: int, tag: str, confidence: float, rule: str) -> Mention | None:
    """The mention the rules make of one proposal, or None."""
    if tag == "LOC":  # a place before the title of its head of state or government is that state
        # (in transliteration characters, with the 国 many such names end in: 孟加拉国总理)
        name = text[start:end]
        if (
            confidence < MIN_CONFIDENCE_STATE
            or not _STATE_TITLE.match(text, end)
            or not is_foreign(name.removesuffix("国"))
        ):
            return None
        return Mention(start, end, text[start:end], "Body", text[start:end], rule, confidence=confidence)
    decided = DECIDE.get(tag)
    span = text[start:end]
    if decided is None or confidence < MIN_CONFIDENCE or not decided[1](span, confidence):
        return None
    if decided[0] == "Body" and _KINDS_BEFORE.search(text, max(0, start - 2), start):
        return None
    if decided[0] == "Person" and _CREDIT_BEFORE.search(text, max(0, start - 16), start):
        return None
    if decided[0] == "Person" and not is_name(span):
        if _THING_BEFORE.search(text, max(0, start - 2), start):
            return None
        if (more := _MORE_NAME.match(text, end)) and is_foreign(_REGNAL.sub("", span + more[0]).replace("-", "·")):
            end, span = more.end(), span + more[0]
    return Mention(start, end, span, decided[0], span, rule, confidence=confidence)


def inside_rules(found: list[Mention]) -> list[Mention]:
    """The mentions less the model's that lie inside a rule's mention of another type: the model
    fills the rules' gaps and never splits what they found (人民检察院 in the law 人民检察院组织法,
    中央人大 in 中央人大工作会议). A person stays inside a meeting, which names its parties
    (张三同A国议长B举行会谈), and a talk's state too (李四与孟加拉国总理B举行会谈). `found`'s spans
    do not cross."""
    out: list[Mention] = []
    open_: list[Mention] = []  # the rules' spans around the current position, innermost last
    for m in sorted(found, key=lambda m: (m.start, -m.end)):  # outer spans first
        while open_ and open_[-1].end <= m.start:
            open_.pop()
        if not m.rule.startswith(rules.MODEL):
            open_.append(m)
        elif open_ and open_[-1].end >= m.end and open_[-1].type != m.type:
            if not (m.type == "Person" and open_[-1].type == "Meeting") and open_[-1].rule != rules.TALK:
                continue
        out.append(m)
    return sorted(out, key=lambda m: (m.start, m.end))


def joined(candidates: list[tuple[int, Mention]]) -> list[tuple[int, Mention]]:
    """The candidates less the model's spans that hold two or more of the rules' organs (names of
    their type ending in an organ's head: 中央纪委国家监委 is 中央纪委 and 国家监委): the rules'
    names are kept, not glued into one. A state before an organ is one name (白俄罗斯外交部)."""
    ruled: dict[str, list[tuple[int, int]]] = {}
    for _, m in candidates:
        if not m.rule.startswith(rules.MODEL) and _HEAD.search(m.text):
            ruled.setdefault(m.type, []).append((m.start, m.end))
    for spans in ruled.values():
        spans.sort()
    out = []
    for rank, m in candidates:
        if m.rule.startswith(rules.MODEL):
            spans = ruled.get(m.type, [])
            lo, hi = bisect.bisect_left(spans, (m.start, 0)), bisect.bisect_left(spans, (m.end, 0))
            starts = {s for s, e in spans[lo:hi] if e <= m.end and (s, e) != (m.start, m.end)}
            if len(starts) >= 2:
                continue
        out.append((rank, m))
    return out
