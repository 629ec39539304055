"""The one reader of a built graph: its speeches, entities, mentions, relations, assertions,
sections and sentences as typed rows; the inverse of graph/rdf/emit.py.

Rows are read from a stream of triples as plain strings (`Triple`), so that the same reader
serves an rdflib Dataset (`dataset_triples`), an Oxigraph store (`store_triples`) and a big
file streamed through Oxigraph's parser (`oxstore.iter_triples`) without building a graph.
A property emit writes once per node but that a merge of speeches may give several values
keeps its greatest (whatever the input order); the labels and mentions of an entity, which
every speech naming it adds to, keep them all. Offsets and numbers are checked as they are
read: a value that is no integer is a GraphFileError naming the node.

The counts of an on-disk store (speeches and mentions by date, the labels of entities) are
aggregate queries run by the store itself (`speech_dates`, `mention_counts`, `labels`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, SKOS, Dataset, Graph, Literal
from rdflib.namespace import DCTERMS

from speechkg.graph.rdf.parse import integer, probability
from speechkg.ontology.namespace import ENTITY_TYPES, ITSRDF, NIF, RELATION_TYPES, SKG

if TYPE_CHECKING:
    import pyoxigraph as ox

#: (subject, predicate, object, language tag of a literal object or None), all as strings
Triple = tuple[str, str, str, "str | None"]


def dataset_triples(ds: Dataset | Graph) -> Iterator[Triple]:
    """The triples of a Dataset (the union of its graphs) or Graph as plain strings."""
    for s, p, o in ds.triples((None, None, None)):
        yield str(s), str(p), str(o), (o.language if isinstance(o, Literal) else None)


def store_triples(store: ox.Store) -> Iterator[Triple]:
    """The triples of an Oxigraph store's named graphs as plain strings (its default graph,
    their merge, is left out)."""
    import pyoxigraph as ox

    literal, default = ox.Literal, ox.DefaultGraph
    for q in store:
        if not isinstance(q.graph_name, default):
            o = q.object
            yield q.subject.value, q.predicate.value, o.value, (o.language if type(o) is literal else None)


# ------------------------------------------------------------------ rows


@dataclass(frozen=True)
class Speech:
    """A speech: its IRI, source file, date (ISO: a day, month or year), title, text's context
    node and the text's length (its context's end index)."""

    iri: str
    source: str | None
    date: str | None
    title: str | None
    contexts: tuple[str, ...]
    length: int | None = None


@dataclass(frozen=True)
class Entity:
    """An entity: its classes (in ENTITY_TYPES order; one in a built graph), preferred labels
    (one per speech that names it differently, sorted), other labels as (zh, en or pinyin,
    text) sorted, rdfs:labels, values (a Date's) and number."""

    iri: str
    types: tuple[str, ...]
    labels: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...]
    rdfs_labels: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    number: int | None = None

    @property
    def type(self) -> str:
        """Its class; of several, the one listed last in ENTITY_TYPES."""
        return self.types[-1]

    @property
    def label(self) -> str:
        """Its preferred label (the least of several; its IRI when it has none)."""
        return self.labels[0] if self.labels else self.iri

    def names(self, lang: str | None = None) -> list[str]:
        """Its other labels in `lang` (zh, en, pinyin) or in any, sorted, each once."""
        return sorted({text for tag, text in self.aliases if lang is None or tag == lang})


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity: the text, half-open offsets into its speech's text, the
    speech (whose text the mention's nif:referenceContext is), sentence, section and rule."""

    iri: str
    entity: str
    text: str
    start: int | None
    end: int | None
    speech: str | None
    sentence: str | None
    section: str | None
    rule: str
    confidence: float | None = None


@dataclass(frozen=True)
class Relation:
    """subject --predicate--> object as asserted directly; `predicate` is its name (organizer, …)."""

    subject: str
    predicate: str
    object: str


@dataclass(frozen=True)
class Assertion:
    """A relation's reification: the relation, the sentence it was read from and the rule."""

    iri: str
    subject: str
    predicate: str
    object: str
    evidence: str | None
    rule: str


@dataclass(frozen=True)
class Section:
    """A section of a speech: its heading and the section or speech it is part of."""

    iri: str
    heading: str
    parent: str | None


@dataclass(frozen=True)
class Sentence:
    """A sentence (or any offset-based string): its text and offsets."""

    iri: str
    text: str
    start: int | None
    end: int | None


# ------------------------------------------------------------------ reading


def _lang_of(tag: str | None) -> str:
    tag = (tag or "").lower()
    if tag == "en" or tag.startswith("en-"):
        return "en"
    if tag.startswith("zh-latn"):
        return "pinyin"
    return "zh"


_NS_SKG = str(SKG._NS)

#: relation predicate IRI → its name
RELATIONS = {_NS_SKG + p: p for p in RELATION_TYPES}

#: predicate → the table of Rows it fills (subject → value, or values for MANY)
TABLES = {
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
        (SKG.rule, "rule"),
        (SKG.confidence, "confidence"),
        (SKG.number, "number"),
        (RDF.value, "value"),
        (RDFS.label, "rdfs_label"),
    )
}

