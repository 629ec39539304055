"""The sentence frame the relation rules read: the predicates' names, mentions by position
(`Index`), what the text is about so far (`Focus`), and one sentence with its mentions (`Clause`)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from speechkg.graph.model import Doc, Mention, Sentence
from speechkg.ontology.types import AGENT_TYPES

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

AGENTS = AGENT_TYPES  # ontology/types.tsv
OBJECT_TYPES = ("Goal", "Concept", "Campaign")
#: how many sentences a meeting reported as held stays the one the text is about
FOCUS_SPAN = 6
#: how far (characters, dates included) a verb phrase joining a person or body to a meeting
#: may run: 张三（DATE）上午在北京主持召开 MEETING; rules look no further, so that a sentence
#: listing thousands of names and meetings is read in linear time
REACH = 120

Found = tuple[Mention, str, Mention]

_CLAUSE_MARKS = "，；：,;:"


# ------------------------------------------------------------------ look-ups


class Index:
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


def top_level(ms: list[Mention]) -> list[Mention]:
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


def outermost(m: Mention, pool: list[Mention]) -> Mention:
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
    idx: Index
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
        return top_level(self.ms)

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
        return top_level(self.meetings)

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

DocRule = Callable[[Doc, Index], Iterable[tuple[Mention, str, Mention, int]]]
