"""Quoted and numbered formulations, campaigns and concepts (goals named without quotes: `goals`).

Official prose names things in three ways: in quotation marks (“两个确立”,
“能力作风建设年”活动), by a head noun (…行动, …活动, …工程, …精神, …战略; …目标 in `goals`),
or by a fixed formula from the lexicon. Quotes are also used for emphasis
(“最后一公里”, “稳”); those are told apart by what stands around them.
"""

from __future__ import annotations

import re

from speechkg.graph.extract import rules
from speechkg.graph.extract.common import (
    BILATERAL_PAIR,
    HAN,
    LIST_ITEMS,
    NUMBERED,
    NUMERAL_CHARS,
    PUNCT,
    governs,
    inside_quotes,
    is_boundary,
    left_edge,
    quotes,
    unquote,
    words_before,
)
from speechkg.graph.extract.goals import goals as goals  # re-exported: COMPONENTS reads formulas.goals
from speechkg.graph.extract.tables import alternation, bilateral, rows, tagged
from speechkg.graph.model import Doc, Mention
from speechkg.graph.segment import cn_number


def _heads(type_: str, tag: str) -> tuple[str, ...]:
    return tuple(r[0] for r in rows("heads.tsv") if r[1] == type_ and tag in r[2].split(","))


CAMPAIGN_HEADS = _heads("Campaign", "quoted")
CONCEPT_HEADS = _heads("Concept", "quoted")
# “X”主题宣传教育活动 takes the whole head; “X”教育 alone only when no fuller head follows
_QUOTED_TAIL = re.compile(
    rf"^(?:主题)?[{HAN}]{{0,6}}?(?:{alternation(_heads('Campaign', 'after'))})"
    rf"|^(?:主题)?[{HAN}]{{0,4}}?教育"
)
_CONCEPT_TAIL = re.compile(rf"^[{HAN}]{{0,4}}?(?:发展)?(?:{alternation(_heads('Concept', 'after'))})(?![{HAN}])")
_GOAL_TAIL = re.compile(r"^的?(?:奋斗|建设|发展)?目标")
_EMPHASIS_AFTER = re.compile(r"^(?:转变|转化|转|变)为|^(?:技术|问题|难题|现象|式|型|化)")
# 从“精英工程”转变为“群众活动”: a contrast of two descriptions, not names
_EMPHASIS_BEFORE = re.compile(r"(?:从|(?:转变|转化|转|变)为|由)$")
_CAMPAIGN_VERBS_BEFORE = re.compile(r"(?:评选|举办|开展|实施|推出)$")
_LISTED_ACTIVITY = re.compile(r"^等(?:一系列|系列|主题)?(?:活动|行动)")  # “科普边疆行”等活动
_GOAL_VERBS_BEFORE = re.compile(r"(?:实现|做到|确保|达到|完成)$")
# a quotation of clauses (，) is a saying or a verse unless a verb of holding a formulation
# stands before it (坚持“X，Y”); one that ends a sentence (。！？) is a citation
_CLAUSES = re.compile(r"[，,]")
_CITATION = re.compile(r"[。！？!?]$")
_SAYING_AFTER = re.compile(r"^的?(?:道理|古训|名言|诗句|说法|俗语|老话)")
_FORMULATION_BEFORE = re.compile(r"(?:坚持|践行|树立|树牢|贯彻|落实|弘扬|提出)$")
# 实现老城市新活力和“四个出新出彩”: a numbered formula in a clause of reaching something
_GOAL_CLAUSE = re.compile(r"实现|达到|确保实现")
_MEASURED = re.compile(r"^[一二两三四五六七八九十]+(?:个|大|项|件|条)")
# “X”建设 as a whole word (not 建设者, 建设性)
_BUILDING_AFTER = re.compile(rf"^建设(?![{HAN}])|^建设(?=[和与及、])")


def _clause_start(text: str, pos: int) -> int:
    return max(text.rfind(c, max(0, pos - 40), pos) for c in "，。；：\n") + 1


