"""SHACL validation of built graphs (pyshacl) against ontology/shapes.ttl.

`validate` checks a graph held in memory in one pyshacl run. `validate_files` checks graph
files in chunks of about CHUNK triples, with the result of one run on the merge of the files,
in time that grows linearly with the graph and in the memory of a chunk, plus 8 to 24 bytes
per node for the index and the kept triples of the nodes described in several chunks:

- every focus node of the shapes is a subject, and the shapes read its own triples, some
  facts (rdf:type, …) of the nodes it links to, and rdfs:subClassOf (`needs` finds which
  from the shapes, or says the shapes cannot be checked in chunks);
- the files are read three times by Oxigraph's streaming parser, cut into chunks at subject
  changes: first to index which chunks describe each node, then to gather what crosses
  chunks, then to validate each chunk;
- a node described in one chunk only is validated with it, together with the facts of the
  nodes it links to that are described elsewhere; a node described in several chunks (an
  entity of many speeches) is validated at the end with all its triples;
- only triples the shapes read are kept (an entity's skg:mentionedIn of every speech is not).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, BNode, Graph, Namespace, URIRef
from rdflib.graph import Dataset
from rdflib.term import Node

from speechkg.graph.errors import ResourceError
from speechkg.graph.quality.prepared import parsed_once
from speechkg.graph.rdf.terms import rdflib_term
from speechkg.ontology.namespace import SHAPES_FILE

SH = Namespace("http://www.w3.org/ns/shacl#")

#: triples per chunk of `validate_files` (a chunk ends at the next change of subject)
CHUNK = 30_000


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
    """The shapes, each property shape of a targeted node shape given that shape's targets
    instead of being nested in it: the same results, but pyshacl checks a nested property
    shape once per focus node and a targeted one once for all (a quarter of the time)."""
    g = Graph().parse(SHAPES_FILE, format="turtle")
    for node, prop in list(g.subject_objects(SH.property)):
        targets = [(p, o) for p in (SH.targetClass, SH.targetSubjectsOf, SH.target) for o in g.objects(node, p)]
        if targets and isinstance(prop, BNode) and len(set(g.subjects(None, prop))) == 1:
            for p, o in targets:
                g.add((prop, p, o))
            g.remove((node, SH.property, prop))
    return g


def _union(data: Graph | Dataset) -> Graph:
    if isinstance(data, Dataset):
        g = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return data


def validate(data: Graph | Dataset) -> Report:
    """Validate a graph (all named graphs together); violations name the focus node by label."""
    g = _union(data)
    violations, failed = _check(g, inplace=g is not data)
    return Report(not failed, len(set(g.subjects())), sorted(violations, key=_order))


def _order(v: Violation) -> tuple[str, str, str]:
    return v.focus, v.path, v.message


def _check(g: Graph, own: set[Node] | None = None, inplace: bool = True) -> tuple[list[Violation], bool]:
    """pyshacl on `g`: the violations of the focus nodes in `own` (default: all), and whether
    one of them has severity sh:Violation (warnings do not fail a graph)."""
    from pyshacl import validate as shacl

    with parsed_once():
        _, results, _ = shacl(g, shacl_graph=shapes(), advanced=True, allow_warnings=True, inplace=inplace)
    out, failed = [], False
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        if own is not None and focus not in own:
            continue
        failed = failed or results.value(r, SH.resultSeverity) == SH.Violation
        label = min(g.objects(focus, SKOS.prefLabel), default=None) if focus is not None else None  # one, if two
        path = results.value(r, SH.resultPath)
        msg = results.value(r, SH.resultMessage)
        out.append(
            Violation(
                f"{label} <{focus}>" if label else f"<{focus}>",
                _short(path) if path is not None else "",
                str(msg) if msg is not None else "violates a shape",
            )
        )
    return out, failed


def _short(iri) -> str:
    s = str(iri)
    for prefix, ns in (
        ("skg:", "https://w3id.org/speechkg#"),
        ("nif:", "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"),
        ("skos:", "http://www.w3.org/2004/02/skos/core#"),
        ("rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
        ("rdfs:", "http://www.w3.org/2000/01/rdf-schema#"),
        ("itsrdf:", "http://www.w3.org/2005/11/its/rdf#"),
    ):
        if s.startswith(ns):
            return prefix + s[len(ns) :]
    return s


# ------------------------------------------------------------------ what the shapes read


@dataclass(frozen=True)
class Needs:
    """What the shapes read around a focus node: its triples with a predicate in `keep`, and
    of each node it links to through a predicate in `links`, the triples with a predicate in
    `facts`; and all rdfs:subClassOf triples."""

    keep: frozenset[URIRef]
    links: frozenset[URIRef]
    facts: frozenset[URIRef]


#: SHACL terms whose checks stay within a focus node, its values and their types (with
#: sh:or, sh:and, sh:xone and sh:not of such shapes); any other term in the shapes (sh:node,
#: sh:closed, sh:targetObjectsOf, complex paths, …) and the shapes are checked in one run
_LOCAL = {
    SH[t]
    for t in (
        "targetClass targetSubjectsOf target property path message severity name description deactivated "
        "order group minCount maxCount datatype class nodeKind pattern flags minInclusive maxInclusive "
        "minExclusive maxExclusive minLength maxLength languageIn uniqueLang in hasValue lessThan "
        "lessThanOrEquals equals disjoint or and xone not sparql select prefixes declare prefix namespace "
        "SPARQLTarget NodeShape PropertyShape"
    ).split()
}
_LOGICAL = (SH["or"], SH["and"], SH.xone)


@lru_cache(maxsize=4)
def needs(sg: Graph) -> Needs | None:
    """What the shapes `sg` read (see Needs), or None when they may read further than one
    link from a focus node, or from a node that is no subject. A SPARQL query is taken to
    read its focus node and the nodes this links to, as the two of ontology/shapes.ttl do
    (tests/quality/test_validate.py checks them in chunks against one run)."""
    sh = str(SH)
    if any(str(p).startswith(sh) and p not in _LOCAL for p in sg.predicates()) or any(
        str(o).startswith(sh) and o not in _LOCAL and p == RDF.type for _, p, o in sg
    ):
        return None
    if any(not isinstance(o, URIRef) for o in sg.objects(None, SH.path)):
        return None
    keep = {
        RDF.type,
        RDFS.subClassOf,
        SKOS.prefLabel,
        *sg.objects(None, SH.path),
        *sg.objects(None, SH.targetSubjectsOf),
    }
    links: set[URIRef] = set()
    for shape, path in sg.subject_objects(SH.path):
        members = _members(sg, shape)
        if members is None:
            return None
        if any((m, SH["class"], None) in sg for m in members):
            links.add(path)
    read = set()
    for text in sg.objects(None, SH.select):
        found = _sparql_iris(str(text), _declared(sg))
        if found is None:
            return None
        read |= found
    return Needs(
        frozenset(keep | read),
        frozenset(links | read - {RDF.type, RDFS.subClassOf}),
        frozenset({RDF.type, RDFS.subClassOf} | read),
    )


def _members(sg: Graph, shape: Node) -> list[Node] | None:
    """The shape and the shapes of its sh:or/sh:and/sh:xone/sh:not, recursively; None when
    one of those reads properties of the value (a path of its own)."""
    out, todo = [], [shape]
    while todo:
        node = todo.pop()
        if node is not shape and ((node, SH.path, None) in sg or (node, SH.property, None) in sg):
            return None
        out.append(node)
        todo.extend(sg.objects(node, SH["not"]))
        for p in _LOGICAL:
            for lst in sg.objects(node, p):
                todo.extend(sg.items(lst))
    return out


def _declared(sg: Graph) -> dict[str, str]:
    return {str(sg.value(d, SH.prefix)): str(sg.value(d, SH.namespace)) for d in sg.objects(None, SH.declare)}


def _sparql_iris(text: str, prefixes: dict[str, str]) -> set[URIRef] | None:
    """The IRIs of a SPARQL query (its predicates among them); None when a predicate is a
    variable or a negated path (any predicate may be read)."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[URIRef] = set()

    def path_ok(p) -> bool:
        if isinstance(p, URIRef):
            found.add(p)
            return True
        if isinstance(p, (SequencePath, AlternativePath)):
            return all(path_ok(a) for a in p.args)
        if isinstance(p, MulPath):
            return path_ok(p.path)
        if isinstance(p, InvPath):
            return path_ok(p.arg)
        return False  # a variable, or a negated path: any predicate

    todo: list = [prepareQuery(text, initNs=prefixes).algebra]
    while todo:
        x = todo.pop()
        if isinstance(x, CompValue):
            if x.name == "BGP" and not all(path_ok(p) for _, p, _ in x["triples"]):
                return None
            todo.extend(x.values())
        elif isinstance(x, (list, tuple, set)):
            todo.extend(x)
        elif isinstance(x, URIRef):
            found.add(x)
    return found


