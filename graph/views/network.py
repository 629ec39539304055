"""A built graph as a networkx graph: entities, relations, their statistics and a layout."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx
from rdflib import RDF, SKOS, Dataset

from speechkg.graph.rdf.rows import Rows
from speechkg.ontology.namespace import ENTITY_TYPES, ITSRDF, NIF, RELATION_TYPES, SKG

#: what `entity_graph` reads of a graph: entities, their labels and mentions, and relations
_GRAPH_PREDICATES = (
    *(str(p) for p in (RDF.type, SKOS.prefLabel, SKOS.altLabel, ITSRDF.taIdentRef)),
    *(str(SKG[p]) for p in RELATION_TYPES),
)

#: what `evidence_of` reads: the reified relations and the text of their sentences
_EVIDENCE_PREDICATES = tuple(
    str(p) for p in (RDF.type, RDF.subject, RDF.predicate, RDF.object, SKG.evidence, NIF.anchorOf)
)


def entity_graph(ds: Dataset) -> nx.MultiDiGraph:
    """Entities as nodes (type, label, its other Chinese labels as aliases, its English and pinyin
    labels, mentions) and relations as labelled edges."""
    rows = Rows.of(ds, _GRAPH_PREDICATES)
    g = nx.MultiDiGraph()
    mentions = Counter(m.entity for m in rows.mentions)
    for e in rows.entities:
        g.add_node(
            e.iri,
            type=e.type,
            label=e.label,
            aliases=e.names("zh"),
            english=e.names("en"),
            pinyin=e.names("pinyin"),
            mentions=mentions.get(e.iri, 0),
        )
    order = {p: i for i, p in enumerate(RELATION_TYPES)}
    for r in sorted(rows.relations, key=lambda r: (order[r.predicate], r.subject, r.object)):
        if r.subject in g and r.object in g:
            g.add_edge(r.subject, r.object, key=r.predicate, relation=r.predicate)
    return g


def evidence_of(ds: Dataset) -> dict[tuple[str, str, str], str]:
    """(subject, relation name, object) → the sentence the relation was read from (the first)."""
    rows = Rows.of(ds, _EVIDENCE_PREDICATES)
    out: dict[tuple[str, str, str], str] = {}
    for a in rows.assertions:
        if a.evidence is not None:
            out.setdefault((a.subject, a.predicate, a.object), rows.one("anchor", a.evidence) or "")
    return out


@dataclass
class Stats:
    speeches: int
    triples: int
    by_type: dict[str, int] = field(default_factory=dict)
    by_relation: dict[str, int] = field(default_factory=dict)
    top: list[tuple[str, str, int, int]] = field(default_factory=list)  # label, type, degree, mentions


def stats(ds: Dataset, top: int = 10) -> Stats:
    """Counts by entity type and relation, and the most connected entities."""
    g = entity_graph(ds)
    by_type = Counter(d["type"] for _, d in g.nodes(data=True))
    by_rel = Counter(d["relation"] for _, _, d in g.edges(data=True))
    ranked = sorted(g.nodes(data=True), key=lambda nd: (-g.degree(nd[0]), -nd[1]["mentions"], nd[1]["label"]))
    return Stats(
        speeches=len(set(ds.subjects(RDF.type, SKG.Speech))),
        triples=len(ds),
        by_type={t: by_type.get(t, 0) for t in ENTITY_TYPES},
        by_relation={r: by_rel.get(r, 0) for r in RELATION_TYPES},
        top=[(d["label"], d["type"], g.degree(n), d["mentions"]) for n, d in ranked[:top]],
    )


#: graphs with more nodes than this are laid out by igraph (networkx's spring layout is O(n²))
SPRING_LIMIT = 1500


def layout(g: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Node positions in about [-1, 1]²: networkx's spring layout for small graphs; beyond
    SPRING_LIMIT nodes igraph's grid Fruchterman–Reingold, which is O(n) a step (20,000 nodes
    in about a second where spring takes minutes and spectral crowds a tree into its hubs)."""
    if g.number_of_nodes() == 0:
        return {}
    simple = nx.Graph(g)
    if simple.number_of_nodes() <= SPRING_LIMIT:
        pos = nx.spring_layout(simple, seed=seed, k=None, iterations=80)
        return {n: (float(x), float(y)) for n, (x, y) in pos.items()}
    import random

    import igraph

    nodes = sorted(simple.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    ig = igraph.Graph(n=len(nodes), edges=sorted((index[a], index[b]) for a, b in simple.edges))
    igraph.set_random_number_generator(random.Random(seed))  # the same graph, the same layout
    try:
        coords = ig.layout_fruchterman_reingold(niter=500, grid="auto").coords
    finally:
        igraph.set_random_number_generator(random)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) / 2
    return {n: ((x - cx) / half, (y - cy) / half) for n, x, y in zip(nodes, xs, ys, strict=True)}
