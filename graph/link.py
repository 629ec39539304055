"""Mentions → entities: one entity per referent, a canonical label and every alias.

Mentions are grouped by a key (a date's value; a lexicon name's canonical form;
a rule's own key such as party-congress-20; else type + normalised label), then
groups are merged where a short form points to a longer one: 《工会法》 →
《中华人民共和国工会法》, 省党代会 → 省第十一次党代会, 劳动和技能竞赛 → the
one campaign whose name ends with it.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections.abc import Callable, Iterator

from speechkg.graph.extract.common import PLACE
from speechkg.graph.extract.lexicon import Lexicon, builtin, clean
from speechkg.graph.extract.places import full_form, relative_level, speech_places, split_place
from speechkg.graph.extract.relations import CONVENE
from speechkg.graph.model import Doc, Entity, Mention
from speechkg.graph.text import norm

_LEVEL_PREFIXES = {
    "省",
    "市",
    "县",
    "区",
    "全省",
    "全市",
    "全县",
    "全区",
    "全国",
    "省委",
    "市委",
    "县委",
    "区委",
    "中央",
}
_PRONOUNS = {"我们党", "我党", "党", "我们"}
_BODY_PREFIX = re.compile(rf"^(?:中共)?(?:{PLACE})(?=[省市县区])|^中共(?=[省市县区])")
_JURISDICTION = re.compile(rf"(?:中华人民共和国|{PLACE}|国家|全国)$")
#: what stands before a relative organ to name its place: 西安 (市委), 中共西安 (市委)
_CITY = re.compile(r"(?:中共)?(?!全|各|中央|国家|地方)[\u4e00-\u9fff]{2,4}")


def base_key(m: Mention, places: dict[str, str] | None = None, scope: str | None = None) -> str:
    """The key a mention is grouped by. A Body's key holds its place: its own (湖北省委 →
    Body|湖北省|省委) or, for a relative form (省委), the speech's place at that level
    (`places`, extract.places.speech_places), so that organs of two provinces never share a key.
    A relative form whose place the speech does not say is its speech's own (`scope`): two
    speeches' 市委 are never one body unless their place is known to be one."""
    if m.type == "Date":
        return f"Date|{m.value}"
    own = m.key
    if own:
        return own if "|" in own or ":" in own else f"{m.type}|{own}"
    label = norm(m.label)
    if m.type == "Body":
        place, rest = split_place(label)
        level = relative_level(label)
        if place is None and level and places and level in places:
            place, rest = places[level], label
        if place is not None:
            return f"Body|{place}|{rest.removeprefix('中共')}"
        label = _BODY_PREFIX.sub("", label)  # a placeholder place (XX省总工会) names no place either
        if scope and relative_level(label):
            return f"Body|{label}@{scope}"
    elif m.type == "Document":  # 《工会法》 and 《中华人民共和国工会法》: one key in every speech
        label = label.removeprefix("中华人民共和国")
    elif m.type == "Meeting":  # 十三届四次执委（扩大）会议 is the 十三届四次执委会议
        label = label.replace("(扩大)", "")
    return f"{m.type}|{label}"


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, short: str, long: str) -> None:
        a, b = self.find(short), self.find(long)
        if a != b:
            self.parent[a] = b


class _Sorted:
    """Keys in the order of their labels (or of their labels reversed, `by_end`): every
    label that begins (ends) with a given string is then one run found by bisection, so
    short forms are matched in n log n rather than by comparing every pair of keys."""

    def __init__(self, keys: list[str], labels: dict[str, str], by_end: bool = False) -> None:
        self.by_end = by_end
        self.items = sorted((self._form(labels[k]), i, k) for i, k in enumerate(keys))
        self.forms = [f for f, _, _ in self.items]

    def _form(self, label: str) -> str:
        return label[::-1] if self.by_end else label

    def matching(self, part: str) -> Iterator[tuple[str, str]]:
        """(label, key) of every label that begins (ends) with `part`."""
        f = self._form(part)
        for i in range(bisect.bisect_left(self.forms, f), len(self.items)):
            form, _, k = self.items[i]
            if not form.startswith(f):
                return
            yield self._form(form), k