# ------------------------------------------------------------------ validating files in chunks


class _Unreadable(Exception):
    """A file Oxigraph's strict parsers refuse (rdflib may still read it)."""


def validate_files(paths: list[str], chunk: int = CHUNK) -> Report:
    """Validate graph files as one graph (their merge) in chunks of about `chunk` triples:
    the report of `validate` on all of them loaded, in bounded memory. Files Oxigraph's
    strict parsers refuse are loaded by rdflib and validated in one run, as before."""
    from speechkg.graph.rdf.parse import load

    sg = shapes()
    plan = needs(sg)
    try:
        if plan is None:
            return validate(load(paths))
        try:
            return _Chunked(paths, plan, chunk).run()
        except _Unreadable:
            return validate(load(paths))
    except MemoryError:
        raise ResourceError(
            f"out of memory validating {', '.join(paths)}; free memory, or validate the files one at a time"
        ) from None


class _Chunked:
    """One validation of graph files in chunks (see the module's docstring)."""

    def __init__(self, paths: list[str], needs: Needs, chunk: int) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.paths = paths
        self.size = max(1, chunk)
        self.keep = {ox.NamedNode(str(p)) for p in needs.keep}
        self.links = {ox.NamedNode(str(p)) for p in needs.links}
        self.facts = {ox.NamedNode(str(p)) for p in needs.facts}
        self.subclass = ox.NamedNode(str(RDFS.subClassOf))
        self.classes: set[tuple] = set()  # rdfs:subClassOf triples (rdflib), added to every chunk

    # reading

    def _parse(self, index: int, path: str) -> Iterator:
        from speechkg.graph.rdf.oxstore import OX_FORMATS
        from speechkg.graph.rdf.parse import refuse_hostile

        p = Path(path)
        fmt = refuse_hostile(p)
        bnodes: dict[str, object] = {}  # anonymous blank nodes get new ids in each read: numbered in order

        def node(t):
            if isinstance(t, self.ox.BlankNode):
                b = bnodes.get(t.value)
                if b is None:
                    b = bnodes[t.value] = self.ox.BlankNode(f"f{index}b{len(bnodes)}")
                return b
            return t

        try:
            for q in self.ox.parse(path=str(p), format=OX_FORMATS[fmt], base_iri=p.resolve().as_uri()):
                yield node(q.subject), q.predicate, node(q.object)
        except MemoryError as exc:
            if not str(exc):  # out of memory; with a message, a token over the parser's 16 MiB
                raise
            raise _Unreadable(path) from None
        except (SyntaxError, ValueError, OSError):
            raise _Unreadable(path) from None

    def chunks(self) -> Iterator[tuple[list[tuple], list]]:
        """(kept triples, all subjects) of each chunk, in Oxigraph terms, the same in every read."""
        kept: list[tuple] = []
        subjects: list = []
        last = None
        for i, path in enumerate(self.paths):
            for s, p, o in self._parse(i, path):
                if s != last:
                    if len(kept) >= self.size or len(subjects) >= self.size:
                        yield kept, subjects
                        kept, subjects = [], []
                    subjects.append(s)
                    last = s
                if p in self.keep:
                    kept.append((s, p, o))
        if kept or subjects:
            yield kept, subjects

    # the three reads

    def run(self) -> Report:
        n_nodes, spread, wanted = self._index()
        several, facts = self._gather(spread, wanted)
        violations, failed = self._check_chunks(spread, several, facts)
        return Report(not failed, n_nodes, sorted(violations, key=_order))

    def _index(self) -> tuple[int, set[int], set[int]]:
        """1. Which chunks describe each node, which links cross chunks (8-byte keys, no
        objects): the number of nodes, the keys of those described in several chunks, and of
        those whose facts a link from another chunk reads. Gathers the subclass triples."""
        from array import array

        nodes: list[array] = []  # per chunk: its subjects
        owners: list[array] = []  # per chunk: the subjects of its kept triples
        link_s, link_o, link_c = array("q"), array("q"), array("q")  # links: subject, object, chunk
        literal = self.ox.Literal
        for c, (kept, subjects) in enumerate(self.chunks()):
            nodes.append(array("q", {hash(s) for s in subjects}))
            owners.append(array("q", {hash(s) for s, _, _ in kept}))
            for s, p, o in kept:
                if p in self.links and not isinstance(o, literal):
                    link_s.append(hash(s))
                    link_o.append(hash(o))
                    link_c.append(c)
                if p == self.subclass:
                    self.classes.add(_triple(s, p, o, {}))
        if len(nodes) <= 1:  # one chunk: nothing crosses
            return (len(nodes[0]) if nodes else 0), set(), set()
        return _crossing(nodes, owners, link_s, link_o, link_c)

    def _gather(self, spread: set[int], wanted: set[int]) -> tuple[dict[Node, set[tuple]], dict[Node, set[tuple]]]:
        """2. The triples of nodes described in several chunks, and the facts of linked nodes
        described in other chunks than the link."""
        several: dict[Node, set[tuple]] = {}
        facts: dict[Node, set[tuple]] = {}
        if not (spread or wanted):
            return several, facts
        for kept, _ in self.chunks():
            terms: dict = {}
            for s, p, o in kept:
                k = hash(s)
                if k in spread:
                    t = _triple(s, p, o, terms)
                    several.setdefault(t[0], set()).add(t)
                if k in wanted and p in self.facts:
                    t = _triple(s, p, o, terms)
                    facts.setdefault(t[0], set()).add(t)
        return several, facts

    def _check_chunks(
        self, spread: set[int], several: dict[Node, set[tuple]], facts: dict[Node, set[tuple]]
    ) -> tuple[list[Violation], bool]:
        """3. Each chunk, for the nodes it alone describes; then the nodes of several chunks."""
        violations: list[Violation] = []
        failed = False
        links = {URIRef(p.value) for p in self.links}
        for kept, _ in self.chunks():
            terms: dict = {}
            own = {_term(s, terms) for s, _, _ in kept if hash(s) not in spread}
            v, f = self._validate((_triple(s, p, o, terms) for s, p, o in kept), own, links, facts)
            violations += v
            failed = failed or f
        batch: list[tuple] = []
        own = set()
        for node in sorted(several, key=str):
            batch += several[node]
            own.add(node)
            if len(batch) >= self.size:
                v, f = self._validate(batch, own, links, facts)
                violations += v
                failed = failed or f
                batch, own = [], set()
        if own:
            v, f = self._validate(batch, own, links, facts)
            violations += v
            failed = failed or f
        return violations, failed

    def _validate(
        self, triples: Iterable[tuple], own: set[Node], links: set[URIRef], facts: dict[Node, set[tuple]]
    ) -> tuple[list[Violation], bool]:
        """Validate the nodes `own` with `triples`, the facts of the nodes they link to, and
        the subclass triples."""
        if not own:
            return [], False
        g = Graph()
        for t in triples:
            g.add(t)
            if t[1] in links and t[2] in facts:
                for fact in facts[t[2]]:
                    g.add(fact)
        for t in self.classes:
            g.add(t)
        return _check(g, own)


