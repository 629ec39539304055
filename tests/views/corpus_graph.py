"""A small made-up corpus graph in speechkg's shape (speeches, sentences, mentions, relations),
written directly as RDF so that page tests know every count.

Entity k (实体k号) is named in 2 + (n - k) // 5 sentences of its own, half of them with a
neighbour of index k + 1 to k + 3. Besides them: 全总 (a Body with an English label and an alias) is named with 张三 in
every 2021 speech and with 李四 in every 2020 speech; 会议甲 was organized by 全总 (a 2020
relation); 张三 and 李四 have pinyin labels.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, SKOS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS

from speechkg.ontology.namespace import ENTITY_TYPES, ID, ITSRDF, NIF, SKG

YEARS = ("2020", "2021")
SPEECHES = 8  # half in 2020, half in 2021


def entity(key: str) -> URIRef:
    return ID[f"test/{key}"]


def write_corpus(path: Path, n: int = 60, english: dict[str, str] | None = None) -> Path:
    """A TriG file of corpus(n, english)."""
    corpus(n, english).serialize(str(path), format="trig")
    return path


def corpus(n: int = 60, english: dict[str, str] | None = None, per: int = 5) -> Dataset:
    """A corpus of `n` ranked entities (entity k in 2 + (n - k) // per sentences of its own) plus
    全总, 张三, 李四 and 会议甲; `english` adds @en labels by key (e0, qz …)."""
    ds = Dataset(default_union=True)
    names = {f"e{k}": (f"实体{k}号", ENTITY_TYPES[k % len(ENTITY_TYPES)]) for k in range(n)}
    names.update(
        {"qz": ("全总", "Body"), "zs": ("张三", "Person"), "ls": ("李四", "Person"), "hy": ("会议甲", "Meeting")}
    )
    extra = {
        "qz": [("All-China Federation of Trade Unions", "en"), ("中华全国总工会", "zh")],
        "zs": [("Zhang San", "zh-Latn-pinyin")],
        "ls": [("Li Si", "zh-Latn-pinyin")],
    }
    for key, text in (english or {}).items():
        extra.setdefault(key, []).append((text, "en"))
    # sentences: each a list of entity keys, spread over the speeches round-robin
    sentences: list[list[str]] = []
    for k in range(n):
        for j in range(2 + (n - k) // per):
            partner = f"e{(k + 1 + j % 3) % n}"
            sentences.append([f"e{k}"] if j % 2 else [f"e{k}", partner])
    per_speech: list[list[list[str]]] = [[] for _ in range(SPEECHES)]
    for i, s in enumerate(sentences):
        per_speech[i % SPEECHES].append(s)
    for sp in range(SPEECHES):
        year = YEARS[sp * len(YEARS) // SPEECHES]
        per_speech[sp].append(["qz", "zs"] if year == "2021" else ["qz", "ls"])
        if year == "2020" and sp == 0:
            per_speech[sp].append(["hy", "qz"])
    for sp in range(SPEECHES):
        year = YEARS[sp * len(YEARS) // SPEECHES]
        iri = ID[f"speech/test{sp}"]
        g = ds.graph(iri)
        texts, offsets, pos = [], [], 0
        for keys in per_speech[sp]:
            text = "，".join(names[k][0] for k in keys) + "出席。"
            texts.append(text)
            offsets.append(pos)
            pos += len(text)
        ctx = URIRef(f"{iri}#char=0,{pos}")
        g.add((iri, RDF.type, SKG.Speech))
        g.add((iri, SKG.context, ctx))
        g.add((iri, DCTERMS.date, Literal(f"{year}-0{1 + sp % 4}-15", datatype=XSD.date)))
        g.add((iri, DCTERMS.title, Literal(f"讲话{sp}", lang="zh")))
        g.add((ctx, NIF.isString, Literal("".join(texts))))
        for s, (keys, text, start) in enumerate(zip(per_speech[sp], texts, offsets, strict=True)):
            sent = URIRef(f"{iri}#sentence-{s + 1}")
            g.add((sent, RDF.type, NIF.Sentence))
            g.add((sent, NIF.anchorOf, Literal(text)))
            g.add((sent, NIF.beginIndex, Literal(start, datatype=XSD.nonNegativeInteger)))
            g.add((sent, NIF.referenceContext, ctx))
            at = start
            for key in keys:
                label, t = names[key]
                e = entity(key)
                g.add((e, RDF.type, SKG[t]))
                g.add((e, SKOS.prefLabel, Literal(label, lang="zh")))
                for text_, lang in extra.get(key, ()):
                    g.add((e, SKOS.altLabel, Literal(text_, lang=lang)))
                m = URIRef(f"{iri}#offset_{at}_{at + len(label)}")
                g.add((m, RDF.type, SKG.Mention))
                g.add((m, ITSRDF.taIdentRef, e))
                g.add((m, NIF.sentence, sent))
                g.add((m, NIF.referenceContext, ctx))
                g.add((m, NIF.beginIndex, Literal(at, datatype=XSD.nonNegativeInteger)))
                g.add((m, NIF.endIndex, Literal(at + len(label), datatype=XSD.nonNegativeInteger)))
                at += len(label) + 1
            if keys == ["hy", "qz"]:
                g.add((entity("hy"), SKG.organizer, entity("qz")))
                a = URIRef(f"{iri}#relation-1")
                g.add((a, RDF.type, SKG.RelationAssertion))
                g.add((a, RDF.subject, entity("hy")))
                g.add((a, RDF.predicate, SKG.organizer))
                g.add((a, RDF.object, entity("qz")))
                g.add((a, SKG.evidence, sent))
    return ds
