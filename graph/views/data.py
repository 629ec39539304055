"""What the page shows, read from a stream of triples: co-mentions, entities, relations and sentences."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import RDF, SKOS, Dataset, Literal
from rdflib.namespace import DCTERMS

from speechkg.graph.rdf.parse import integer
from speechkg.ontology.namespace import ENTITY_TYPES, ITSRDF, NIF, RELATION_TYPES, SKG

#: (subject, predicate, object, language tag of a literal object or None), all as strings
Triple = tuple[str, str, str, "str | None"]


def dataset_triples(ds: Dataset) -> Iterator[Triple]:
    """The triples of a Dataset (the union of its graphs) as plain strings."""
    for s, p, o in ds.triples((None, None, None)):
        yield str(s), str(p), str(o), (o.language if isinstance(o, Literal) else None)


def co_mentions(triples: Iterable[Triple]) -> dict[tuple[str, str], int]:
    """Entities mentioned in the same sentence: (a, b) with a < b → how many sentences name both."""
    entity, sentence = {}, {}
    ident, in_sentence = str(ITSRDF.taIdentRef), str(NIF.sentence)
    for s, p, o, _ in triples:
        if p == ident:
            entity[s] = o
        elif p == in_sentence:
            sentence[s] = o
    groups: dict[str, set[str]] = {}
    for m, e in entity.items():
        if m in sentence:
            groups.setdefault(sentence[m], set()).add(e)
    return dict(_pairs(groups.values()))


def _pairs(groups: Iterable[Iterable]) -> Counter:
    out: Counter = Counter()
    for g in groups:
        ids = sorted(set(g))
        for k, a in enumerate(ids):
            for b in ids[k + 1 :]:
                out[(a, b)] += 1
    return out


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


def _lang_of(tag: str | None) -> str:
    tag = (tag or "").lower()
    if tag == "en" or tag.startswith("en-"):
        return "en"
    if tag.startswith("zh-latn"):
        return "pinyin"
    return "zh"


_NS_SKG = str(SKG._NS)


_RELATIONS = {_NS_SKG + p: p for p in RELATION_TYPES}


#: predicate → the table of _Tables it fills (subject → values)
_KEEP = {
    str(p): name
    for p, name in (
        (SKOS.prefLabel, "pref"),
        (ITSRDF.taIdentRef, "ident"),
        (NIF.sentence, "sentence"),
        (NIF.referenceContext, "refctx"),
        (SKG.context, "context"),
        (SKG.section, "section"),
        (NIF.beginIndex, "begin"),
        (NIF.endIndex, "end"),
        (NIF.anchorOf, "anchor"),
        (RDF.subject, "subject"),
        (RDF.predicate, "predicate"),
        (RDF.object, "object"),
        (SKG.evidence, "evidence"),
        (DCTERMS.date, "date"),
        (DCTERMS.title, "title"),
        (SKG.sourceFile, "source"),
        (SKG.heading, "heading"),
        (DCTERMS.isPartOf, "parent"),
    )
}


#: the properties that may have several values (kept as lists); the others keep their greatest value
_MANY = ("pref", "ident", "context")


#: what view_data reads: these predicates, and rdf:type only for these classes
VIEW_PREDICATES = frozenset(list(_KEEP) + list(_RELATIONS) + [str(SKOS.altLabel), str(RDF.type)])


VIEW_CLASSES = frozenset(_NS_SKG + t for t in (*ENTITY_TYPES, "Speech", "Section", "RelationAssertion"))


class _Tables:
    """The triples the page uses, by property: subject → value (or values, for _MANY)."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        buckets: dict[str, list] = {name: [] for name in set(_KEEP.values())}
        types: list[tuple[str, str]] = []
        alt: list[tuple[str, str, str | None]] = []
        rels: list[tuple[str, str, str]] = []
        rdf_type, alt_label, keep, relations = str(RDF.type), str(SKOS.altLabel), _KEEP, _RELATIONS
        for s, p, o, tag in triples:
            name = keep.get(p)
            if name is not None:
                buckets[name].append((s, o))
            elif p == rdf_type:
                types.append((o, s))
            elif p == alt_label:
                alt.append((s, o, tag))
            elif p in relations:
                rels.append((s, relations[p], o))
        self.t: dict[str, dict] = {}
        for name, pairs in buckets.items():
            if name in _MANY:
                many: dict[str, list[str]] = {}
                for k, v in pairs:
                    many.setdefault(k, []).append(v)
                self.t[name] = many
            else:  # sorted, so that with several values the greatest wins whatever the input order
                pairs.sort()
                self.t[name] = dict(pairs)
        self.types: dict[str, list[str]] = {}
        for o, s in types:
            self.types.setdefault(o, []).append(s)
        self.alt: dict[str, list[tuple[str, str]]] = {}
        for s, o, tag in alt:
            self.alt.setdefault(s, []).append((_lang_of(tag), o))
        self.rels = set(rels)

    def one(self, name: str, s: str) -> str | None:
        v = self.t[name].get(s)
        if v is None or name not in _MANY:
            return v
        return min(v)


