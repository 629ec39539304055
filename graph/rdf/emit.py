"""Doc → RDF triples: the contract of ANNOTATION.md plus NIF 2.0 provenance.

Every entity is typed with its class and carries skos:prefLabel, rdfs:label and
skos:altLabel; a Date its rdf:value. Every mention is an offset-based NIF string
(`text[beginIndex:endIndex] == anchorOf`) in its nif:Context, linked to its entity
(itsrdf:taIdentRef), its sentence and its section. Every relation is asserted
directly and also reified (skg:RelationAssertion) with its evidence sentence.
IRIs depend only on the input, so the same speech gives the same graph.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from speechkg.graph.model import Doc, Entity
from speechkg.graph.rdf import labels
from speechkg.ontology.namespace import ID, ITSRDF, NIF, ORG, SKG, bind_prefixes

_DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}


def _h(s: str, n: int = 16) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:n]


def speech_iri(doc: Doc) -> URIRef:
    """A speech is identified by its source name (a file's name, or its path inside the
    directory given); text from standard input by its content."""
    src = doc.speech.source
    key = f"text:{doc.speech.sha256}" if src in ("-", "") else f"source:{src}"
    return ID[f"speech/{_h(key)}"]


def entity_iri(e: Entity) -> URIRef:
    if e.type == "Date" and e.value and re.fullmatch(r"[0-9-]{4,10}", e.value):
        return ID[f"date/{e.value}"]
    return ID[f"{e.type.lower()}/{_h(e.key)}"]


def lang(text: str) -> str:
    """`zh-Hant` for text written in traditional characters, else `zh`."""
    from speechkg.graph.text import is_traditional

    return "zh-Hant" if is_traditional(text) else "zh"


_NON_NEGATIVE = XSD.nonNegativeInteger


def _nn(i: int) -> Literal:
    return Literal(i, datatype=_NON_NEGATIVE)


class _Memo(dict):
    """Terms made once and given again (rdflib's constructors are slow, and a writer finds a
    term it has seen by identity): at most `size`, then it starts afresh."""

    def __init__(self, make, size: int = 1 << 14) -> None:
        super().__init__()
        self.make, self.size = make, size

    def __missing__(self, key):
        if len(self) >= self.size:
            self.clear()
        value = self[key] = self.make(key)
        return value


_OFFSET = _Memo(_nn)  # offsets: nif:beginIndex, nif:endIndex
_PLAIN = _Memo(Literal)  # mention texts, rule names
_LABEL = _Memo(lambda text: Literal(text, lang=lang(text)))  # names, in zh or zh-Hant
_CLASS = _Memo(lambda name: SKG[name])  # entity classes, relation predicates

# the vocabulary, made once: `NIF.beginIndex` makes a new URIRef at every use
_A, _SPEECH, _SOURCE, _SHA, _CONTEXT, _TITLE, _DATE = (
    RDF.type,
    SKG.Speech,
    SKG.sourceFile,
    SKG.sha256,
    SKG.context,
    DCTERMS.title,
    DCTERMS.date,
)
_NIF_CONTEXT, _OBS, _IS_STRING, _BEGIN, _END, _DERIVED = (
    NIF.Context,
    NIF.OffsetBasedString,
    NIF.isString,
    NIF.beginIndex,
    NIF.endIndex,
    PROV.wasDerivedFrom,
)
_SECTION, _HEADING, _LEVEL, _ORDINAL, _REF, _PART, _HAS_SECTION = (
    SKG.Section,
    SKG.heading,
    SKG.level,
    SKG.ordinal,
    NIF.referenceContext,
    DCTERMS.isPartOf,
    SKG.hasSection,
)
_SENTENCE, _ANCHOR, _IN_SECTION = NIF.Sentence, NIF.anchorOf, SKG.section
_PREF, _LABEL_P, _ALT, _VALUE, _NUMBER, _MENTIONED = (
    SKOS.prefLabel,
    RDFS.label,
    SKOS.altLabel,
    RDF.value,
    SKG.number,
    SKG.mentionedIn,
)
_MENTION, _PHRASE, _IDENT, _RULE, _IN_SENTENCE = SKG.Mention, NIF.Phrase, ITSRDF.taIdentRef, SKG.rule, NIF.sentence
_CONFIDENCE = SKG.confidence
_ASSERTION, _SUBJECT, _PREDICATE, _OBJECT, _EVIDENCE = (
    SKG.RelationAssertion,
    RDF.subject,
    RDF.predicate,
    RDF.object,
    SKG.evidence,
)


def to_graph(doc: Doc, graph: Graph | None = None) -> Graph:
    """Add the speech's triples to `graph` (a new Graph if None) and return it."""
    g = graph if graph is not None else Graph()
    bind_prefixes(g)
    for t in triples(doc):
        g.add(t)
    return g


