"""Quoted and numbered formulations, campaigns, goals and concepts.

Official prose names things in three ways: in quotation marks (“两个确立”,
“能力作风建设年”活动), by a head noun (…行动, …活动, …工程, …精神, …战略, …目标),
or by a fixed formula from the lexicon. Quotes are also used for emphasis
(“最后一公里”, “稳”); those are told apart by what stands around them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from speechkg.graph.extract import rules
from speechkg.graph.extract.common import (
    HAN,
    LIST_ITEMS,
    NUMBERED,
    NUMERAL_CHARS,
    PLACE,
    PUNCT,
    inside_quotes,
    is_boundary,
    left_edge,
    quotes,
)
from speechkg.graph.extract.tables import alternation, rows
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
            label = _unquote(span)
            aliases = tuple(_unquote(q) for q in inner)
            out.append(Mention(gstart, end, span, "Campaign", label, "quoted-campaign", aliases=aliases))
            continue
        for (s, e), q in zip(group, inner, strict=False):
            m = _classify(text, s, e, q, len(group) > 1 or after.startswith("等"))
            if m is not None:
                out.append(m)
    return out


def _unquote(s: str) -> str:
    return "".join(c for c in s if c not in '“”‘’"')


def _classify(text: str, s: int, e: int, q: str, listed: bool) -> Mention | None:
    after = text[e : e + 8]
    before = text[max(0, s - 4) : s]
    label = _unquote(q)
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
    if (
        _CITATION.search(label)
        or _SAYING_AFTER.match(after)
        or (_CLAUSES.search(label) and not _FORMULATION_BEFORE.search(before))
    ):
        return None  # 苟日新，日日新，又日新。: a quoted saying or verse, not a formulation
    if ("、" in label or "，" in label) and len(label) >= 5:
        return Mention(s, e, text[s:e], "Concept", label, "slogan", number=n)
    if label.endswith(CONCEPT_HEADS):
        return Mention(s, e, text[s:e], "Concept", label, "quoted-concept", number=n)
    if label.endswith(CAMPAIGN_HEADS) or _CAMPAIGN_VERBS_BEFORE.search(before):
        return Mention(s, e, text[s:e], "Campaign", label, "quoted-campaign", number=n)
    if (
        _GOAL_TAIL.match(after)
        or (n and n > 1 and _GOAL_VERBS_BEFORE.search(before))
        or (n and _MEASURED.match(label) and _GOAL_CLAUSE.search(text, _clause_start(text, s), s))
    ):
        return Mention(s, e, text[s:e], "Goal", label, "quoted-goal", number=n)
    if n:
        return Mention(s, e, text[s:e], "Concept", label, rules.NUMBERED_FORMULA, number=n)
    if _BUILDING_AFTER.match(after):  # 推动“好房子”建设: a programme of building, named by its quote
        end = e + len("建设")
        return Mention(s, end, text[s:end], "Campaign", label + "建设", "quoted-building", aliases=(label,))
    return None


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
_QUANTIFIER = re.compile(r"一项|一个|一场|一批|一系列|这项|这个|该项|各项|多项|本次|此次")


def campaigns(doc: Doc) -> list[Mention]:
    """Unquoted names ending in a campaign head: 送温暖活动, 维护职工权益行动, 党史学习教育."""
    text = doc.text
    qspans = quotes(text)
    out = []
    for m in _CAMPAIGN_HEAD.finditer(text):
        if _FOLLOW_BAD.match(text, m.end()):
            continue
        if inside_quotes(qspans, m.start()):
            continue  # the quoted rule owns what stands in quotation marks
        start = left_edge(text, m.start())
        q = _QUANTIFIER.match(text, start, m.start())
        if q:
            start = q.end()
        content = text[start : m.start()]
        if (
            len(content) < 2
            or content in _GENERIC
            or any(c in PUNCT for c in content)
            or content[-1] in "和与及"
            or _DOMAIN.search(content)
            or _DURATION.match(content)
            or _NOT_A_NAME.search(content)
        ):
            continue
        if text[m.start() - 1 : m.start()] == "”":
            continue  # the quoted rule owns “X”活动
        span = text[start : m.end()]
        out.append(Mention(start, m.end(), span, "Campaign", span, "campaign-head"))
    for m in _PROGRAMME.finditer(text):
        c = m.group("c")
        if is_boundary(text, m.end("c")) and not c.endswith(_PLAN_DOCUMENTS) and not _NOT_A_PROGRAMME.match(c):
            out.append(Mention(m.start("c"), m.end("c"), c, "Campaign", c, "programme"))
    return out


#: 实施城乡居民增收计划: a programme carried out is a campaign (a 行动计划 is a document)
_PROGRAMME = re.compile(r"实施(?P<c>[^，。；、：“”（）\n]{2,20}?计划)")
_PLAN_DOCUMENTS = ("行动计划", "工作计划", "年度计划")
_NOT_A_PROGRAMME = re.compile(r"^(?:这一|这个|该|上述|本|各项|有关|相关|年度)")


# ------------------------------------------------------------------ goals

_GOAL_HEAD = re.compile(r"(?:奋斗目标|目标任务|新目标|目标|红线)(?!导向|责任|管理|考核|体系|值)")
_GOAL_GENERIC = re.compile(
    r"^(?:各项|主要|总体|既定|工作|发展|这一|这个|目标|确定|规划|预期|年度|奋斗|"
    r"上述|以上|全年|今年|明年|近期|远期|中长期|阶段性|具体|各类|相关|这些|那些|"
    r"改革|任务|我们的|我们|共同|同一|一个|新的|这样|那样|这种|政策|根本|重要|以下|重大|"
    r"长远|近中远|增长|最终|基本|核心|战略|阶段|宏伟|美好|远大)+$"
)
# 经济社会发展的主要预期目标, X的目标任务: a goal named with 的 before a qualified head
# (the targets of a development period: 经济社会发展的主要预期目标, “十五五”发展的目标任务)
_GOAL_OF = re.compile(r"(?<=发展)的(?:主要预期目标|目标任务)")
#: …现代化 after a verb of reaching it (推进农业农村现代化) is a goal
_REACH_VERBS = alternation(("推进", "实现", "加快", "推动", "建设", "加快推进", "全面推进", "基本实现", "加快实现"))
_MODERNISATION = re.compile(rf"现代化(?![{HAN}XＸ])")
_REACHED = re.compile(rf"(?:{_REACH_VERBS})$")
#: 建设国际消费中心城市, 打造现代化都市圈: a place to be built, after a verb of building
# 国际消费中心城市建设: a place to be built, named before 建设
_CENTRE = r"(?:创新|金融|贸易|航运|消费)中心(?!城市)"
_BUILT = re.compile(rf"(?:中心城市|{_CENTRE}|都市圈|城市群|示范区|先行区)(?=建设)")
# the name may hold a quotation (打造新时代更高水平的“天府粮仓”): its label is unquoted
_TO_BUILD = re.compile(
    r"(?:建设|打造|建成)[好成]?(?P<g>[^，。；、\n]{2,22}?"
    rf"(?:中心城市|{_CENTRE}|都市圈|城市群|示范区|先行区|高地|枢纽|粮仓|样板)”?)"
)
#: 改革的目标是建立社会主义市场经济体制: what the goal is said to be built or reached is a goal
_GOAL_VERBS = "建立|建设|实现|建成|达到|基本实现|全面建成"
_GOAL_IS = re.compile(rf"目标(?:是|为)(?:{_GOAL_VERBS})(?P<g>(?![和与及并])[^，。；：“”\n]{{2,40}})(?=[，。；：\n]|$)")
#: 建设X、建设Y: the next of the goals one verb phrase names
_NEXT_GOAL = re.compile(rf"、(?:{_GOAL_VERBS})")
#: 把亚投行打造成专业、高效、廉洁的新型多边开发银行: what a thing is to be made into is a goal
_BECOME = re.compile(
    r"(?P<v>建设成为|打造成为|建成为|打造成)(?P<g>(?![和与及并])[^，。；：“”\n]{4,40}?)"
    r"(?=而?(?:努力|不懈)?奋斗|而努力|[，。；：！？\n]|$)"
)
#: not a goal of its own: one of two fates (…还是…), or a goal named inside a longer noun
#: (打造成为…门户的光荣使命, 建设成为…国家的战略思想)
_NOT_BECOME = re.compile(r"还是|的[^的]{0,4}(?:使命|任务|思想|要求|目标|道路)$")
#: 围绕建设生态、宜居城市这一目标: the goal is what the verb governs, up to the demonstrative
_THIS_GOAL = re.compile(
    rf"(?:{_GOAL_VERBS}|打造)(?P<g>(?![和与及并])[^，。；：“”\n]{{2,30}}?)(?:这一|这个)(?:奋斗)?目标"
)
#: 主要预期目标是：地区生产总值增长5%左右；城镇新增就业…: each target the list names is a goal
_TARGETS = re.compile(r"预期目标\s*(?:是|为)[：:]?")
_TARGET_END = re.compile(r"[。\n]")
_TARGET_REACH = 400
_TARGET_SPLIT = re.compile(r"[；;，,]")
#: a target: a number (增长5%左右, 1.4万亿斤以上) or a state to keep (…同步, 基本平衡)
_TARGET = re.compile(r"[0-9０-９]|(?:同步|基本平衡|保持稳定|基本稳定|持续改善|继续下降)$")
#: a target names what it measures first (城镇新增就业…); clauses of the list that are no target
#: (在实际工作中争取更好结果) or only the rest of one (同比增长21%) do not
_TARGET_START = re.compile(
    rf"^(?!在实际工作中|实际工作中|争取|努力|力争|并|其中|同时|同比|比上年|比去年|增长|下降|年均)[{HAN}]{{2}}"
)
_MODERN = re.compile(rf"(?:社会主义)?现代化新?(?P<place>{PLACE})(?![{HAN}]{{0,1}}(?:建设者|特色))")
_STRONG = re.compile(rf"[{HAN}]{{2,6}}强(?:省|市|县|区|国)")
_SAFE = re.compile(rf"(?:更高水平的)?(?:平安|法治|美丽|健康|数字|幸福)(?:{PLACE}|中国)")


def goals(doc: Doc) -> list[Mention]:
    """…奋斗目标 / …目标任务 / …新目标, 现代化XX, …强省, 平安XX; what a verb says is to be built
    or reached (目标是建设X, 建设成为X, X这一目标); the targets of a list of expected targets."""
    text = doc.text
    out = []
    for m in _GOAL_HEAD.finditer(text):
        if text[m.start() - 1 : m.start()] in ("”", "的"):
            continue  # “两个确保”的奋斗目标: the quoted rule owns it
        start = _through_quotes(text, left_edge(text, m.start(), max_len=14))
        content = text[start : m.start()]
        if len(content) < 2 or _GOAL_GENERIC.match(content) or content.endswith(("这一", "这个")):
            continue  # X这一目标: the goal is X (below)
        label = content if m.group(0) == "新目标" else text[start : m.end()]
        out.append(Mention(start, m.end(), text[start : m.end()], "Goal", label, "goal-head"))
    for m in _GOAL_OF.finditer(text):
        start = _through_quotes(text, left_edge(text, m.start(), max_len=14))
        content = text[start : m.start()]
        if len(content) >= 2 and not _GOAL_GENERIC.match(content):
            out.append(Mention(start, m.end(), text[start : m.end()], "Goal", text[start : m.end()], "goal-of"))
    out.extend(_targets(text))
    for m in _BECOME.finditer(text):
        g = m.group("g")
        # after a bare 打造成 only a description (…的…): 打造成渝绵… is 打造 成渝绵…
        if (m.group("v") == "打造成" and "的" not in g) or _NOT_BECOME.search(g):
            continue
        if is_boundary(text, m.start("g")):
            out.extend(_governed_goals(text, m.start("g"), m.end("g"), "to-become"))
    for m in _THIS_GOAL.finditer(text):
        if is_boundary(text, m.start("g")):
            out.append(Mention(m.start("g"), m.end("g"), m.group("g"), "Goal", m.group("g"), "this-goal"))
    for m in _GOAL_IS.finditer(text):
        out.extend(_governed_goals(text, m.start("g"), m.end("g"), "goal-is"))
    for m in _MODERNISATION.finditer(text):
        start = left_edge(text, m.start(), max_len=14)
        if m.start() - start >= 2 and _REACHED.search(text, max(0, start - 4), start):
            span = text[start : m.end()]
            out.append(Mention(start, m.end(), span, "Goal", span, "modernisation"))
    for m in _TO_BUILD.finditer(text):
        g = m.group("g")
        if is_boundary(text, m.end("g")) and g.count("“") == g.count("”") and not g.startswith("“"):
            out.append(Mention(m.start("g"), m.end("g"), g, "Goal", _unquote(g), "to-build"))
    for m in _BUILT.finditer(text):
        start = left_edge(text, m.start(), max_len=12)
        if m.start() - start >= 2:
            out.append(Mention(start, m.end(), text[start : m.end()], "Goal", text[start : m.end()], "to-build"))
    for m in _MODERN.finditer(text):
        key = "现代化" + m.group("place")
        out.append(Mention(m.start(), m.end(), m.group(0), "Goal", m.group(0), "modern-place", key=f"Goal:{key}"))
    qspans = quotes(text)
    for m in _STRONG.finditer(text):
        if inside_quotes(qspans, m.start()) or text.startswith("战略", m.end()):
            continue  # part of a quoted slogan (“产业强市、生态立市”) or a strategy's name
        if not (is_boundary(text, m.end() - 2) and is_boundary(text, m.end())):
            continue  # 加强省委…, 做强区域: 强 and 省/区 belong to other words
        # the regex takes at most six characters before 强X; the name's edge may lie further left.
        # 建设现代农业强省: the goal is the 强省, not the building of it; 文化强省和教育强省: two
        start = left_edge(text, m.end() - 2, max_len=12, extra=("建设", "建成", "和", "与", "及"))
        if m.end() - start >= 4:
            out.append(Mention(start, m.end(), text[start : m.end()], "Goal", text[start : m.end()], "strong-place"))
    for m in _SAFE.finditer(text):
        out.append(
            Mention(
                m.start(),
                m.end(),
                m.group(0),
                "Goal",
                m.group(0),
                "safe-place",
                key="Goal:" + m.group(0).removeprefix("更高水平的"),
            )
        )
    return out


def _governed_goals(text: str, start: int, end: int, rule: str) -> Iterator[Mention]:
    """The goals a verb governs in text[start:end], one per 、VERB (建设X、建设Y), each ending
    on a word boundary."""
    pos = start
    for part in _NEXT_GOAL.split(text[start:end]):
        if 2 <= len(part) and is_boundary(text, pos + len(part)):
            yield Mention(pos, pos + len(part), part, "Goal", part, rule)
        verb = _NEXT_GOAL.match(text, pos + len(part))
        pos += len(part) + (verb.end() - verb.start() if verb else 0)


def _targets(text: str) -> Iterator[Mention]:
    """The targets a list of expected targets names, one clause each (主要预期目标是：…)."""
    for m in _TARGETS.finditer(text):
        # a list of targets is one sentence: read at most _TARGET_REACH characters of it, so
        # that a text repeating 预期目标是 without a full stop is not read once per repeat
        limit = min(len(text), m.end() + _TARGET_REACH)
        end = _TARGET_END.search(text, m.end(), limit)
        stop = end.start() if end else limit
        pos = m.end()
        for part in _TARGET_SPLIT.split(text[pos:stop]):
            item = part.strip()
            lead = part.find(item) if item else 0
            if 4 <= len(item) <= 40 and _TARGET.search(item) and _TARGET_START.match(item):
                yield Mention(pos + lead, pos + lead + len(item), item, "Goal", item, "expected-target")
            pos += len(part) + 1


def _through_quotes(text: str, start: int) -> int:
    """Extend a name's left edge over a quotation it continues (“十四五”规划目标任务)."""
    if text[start - 1 : start] == "”":
        open_ = text.rfind("“", max(0, start - 12), start)
        if open_ >= 0:
            return open_
    return start


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


_DISCOURSE = re.compile(r"习近平(?:总书记|同志)?关于[^，。；：“”]{2,30}?的重要(?:论述|思想)")


def concepts(doc: Doc) -> list[Mention]:
    """习近平…思想, 习近平总书记关于…的重要论述, …精神 in lists, …战略."""
    text = doc.text
    out = []
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
        if len(content) < 2 or content in _STRATEGY_NOT:
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
