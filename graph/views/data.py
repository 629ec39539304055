"""What the page shows, read from a graph's rows: co-mentions, entities, relations and sentences."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import RDF, SKOS

from speechkg.graph.rdf.rows import CLASSES, RELATIONS, TABLES, Mention, Rows, Triple, dataset_triples
from speechkg.ontology.namespace import ENTITY_TYPES, ITSRDF, NIF

__all__ = [
    "CO_PER_ENTITY",
    "CO_TOTAL",
    "CO_WINDOW",
    "VIEW_CLASSES",
    "VIEW_PREDICATES",
    "Triple",
    "ViewData",
    "ViewEntity",
    "co_mentions",
    "dataset_triples",
]

#: two entities of a sentence are co-mentioned when at most this many other entities stand between
#: their first mentions in it: a sentence of n entities gives at most CO_WINDOW·n pairs, not n²/2
#: (a list of 300 names is not 45,000 relations), and one of up to CO_WINDOW + 1 gives every pair
CO_WINDOW = 10
#: the page keeps each entity's strongest co-mentions (a pair stays when either entity keeps it) …
CO_PER_ENTITY = 50
#: … and at most this many in all, the strongest
CO_TOTAL = 200_000


def co_mentions(triples: Iterable[Triple]) -> dict[tuple[str, str], int]:
    """Entities mentioned near each other in the same sentence (within CO_WINDOW, in text order):
    (a, b) with a < b → how many sentences name both so."""
    rows = Rows(triples, (str(ITSRDF.taIdentRef), str(NIF.sentence), str(NIF.beginIndex)))
    groups: dict[str, list[Mention]] = {}
    for m in rows.mentions:
        if m.sentence is not None:
            groups.setdefault(m.sentence, []).append(m)
    return dict(_pairs([m.entity for m in _in_text_order(g)] for g in groups.values()))


def _in_text_order(mentions: list[Mention]) -> list[Mention]:
    """Mentions by their offset (those without one last), then entity: the same for any order of triples."""
    return sorted(mentions, key=lambda m: (m.start is None, m.start or 0, m.entity))


def _pairs(groups: Iterable[Sequence]) -> Counter:
    """(a, b) with a < b → the groups (entities in text order) naming both within CO_WINDOW:
    CO_WINDOW steps for each entity of a group, linear in its length."""
    out: Counter = Counter()
    for g in groups:
        ids = list(dict.fromkeys(g))  # each entity at its first mention
        for k, a in enumerate(ids):
            for b in ids[k + 1 : k + 1 + CO_WINDOW]:
                out[(a, b) if a < b else (b, a)] += 1
    return out


def _strongest(pairs: Counter, per_entity: int, total: int) -> list[tuple[int, int, int]]:
    """(a, b, n) strongest first: the `per_entity` strongest pairs of each entity (a pair kept by
    either of its two), at most `total` in all."""
    by_entity: dict = {}
    for (a, b), n in pairs.items():
        by_entity.setdefault(a, []).append((n, a, b))
        by_entity.setdefault(b, []).append((n, a, b))
    kept = set()
    for items in by_entity.values():
        kept.update(heapq.nsmallest(per_entity, items, key=lambda x: (-x[0], x[1], x[2])))
    ranked = sorted(kept, key=lambda x: (-x[0], x[1], x[2]))[:total]
    return [(a, b, n) for n, a, b in ranked]


@dataclass
class ViewEntity:
    """An entity as the page shows it; `sentences` are (text, start, end) of its mention in each."""

    iri: str
    type: str
    label: str
    aliases: list[str]
    en: str | None
    pinyin: str | None
    mentions: int
    degree: int
    sentences: list[tuple[str, int, int]] = field(default_factory=list)


@dataclass
class ViewData:
    """What the page needs of a graph, entities and speeches referred to by index.

    `sentences` holds, per speech, each sentence that mentions a kept entity as
    [section index or -1, entity index, …] (an entity once per mention), so that the page can
    count mentions and co-mentions for any choice of speeches."""

    entities: list[ViewEntity]  # most mentioned first
    relations: list[tuple[int, str, int, str]]  # subject, relation name, object, evidence sentence
    relation_speeches: list[list[int]]  # per relation, the speeches that assert it
    co: list[tuple[int, int, int]]  # a < b, number of sentences naming both; strongest first
    speeches: list[tuple[str, str, str]]  # IRI, date (ISO, may be a year or ""), title
    sections: list[tuple[str, str, int | None]]  # IRI, heading, parent (section index, or -1 - speech index)
    sentences: list[list[list[int]]]


#: the properties the page reads (not the rules, numbers, values or rdfs:labels of rows)
_VIEW_TABLES = {
    "pref", "ident", "sentence", "refctx", "context", "section", "begin", "end", "anchor",
    "subject", "predicate", "object", "evidence", "date", "title", "source", "heading", "parent",
}  # fmt: skip

#: what view_data reads: these predicates, and rdf:type only for these classes
VIEW_PREDICATES = frozenset(
    [p for p, name in TABLES.items() if name in _VIEW_TABLES] + list(RELATIONS) + [str(SKOS.altLabel), str(RDF.type)]
)

VIEW_CLASSES = CLASSES


def _degrees(relations: Iterable[tuple[str, str, str]]) -> Counter[str]:
    degree: Counter[str] = Counter()
    for s, _, o in relations:
        degree[s] += 1
        degree[o] += 1
    return degree


class _Speeches:
    """The speeches by date and their sections, by index; the speech index of a node."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.info = {sp.iri: (sp.date or "", sp.title or sp.source or sp.iri) for sp in rows.speeches}
        self.order = sorted(self.info, key=lambda sp: (self.info[sp][0], sp))
        self.index = {sp: i for i, sp in enumerate(self.order)}
        self.sections = [s.iri for s in rows.sections]
        self.section_index = {s: i for i, s in enumerate(self.sections)}

    def of(self, node: str) -> int:
        """The index of the speech `node` refers to, or -1."""
        return self.index.get(self.rows.speech_of(node) or "", -1)

    def section_rows(self) -> list[tuple[str, str, int | None]]:
        out = []
        for sec in self.rows.sections:
            up = sec.parent
            parent = (
                self.section_index[up]
                if up in self.section_index
                else -1 - self.index[up]
                if up in self.index
                else None
            )
            out.append((sec.iri, sec.heading, parent))
        return out