#: the properties that may have several values (kept as lists); the others keep their greatest
MANY = frozenset({"pref", "ident", "context", "value", "rdfs_label"})

_TYPE, _ALT = str(RDF.type), str(SKOS.altLabel)

#: every predicate the rows are read from
PREDICATES = frozenset([*TABLES, *RELATIONS, _ALT, _TYPE])

#: the classes whose members the rows are: the entity types, Speech, Section, RelationAssertion
CLASSES = frozenset(_NS_SKG + t for t in (*ENTITY_TYPES, "Speech", "Section", "RelationAssertion"))


class Rows:
    """A graph's rows, read from its triples in one pass: only `predicates` (default: all the
    rows use) are read, so that a reader needing less gives less a malformed value to fail on."""

    def __init__(self, triples: Iterable[Triple], predicates: Iterable[str] | None = None) -> None:
        wanted = PREDICATES if predicates is None else frozenset(predicates)
        keep = {p: name for p, name in TABLES.items() if p in wanted}
        relations = {p: name for p, name in RELATIONS.items() if p in wanted}
        buckets: dict[str, list] = {name: [] for name in set(TABLES.values())}
        types: list[tuple[str, str]] = []
        alt: list[tuple[str, str, str | None]] = []
        rels: list[tuple[str, str, str]] = []
        read_types, read_alt = _TYPE in wanted, _ALT in wanted
        for s, p, o, tag in triples:
            name = keep.get(p)
            if name is not None:
                buckets[name].append((s, o))
            elif p == _TYPE and read_types:
                types.append((o, s))
            elif p == _ALT and read_alt:
                alt.append((s, o, tag))
            elif p in relations:
                rels.append((s, relations[p], o))
        self.t: dict[str, dict] = {name: _table(name, pairs) for name, pairs in buckets.items()}
        self.members: dict[str, list[str]] = {}
        for o, s in types:
            self.members.setdefault(o, []).append(s)
        self.alt: dict[str, list[tuple[str, str]]] = {}
        for s, o, tag in alt:
            self.alt.setdefault(s, []).append((_lang_of(tag), o))
        self.direct = set(rels)

    @classmethod
    def of(cls, source: Dataset | Graph | ox.Store | Iterable[Triple], predicates: Iterable[str] | None = None) -> Rows:
        """The rows of an rdflib Dataset or Graph, an Oxigraph store, or a stream of triples."""
        if isinstance(source, Graph):
            return cls(dataset_triples(source), predicates)
        if hasattr(source, "quads_for_pattern"):  # a store (pyoxigraph is not imported for the others)
            return cls(store_triples(source), predicates)
        return cls(source, predicates)

    def one(self, name: str, s: str) -> str | None:
        """The value of property `name` of `s` (the least of several), or None."""
        v = self.t[name].get(s)
        if v is None or name not in MANY:
            return v
        return min(v)

    def of_class(self, name: str) -> list[str]:
        """The nodes of class skg:`name`, sorted, each once."""
        return sorted(set(self.members.get(_NS_SKG + name, ())))

    def _int(self, name: str, s: str, what: str) -> int | None:
        v = self.one(name, s)
        return None if v is None else integer(v, s, what)

    # the rows

    @cached_property
    def speeches(self) -> list[Speech]:
        """Every speech, by IRI."""
        one = self.one
        out = []
        for sp in self.of_class("Speech"):
            contexts = tuple(self.t["context"].get(sp, ()))
            ends = [n for n in (self._int("end", c, "nif:endIndex") for c in contexts) if n is not None]
            out.append(
                Speech(sp, one("source", sp), one("date", sp), one("title", sp), contexts, max(ends, default=None))
            )
        return out

    @cached_property
    def speech_of_context(self) -> dict[str, str]:
        """A text's context node → its speech."""
        out: dict[str, str] = {}
        for sp in self.speeches:
            for c in sp.contexts:
                out.setdefault(c, sp.iri)
        return out

    def speech_of(self, node: str) -> str | None:
        """The speech whose text `node` (a mention, sentence or section) refers to, or None."""
        c = self.one("refctx", node)
        return self.speech_of_context.get(c) if c else None

    @cached_property
    def entities(self) -> list[Entity]:
        """Every entity, by its first class in ENTITY_TYPES, then IRI."""
        types: dict[str, list[str]] = {}
        for t in ENTITY_TYPES:
            for e in self.of_class(t):
                types.setdefault(e, []).append(t)
        return [self._entity(e, tuple(ts)) for e, ts in types.items()]

    def _entity(self, e: str, types: tuple[str, ...]) -> Entity:
        t = self.t
        return Entity(
            iri=e,
            types=types,
            labels=tuple(sorted(t["pref"].get(e, ()))),
            aliases=tuple(sorted(set(self.alt.get(e, ())))),
            rdfs_labels=tuple(sorted(t["rdfs_label"].get(e, ()))),
            values=tuple(sorted(t["value"].get(e, ()))),
            number=self._int("number", e, "skg:number"),
        )

    @cached_property
    def mentions(self) -> list[Mention]:
        """Every mention, once per entity it names (a triple read twice counts twice), in reading order."""
        out = []
        one, num = self.one, self._int
        for m, es in self.t["ident"].items():
            start, end = num("begin", m, "nif:beginIndex"), num("end", m, "nif:endIndex")
            speech, sentence, section = self.speech_of(m), one("sentence", m), one("section", m)
            text, rule = one("anchor", m) or "", one("rule", m) or ""
            conf = one("confidence", m)
            conf = None if conf is None else probability(conf, m, "skg:confidence")
            out += [Mention(m, e, text, start, end, speech, sentence, section, rule, conf) for e in es]
        return out

    @cached_property
    def relations(self) -> list[Relation]:
        """Every relation asserted directly, sorted, each once."""
        return [Relation(*r) for r in sorted(self.direct)]

    @cached_property
    def assertions(self) -> list[Assertion]:
        """Every reified relation with a subject, a known predicate and an object, by IRI."""
        out = []
        one = self.one
        for a in self.of_class("RelationAssertion"):
            s, p, o = one("subject", a), one("predicate", a), one("object", a)
            if s is not None and p in RELATIONS and o is not None:
                out.append(Assertion(a, s, RELATIONS[p], o, one("evidence", a), one("rule", a) or ""))
        return out

    @cached_property
    def sections(self) -> list[Section]:
        """Every section, by IRI."""
        return [Section(s, self.one("heading", s) or "", self.one("parent", s)) for s in self.of_class("Section")]

    def sentence(self, node: str) -> Sentence:
        """The sentence (text and offsets) `node`, as a mention's or assertion's sentence names it."""
        return Sentence(
            node,
            self.one("anchor", node) or "",
            self._int("begin", node, "nif:beginIndex"),
            self._int("end", node, "nif:endIndex"),
        )