def _numbered(q: str) -> int | None:
    m = NUMBERED.match(q)
    if not m:
        return None
    return cn_number(m.group(1))


def _groups(text: str) -> list[list[tuple[int, int]]]:
    """Quotations that follow each other directly (“师带徒”“匠带兵”) form one group."""
    groups: list[list[tuple[int, int]]] = []
    for span in quotes(text):
        if groups and groups[-1][-1][1] == span[0]:
            groups[-1].append(span)
        else:
            groups.append([span])
    return groups


def quoted(doc: Doc) -> list[Mention]:
    """Names in quotation marks, typed by their head and by what follows them."""
    text = doc.text
    out: list[Mention] = []
    for group in _groups(text):
        gstart, gend = group[0][0], group[-1][1]
        after = text[gend : gend + 12]
        before = text[max(0, gstart - 4) : gstart]
        inner = [text[s + 1 : e - 1] for s, e in group]
        if any(len(q) > 20 or not q.strip() for q in inner):
            continue  # a citation, not a name
        if _EMPHASIS_AFTER.search(after) or _EMPHASIS_BEFORE.search(before):
            continue
        # “X”“Y”主题…活动 / “X”活动 / “X”教育: one campaign over the whole group
        tail = _QUOTED_TAIL.match(after)
        if tail and "等" not in tail.group(0):
            end = gend + tail.end()
            span = text[gstart:end]
            label = unquote(span)
            aliases = tuple(unquote(q) for q in inner)
            out.append(Mention(gstart, end, span, "Campaign", label, "quoted-campaign", aliases=aliases))
            continue
        for (s, e), q in zip(group, inner, strict=False):
            m = _classify(text, s, e, q, len(group) > 1 or after.startswith("等"))
            if m is not None:
                out.append(m)
    return out


def _classify(text: str, s: int, e: int, q: str, listed: bool) -> Mention | None:
    """One quotation typed by what follows it and by its head: None for a plan period (“十四五”),
    a saying or a verse."""
    after = text[e : e + 8]
    before = text[max(0, s - 4) : s]
    label = unquote(q)
    n = _numbered(label)
    if re.fullmatch(r"[一二三四五六七八九十]+五|[一二三四五六七八九十]{2,4}", label):
        return None  # “十四五” is a plan period, not a name
    tail = _CONCEPT_TAIL.match(after)
    if tail:
        end = e + tail.end()
        return Mention(
            s,
            end,
            text[s:end],
            "Concept",
            label,
            "quoted-concept",
            number=n,
            aliases=(label + tail.group(0),),
            canonical=True,
        )
    if _is_saying(label, before, after):
        return None  # 苟日新，日日新，又日新。: a quoted saying or verse, not a formulation
    return _named(text, s, e, label, n, before, after)


def _is_saying(label: str, before: str, after: str) -> bool:
    """A citation (ending 。！？), a saying (“…”的道理) or clauses (，) not held as a formulation
    (坚持“X，Y”)."""
    return bool(
        _CITATION.search(label)
        or _SAYING_AFTER.match(after)
        or (_CLAUSES.search(label) and not _FORMULATION_BEFORE.search(before))
    )


def _named(text: str, s: int, e: int, label: str, n: int | None, before: str, after: str) -> Mention | None:
    """The name a quotation is, tried in this order: a slogan (a list), a concept or campaign by its
    head (or a campaign after 评选/开展…), a goal, a numbered formula, a programme of building."""
    if ("、" in label or "，" in label) and len(label) >= 5:
        return Mention(s, e, text[s:e], "Concept", label, "slogan", number=n)
    if label.endswith(CONCEPT_HEADS):
        return Mention(s, e, text[s:e], "Concept", label, "quoted-concept", number=n)
    if label.endswith(CAMPAIGN_HEADS) or _CAMPAIGN_VERBS_BEFORE.search(before) or _LISTED_ACTIVITY.match(after):
        return Mention(s, e, text[s:e], "Campaign", label, "quoted-campaign", number=n)
    if _is_goal(text, s, label, n, before, after):
        return Mention(s, e, text[s:e], "Goal", label, "quoted-goal", number=n)
    if n:
        return Mention(s, e, text[s:e], "Concept", label, rules.NUMBERED_FORMULA, number=n)
    if _BUILDING_AFTER.match(after):  # 推动“好房子”建设: a programme of building, named by its quote
        end = e + len("建设")
        return Mention(s, end, text[s:end], "Campaign", label + "建设", "quoted-building", aliases=(label,))
    return None