def _crossing(nodes: list, owners: list, link_s, link_o, link_c) -> tuple[int, set[int], set[int]]:
    """From the keys of each chunk's nodes and owners (subjects of kept triples) and of the
    links: the number of nodes, the owners of several chunks, and the nodes whose facts a
    link from another chunk, or from an owner of several chunks, reads."""
    import numpy as np

    def ints(a) -> np.ndarray:
        return np.frombuffer(a, dtype=np.int64) if len(a) else np.zeros(0, dtype=np.int64)

    n_nodes = len(np.unique(np.concatenate([ints(a) for a in nodes])))
    owner_key = np.concatenate([ints(a) for a in owners])
    owner_chunk = np.repeat(np.arange(len(owners)), [len(a) for a in owners])
    keys, first, counts = np.unique(owner_key, return_index=True, return_counts=True)
    spread = keys[counts > 1]
    if len(keys) == 0 or len(link_o) == 0:
        return n_nodes, set(spread.tolist()), set()
    home = owner_chunk[first]
    home[counts > 1] = -1
    ls, lo, lc = ints(link_s), ints(link_o), ints(link_c)
    at = np.minimum(np.searchsorted(keys, lo), len(keys) - 1)
    described = keys[at] == lo
    s_at = np.minimum(np.searchsorted(keys, ls), len(keys) - 1)
    s_spread = (keys[s_at] == ls) & (home[s_at] == -1)
    crossing = described & ((home[at] != lc) | s_spread)
    return n_nodes, set(spread.tolist()), set(np.unique(lo[crossing]).tolist())


def _term(t, cache: dict) -> Node:
    """An Oxigraph term as rdflib's parsers give it, converted once (rdf.terms.rdflib_term)."""
    hit = cache.get(t)
    if hit is None:
        hit = cache[t] = rdflib_term(t)
    return hit


def _triple(s, p, o, cache: dict) -> tuple:
    return _term(s, cache), _term(p, cache), _term(o, cache)
