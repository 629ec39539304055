"""Graphs whose sentences name many entities (issue 27, B4), written as plain-string triples so
that a test can make thousands of mentions in milliseconds.

`wide(sentences)` gives one speech whose sentence s names the entities of `sentences[s]` (keys,
in text order); each mention is written in reverse order, so that a reader must sort by offset.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rdflib import RDF, SKOS
from rdflib.namespace import DCTERMS

from speechkg.graph.rdf.rows import Triple
from speechkg.ontology.namespace import ID, ITSRDF, NIF, SKG

SPEECH = str(ID["speech/wide"])
CTX = f"{SPEECH}#char=0,1"
TYPE, LABEL = str(RDF.type), str(SKOS.prefLabel)
IDENT, SENT, REF = str(ITSRDF.taIdentRef), str(NIF.sentence), str(NIF.referenceContext)
BEGIN, END = str(NIF.beginIndex), str(NIF.endIndex)


def iri(key: str) -> str:
    return str(ID[f"test/{key}"])


def label(key: str) -> str:
    return f"实体{key}号"


def wide(sentences: Sequence[Sequence[str]], kind: str = "Body") -> list[Triple]:
    """The triples of one speech whose sentences name the entities `sentences` (keys, in order)."""
    out: list[Triple] = [
        (SPEECH, TYPE, str(SKG.Speech), None),
        (SPEECH, str(SKG.context), CTX, None),
        (SPEECH, str(DCTERMS.date), "2022-03-01", None),
        (SPEECH, str(DCTERMS.title), "宽句", "zh"),
    ]
    texts, pos = [], 0
    for s, keys in enumerate(sentences):
        text = "，".join(label(k) for k in keys) + "。"
        out += list(_sentence(s, keys, pos, text))
        texts.append(text)
        pos += len(text)
    out.append((CTX, str(NIF.isString), "".join(texts), None))
    for key in sorted({k for keys in sentences for k in keys}):
        out += [(iri(key), TYPE, str(SKG[kind]), None), (iri(key), LABEL, label(key), "zh")]
    return out


def _sentence(s: int, keys: Sequence[str], start: int, text: str) -> Iterator[Triple]:
    sent = f"{SPEECH}#sentence-{s + 1}"
    yield from [
        (sent, TYPE, str(NIF.Sentence), None),
        (sent, str(NIF.anchorOf), text, None),
        (sent, BEGIN, str(start), None),
        (sent, REF, CTX, None),
    ]
    at, spans = start, []
    for key in keys:
        spans.append((key, at, at + len(label(key))))
        at += len(label(key)) + 1
    for key, a, b in reversed(spans):
        m = f"{SPEECH}#offset_{a}_{b}"
        yield from [(m, TYPE, str(SKG.Mention), None), (m, IDENT, iri(key), None), (m, SENT, sent, None)]
        yield from [(m, REF, CTX, None), (m, BEGIN, str(a), None), (m, END, str(b), None)]