def _is_goal(text: str, s: int, label: str, n: int | None, before: str, after: str) -> bool:
    """“X”的奋斗目标; a numbered formula after 实现/做到/确保… (“两个确保”), or one that counts items
    (“四个出新出彩”) in a clause of reaching (实现…和“四个出新出彩”)."""
    return bool(
        _GOAL_TAIL.match(after)
        or (n and n > 1 and _GOAL_VERBS_BEFORE.search(before))
        or (n and _MEASURED.match(label) and _GOAL_CLAUSE.search(text, _clause_start(text, s), s))
    )


# ------------------------------------------------------------------ campaigns by head noun

_CAMPAIGN_HEAD = re.compile(alternation(_heads("Campaign", "bare")))
# the head is a modifier, not the end of a name, when a noun of this kind follows it
_FOLLOW_BAD = re.compile(
    r"(?:体系|方式|机制|覆盖|领域|常态|长效|阵地|能力|水平|队伍|方案|经费|上|办公室|"
    r"骨干|平台|载体|内容|形式|中心|主体|对象|力度|计划|指南|目标|成效|效果|中来)"
)
_GENERIC = {
    "实际",
    "具体",
    "各项",
    "相关",
    "系列",
    "竞赛",
    "创新",
    "群众",
    "专项",
    "主题",
    "这次",
    "此次",
    "本次",
    "各类",
    "各种",
    "有关",
    "一系列",
    "宣传教育",
    "系统",
    "建功立业",
    "实践",
    "一项",
    "重大",
    "重点",
    "民生",
    "形式",
    "多种形式",
    "共同",
    "统一",
    "集体",
    "重要",
    "伟大",
    "携手",
    "大型",
    "各种各样",
    "丰富多彩",
    "社会系统",
    "先期",
    "现有",
    "整省",
}


# activities named by their domain are not campaigns (非法宗教活动, 生产经营活动)
_DOMAIN = re.compile(
    r"(?:经济|社会|文体|宗教|违法|犯罪|经营|商业|学术|政治|外事|破坏|分裂|渗透|恐怖|邪教|"
    r"非法|军事|日常|业务|体育|文化|娱乐|演出|节庆|群众|大型|线上|线下|管网|路网|系统)$"
)
#: pronouns and qualities are no campaign's name (指导他们行动, 战略性工程, 形象工程)
_NOT_A_NAME = re.compile(r"他们|我们|你们|大家|自己|人们|战略性|形象|面子|政绩|水毁|成为|全国$")
#: a duration is no name (三年行动 alone is the plan's span, not its name)
_DURATION = re.compile(rf"^[{NUMERAL_CHARS}\d]+年$")
#: how far back from its head a campaign's name may start when a governing verb stands there
#: (实施|国家通用语言文字普及攻坚和质量提升工程); without one, left_edge's default reach
CAMPAIGN_REACH = 24
_GOVERNED = frozenset(_heads("Campaign", "governed"))
#: the shortest name of a governed head: shorter ones are kinds (局部试点, 整县试点, 开放试点)
GOVERNED_MIN = 4
_VERB_BEFORE_HEAD = tagged("campaigns.tsv", "verb", 1)
_CATEGORY = tagged("campaigns.tsv", "category", 1)
_PILOT_OF = tagged("campaigns.tsv", "pilot-of", 1)
_FUNCTION_WORDS = tagged("campaigns.tsv", "function", 1)
_COUNTED = re.compile(rf"[{NUMERAL_CHARS}\d]+多?(?:{alternation(tagged('campaigns.tsv', 'count', 1))})")
#: quantifiers, counts and demonstratives before a head are no part of its name (一项…, 17个…工程,
#: 上述活动: 王毅等参加上述活动)
_QUANTIFIER = re.compile(
    rf"一项|一个|一场|一批|一系列|一次|这项|这个|该项|各项|多项|本次|此次|上述|其他|(?:首|新一|第[{NUMERAL_CHARS}])批|[{NUMERAL_CHARS}\d]+(?:个|项|批|场)"
)


