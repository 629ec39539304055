"""Positions: the posts a speech states of its persons (全国政协副主席王刚, 张德江委员长,
中共中央政治局常委、国务院副总理韩正, 原国务院副总理吴仪).

A post is a title of data/roles.tsv with its organ: the Body mention that ends where the title
starts (全国政协 + 副主席), else the organ the title implies (data/implied_organs.tsv: 总理 →
国务院). Titles read backwards from a name, joined by 、, are several posts of one person; a title
right after a name states a post only when it implies its organ (习近平总书记). 原 or 前 before a
post marks it former. A relative organ (省委, 省人民政府) is the speech's province's, as in
linking (link.base_key with the places link found, Doc.places). A title without its organ that the speech
states elsewhere for the same person with one takes that organ (越共中央总书记阮富仲 … 阮富仲总书记).
Names joined by 、 after posts share them (国务院副总理何立峰、张国清: both are vice premiers).
Foreign leaders' posts are read where their titles are in roles.tsv with the state stated before
(巴基斯坦总理X: the state is the organ); foreign-only titles (总统普京, 首相) state no post."""

from __future__ import annotations

import dataclasses
import re
from functools import cache

from speechkg.graph.extract import rules
from speechkg.graph.extract.lexicon import Lexicon, builtin
from speechkg.graph.extract.tables import rows
from speechkg.graph.model import Doc, Entity, Mention, Position
from speechkg.graph.text import analysis_form

#: the words that mark a post as no longer held
_FORMER = "原前"
#: what may stand before a former marker that opens a post: the start of a clause or a function
#: word (惊悉原…, 会见了原…), not a word's first character (目前, 此前, 高原, 还原)
_BEFORE_FORMER = re.compile(r"[^\u4e00-\u9fff]|[了和与及同为是的悉]")
#: what may stand before a title without its organ: the start of a clause, a list or a function word
_OPENS_POST = re.compile(r"[^\u4e00-\u9fff]|[了和与及同为是的见、]")
#: characters that continue a word after a title that follows a name (总理府, 总书记们)
_TITLE_CONTINUES = set("团府会级长副兼职们处")


@cache
def roles() -> dict[str, str]:
    """title → its English name (data/roles.tsv)."""
    return {r[0]: r[1] for r in rows("roles.tsv")}


@cache
def implied_organs() -> dict[str, str]:
    """title → the organ it implies (data/implied_organs.tsv)."""
    return {r[0]: r[1] for r in rows("implied_organs.tsv")}


@cache
def _implied_alone() -> frozenset[str]:
    """The titles that imply their organ alone, after a name or before it (张德江委员长)."""
    return frozenset(r[0] for r in rows("implied_organs.tsv") if len(r) > 2 and r[2] == "alone")


@cache
def _titles_longest_first() -> tuple[str, ...]:
    return tuple(sorted(roles(), key=lambda t: (-len(t), t)))


def _title_ending_at(text: str, pos: int) -> str | None:
    return next((t for t in _titles_longest_first() if text.startswith(t, pos - len(t))), None)


def _title_starting_at(text: str, pos: int) -> str | None:
    return next((t for t in _titles_longest_first() if text.startswith(t, pos)), None)


class _Organs:
    """The keys of a speech's organs: a stated Body mention's entity, or an implied organ's key
    (the speech's entity of that key when it has one)."""

    def __init__(self, doc: Doc, text: str, lex: Lexicon) -> None:
        from speechkg.graph.link import base_key, speech_scope

        self.doc, self.text, self.lex, self.base_key = doc, text, lex, base_key
        bodies = [m for m in doc.mentions if m.type == "Body" and m in doc.links]
        self.places = doc.places  # as link found them
        self.scope = speech_scope(doc)
        self.by_end: dict[int, Mention] = {}
        for m in sorted(bodies, key=lambda m: -m.end + m.start):  # the longest ending there wins
            self.by_end.setdefault(m.end, m)
        #: (person's key, title) → (organ key, label) of the posts stated with their organ
        self.stated: dict[tuple[str, str], tuple[str, str]] = {}
        #: (person's key, title) of the titles stated before a name after words not known as an organ
        self.unknown: set[tuple[str, str]] = set()

    def implied(self, person: Mention, title: str, alone: bool) -> tuple[str, str] | None:
        """(key, label) of the organ of `title` without an organ before it: the one the speech
        states for that person and title elsewhere (越共中央总书记阮富仲 … 阮富仲总书记), else the
        one the title implies (where it stands `alone`, only a title of China's officials alone:
        总理李显龙 is Singapore's); None when it implies none."""
        stated = self.stated.get((self.doc.links[person], title))
        if stated is not None:
            return stated
        if alone and title not in _implied_alone():
            return None
        return self.of_title(title)

    def of_title(self, title: str) -> tuple[str, str] | None:
        """(key, label) of the organ data/implied_organs.tsv gives `title`, None if none."""
        organ = implied_organs().get(title)
        if organ is None:
            return None
        form = self.lex.forms().get(organ)
        label = form[1] if form and form[0] == "Body" else organ
        key = self.base_key(Mention(0, len(label), label, "Body", label, rules.LEXICON), self.places, self.scope)
        return key, label


