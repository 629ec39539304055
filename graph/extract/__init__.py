"""Extraction: a dict of small components, each a plain function Doc → [Mention].

`extract(doc, lexicon)` runs every component, resolves overlapping candidates
(longer spans win; a span of another type may nest inside a longer one, as the
body 省委 inside the meeting 省委经济工作会议), then finds the relations.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from speechkg.graph.extract import (
    bodies,
    dates,
    documents,
    formulas,
    lexicon,
    meetings,
    persons,
    projects,
    proposed,
    relations,
    rules,
    states,
)
from speechkg.graph.extract.common import PUNCT, governs, is_boundary, word_around
from speechkg.graph.extract.tables import TITLES, meeting_pattern, verbs
from speechkg.graph.extract.talks import talks
from speechkg.graph.model import Doc, Mention

TITLE_SET = frozenset(TITLES)

Component = Callable[[Doc], list[Mention]]

#: name → component; order is the tie-break when two rules find the same span.
COMPONENTS: dict[str, Component] = {
    "dates": dates.dates,
    "meetings": meetings.meetings,
    "documents": documents.documents,
    "quoted": formulas.quoted,
    "bodies": bodies.bodies,
    "persons": persons.persons,
    "campaigns": formulas.campaigns,
    "zones": projects.zones,
    "project_lists": projects.project_lists,
    "counted_lists": projects.counted_lists,
    "goals": formulas.goals,
    "concepts": formulas.concepts,
    "members": formulas.members,
    "shared_heads": formulas.shared_heads,
}

_RANK = {name: i for i, name in enumerate(COMPONENTS)}


#: rules of meetings whose names hold other meetings: …会议小范围会谈, 学习贯彻党的十九大精神研讨班
_HOLDS_MEETINGS = frozenset({rules.MEETING_PART, rules.THEMED_MEETING})


#: (inner, outer) type pairs where the inner span is part of a title, not a mention of its own:
#: 习近平 in 习近平新时代中国特色社会主义思想 or in 《习近平法治思想学习纲要》; 高质量发展 and
#: 2024年 in 《关于促进民营经济高质量发展的若干措施》, 《2024年工作要点》
_NOT_NESTED = {
    ("Person", "Concept"),
    ("Person", "Document"),
    ("Goal", "Document"),
    ("Concept", "Document"),
    ("Date", "Document"),
}


def resolve(candidates: list[tuple[int, Mention]]) -> list[Mention]:
    """Keep the longest spans; drop spans that cross a kept one, and same-type spans nested
    in a kept one. `candidates` are (rank, mention); a lower rank wins a tie.

    Spans are taken longest first, so the kept ones never cross and each new one lies inside
    those it overlaps: the kept spans over a candidate are those over its first or its last
    character, found from the innermost kept span at each character (an array) through the
    kept span just around it. Linear in the candidates and the text they cover."""
    if not candidates:
        return []
    order = sorted(candidates, key=lambda c: (-(c[1].end - c[1].start), c[0], c[1].start))
    kept: list[Mention] = []
    around: list[int] = []  # for each kept span, the kept span just around it (-1: none)
    inner = array("i", [-1]) * max(m.end for _, m in candidates)  # character → innermost kept span
    seen_spans: set[tuple[int, int]] = set()
    for _, m in order:
        if m.end <= m.start or (m.start, m.end) in seen_spans or not _fits(m, kept, around, inner):
            continue
        around.append(inner[m.start])
        inner[m.start : m.end] = array("i", [len(kept)]) * (m.end - m.start)
        kept.append(m)
        seen_spans.add((m.start, m.end))
    return sorted(kept, key=lambda m: (m.start, m.end))


def _fits(m: Mention, kept: list[Mention], around: list[int], inner: array) -> bool:
    """Whether `m` may be kept beside the kept spans over its first and last characters."""
    for pos in (m.start, m.end - 1):
        i = inner[pos]
        while i >= 0:
            k = kept[i]
            inside = k.start <= m.start and m.end <= k.end
            # a title written out (关于接受张三同志请辞的决定) names its persons; 《》 titles do not
            # a part of a meeting (…会议小范围会谈) holds the meeting it is part of, a seminar the
            # meetings its theme names
            same = k.type == m.type and k.rule not in _HOLDS_MEETINGS
            if not inside or same or ((m.type, k.type) in _NOT_NESTED and k.rule != rules.ABOUT_TITLE):
                return False
            i = around[i]
    return True


def propagate(doc: Doc, found: list[Mention]) -> list[Mention]:
    """Every other occurrence of a name already found (≥3 characters, a person's ≥2 when a rule
    found it: two characters the model proposed are too common a substring; not a date) is a
    mention too. An occurrence that is the span of a found mention of its type, on word boundaries, is
    that mention (in `resolve` it fares as that mention does, which comes first) and is not made
    again: a text that names one body a hundred thousand times holds those mentions once."""
    import ahocorasick

    forms: dict[str, Mention] = {}
    for m in found:
        shortest = 3 if m.type != "Person" or m.rule.startswith(rules.MODEL) else 2
        if m.type == "Date" or len(m.text) < shortest:
            continue
        forms.setdefault(m.text, m)
    if not forms:
        return []
    auto = ahocorasick.Automaton()
    for form, m in forms.items():
        auto.add_word(form, (form, m))
    auto.make_automaton()
    typed = {(m.start, m.end, m.type) for m in found}
    text, out = doc.text, []
    for end, (form, m) in auto.iter(text):
        start = end - len(form) + 1
        if start == m.start:
            continue
        if (start, end + 1, m.type) in typed and is_boundary(text, start) and is_boundary(text, end + 1):
            continue
        out.append(replace(m, start=start, end=end + 1, rule=rules.PROPAGATED, member_of=None))
    return out


def _as_known(m: Mention, known: dict[str, tuple[str, str]]) -> Mention:
    """The lexicon decides the type of a name it knows, whatever rule found it."""
    hit = known.get(lexicon.clean(m.label)) or known.get(lexicon.clean(m.text))
    if hit is None or m.rule == rules.LEXICON or m.type in ("Date", "Meeting"):
        return m
    return replace(m, type=hit[0], label=hit[1])


#: rules that type a name only by default, without evidence from its context
_DEFAULT_TYPED = {rules.NUMBERED_FORMULA}


def _one_type_per_name(found: list[Mention]) -> list[Mention]:
    """A name typed only by default takes the type its other mentions have by evidence
    (“两个确保”的奋斗目标 makes every “两个确保” a goal)."""
    evidence: dict[str, set[str]] = {}
    for m in found:
        if m.rule not in _DEFAULT_TYPED:
            evidence.setdefault(lexicon.clean(m.label), set()).add(m.type)
    out = []
    for m in found:
        types = evidence.get(lexicon.clean(m.label), set())
        if m.rule in _DEFAULT_TYPED and len(types) == 1 and m.type not in types:
            m = replace(m, type=next(iter(types)))
        out.append(m)
    return out


_PARTY_GROUP = re.compile(r"党组(?!书记|副书记|成员|理论学习)")


def party_groups(doc: Doc, found: list[Mention]) -> list[Mention]:
    """An organ followed by 党组 names its leading party group (中共全国政协党组, 省妇联党组)."""
    out = []
    for m in found:
        if m.type == "Body" and _PARTY_GROUP.match(doc.text, m.end):
            start = m.start - 2 if doc.text[m.start - 2 : m.start] == "中共" else m.start
            span = doc.text[start : m.end + 2]
            out.append(Mention(start, m.end + 2, span, "Body", span, "party-group"))
    return out


_CONVENED = re.compile(
    rf"[^，。；：]{{0,12}}?(?:{verbs('hold')})了?(?P<m>{meeting_pattern('convened')})(?=[，。；\s]|$)"
)


def convened_meetings(doc: Doc, found: list[Mention]) -> list[Mention]:
    """A body that convenes a meeting without a name names it (中共XX党组1月14日召开会议 →
    中共XX党组会议)."""
    out = []
    for m in found:
        c = _CONVENED.match(doc.text, m.end) if m.type == "Body" else None
        if c:
            label = m.text + c.group("m")
            out.append(
                Mention(c.start("m"), c.end("m"), c.group("m"), "Meeting", label, "convened-meeting", aliases=(label,))
            )
    return out


#: rules whose span is a fixed form (a lexicon name, a quotation, a title): it is kept whole or not at all
_FIXED = {rules.LEXICON, rules.PROPAGATED}


#: words the segmenter glues to the end of a name (执委会议和 → 执委会/议和, 王芳作, 全会精神)
_GLUE = frozenset([*"和与及的等上中了是在作说", "精神", "以来", "期间"])


def _glued(text: str, end: int) -> bool:
    """The word that crosses `end` is the end of a name and a word glued to it."""
    start, stop = word_around(text, end)
    return start < end and text[end:stop] in _GLUE


def _titled(text: str, m: Mention) -> bool:
    """An organ glued to a title in one word (省委书记, 市委常委): the organ is still named."""
    if m.type != "Body":
        return False
    _, end = word_around(text, m.end)
    return text[m.end : end] in TITLE_SET


def on_word_boundaries(doc: Doc, m: Mention) -> Mention | None:
    """The mention with its edges on word boundaries (jieba's segmentation of its clause), or None.

    A span that ends inside a word ([中共中央政治局]常委, [列宁]主义) is dropped: the word goes on
    past the name. A span that starts inside a word takes the whole word when what it adds is a
    short part of the name (自治[区人大常委会] → 自治区人大常委会), starts after the word when it
    is a governing verb glued to the name, and is dropped otherwise. Fixed forms (lexicon names,
    persons) are kept whole or dropped (人[民进]行 is no 民进)."""
    if m.type == "Date":
        return m
    ended = _end_on_boundary(doc.text, m)
    return None if ended is None else _start_on_boundary(doc.text, ended)


def _end_on_boundary(text: str, m: Mention) -> Mention | None:
    """The mention if it ends on a word boundary (or a glued word, or a title), a campaign run on
    to the 工作 that ends its word (试点 + 工作 → 试点工作), else None."""
    if m.text[-1:] in "”》" or is_boundary(text, m.end) or _titled(text, m) or _glued(text, m.end):
        return m
    _, stop = word_around(text, m.end)
    if m.type != "Campaign" or text[m.end : stop] != "工作":
        return None
    return replace(m, end=stop, text=text[m.start : stop], label=m.label + "工作")


#: the end of a written date (2021年11月11日): never the start of a name
_DATE_END = re.compile(r"(?<=[0-9０-９〇一二三四五六七八九十])[年月日号]$")


def _start_on_boundary(text: str, m: Mention) -> Mention | None:
    """The mention with its start moved to a word boundary, or None (see `on_word_boundaries`)."""
    if m.text[:1] in "“《" or is_boundary(text, m.start) or m.key:
        return m  # a keyed name (党的二十大) is a fixed form: 用[党的十八届三中全会] holds no more of it
    ws, we = word_around(text, m.start)
    prefix = text[ws : m.start]
    if _DATE_END.search(prefix):
        return m  # 11日/中国共产党: a date's last character glued to the name
    if m.rule in _FIXED or m.type == "Person":
        # 学/雷锋 glued into 学雷锋: one character before a fixed name that ends the word
        return m if len(prefix) == 1 and we <= m.end else None
    if prefix in _GLUE or governs(prefix):
        return m  # 由市/总工会: a function word glued to the name's first character
    relabel = m.label == m.text
    if len(prefix) <= 2 and not governs(text[ws:we]) and not any(c in PUNCT for c in prefix):
        span = text[ws : m.end]
        return replace(m, start=ws, text=span, label=span if relabel else m.label)
    if governs(text[ws:we]) and m.end - we >= 2:
        span = text[we : m.end]
        return replace(m, start=we, text=span, label=span if relabel else m.label)
    return None


def _candidates(doc: Doc, comps: dict[str, Component], lex: lexicon.Lexicon) -> list[tuple[int, Mention]]:
    """What the components find, as (rank, mention) with rank their place in `comps`, typed as
    the lexicon knows them and set on word boundaries."""
    candidates: list[tuple[int, Mention]] = []
    for rank, fn in enumerate(comps.values()):
        candidates.extend((rank, m) for m in fn(doc))
    known = lex.forms()
    candidates = [(r, _as_known(m, known)) for r, m in candidates]
    candidates = [(r, b) for r, m in candidates if (b := on_word_boundaries(doc, m)) is not None]
    return proposed.joined(candidates)


def _settled(doc: Doc, resolved: list[Mention]) -> list[Mention]:
    """The resolved mentions, one type per name, with the party groups of bodies, the meetings
    bodies convene, the states that act in a text of foreign relations and the talks persons
    hold added; what resolve kept, it keeps again, so each step resolves only when it adds or
    retypes."""
    first = _one_type_per_name(resolved)
    groups = party_groups(doc, first)
    if groups or any(a is not b for a, b in zip(first, resolved, strict=True)):
        first = resolve([(0, m) for m in groups] + [(1, m) for m in first])
    convened = convened_meetings(doc, first)
    if convened:
        first = resolve([(0, m) for m in first] + [(1, m) for m in convened])
    parties = states.states(doc, first)
    if parties:
        first = resolve([(0, m) for m in first] + [(1, m) for m in parties])
    talked = talks(doc, first)
    if talked:
        first = resolve([(0, m) for m in first] + [(1, m) for m in talked])
    return first


def extract(doc: Doc, lex: lexicon.Lexicon | None = None, components: dict[str, Component] | None = None) -> Doc:
    """Fill `doc.mentions` and `doc.relations`."""
    lex = lex if lex is not None else lexicon.builtin()
    comps = dict(components if components is not None else COMPONENTS)
    comps = {"lexicon": partial(lexicon.match, lex=lex), **comps}
    if lex.ner != "none":
        comps["model"] = partial(proposed.names, model=lex.ner)  # last: a rule's equal span wins
    first = proposed.inside_rules(_settled(doc, resolve(_candidates(doc, comps, lex))))
    more = [b for m in propagate(doc, first) if (b := on_word_boundaries(doc, m)) is not None]
    doc.mentions = resolve([(0, m) for m in first] + [(len(comps), m) for m in more]) if more else first
    if more:
        doc.mentions = _late_talks(doc, doc.mentions)
    doc.relations = relations.relations(doc)
    return doc


def _late_talks(doc: Doc, found: list[Mention]) -> list[Mention]:
    """The talks found again once propagation has found more hosts (a headline's name, found by its
    title in the text), so that a headline and its report share a key."""
    rest = [m for m in found if not (m.key or "").startswith(rules.TALK_KEY)]
    late = talks(doc, rest)
    spans = {(m.start, m.end, m.type) for m in found}
    if len(rest) == len(found) and all((m.start, m.end, m.type) in spans for m in late):
        return found
    return resolve([(0, m) for m in rest] + [(1, m) for m in late])


__all__ = ["COMPONENTS", "extract", "resolve", "propagate"]