def campaigns(doc: Doc) -> list[Mention]:
    """Unquoted names ending in a campaign head: 送温暖活动, 维护职工权益行动, 党史学习教育."""
    text = doc.text
    qspans = quotes(text)
    out = []
    for m in _CAMPAIGN_HEAD.finditer(text):
        if _FOLLOW_BAD.match(text, m.end()) or inside_quotes(qspans, m.start()):
            continue  # a modifier (活动方式), or a quotation the quoted rule owns
        found = _campaign_at(text, m.start(), m.end())
        if found is not None:
            out.append(found)
    for m in _PROGRAMME.finditer(text):
        c = m.group("c")
        if is_boundary(text, m.end("c")) and not c.endswith(_PLAN_DOCUMENTS) and not _NOT_A_PROGRAMME.match(c):
            out.append(Mention(m.start("c"), m.end("c"), c, "Campaign", c, "programme"))
    return out


def _campaign_at(text: str, head: int, end: int) -> Mention | None:
    """The campaign whose name ends in the head at text[head:end], its left edge at the governing
    word or punctuation (at most CAMPAIGN_REACH characters back), or None when what stands before
    the head is no name."""
    start = left_edge(text, head)
    if not _edged(text, start):  # no edge within reach: a long name after its governing verb
        far = left_edge(text, head, max_len=CAMPAIGN_REACH)
        start = far if _governed(text, far) else start
    q = _QUANTIFIER.match(text, start, head)
    if q:
        start = q.end()
    content = text[start:head]
    if (
        len(content) < 2
        or content in _GENERIC
        or any(c in PUNCT for c in content)
        or content[-1] in "和与及"
        or _DOMAIN.search(content)
        or _DURATION.match(content)
        or _NOT_A_NAME.search(content)
        or content.endswith(_VERB_BEFORE_HEAD)
        or content.startswith(_CATEGORY)
        or text[head - 1 : head] == "”"  # the quoted rule owns “X”活动
    ):
        return None
    if text[head:end] in _GOVERNED and not _governed_pilot(text, start, end, content):
        return None
    span = text[start:end]
    return Mention(start, end, span, "Campaign", span, "campaign-head")


def _governed_pilot(text: str, start: int, end: int, content: str) -> bool:
    """Whether a governed head (试点, also a verb: 在新安江开始试点) names a pilot here: a verb
    governs it (开展X试点), it modifies nothing after it (试点城市) and counts nothing (两批试点)."""
    if len(content) < GOVERNED_MIN or text.startswith(_PILOT_OF, end) or _COUNTED.search(content):
        return False
    verb = _word_before(text, start)
    if verb == "了":  # 开展了…试点: the verb before its aspect particle
        verb = _word_before(text, start - 1)
    return governs(verb) and not verb.endswith(_FUNCTION_WORDS)


def _word_before(text: str, pos: int) -> str:
    """The word of the text's segmentation that ends at `pos` ('' if none does)."""
    word = next(iter(words_before(text, pos, max(0, pos - 4))), None)
    return text[word[0] : word[1]] if word is not None and word[1] == pos else ""


def _governed(text: str, start: int) -> bool:
    """Whether a governing word ends at `start` (开展|送温暖活动)."""
    return governs(_word_before(text, start))


def _edged(text: str, start: int) -> bool:
    """Whether a name starting at `start` has a found left edge: the text's start, punctuation or
    a governing word."""
    return start == 0 or text[start - 1] in PUNCT or _governed(text, start)


