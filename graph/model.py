"""Small dataclasses that flow through the pipeline.

Offsets are half-open character offsets into `Speech.text`:
`speech.text[m.start:m.end] == m.text` for every span.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import sys
from dataclasses import dataclass, field

#: the periods a corpus's mentions are counted by (trend, timeline)
PERIODS = ("year", "quarter", "month")


@dataclass(frozen=True)
class Speech:
    """One speech: its text as read, where it came from and the date it was given."""

    text: str
    source: str = "-"
    date: _dt.date | None = None
    year: int | None = None  # the year relative dates resolve against
    title: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered part of the speech: `一、…` (level 1) or `（一）…` (level 2)."""

    index: int
    level: int
    ordinal: int
    heading: str
    start: int
    end: int
    heading_start: int
    heading_end: int
    parent: int | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    section: int | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A typed span. `label` is the form used for linking (quotes and 《》 removed).

    What a rule knows beyond the span, for linking and relations:
    `value` a date's ISO value; `key` an entity key that overrides the label's
    (party-congress-20: 党的二十大 and 第二十次全国代表大会 are one meeting); `aliases`
    other names of the same referent; `short_of` "prefix|kind" of a short form that points
    to the one longer name (省党代会 → 省第十一次党代会); `canonical` the label is the
    entity's preferred label (“第一议题”制度 → 第一议题); `number` the number of a numbered
    formula (五大行动 → 5); `member_of` the start offset of the numbered formula this
    mention is a listed member of; `confidence` the trained model's probability for a name it
    proposed (None: a rule found it)."""

    start: int
    end: int
    text: str
    type: str
    label: str
    rule: str
    value: str | None = None
    key: str | None = None
    aliases: tuple[str, ...] = ()
    short_of: str | None = None
    canonical: bool = False
    number: int | None = None
    member_of: int | None = None
    confidence: float | None = None

    def __post_init__(self) -> None:
        # equal strings held once: a text that names one body a hundred thousand times holds
        # its name once, not twice a mention (the span's text and the label are mostly equal)
        text, label = self.text, self.label
        if type(text) is str and type(label) is str:
            text = sys.intern(text)
            object.__setattr__(self, "text", text)
            object.__setattr__(self, "label", text if label == text else sys.intern(label))


@dataclass(frozen=True, slots=True)
class Relation:
    """subject --predicate--> object between two mentions, found in one sentence."""

    subject: Mention
    predicate: str
    object: Mention
    sentence: int
    rule: str


@dataclass(frozen=True, slots=True)
class Target:
    """A numeric target a report states (国内生产总值增长5%左右), read from its Goal mention.

    `indicator` is a key of data/indicators.tsv, or None for another indicator (its words are
    in `words` either way); `value` and `upper` (a range's upper end) are decimal strings;
    `qualifier` is 左右, 以上, 以内, 以下, 不超过, 超过, 区间 (a range) or "" (an exact value);
    `year` is the year the target is for; `body` the entity key of the government that set it
    (the report's: 国务院, 广东省人民政府), None when the text does not say or never names it."""

    mention: Mention
    words: str
    indicator: str | None
    value: str
    upper: str | None
    unit: str
    qualifier: str
    year: int | None
    body: str | None = None


@dataclass(frozen=True, slots=True)
class Position:
    """A post a speech states of a person (全国政协副主席王刚): the person's mention, the title
    (a key of data/roles.tsv), the statement's span [`start`, `end`) (organ and title, and 原/前),
    the organ's entity key and label (the Body stated before the title, or the one it implies:
    总理 → 国务院; the label names it when the speech has no entity of that key), whether the post
    is `former` (原/前) and the rule that read it."""

    mention: Mention
    title: str
    start: int
    end: int
    organ: str
    organ_label: str
    former: bool
    rule: str


@dataclass(slots=True)
class Entity:
    """One referent in the document, with every surface form it takes."""

    key: str
    type: str
    label: str
    aliases: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)
    value: str | None = None
    number: int | None = None


@dataclass
class Doc:
    """The pipeline's one document object: each step fills in its part."""

    speech: Speech
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    # mention -> entity key, filled by link
    links: dict[Mention, str] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    # level (省, 市, 自治区) → the full name of the speech's place at that level, filled by link
    places: dict[str, str] = field(default_factory=dict)
    positions: list[Position] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.speech.text

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence that contains character `offset` (binary search)."""
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if offset < s.start:
                hi = mid - 1
            elif offset >= s.end:
                lo = mid + 1
            else:
                return s
        return None