def triples(doc: Doc) -> list[tuple[URIRef, URIRef, object]]:
    """The speech's triples as rdflib terms, without building a graph."""
    return list(iter_triples(doc))


def iter_triples(doc: Doc, compact: bool = False) -> Iterator[tuple[URIRef, URIRef, object]]:
    """The speech's triples as rdflib terms, made as they are asked for (a writer that takes
    them one by one never holds them all).

    With `compact`, terms come in the forms store's writer takes: character offsets as plain
    ints (written as xsd:nonNegativeInteger literals), and the speech's own nodes (sections,
    sentences, mentions, relations: hundreds of thousands in a long text) as their N-Triples
    bytes; an rdflib term, checked as it is made, costs more than the rest of a mention's
    triples. Those nodes are the speech's IRI, checked, with a fragment of safe characters."""
    sp = speech_iri(doc)
    ctx = URIRef(f"{sp}#char=0,{len(doc.text)}")
    nodes = _Nodes(doc, sp, ctx, nn=int if compact else _OFFSET.__getitem__, own=_own(sp, compact))
    yield from _speech_triples(nodes)
    nodes.sections = {s.index: nodes.own(f"section-{s.index + 1}") for s in doc.sections}
    yield from _section_triples(nodes)
    nodes.sentences = {s.index: nodes.own(f"sentence-{s.index + 1}") for s in doc.sentences}
    yield from _sentence_triples(nodes)
    ent_iri = {e.key: entity_iri(e) for e in doc.entities}
    for e in doc.entities:
        node = ent_iri[e.key]
        yield from _entity_triples(e, node, sp)
        yield from _mention_triples(nodes, e, node)
    yield from _relation_triples(nodes, ent_iri)
    yield from _target_triples(nodes, ent_iri)
    yield from _membership_triples(nodes, ent_iri)


@dataclass
class _Nodes:
    """What the triples of a speech's parts share: the speech, its IRI and its nif:Context, how
    offsets (`nn`) and the speech's own nodes (`own`, given a fragment) are made, and the nodes of
    its sections and sentences by index."""

    doc: Doc
    sp: URIRef
    ctx: URIRef
    nn: Callable[[int], object]
    own: Callable[[str], object]
    sections: dict[int, object] = field(default_factory=dict)
    sentences: dict[int, object] = field(default_factory=dict)


def _own(sp: URIRef, compact: bool) -> Callable[[str], object]:
    """The speech's own node with a fragment: an rdflib IRI, or (`compact`) its N-Triples bytes."""
    if compact:
        prefix = f"<{sp}#".encode()

        def own(fragment: str) -> bytes:
            return b"%s%s>" % (prefix, fragment.encode())
    else:

        def own(fragment: str) -> URIRef:
            return URIRef(f"{sp}#{fragment}")

    return own


def _speech_triples(n: _Nodes) -> Iterator[tuple]:
    """The speech (its source, hash, title and date) and its context, the whole text."""
    doc, sp, ctx, nn = n.doc, n.sp, n.ctx, n.nn
    yield sp, _A, _SPEECH
    yield sp, _SOURCE, Literal(doc.speech.source)
    yield sp, _SHA, Literal(doc.speech.sha256)
    yield sp, _CONTEXT, ctx
    if doc.speech.title:
        yield sp, _TITLE, Literal(doc.speech.title, lang=lang(doc.speech.title))
    date = _speech_date(doc)
    if date is not None:
        yield sp, _DATE, date

    yield ctx, _A, _NIF_CONTEXT
    yield ctx, _A, _OBS
    yield ctx, _IS_STRING, Literal(doc.text)
    yield ctx, _BEGIN, nn(0)
    yield ctx, _END, nn(len(doc.text))
    yield ctx, _DERIVED, sp


def _speech_date(doc: Doc) -> Literal | None:
    """The speech's date (xsd:date), or its year (xsd:gYear) when only that is known."""
    if doc.speech.date:
        return Literal(doc.speech.date.isoformat(), datatype=XSD.date)
    if doc.speech.year:
        return Literal(f"{doc.speech.year:04d}", datatype=XSD.gYear)
    return None


