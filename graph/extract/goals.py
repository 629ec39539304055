"""Goals: what official prose says is to be reached or built.

Names ending in a goal's head (…奋斗目标, …目标任务, …新目标; a red line, 耕地保护红线, is a
limit to hold, no state to reach), the targets of a development
period (经济社会发展的主要预期目标) and of a list of expected targets, what a verb says is to be built
or reached (目标是建设X, 建设成为X, X这一目标, 建设国际消费中心城市), and the places to be made
modern, strong or safe (现代化XX, …强省, 平安XX). A goal in quotation marks is `formulas.quoted`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from speechkg.graph.extract import rules
from speechkg.graph.extract.common import (
    BILATERAL_PAIR,
    HAN,
    PLACE,
    inside_quotes,
    is_boundary,
    left_edge,
    quotes,
    unquote,
)
from speechkg.graph.extract.tables import alternation, bilateral
from speechkg.graph.extract.targets import stated_targets
from speechkg.graph.model import Doc, Mention

_GOAL_HEAD = re.compile(r"(?:奋斗目标|目标任务|新目标|目标)(?!导向|责任|管理|考核|体系|值)")
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
#: (宏观调控的主要目标是：… in the reports of the 1990s, 国民经济和社会发展的主要目标是：… in 2007)
_TARGETS = re.compile(r"(?:预期目标|宏观调控的主要目标|发展的主要目标)\s*(?:是|为)[：:]?")
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
#: 新时代中非命运共同体, 中老命运共同体: the community of shared future China is to build with a
#: country or a region, named by the pair of short names
_COMMUNITY = re.compile(rf"(?:(?:面向)?新时代的?)?{BILATERAL_PAIR}(?:{bilateral('community')})?命运共同体")
_SAFE = re.compile(rf"(?:更高水平的)?(?:平安|法治|美丽|健康|数字|幸福)(?:{PLACE}|中国)")


def goals(doc: Doc) -> list[Mention]:
    """…奋斗目标 / …目标任务 / …新目标, 现代化XX, …强省, 平安XX; what a verb says is to be built
    or reached (目标是建设X, 建设成为X, X这一目标); the targets of a list of expected targets."""
    return [m for rule in _RULES for m in rule(doc.text)]


def _headed(text: str) -> Iterator[Mention]:
    """A name ending in a goal's head, not after ” or 的 (“两个确保”的奋斗目标 is the quoted rule's)
    and not a generic word (主要目标); of …新目标 the label is what is new."""
    for m in _GOAL_HEAD.finditer(text):
        if text[m.start() - 1 : m.start()] in ("”", "的"):
            continue  # “两个确保”的奋斗目标: the quoted rule owns it
        start = _through_quotes(text, left_edge(text, m.start(), max_len=14))
        content = text[start : m.start()]
        if len(content) < 2 or _GOAL_GENERIC.match(content) or content.endswith(("这一", "这个")):
            continue  # X这一目标: the goal is X (`_this_goal`)
        label = content if m.group(0) == "新目标" else text[start : m.end()]
        yield Mention(start, m.end(), text[start : m.end()], "Goal", label, "goal-head")


def _goal_of(text: str) -> Iterator[Mention]:
    """经济社会发展的主要预期目标: the targets of a development period, named with 的."""
    for m in _GOAL_OF.finditer(text):
        start = _through_quotes(text, left_edge(text, m.start(), max_len=14))
        content = text[start : m.start()]
        if len(content) >= 2 and not _GOAL_GENERIC.match(content):
            yield Mention(start, m.end(), text[start : m.end()], "Goal", text[start : m.end()], "goal-of")


def _to_become(text: str) -> Iterator[Mention]:
    """建设成为X / 打造成…的X: what a thing is to be made into."""
    for m in _BECOME.finditer(text):
        g = m.group("g")
        # after a bare 打造成 only a description (…的…): 打造成渝绵… is 打造 成渝绵…
        if (m.group("v") == "打造成" and "的" not in g) or _NOT_BECOME.search(g):
            continue
        if is_boundary(text, m.start("g")):
            yield from _governed_goals(text, m.start("g"), m.end("g"), "to-become")


def _this_goal(text: str) -> Iterator[Mention]:
    """围绕建设X这一目标: X, what the verb governs up to the demonstrative."""
    for m in _THIS_GOAL.finditer(text):
        if is_boundary(text, m.start("g")):
            yield Mention(m.start("g"), m.end("g"), m.group("g"), "Goal", m.group("g"), "this-goal")


def _goal_is(text: str) -> Iterator[Mention]:
    """目标是建设X、建设Y: what the goal is said to build or reach."""
    for m in _GOAL_IS.finditer(text):
        yield from _governed_goals(text, m.start("g"), m.end("g"), "goal-is")


def _modernisation(text: str) -> Iterator[Mention]:
    """推进农业农村现代化: …现代化 after a verb of reaching it."""
    for m in _MODERNISATION.finditer(text):
        start = left_edge(text, m.start(), max_len=14)
        if m.start() - start >= 2 and _REACHED.search(text, max(0, start - 4), start):
            span = text[start : m.end()]
            yield Mention(start, m.end(), span, "Goal", span, "modernisation")


def _to_build(text: str) -> Iterator[Mention]:
    """建设国际消费中心城市, 打造…“天府粮仓”: a place to be built, after the verb (label unquoted)."""
    for m in _TO_BUILD.finditer(text):
        g = m.group("g")
        if is_boundary(text, m.end("g")) and g.count("“") == g.count("”") and not g.startswith("“"):
            yield Mention(m.start("g"), m.end("g"), g, "Goal", unquote(g), "to-build")


def _built(text: str) -> Iterator[Mention]:
    """国际消费中心城市建设: a place to be built, named before 建设."""
    for m in _BUILT.finditer(text):
        start = left_edge(text, m.start(), max_len=12)
        if m.start() - start >= 2:
            yield Mention(start, m.end(), text[start : m.end()], "Goal", text[start : m.end()], "to-build")


def _modern_places(text: str) -> Iterator[Mention]:
    """现代化XX: a place to be made modern; (社会主义)现代化(新)XX are one goal."""
    for m in _MODERN.finditer(text):
        key = "现代化" + m.group("place")
        yield Mention(m.start(), m.end(), m.group(0), "Goal", m.group(0), "modern-place", key=f"Goal:{key}")


def _strong_places(text: str) -> Iterator[Mention]:
    """文化强省, 现代农业强省: a place to be made strong in something."""
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
            yield Mention(start, m.end(), text[start : m.end()], "Goal", text[start : m.end()], "strong-place")


def _safe_places(text: str) -> Iterator[Mention]:
    """平安XX, 更高水平的法治中国: a place to be made safe, lawful, beautiful…; one goal with or
    without 更高水平的."""
    for m in _SAFE.finditer(text):
        key = "Goal:" + m.group(0).removeprefix("更高水平的")
        yield Mention(m.start(), m.end(), m.group(0), "Goal", m.group(0), "safe-place", key=key)


def _communities(text: str) -> Iterator[Mention]:
    """新时代中非命运共同体, 越中命运共同体: a bilateral community of shared future, a goal."""
    for m in _COMMUNITY.finditer(text):
        yield Mention(m.start(), m.end(), m.group(0), "Goal", m.group(0), "community")


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
                yield Mention(pos + lead, pos + lead + len(item), item, "Goal", item, rules.EXPECTED_TARGET)
            pos += len(part) + 1


def _through_quotes(text: str, start: int) -> int:
    """Extend a name's left edge over a quotation it continues (“十四五”规划目标任务)."""
    if text[start - 1 : start] == "”":
        open_ = text.rfind("“", max(0, start - 12), start)
        if open_ >= 0:
            return open_
    return start


#: the goal rules, in the order their mentions are listed
_RULES: tuple[Callable[[str], Iterator[Mention]], ...] = (
    _headed,
    _goal_of,
    _targets,
    stated_targets,
    _to_become,
    _this_goal,
    _goal_is,
    _modernisation,
    _to_build,
    _built,
    _modern_places,
    _strong_places,
    _safe_places,
    _communities,
)