def view_data(
    triples: Iterable[Triple],
    types: tuple[str, ...] = ENTITY_TYPES,
    min_degree: int = 0,
    max_sentences: int = 5,
    top: int | None = None,
    tail_sentences: int = 1,
    co_per_entity: int = CO_PER_ENTITY,
    co_total: int = CO_TOTAL,
) -> ViewData:
    """The entities of `types` with at least `min_degree` relations, their relations, co-mentions
    (each entity's `co_per_entity` strongest, `co_total` in all), mentions per sentence of each
    speech, and up to `max_sentences` source sentences each (only `tail_sentences` past the `top`
    most mentioned, to keep a corpus page small)."""
    rows = Rows(triples, VIEW_PREDICATES)
    kind = {e.iri: e.type for e in rows.entities}
    rels = [(r.subject, r.predicate, r.object) for r in rows.relations if r.subject in kind and r.object in kind]
    degree = _degrees(rels)
    kept = {e for e, t in kind.items() if t in types and degree[e] >= min_degree}
    rels = [r for r in rels if r[0] in kept and r[2] in kept]
    speeches = _Speeches(rows)
    mentions, by_sentence, chosen = _mentions(rows, kept, speeches)
    entities = {e.iri: e for e in rows.entities}
    order = sorted(kept, key=lambda e: (-mentions[e], entities[e].label, e))
    index = {e: i for i, e in enumerate(order)}
    degree = _degrees(rels)
    shown = [
        _view_entity(entities[e], mentions[e], degree[e], _panel(rows, sorted(chosen.get(e, [])), limit))
        for e, limit in zip(order, _limits(len(order), max_sentences, top, tail_sentences), strict=True)
    ]
    relations, relation_speeches = _relations(rows, rels, index, speeches)
    sentences = _sentences(by_sentence, index, len(speeches.order))
    return ViewData(
        entities=shown,
        relations=relations,
        relation_speeches=relation_speeches,
        co=_strongest(_pairs(row[1:] for per_speech in sentences for row in per_speech), co_per_entity, co_total),
        speeches=[(sp, *speeches.info[sp]) for sp in speeches.order],
        sections=speeches.section_rows(),
        sentences=sentences,
    )


