"""Mentions → entities: one entity per referent, a canonical label and every alias.

Mentions are grouped by a key (a date's value; a lexicon name's canonical form;
a rule's own key such as party-congress-20; else type + normalised label), then
groups are merged where a short form points to a longer one: 《工会法》 →
《中华人民共和国工会法》, 省党代会 → 省第十一次党代会, 劳动和技能竞赛 → the
one campaign whose name ends with it.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata

from .extract.common import PLACE
from .extract.lexicon import Lexicon, builtin, clean
from .extract.relations import CONVENE
from .model import Doc, Entity, Mention

_LEVEL_PREFIXES = {"省", "市", "县", "区", "全省", "全市", "全县", "全区", "全国", "省委", "市委",
                   "县委", "区委", "中央"}
_PRONOUNS = {"我们党", "我党", "党", "我们"}
_DROP = set("“”‘’\"'《》〈〉「」『』 \t\r\n\u3000")
_BODY_PREFIX = re.compile(rf"^(?:中共)?(?:{PLACE})(?=[省市县区])|^中共(?=[省市县区])")
_JURISDICTION = re.compile(rf"(?:中华人民共和国|{PLACE}|国家|全国)$")


def norm(label: str) -> str:
    """NFKC, quotation marks and 《》 removed: the form two labels are compared in."""
    return "".join(c for c in unicodedata.normalize("NFKC", label) if c not in _DROP)


def base_key(m: Mention) -> str:
    if m.type == "Date":
        return f"Date|{m.value}"
    own = m.key
    if own:
        return own if "|" in own or ":" in own else f"{m.type}|{own}"
    label = norm(m.label)
    if m.type == "Body":
        label = _BODY_PREFIX.sub("", label)
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


def _merge_short_forms(groups: dict[str, list[Mention]], uf: _UnionFind) -> None:
    labels = {k: norm(ms[0].label) for k, ms in groups.items()}
    by_type: dict[str, list[str]] = {}
    for k in groups:
        by_type.setdefault(k.split("|", 1)[0].split(":", 1)[0], []).append(k)
    # meetings: 省党代会 → the one 省第…次党代会; 省委全会 → the one 省委…全会
    for k, ms in groups.items():
        short = next((m.short_of for m in ms if m.short_of), None)
        if not short:
            continue
        prefix, kind = short.split("|")
        targets = [t for t in by_type.get("Meeting", []) if t != k
                   and labels[t].startswith(prefix) and kind in labels[t]
                   and not any(m.short_of for m in groups[t])]
        if len(targets) == 1:
            uf.union(k, targets[0])
    # work meetings: 民营经济工作会议 = 省民营经济工作会议 = 省委民营经济工作会议
    meetings = by_type.get("Meeting", [])
    for k in meetings:
        longer = [t for t in meetings if t != k and labels[t].endswith(labels[k])
                  and labels[t][:-len(labels[k])] in _LEVEL_PREFIXES]
        if len(longer) == 1:
            uf.union(k, longer[0])
    # documents: 工会法 → 中华人民共和国工会法
    for kind in ("Document",):
        keys = by_type.get(kind, [])
        for k in keys:
            longer = [t for t in keys if t != k and labels[t].endswith(labels[k])
                      and _JURISDICTION.search(labels[t][:-len(labels[k])])]
            if len(longer) == 1:
                uf.union(k, longer[0])
    # campaigns: a name that ends another campaign's name (劳动和技能竞赛)
    keys = by_type.get("Campaign", [])
    for k in keys:
        if len(labels[k]) < 4:
            continue
        longer = [t for t in keys if t != k and labels[t].endswith(labels[k])]
        if len(longer) == 1:
            uf.union(k, longer[0])


def link(doc: Doc, lex: Lexicon | None = None) -> Doc:
    """Fill `doc.entities` (in order of first mention) and `doc.links`."""
    lex = lex if lex is not None else builtin()
    groups: dict[str, list[Mention]] = {}
    for m in doc.mentions:
        groups.setdefault(base_key(m), []).append(m)
    uf = _UnionFind()
    for k in groups:
        uf.find(k)
    _merge_short_forms(groups, uf)
    # organizer + meeting name: 省委 召开 工青妇工作会议 → 省委工青妇工作会议, one meeting
    # with any mention of that full name
    full_names: list[tuple[str, str]] = []
    for r in doc.relations:
        if r.rule == CONVENE and clean(r.object.text) not in clean(r.subject.text) \
                and r.object.text not in _PRONOUNS:
            full = clean(r.object.text) + clean(r.subject.text)
            full_names.append((base_key(r.subject), full))
            full_key = base_key(dataclasses.replace(r.subject, label=full, key=None))
            if full_key in groups:
                uf.union(base_key(r.subject), full_key)
    merged: dict[str, list[Mention]] = {}
    for k, ms in groups.items():
        merged.setdefault(uf.find(k), []).extend(ms)
    extra: dict[str, set[str]] = {}
    for k, full in full_names:
        extra.setdefault(uf.find(k), set()).add(full)
    key_of = {m: uf.find(base_key(m)) for m in doc.mentions}
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
    return Entity(key=key, type=type_, label=label, aliases=forms, mentions=ms,
                  value=ms[0].value if type_ == "Date" else None, number=number)
