"""SHACL validation of built graphs (pyshacl) against ontology/shapes.ttl."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import RDF, SKOS, Graph, Namespace
from rdflib.graph import Dataset

from speechkg.ontology.namespace import SHAPES_FILE

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str


@dataclass
class Report:
    conforms: bool
    nodes: int
    violations: list[Violation] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"{v.focus}: {v.path + ': ' if v.path else ''}{v.message}" for v in self.violations]


@lru_cache(maxsize=1)
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def _union(data: Graph | Dataset) -> Graph:
    if isinstance(data, Dataset):
        g = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return data


def validate(data: Graph | Dataset) -> Report:
    """Validate a graph (all named graphs together); violations name the focus node by label."""
    from pyshacl import validate as shacl

    g = _union(data)
    conforms, results, _ = shacl(g, shacl_graph=shapes(), advanced=True, allow_warnings=True)
    out = []
    for r in sorted(results.subjects(RDF.type, SH.ValidationResult)):
        focus = results.value(r, SH.focusNode)
        label = g.value(focus, SKOS.prefLabel) if focus is not None else None
        path = results.value(r, SH.resultPath)
        msg = results.value(r, SH.resultMessage)
        out.append(Violation(f"{label} <{focus}>" if label else f"<{focus}>",
                             _short(path) if path is not None else "",
                             str(msg) if msg is not None else "violates a shape"))
    out.sort(key=lambda v: (v.focus, v.path, v.message))
    return Report(bool(conforms), len(set(g.subjects())), out)


def _short(iri) -> str:
    s = str(iri)
    for prefix, ns in (("skg:", "https://w3id.org/speechkg#"),
                       ("nif:", "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"),
                       ("skos:", "http://www.w3.org/2004/02/skos/core#"),
                       ("rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
                       ("rdfs:", "http://www.w3.org/2000/01/rdf-schema#"),
                       ("itsrdf:", "http://www.w3.org/2005/11/its/rdf#")):
        if s.startswith(ns):
            return prefix + s[len(ns):]
    return s