def _table(name: str, pairs: list[tuple[str, str]]) -> dict:
    if name in MANY:
        many: dict[str, list[str]] = {}
        for k, v in pairs:
            many.setdefault(k, []).append(v)
        return many
    pairs.sort()  # so that with several values the greatest wins whatever the input order
    return dict(pairs)


# ------------------------------------------------------------------ counts of an Oxigraph store

_PREFIXES = """PREFIX skg: <https://w3id.org/speechkg#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

#: each speech once, with its (earliest) date and its text's length, summed by date
_SPEECH_DATES = (
    _PREFIXES
    + """
SELECT ?date (COUNT(?sp) AS ?speeches) (SUM(?len) AS ?chars) WHERE {
  { SELECT ?sp (MIN(STR(?d)) AS ?date) (MAX(?l) AS ?len) WHERE {
      ?sp a skg:Speech .
      OPTIONAL { ?sp dcterms:date ?d }
      OPTIONAL { ?sp skg:context/nif:isString ?text BIND(STRLEN(?text) AS ?l) }
    } GROUP BY ?sp }
} GROUP BY ?date
"""
)

#: mentions and mentioning speeches of the chosen entities, by entity and speech date
_MENTION_COUNTS = (
    _PREFIXES
    + """
SELECT ?e ?date (COUNT(?m) AS ?mentions) (COUNT(DISTINCT ?sp) AS ?speeches) WHERE {
  { SELECT ?sp (MIN(STR(?d)) AS ?date) WHERE { ?sp a skg:Speech ; dcterms:date ?d } GROUP BY ?sp }
  %s
  ?m itsrdf:taIdentRef ?e ; prov:wasDerivedFrom ?sp .
} GROUP BY ?e ?date
"""
)

#: every label of every entity, with its type(s) and preferred label
_LABELS = (
    _PREFIXES
    + """