def view_data(
    triples: Iterable[Triple],
    types: tuple[str, ...] = ENTITY_TYPES,
    min_degree: int = 0,
    max_sentences: int = 5,
    top: int | None = None,
    tail_sentences: int = 1,
) -> ViewData:
    """The entities of `types` with at least `min_degree` relations, their relations, co-mentions,
    mentions per sentence of each speech, and up to `max_sentences` source sentences each (only
    `tail_sentences` past the `top` most mentioned, to keep a corpus page small)."""
    g = _Tables(triples)
    kind: dict[str, str] = {}
    for t in ENTITY_TYPES:  # as entity_graph: the type listed last wins
        for e in g.types.get(_NS_SKG + t, ()):
            kind[e] = t
    degree: Counter[str] = Counter()
    rels = sorted(r for r in g.rels if r[0] in kind and r[2] in kind)
    for s, _, o in rels:
        degree[s] += 1
        degree[o] += 1
    kept = {e for e, t in kind.items() if t in types and degree[e] >= min_degree}
    rels = [r for r in rels if r[0] in kept and r[2] in kept]
    degree = Counter()
    for s, _, o in rels:
        degree[s] += 1
        degree[o] += 1

    speech_of_ctx: dict[str, str] = {}
    rows: dict[str, tuple[str, str]] = {}
    for sp in set(g.types.get(_NS_SKG + "Speech", ())):
        for c in g.t["context"].get(sp, ()):
            speech_of_ctx.setdefault(c, sp)
        rows[sp] = (g.one("date", sp) or "", g.one("title", sp) or g.one("source", sp) or sp)
    speech_order = sorted(rows, key=lambda sp: (rows[sp][0], sp))
    speech_index = {sp: i for i, sp in enumerate(speech_order)}
    sec_order = sorted(set(g.types.get(_NS_SKG + "Section", ())))
    sec_index = {s: i for i, s in enumerate(sec_order)}

    def speech_of(node: str) -> int:
        c = g.one("refctx", node)
        return speech_index.get(speech_of_ctx.get(c, ""), -1) if c else -1

    mentions: Counter[str] = Counter()
    by_sentence: dict[tuple[int, str], list] = {}
    chosen: dict[str, list[tuple]] = {}
    for m, es in g.t["ident"].items():
        k, s, b = speech_of(m), g.one("sentence", m), g.one("begin", m)
        for e in es:
            mentions[e] += 1
            if e not in kept:
                continue
            if k >= 0:
                sec = g.one("section", m)
                by_sentence.setdefault((k, s or m), [sec_index.get(sec, -1) if sec else -1]).append(e)
            if s is not None and b is not None:
                chosen.setdefault(e, []).append(
                    (k if k >= 0 else len(speech_order), integer(b, m, "nif:beginIndex"), m, s)
                )
    label = {e: min(g.t["pref"].get(e, [e])) for e in kept}
    order = sorted(kept, key=lambda e: (-mentions[e], label[e], e))
    index = {e: i for i, e in enumerate(order)}

    entities = []
    for rank, e in enumerate(order):
        names: dict[str, set[str]] = {}
        for lang, text in g.alt.get(e, ()):
            names.setdefault(lang, set()).add(text)
        limit = max_sentences if top is None or rank < top else min(tail_sentences, max_sentences)
        entities.append(
            ViewEntity(
                iri=e,
                type=kind[e],
                label=label[e],
                aliases=sorted(names.get("zh", ())),
                en=min(names["en"]) if names.get("en") else None,
                pinyin=min(names["pinyin"]) if names.get("pinyin") else None,
                mentions=mentions[e],
                degree=degree[e],
                sentences=_panel_sentences(g, sorted(chosen.get(e, [])), limit),
            )
        )

    asserted: dict[tuple[str, str, str], tuple[set[int], str | None]] = {}
    for a in sorted(set(g.types.get(_NS_SKG + "RelationAssertion", ()))):
        s, p, o, ev = g.one("subject", a), g.one("predicate", a), g.one("object", a), g.one("evidence", a)
        if s is None or p not in _RELATIONS or o is None:
            continue
        speeches, evidence = asserted.setdefault((s, _RELATIONS[p], o), (set(), None))
        if ev is not None:
            if speech_of(ev) >= 0:
                speeches.add(speech_of(ev))
            if evidence is None:
                asserted[(s, _RELATIONS[p], o)] = (speeches, ev)
    relations, relation_speeches = [], []
    for s, p, o in rels:
        speeches, ev = asserted.get((s, p, o), (set(), None))
        relations.append((index[s], p, index[o], (g.one("anchor", ev) or "") if ev else ""))
        relation_speeches.append(sorted(speeches))

    sentences: list[list[list[int]]] = [[] for _ in speech_order]
    for (k, _), row in sorted(by_sentence.items()):
        sentences[k].append([row[0], *sorted(index[e] for e in row[1:])])
    co = sorted(
        (
            (a, b, n)
            for (a, b), n in _pairs(row[1:] for per_speech in sentences for row in per_speech if len(row) > 2).items()
        ),
        key=lambda x: (-x[2], x[0], x[1]),
    )
    sections = []
    for sec in sec_order:
        parent = g.one("parent", sec)
        up = sec_index[parent] if parent in sec_index else -1 - speech_index[parent] if parent in speech_index else None
        sections.append((sec, g.one("heading", sec) or "", up))
    return ViewData(
        entities=entities,
        relations=relations,
        relation_speeches=relation_speeches,
        co=co,
        speeches=[(sp, *rows[sp]) for sp in speech_order],
        sections=sections,
        sentences=sentences,
    )


def _panel_sentences(g: _Tables, mentions: list[tuple], limit: int) -> list[tuple[str, int, int]]:
    """(text, start, end) of up to `limit` distinct sentences of `mentions` (speech, begin, mention, sentence)."""
    out, seen = [], set()
    for _, mb, m, s in mentions:
        if len(out) >= limit:
            break
        sb, me = g.one("begin", s), g.one("end", m)
        if s in seen or sb is None or me is None:
            continue
        seen.add(s)
        sb = integer(sb, s, "nif:beginIndex")
        out.append((g.one("anchor", s) or "", mb - sb, integer(me, m, "nif:endIndex") - sb))
    return out