#: 实施城乡居民增收计划: a programme carried out is a campaign (a 行动计划 is a document)
_PROGRAMME = re.compile(r"实施(?P<c>[^，。；、：“”（）\n]{2,20}?计划)")
_PLAN_DOCUMENTS = ("行动计划", "工作计划", "年度计划")
_NOT_A_PROGRAMME = re.compile(r"^(?:这一|这个|该|上述|本|各项|有关|相关|年度)")


# ------------------------------------------------------------------ concepts

_XI_THOUGHT = re.compile(rf"习近平[{HAN}]{{1,14}}?思想")
_SPIRIT = re.compile(rf"[{HAN}]{{2,5}}精神(?=[、，。；和等]|薪火)")
_STRATEGY = re.compile(rf"[{HAN}]{{2,10}}战略(?=[^{HAN}]|[和等的])")
_SPIRIT_NOT = (
    "全会",
    "大会",
    "会议",
    "讲话",
    "指示",
    "批示",
    "文件",
    "规定",
    "细则",
    "重要",
    "这种",
    "伟大",
    "革命",
    "奋斗",
    "拼搏",
    "创新",
    "斗争",
)
_MEETING_END = re.compile(r"会$|[一二三四五六七八九十]大$")
_SPIRIT_VERBS = ("发展", "丰富", "学习", "宣传", "秉承", "赓续", "汲取", "和", "及", "与")
# verbs that begin strategy names (扩大内需战略, 促进消费战略) rather than govern them
_NAME_VERBS = frozenset({"扩大", "提高", "提升", "加大", "增强", "强化", "促进", "实现"})
_STRATEGY_NOT = {"重大", "重要", "总体", "全局", "长远", "国家", "发展", "十大", "各项"}
#: the parties' own strategies are no named strategy (对接两国发展战略, 各自发展战略)
_STRATEGY_OWNER = re.compile(r"(?:两国|双方|各自|彼此|本国|各国|各方)的?(?:国家)?(?:发展)?$")


#: 中俄新时代全面战略协作伙伴关系, 越中全面战略合作伙伴关系: a bilateral relationship by its name
_PARTNERSHIP = re.compile(rf"{BILATERAL_PAIR}(?:{bilateral('partnership')})+伙伴关系")
_HOLDING = alternation([r[0] for r in rows("upheld.tsv")])
#: 践行X理念, 坚持和完善X制度: the name is what the verb governs, up to the head; not a second verb
#: (坚持贯彻新发展理念), 的, a conjunction, a demonstrative or a generic word (相关制度)
_HELD = {
    head: re.compile(
        rf"(?:{alternation([r[0] for r in rows('upheld.tsv') if r[1] == head])})"
        rf"(?P<c>(?!{_HOLDING}|相关|各项|有关)(?:(?![的和与及、这])[{HAN}]){{2,12}}?{head})(?=[，。；、”]|$)"
    )
    for head in {r[1] for r in rows("upheld.tsv")}
}
_DISCOURSE = re.compile(r"习近平(?:总书记|同志)?关于[^，。；：“”]{2,30}?的重要(?:论述|思想)")


def concepts(doc: Doc) -> list[Mention]:
    """习近平…思想, 习近平总书记关于…的重要论述, …精神 in lists, …战略, 中X…伙伴关系, 践行X理念."""
    text = doc.text
    out = [
        Mention(m.start(), m.end(), m.group(0), "Concept", m.group(0), "partnership")
        for m in _PARTNERSHIP.finditer(text)
    ]
    for held in _HELD.values():  # 践行X理念, 坚持和完善X制度: the name a verb of holding governs
        out.extend(Mention(m.start("c"), m.end("c"), m["c"], "Concept", m["c"], "held") for m in held.finditer(text))
    for m in _DISCOURSE.finditer(text):
        out.append(Mention(m.start(), m.end(), m.group(0), "Concept", m.group(0), "discourse"))
    for m in _XI_THOUGHT.finditer(text):
        out.append(Mention(m.start(), m.end(), m.group(0), "Concept", m.group(0), "xi-thought"))
    for m in _SPIRIT.finditer(text):
        start = left_edge(text, m.end() - 2, max_len=6, extra=_SPIRIT_VERBS)
        if start == max(0, m.end() - 2 - 6) and text[start - 1 : start] not in PUNCT:
            continue  # no edge found: the name runs on further left than a spirit's name
        content = text[start : m.end() - 2]
        if len(content) < 2 or content.endswith(_SPIRIT_NOT) or content in _SPIRIT_NOT or _MEETING_END.search(content):
            continue  # 全会精神, 两会精神, 二十大精神: a meeting's spirit, not a named spirit
        out.append(Mention(start, m.end(), text[start : m.end()], "Concept", text[start : m.end()], "spirit"))
    for m in _STRATEGY.finditer(text):
        start = left_edge(text, m.end() - 2, max_len=10, keep=_NAME_VERBS)
        if text[start - 1 : start] == "”":
            continue  # “X”…战略: the quoted rule owns it
        content = text[start : m.end() - 2]
        if len(content) < 2 or content in _STRATEGY_NOT or _STRATEGY_OWNER.search(content):
            continue
        out.append(Mention(start, m.end(), text[start : m.end()], "Concept", text[start : m.end()], "strategy"))
    return out