def _section_triples(n: _Nodes) -> Iterator[tuple]:
    sp, ctx, nn, sec_iri = n.sp, n.ctx, n.nn, n.sections
    for s in n.doc.sections:
        node = sec_iri[s.index]
        yield node, _A, _SECTION
        yield node, _HEADING, Literal(s.heading, lang=lang(s.heading))
        yield node, _LEVEL, Literal(s.level)
        yield node, _ORDINAL, Literal(s.ordinal)
        yield node, _BEGIN, nn(s.start)
        yield node, _END, nn(s.end)
        yield node, _REF, ctx
        yield node, _PART, sec_iri[s.parent] if s.parent is not None else sp
        yield sp if s.parent is None else sec_iri[s.parent], _HAS_SECTION, node


def _sentence_triples(n: _Nodes) -> Iterator[tuple]:
    ctx, nn, sec_iri, sent_iri = n.ctx, n.nn, n.sections, n.sentences
    for s in n.doc.sentences:
        node = sent_iri[s.index]
        yield node, _A, _SENTENCE
        yield node, _A, _OBS
        yield node, _ANCHOR, Literal(s.text)
        yield node, _BEGIN, nn(s.start)
        yield node, _END, nn(s.end)
        yield node, _REF, ctx
        if s.section is not None:
            yield node, _IN_SECTION, sec_iri[s.section]


def _entity_triples(e: Entity, node: URIRef, sp: URIRef) -> Iterator[tuple]:
    """An entity: its class, labels (the English and pinyin ones too), value and number."""
    label = _LABEL.__getitem__
    # an organ only a title implies (国家主席 → 中华人民共和国), not mentioned, is an
    # org:Organization: no entity of the contract's types, which are what the speech names
    yield node, _A, _CLASS[e.type] if e.mentions else ORG.Organization
    yield node, _PREF, label(e.label)
    yield node, _LABEL_P, label(e.label)
    for a in sorted(e.aliases):
        yield node, _ALT, label(a)
    english = labels.english(e)
    if english:
        yield node, _ALT, Literal(english, lang=labels.ENGLISH)
    romanized = labels.pinyin(e.label) if e.type == "Person" else None
    if romanized:
        yield node, _ALT, Literal(romanized, lang=labels.PINYIN)
    if e.type == "Date" and e.value:
        yield node, _VALUE, Literal(e.value, datatype=_DATE_TYPES[len(e.value)])
    if e.number is not None:
        yield node, _NUMBER, Literal(e.number)
    if e.mentions:
        yield node, _MENTIONED, sp
    yield node, _DERIVED, sp


def _mention_triples(n: _Nodes, e: Entity, node: URIRef) -> Iterator[tuple]:
    """The mentions of entity `e` (its IRI `node`), each in its sentence and section."""
    doc, sp, ctx, nn, own, sec_iri, sent_iri = n.doc, n.sp, n.ctx, n.nn, n.own, n.sections, n.sentences
    plain = _PLAIN.__getitem__
    for m in e.mentions:
        mn = own(f"offset_{m.start}_{m.end}")
        yield mn, _A, _MENTION
        yield mn, _A, _PHRASE
        yield mn, _A, _OBS
        yield mn, _ANCHOR, plain(m.text)
        yield mn, _BEGIN, nn(m.start)
        yield mn, _END, nn(m.end)
        yield mn, _REF, ctx
        yield mn, _IDENT, node
        yield mn, _RULE, plain(m.rule)
        if m.confidence is not None:
            yield mn, _CONFIDENCE, Literal(f"{m.confidence:.3f}", datatype=XSD.decimal)
        yield mn, _DERIVED, sp
        sent = doc.sentence_at(m.start)
        if sent is not None:
            yield mn, _IN_SENTENCE, sent_iri[sent.index]
            if sent.section is not None:
                yield mn, _IN_SECTION, sec_iri[sent.section]


def _relation_triples(n: _Nodes, ent_iri: dict[str, URIRef]) -> Iterator[tuple]:
    """Each relation asserted, and reified with its evidence sentence and rule."""
    doc, sp, own, sent_iri = n.doc, n.sp, n.own, n.sentences
    plain = _PLAIN.__getitem__
    for r in doc.relations:
        s, o = ent_iri[doc.links[r.subject]], ent_iri[doc.links[r.object]]
        if s == o:
            continue
        pred = _CLASS[r.predicate]
        yield s, pred, o
        node = own(f"relation-{_h(f'{s} {pred} {o} {r.sentence}', 12)}")
        yield node, _A, _ASSERTION
        yield node, _SUBJECT, s
        yield node, _PREDICATE, pred
        yield node, _OBJECT, o
        yield node, _EVIDENCE, sent_iri[r.sentence]
        yield node, _RULE, plain(r.rule)
        yield node, _DERIVED, sp