#: how a post before a name found its organ: stated before the title, implied by it, or not at all
#: because words not known as an organ stand there (越共中央总书记)
_STATED, _IMPLIED, _UNKNOWN, _NONE = "stated", "implied", "unknown", "none"


def _post(doc: Doc, organs: _Organs, person: Mention, title: str, ts: int) -> tuple[Position | None, int, str]:
    """The post of `title` (starting at `ts`) before `person`, where its statement starts and how
    its organ was found: organ and title (国务院副总理), marked former before the organ
    (原国务院副总理) or between organ and title (云南省委原书记); the organ implied by the title is
    given as if alone (a list decides: see `_before`)."""
    text = organs.text
    inner = ts > 0 and text[ts - 1] in _FORMER and organs.by_end.get(ts - 1)
    organ = inner or organs.by_end.get(ts)
    start = organ.start if organ else ts
    if organ:
        found, kind = (doc.links[organ], organ.label), _STATED
        organs.stated.setdefault((doc.links[person], title), found)
    elif ts > 0 and not _OPENS_POST.match(text, ts - 1):
        organs.unknown.add((doc.links[person], title))
        return None, start, _UNKNOWN
    else:
        found, kind = organs.implied(person, title, alone=False), _IMPLIED
        if found is None:
            return None, start, _NONE
        if (doc.links[person], title) in organs.stated:
            kind = _STATED
    before = start > 0 and text[start - 1] in _FORMER and (start == 1 or _BEFORE_FORMER.match(text, start - 2))
    start -= bool(before)
    post = Position(person, title, start, ts + len(title), *found, bool(inner or before), rules.POST_BEFORE_NAME)
    return post, start, kind


def _before(doc: Doc, organs: _Organs, person: Mention) -> list[Position]:
    """The posts stated right before a name, read backwards over 、. A list with a post of an
    organ not known, or of another organ than the one its title implies (老挝人民革命党中央总书记、
    国家主席X), is a foreign leader's: its implied organs are dropped; a title that foreign
    leaders bear too (总理) implies its organ only in a list with a stated one
    (中共中央政治局常委、总理X)."""
    text, pos = organs.text, person.start
    found: list[tuple[Position | None, str]] = []
    while True:
        title = _title_ending_at(text, pos)
        if title is None:
            break
        post, pos, kind = _post(doc, organs, person, title, pos - len(title))
        found.append((post, kind))
        if pos == 0 or text[pos - 1] != "、":
            break
        pos -= 1
    kinds = {kind for _, kind in found}
    if any(
        kind == _STATED and p and organs.of_title(p.title) not in (None, (p.organ, p.organ_label)) for p, kind in found
    ):
        kinds.add(_UNKNOWN)  # 老挝人民革命党中央总书记: another country's organ for the title
    return [
        p
        for p, kind in reversed(found)
        if p is not None
        and (kind == _STATED or (_UNKNOWN not in kinds and (_STATED in kinds or p.title in _implied_alone())))
    ]


def _after(doc: Doc, organs: _Organs, person: Mention) -> Position | None:
    """The post a title right after a name states (习近平总书记: the title may be part of the
    mention), when the title implies its organ or the speech states it for the person elsewhere,
    and the speech never states the title before the name with an organ it does not know
    (越共中央总书记阮富仲 … 阮富仲总书记: the organ is not 中共中央)."""
    text = organs.text
    name_end = person.start + len(person.label) if person.text.startswith(person.label) else person.end
    title = _title_starting_at(text, name_end)
    key = (doc.links[person], title or "")
    if title is None or key in organs.unknown or (title not in _implied_alone() and key not in organs.stated):
        return None
    end = name_end + len(title)
    if end < len(text) and text[end] in _TITLE_CONTINUES:
        return None
    found = organs.implied(person, title, alone=True)
    if found is None:
        return None
    return Position(person, title, name_end, end, *found, False, rules.POST_AFTER_NAME)


def find(doc: Doc, lex: Lexicon | None = None) -> list[Position]:
    """The posts the speech states of its persons (a step after linking), in text order; an organ
    only a title implies that the speech never names becomes an entity of the speech without
    mentions (国家主席 → 中华人民共和国), so that every membership's organization is a node with
    the entity's IRI and labels (emitted as an org:Organization: the speech does not name it)."""
    lex = lex if lex is not None else builtin()
    organs = _Organs(doc, analysis_form(doc.text), lex)
    persons = [m for m in doc.mentions if m.type == "Person" and m in doc.links]
    for m in persons:  # the posts stated with their organ (organs.stated), for the same titles without one
        _before(doc, organs, m)
    out: list[Position] = []
    shared: dict[Mention, list[Position]] = {}
    by_start = {m.start: m for m in persons}
    for m in persons:
        before = shared.get(m) or _before(doc, organs, m)
        out.extend(before)
        nxt = by_start.get(m.end + 1)
        if before and nxt is not None and organs.text.startswith("、", m.end):
            shared[nxt] = [dataclasses.replace(p, mention=nxt, rule=rules.POST_SHARED) for p in before]
        after = _after(doc, organs, m)
        if after is not None:
            out.append(after)
    known = {e.key for e in doc.entities}
    for p in out:
        if p.organ not in known:
            known.add(p.organ)
            aliases = set(lex.aliases_of("Body", p.organ_label)) - {p.organ_label}
            doc.entities.append(Entity(p.organ, "Body", p.organ_label, aliases))
    return out