# ------------------------------------------------------------------ members of numbered formulas

_MEMBERS = re.compile(
    r"“(?P<f>[^“”]{2,12})”(?:（(?P<paren>[^（）]{4,200})）"
    r"|(?:，即|即|：)(?P<list>[^。；]{4,200}))"
)
_ITEM_LEAD = re.compile(r"^(?:和|及|以及|与)")


def members(doc: Doc) -> list[Mention]:
    """The listed members of a numbered formula: “四个意识”（政治意识、大局意识、…）.

    Emitted only when the number of listed items equals the formula's number.
    """
    text = doc.text
    out = []
    for m in _MEMBERS.finditer(text):
        n = _numbered(m.group("f"))
        if not n:
            continue
        group = "paren" if m.group("paren") else "list"
        body, pos = m.group(group), m.start(group)
        sep = "，" if body.count("，") + 1 == n else "、"
        items, offs, i = [], [], 0
        for part in body.split(sep):
            lead = _ITEM_LEAD.match(part)
            skip = lead.end() if lead else 0
            items.append(part[skip:])
            offs.append(pos + i + skip)
            i += len(part) + 1
        if len(items) != n or any(len(it) < 2 for it in items):
            continue
        for item, start in zip(items, offs, strict=True):
            type_ = "Campaign" if item.endswith(CAMPAIGN_HEADS) else "Concept"
            out.append(Mention(start, start + len(item), item, type_, item, "formula-member", member_of=m.start()))
    return out


# ------------------------------------------------------------------ enumerations sharing a head

_SHARED_HEADS = {r[0]: r[1] for r in rows("heads.tsv") if "shared" in r[2].split(",")}
_SHARED = re.compile(
    rf"((?:[{HAN}]{{2,6}}、){{1,{LIST_ITEMS}}})[{HAN}]{{2,6}}(?P<head>{alternation(tuple(_SHARED_HEADS))})"
)


def shared_heads(doc: Doc) -> list[Mention]:
    """创新驱动、科教兴省、人才强省战略 → three strategies sharing the head 战略."""
    text = doc.text
    out = []
    qspans = quotes(text)
    for m in _SHARED.finditer(text):
        head = m.group("head")
        first = left_edge(text, m.start() + len(m.group(1).split("、")[0]), max_len=8)
        items_text = text[m.start() : m.start("head")]
        pos = m.start()
        parts = items_text.split("、")
        if first > pos and first < pos + len(parts[0]):
            parts[0] = parts[0][first - pos :]
            pos = first
        if any(len(p) < 4 or p.endswith(head) for p in parts) or inside_quotes(qspans, m.start()):
            continue  # a list of whole names, of words (早发现、早干预), or a slogan in quotation marks
        for k, part in enumerate(parts):
            end = pos + len(part) + (len(head) if k == len(parts) - 1 else 0)
            out.append(Mention(pos, end, text[pos:end], _SHARED_HEADS[head], part + head, "shared-head"))
            pos += len(part) + 1
    return out