def _sentences(by_sentence: dict, index: dict[str, int], n: int) -> list[list[list[int]]]:
    """Per speech, its sentences naming kept entities as [section index, entity index, …] (in
    text order, as the page counts co-mentions)."""
    sentences: list[list[list[int]]] = [[] for _ in range(n)]
    for (k, _), (sec, mentions) in sorted(by_sentence.items(), key=lambda x: x[0]):
        sentences[k].append([sec, *(index[m.entity] for m in _in_text_order(mentions))])
    return sentences


def _limits(n: int, max_sentences: int, top: int | None, tail_sentences: int) -> list[int]:
    """How many sentences each of `n` entities (most mentioned first) shows."""
    tail = max_sentences if top is None else min(tail_sentences, max_sentences)
    return [max_sentences if top is None or rank < top else tail for rank in range(n)]


def _mentions(rows: Rows, kept: set[str], speeches: _Speeches) -> tuple[Counter[str], dict, dict[str, list[tuple]]]:
    """Mentions per entity; the kept entities of each sentence of each speech, after the
    sentence's section index (the first mention's); and the (speech, begin, mention, sentence)
    of each kept entity's mentions in a sentence."""
    mentions: Counter[str] = Counter()
    by_sentence: dict[tuple[int, str], tuple[int, list[Mention]]] = {}
    chosen: dict[str, list[tuple]] = {}
    unplaced = len(speeches.order)
    for m in rows.mentions:
        e = m.entity
        mentions[e] += 1
        if e not in kept:
            continue
        k = speeches.of(m.iri)
        if k >= 0:
            sec = speeches.section_index.get(m.section, -1) if m.section else -1
            by_sentence.setdefault((k, m.sentence or m.iri), (sec, []))[1].append(m)
        if m.sentence is not None and m.start is not None:
            chosen.setdefault(e, []).append((k if k >= 0 else unplaced, m.start, m.iri, m.sentence, m.end))
    return mentions, by_sentence, chosen


def _view_entity(e, mentions: int, degree: int, sentences: list[tuple[str, int, int]]) -> ViewEntity:
    en, pinyin = e.names("en"), e.names("pinyin")
    return ViewEntity(
        iri=e.iri,
        type=e.type,
        label=e.label,
        aliases=e.names("zh"),
        en=en[0] if en else None,
        pinyin=pinyin[0] if pinyin else None,
        mentions=mentions,
        degree=degree,
        sentences=sentences,
    )


def _relations(
    rows: Rows, rels: list[tuple[str, str, str]], index: dict[str, int], speeches: _Speeches
) -> tuple[list[tuple[int, str, int, str]], list[list[int]]]:
    """The kept relations by entity index with the first evidence sentence's text, and the
    speeches asserting each."""
    asserted: dict[tuple[str, str, str], tuple[set[int], str | None]] = {}
    for a in rows.assertions:
        key = (a.subject, a.predicate, a.object)
        found, evidence = asserted.setdefault(key, (set(), None))
        if a.evidence is not None:
            if speeches.of(a.evidence) >= 0:
                found.add(speeches.of(a.evidence))
            if evidence is None:
                asserted[key] = (found, a.evidence)
    relations, relation_speeches = [], []
    for s, p, o in rels:
        found, ev = asserted.get((s, p, o), (set(), None))
        relations.append((index[s], p, index[o], (rows.one("anchor", ev) or "") if ev else ""))
        relation_speeches.append(sorted(found))
    return relations, relation_speeches


def _panel(rows: Rows, mentions: list[tuple], limit: int) -> list[tuple[str, int, int]]:
    """(text, start, end) of up to `limit` distinct sentences of `mentions` (speech, begin,
    mention, sentence, end)."""
    out, seen = [], set()
    for _, mb, _, s, me in mentions:
        if len(out) >= limit:
            break
        sentence = rows.sentence(s)
        if s in seen or sentence.start is None or me is None:
            continue
        seen.add(s)
        out.append((sentence.text, mb - sentence.start, me - sentence.start))
    return out