def _only_other(found: list[str], k: str) -> str | None:
    """The one key of `found` (at most 3 collected) that is not `k`, if there is exactly one."""
    others = [t for t in found if t != k]
    return others[0] if len(others) == 1 else None


def _first(it: Iterator[str], n: int = 3) -> list[str]:
    return list(itertools.islice(it, n))


def _merge_short_forms(groups: dict[str, list[Mention]], uf: _UnionFind) -> None:
    """Each rule asks for the one other key a short form points to; the candidates are
    looked up in sorted labels (never every pair of keys), at most three collected, since
    a rule only acts when exactly one other key qualifies. The rules run in this order (the
    order of the unions decides which key an entity keeps)."""
    labels = {k: norm(ms[0].label) for k, ms in groups.items()}
    by_type: dict[str, list[str]] = {}
    for k in groups:
        by_type.setdefault(k.split("|", 1)[0].split(":", 1)[0], []).append(k)
    meetings = by_type.get("Meeting", [])
    _merge_meeting_short_forms(groups, meetings, labels, uf)
    _merge_work_meetings(meetings, labels, uf)
    # documents: 工会法 → 中华人民共和国工会法
    _merge_endings(by_type.get("Document", []), labels, uf, shortest=1, rest=_JURISDICTION.search)
    # campaigns: a name that ends another campaign's name (劳动和技能竞赛)
    _merge_endings(by_type.get("Campaign", []), labels, uf, shortest=4)
    # a relative organ left without a place (市委 in a city's speech) to the one organ of a named
    # place the speech has (西安市委): organs of cities, which the table of places does not hold
    _merge_relative_organs([k for k in by_type.get("Body", []) if k.count("|") == 1], labels, uf)


def _merge_meeting_short_forms(
    groups: dict[str, list[Mention]], meetings: list[str], labels: dict[str, str], uf: _UnionFind
) -> None:
    """A mention's `short_of` (prefix|kind) to the one full meeting whose label starts with
    the prefix and holds the kind: 省党代会 → the one 省第…次党代会; 省委全会 → the one 省委…全会."""
    full_meetings = [t for t in meetings if not any(m.short_of for m in groups[t])]
    starting = _Sorted(full_meetings, labels)
    cache: dict[str, list[str]] = {}
    for k, ms in groups.items():
        short = next((m.short_of for m in ms if m.short_of), None)
        if not short:
            continue
        if short not in cache:
            prefix, kind = short.split("|")
            cache[short] = _first(t for lab, t in starting.matching(prefix) if kind in lab)
        target = _only_other(cache[short], k)
        if target is not None:
            uf.union(k, target)


def _merge_work_meetings(meetings: list[str], labels: dict[str, str], uf: _UnionFind) -> None:
    """A meeting to the one meeting named the same after a level prefix (_LEVEL_PREFIXES):
    民营经济工作会议 = 省民营经济工作会议 = 省委民营经济工作会议."""
    by_label: dict[str, list[str]] = {}
    for t in meetings:
        by_label.setdefault(labels[t], []).append(t)
    for k in meetings:
        if not labels[k]:
            continue
        longer = [t for p in _LEVEL_PREFIXES for t in by_label.get(p + labels[k], ()) if t != k]
        if len(longer) == 1:
            uf.union(k, longer[0])


def _merge_relative_organs(keys: list[str], labels: dict[str, str], uf: _UnionFind) -> None:
    """A relative organ (市委, 市人民政府) to the one organ of the speech that names a place
    before it (西安市委, 中共西安市委), when there is exactly one."""
    relative = [k for k in keys if relative_level(labels[k])]
    if not relative:
        return
    ending = _Sorted(keys, labels, by_end=True)
    for k in relative:
        end = labels[k].removeprefix("中共")
        found = _first(t for lab, t in ending.matching(end) if _CITY.fullmatch(lab[: len(lab) - len(end)]))
        target = _only_other(found, k)
        if target is not None:
            uf.union(k, target)