SELECT ?e ?type ?pref ?label WHERE {
  ?e a ?type ; skos:prefLabel ?pref .
  { ?e skos:prefLabel ?label } UNION { ?e skos:altLabel ?label }
}
"""
)


@dataclass(frozen=True)
class DateCount:
    """The speeches of one date (None: undated) and the characters of their texts."""

    date: str | None
    speeches: int
    chars: int


@dataclass(frozen=True)
class MentionCount:
    """The mentions of an entity in the speeches of one date, and how many speeches they are in."""

    entity: str
    date: str
    mentions: int
    speeches: int


@dataclass(frozen=True)
class Label:
    """A label (preferred or other) of an entity of class `type` (an IRI) whose preferred label is `pref`."""

    entity: str
    type: str
    pref: str
    label: str


def speech_dates(store: ox.Store) -> Iterator[DateCount]:
    """The speeches by date (each speech at its earliest), with their texts' length."""
    for s in store.query(_SPEECH_DATES):
        date, chars = s["date"], s["chars"]
        yield DateCount(
            None if date is None else date.value, int(s["speeches"].value), 0 if chars is None else int(chars.value)
        )


def mention_counts(store: ox.Store, type_: str | None = None, entities: Iterable[str] = ()) -> Iterator[MentionCount]:
    """The mentions of the entities of class skg:`type_`, or else of `entities` (IRIs), by
    entity and date of the dated speeches they are in."""
    where = f"?e a skg:{type_} ." if type_ is not None else f"VALUES ?e {{ {' '.join(f'<{e}>' for e in entities)} }}"
    for s in store.query(_MENTION_COUNTS % where):
        yield MentionCount(s["e"].value, s["date"].value, int(s["mentions"].value), int(s["speeches"].value))


def labels(store: ox.Store) -> Iterator[Label]:
    """Every label of every entity with a preferred label, once per class of the entity."""
    for s in store.query(_LABELS):
        yield Label(s["e"].value, s["type"].value, s["pref"].value, s["label"].value)


def preferred_labels(store: ox.Store, type_: str) -> Iterator[tuple[str, str]]:
    """(entity, preferred label) of the entities of class skg:`type_`."""
    q = _PREFIXES + f"SELECT ?e ?pref WHERE {{ ?e a skg:{type_} ; skos:prefLabel ?pref }}"
    for s in store.query(q):
        yield s["e"].value, s["pref"].value
