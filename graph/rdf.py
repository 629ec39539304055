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

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from speechkg.ontology.namespace import ID, ITSRDF, NIF, SKG, bind_prefixes

from . import labels
from .model import Doc, Entity

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
    from .textforms import is_traditional

    return "zh-Hant" if is_traditional(text) else "zh"


_NON_NEGATIVE = XSD.nonNegativeInteger


def _nn(i: int) -> Literal:
    return Literal(i, datatype=_NON_NEGATIVE)


def to_graph(doc: Doc, graph: Graph | None = None) -> Graph:
    """Add the speech's triples to `graph` (a new Graph if None) and return it."""
    g = graph if graph is not None else Graph()
    bind_prefixes(g)
    for t in triples(doc):
        g.add(t)
    return g


def triples(doc: Doc) -> list[tuple[URIRef, URIRef, object]]:
    """The speech's triples as rdflib terms, without building a graph (fast path for output)."""
    out: list[tuple[URIRef, URIRef, object]] = []
    text = doc.text
    sp = speech_iri(doc)
    ctx = URIRef(f"{sp}#char=0,{len(text)}")
    add = out.append

    add((sp, RDF.type, SKG.Speech))
    add((sp, SKG.sourceFile, Literal(doc.speech.source)))
    add((sp, SKG.sha256, Literal(doc.speech.sha256)))
    add((sp, SKG.context, ctx))
    if doc.speech.title:
        add((sp, DCTERMS.title, Literal(doc.speech.title, lang=lang(doc.speech.title))))
    if doc.speech.date:
        add((sp, DCTERMS.date, Literal(doc.speech.date.isoformat(), datatype=XSD.date)))
    elif doc.speech.year:
        add((sp, DCTERMS.date, Literal(f"{doc.speech.year:04d}", datatype=XSD.gYear)))

    add((ctx, RDF.type, NIF.Context))
    add((ctx, RDF.type, NIF.OffsetBasedString))
    add((ctx, NIF.isString, Literal(text)))
    add((ctx, NIF.beginIndex, _nn(0)))
    add((ctx, NIF.endIndex, _nn(len(text))))
    add((ctx, PROV.wasDerivedFrom, sp))

    sec_iri = {s.index: URIRef(f"{sp}#section-{s.index + 1}") for s in doc.sections}
    for s in doc.sections:
        node = sec_iri[s.index]
        add((node, RDF.type, SKG.Section))
        add((node, SKG.heading, Literal(s.heading, lang=lang(s.heading))))
        add((node, SKG.level, Literal(s.level)))
        add((node, SKG.ordinal, Literal(s.ordinal)))
        add((node, NIF.beginIndex, _nn(s.start)))
        add((node, NIF.endIndex, _nn(s.end)))
        add((node, NIF.referenceContext, ctx))
        add((node, DCTERMS.isPartOf, sec_iri[s.parent] if s.parent is not None else sp))
        add((sp if s.parent is None else sec_iri[s.parent], SKG.hasSection, node))

    sent_iri = {}
    for s in doc.sentences:
        node = URIRef(f"{sp}#sentence-{s.index + 1}")
        sent_iri[s.index] = node
        add((node, RDF.type, NIF.Sentence))
        add((node, RDF.type, NIF.OffsetBasedString))
        add((node, NIF.anchorOf, Literal(s.text)))
        add((node, NIF.beginIndex, _nn(s.start)))
        add((node, NIF.endIndex, _nn(s.end)))
        add((node, NIF.referenceContext, ctx))
        if s.section is not None:
            add((node, SKG.section, sec_iri[s.section]))

    ent_iri = {e.key: entity_iri(e) for e in doc.entities}
    # the mention loop writes most of the triples: its terms are looked up once, not per mention
    rdf_type, mention, phrase, obs = RDF.type, SKG.Mention, NIF.Phrase, NIF.OffsetBasedString
    anchor, begin, end, refctx, ident = NIF.anchorOf, NIF.beginIndex, NIF.endIndex, NIF.referenceContext, \
        ITSRDF.taIdentRef
    rule, derived, in_sentence, in_section = SKG.rule, PROV.wasDerivedFrom, NIF.sentence, SKG.section
    rules: dict[str, Literal] = {}
    for e in doc.entities:
        node = ent_iri[e.key]
        add((node, RDF.type, SKG[e.type]))
        add((node, SKOS.prefLabel, Literal(e.label, lang=lang(e.label))))
        add((node, RDFS.label, Literal(e.label, lang=lang(e.label))))
        for a in sorted(e.aliases):
            add((node, SKOS.altLabel, Literal(a, lang=lang(a))))
        english = labels.english(e)
        if english:
            add((node, SKOS.altLabel, Literal(english, lang=labels.ENGLISH)))
        romanized = labels.pinyin(e.label) if e.type == "Person" else None
        if romanized:
            add((node, SKOS.altLabel, Literal(romanized, lang=labels.PINYIN)))
        if e.type == "Date" and e.value:
            add((node, RDF.value, Literal(e.value, datatype=_DATE_TYPES[len(e.value)])))
        if e.number is not None:
            add((node, SKG.number, Literal(e.number)))
        add((node, SKG.mentionedIn, sp))
        add((node, PROV.wasDerivedFrom, sp))
        for m in e.mentions:
            mn = URIRef(f"{sp}#offset_{m.start}_{m.end}")
            if m.rule not in rules:
                rules[m.rule] = Literal(m.rule)
            add((mn, rdf_type, mention))
            add((mn, rdf_type, phrase))
            add((mn, rdf_type, obs))
            add((mn, anchor, Literal(m.text)))
            add((mn, begin, _nn(m.start)))
            add((mn, end, _nn(m.end)))
            add((mn, refctx, ctx))
            add((mn, ident, node))
            add((mn, rule, rules[m.rule]))
            add((mn, derived, sp))
            sent = doc.sentence_at(m.start)
            if sent is not None:
                add((mn, in_sentence, sent_iri[sent.index]))
                if sent.section is not None:
                    add((mn, in_section, sec_iri[sent.section]))

    for r in doc.relations:
        s, o = ent_iri[doc.links[r.subject]], ent_iri[doc.links[r.object]]
        if s == o:
            continue
        pred = SKG[r.predicate]
        add((s, pred, o))
        node = URIRef(f"{sp}#relation-{_h(f'{s} {pred} {o} {r.sentence}', 12)}")
        add((node, RDF.type, SKG.RelationAssertion))
        add((node, RDF.subject, s))
        add((node, RDF.predicate, pred))
        add((node, RDF.object, o))
        add((node, SKG.evidence, sent_iri[r.sentence]))
        add((node, SKG.rule, Literal(r.rule)))
        add((node, PROV.wasDerivedFrom, sp))
    return out