def _merge_endings(
    keys: list[str],
    labels: dict[str, str],
    uf: _UnionFind,
    shortest: int,
    rest: Callable[[str], object] | None = None,
) -> None:
    """A key whose label (of `shortest` characters or more) ends another's to that one other
    key, when there is exactly one; with `rest`, only labels whose part before the ending
    passes it count."""
    ending = _Sorted(keys, labels, by_end=True)
    found: dict[str, list[str]] = {}
    for k in keys:
        end = labels[k]
        if len(end) < shortest:
            continue
        if end not in found:
            found[end] = _first(
                t for lab, t in ending.matching(end) if rest is None or rest(lab[: len(lab) - len(end)])
            )
        target = _only_other(found[end], k)
        if target is not None:
            uf.union(k, target)


def speech_scope(doc: Doc) -> str:
    """What a relative organ whose place the speech does not say is keyed by: its speech."""
    return doc.speech.source if doc.speech.source not in ("", "-") else doc.speech.sha256[:16]


def link(doc: Doc, lex: Lexicon | None = None) -> Doc:
    """Fill `doc.entities` (in order of first mention) and `doc.links`."""
    lex = lex if lex is not None else builtin()
    places = doc.places = speech_places(doc.text, (m for m in doc.mentions if m.type == "Body"))
    scope = speech_scope(doc)
    groups: dict[str, list[Mention]] = {}
    for m in doc.mentions:
        groups.setdefault(base_key(m, places, scope), []).append(m)
    uf = _UnionFind()
    for k in groups:
        uf.find(k)
    _merge_short_forms(groups, uf)
    # organizer + meeting name: 省委 召开 工青妇工作会议 → 省委工青妇工作会议, one meeting
    # with any mention of that full name
    full_names: list[tuple[str, str]] = []
    for r in doc.relations:
        if r.rule == CONVENE and clean(r.object.text) not in clean(r.subject.text) and r.object.text not in _PRONOUNS:
            full = clean(r.object.text) + clean(r.subject.text)
            full_names.append((base_key(r.subject, places, scope), full))
            full_key = base_key(dataclasses.replace(r.subject, label=full, key=None), places, scope)
            if full_key in groups:
                uf.union(base_key(r.subject, places, scope), full_key)
    merged: dict[str, list[Mention]] = {}
    for k, ms in groups.items():
        merged.setdefault(uf.find(k), []).extend(ms)
    extra: dict[str, set[str]] = {}
    for k, full in full_names:
        extra.setdefault(uf.find(k), set()).add(full)
    for k in groups:  # an organ of a place is named in full: 省委 in a Hubei speech is 中共湖北省委
        if k.startswith("Body|") and k.count("|") == 2:
            _, place, rest = k.split("|")
            extra.setdefault(uf.find(k), set()).add(full_form(place, rest))
    key_of: dict[Mention, str] = {}  # each mention to its entity's key, one string per entity
    for k, ms in groups.items():
        root = uf.find(k)
        for m in ms:
            key_of[m] = root
    entities = []
    for key, ms in merged.items():
        ms.sort(key=lambda m: (m.start, m.end))
        entities.append(_entity(key, ms, lex, extra.get(key, set())))
    entities.sort(key=lambda e: (e.mentions[0].start, e.type, e.key))
    doc.entities = entities
    doc.links = key_of
    return doc


def _entity(key: str, ms: list[Mention], lex: Lexicon, extra: set[str]) -> Entity:
    type_ = ms[0].type
    forms: set[str] = set(extra)
    for m in ms:
        forms.add(clean(m.text))
        forms.add(clean(m.label))
        forms.update(clean(a) for a in m.aliases)
    forms.discard("")
    if type_ == "Date":
        label = ms[0].value or ms[0].label
    elif type_ == "Person":
        label = min((clean(m.label) for m in ms), key=lambda s: (len(s), s))
    else:
        # a rule may name the canonical form (“第一议题”制度 → 第一议题); else the fullest form
        named = {clean(m.label) for m in ms if m.canonical}
        surface = named or ({clean(m.text) for m in ms} | {clean(m.label) for m in ms} | extra)
        label = max(surface, key=lambda s: (len(s), s))
    for form in list(forms):
        forms.update(lex.aliases_of(type_, form))
    forms.discard(label)
    number = next((m.number for m in ms if m.number), None)
    return Entity(
        key=key,
        type=type_,
        label=label,
        aliases=forms,
        mentions=ms,
        value=ms[0].value if type_ == "Date" else None,
        number=number,
    )