_TARGET, _GOAL, _INDICATOR_P, _INDICATOR, _INDICATOR_TEXT = (
    SKG.Target,
    SKG.goal,
    SKG.indicator,
    SKG.Indicator,
    SKG.indicatorText,
)
_T_VALUE, _T_UPPER, _T_UNIT, _T_QUALIFIER, _T_YEAR, _SET_BY = (
    SKG.value,
    SKG.upperValue,
    SKG.unit,
    SKG.qualifier,
    SKG.targetYear,
    SKG.setBy,
)


def _target_triples(n: _Nodes, ent_iri: dict[str, URIRef]) -> Iterator[tuple]:
    """Each numeric target: its Goal, indicator, value, unit, qualifier, year and the body that
    set it, derived from the Goal's mention."""
    from speechkg.graph.extract.targets import indicators

    doc, own = n.doc, n.own
    for t in doc.targets:
        m = t.mention
        key = doc.links.get(m)
        if key is None:
            continue
        node = own(f"target-{m.start}_{m.end}")
        yield node, _A, _TARGET
        yield node, _GOAL, ent_iri[key]
        yield node, _INDICATOR_TEXT, Literal(t.words, lang=lang(t.words))
        if t.indicator:
            ind = indicators()[t.indicator]
            iri = ID[f"indicator/{ind.key}"]
            yield node, _INDICATOR_P, iri
            yield iri, _A, _INDICATOR
            for label in (_LABEL[ind.zh], Literal(ind.en, lang="en")):
                yield iri, _PREF, label
                yield iri, _LABEL_P, label
        yield node, _T_VALUE, Literal(t.value, datatype=XSD.decimal)
        if t.upper is not None:
            yield node, _T_UPPER, Literal(t.upper, datatype=XSD.decimal)
        if t.unit:
            yield node, _T_UNIT, _PLAIN[t.unit]
        if t.qualifier:
            yield node, _T_QUALIFIER, _PLAIN[t.qualifier]
        if t.year is not None:
            yield node, _T_YEAR, Literal(f"{t.year:04d}", datatype=XSD.gYear)
        if t.body in ent_iri:
            yield node, _SET_BY, ent_iri[t.body]
        yield node, _DERIVED, own(f"offset_{m.start}_{m.end}")


_MEMBERSHIP, _ORG_MEMBER, _ORGANIZATION, _ROLE_P, _ROLE, _STATED_ON, _FORMER = (
    ORG.Membership,
    ORG.member,
    ORG.organization,
    ORG.role,
    ORG.Role,
    SKG.statedOn,
    SKG.former,
)


def role_iri(title: str) -> URIRef:
    """The org:Role of a title of data/roles.tsv (one IRI per title in every graph)."""
    return ID[f"role/{_h(title)}"]


def _membership_triples(n: _Nodes, ent_iri: dict[str, URIRef]) -> Iterator[tuple]:
    """Each post the speech states (org:Membership): the person, the organ, the role, the date it
    was stated (the speech's), whether it is former, derived from the person's mention."""
    from speechkg.graph.extract.positions import roles

    doc, own = n.doc, n.own
    date = _speech_date(doc)
    seen: set[str] = set()
    for p in doc.positions:
        m = p.mention
        key = doc.links.get(m)
        if key is None or p.organ not in ent_iri:
            continue
        node = own(f"membership-{m.start}_{m.end}-{p.start}_{p.end}")
        role = role_iri(p.title)
        yield node, _A, _MEMBERSHIP
        yield node, _ORG_MEMBER, ent_iri[key]
        yield node, _ORGANIZATION, ent_iri[p.organ]
        yield node, _ROLE_P, role
        if p.title not in seen:
            seen.add(p.title)
            yield role, _A, _ROLE
            for label in (_LABEL[p.title], Literal(roles()[p.title], lang="en")):
                yield role, _PREF, label
                yield role, _LABEL_P, label
        if date is not None:
            yield node, _STATED_ON, date
        if p.former:
            yield node, _FORMER, Literal(True)
        yield node, _RULE, _PLAIN[p.rule]
        yield node, _DERIVED, own(f"offset_{m.start}_{m.end}")
