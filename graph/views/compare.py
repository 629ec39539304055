"""What changed between speeches: entities that appear, disappear or persist, formulations
whose wording changed; and the timeline of one entity across a corpus."""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field

from rdflib import RDF, SKOS, Dataset, Graph
from rdflib.namespace import DCTERMS

from speechkg.graph.errors import InputError
from speechkg.graph.rdf.rows import Entity, Rows
from speechkg.graph.text import norm
from speechkg.ontology.namespace import ENTITY_TYPES, ITSRDF, NIF, SKG
from speechkg.ontology.types import REWORDED_TYPES

#: how alike two labels must be (difflib's ratio) to count as one formulation reworded
WORDING_SIMILARITY = 0.8

_NUMBERED = re.compile(r"^([一二两三四五六七八九十百千万]{1,3})(个|大|项|件|条|种|类|支|化|位|张)?(.+)$")


@dataclass(frozen=True)
class Item:
    iri: str
    type: str
    label: str
    labels: frozenset[str]
    number: int | None = None


@dataclass
class Comparison:
    a: str
    b: str
    appeared: list[Item] = field(default_factory=list)
    disappeared: list[Item] = field(default_factory=list)
    persisted: list[tuple[Item, Item]] = field(default_factory=list)
    changed: list[tuple[Item, Item, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        def it(x: Item) -> dict:
            d = asdict(x)
            d["labels"] = sorted(x.labels)
            return d

        return {
            "a": self.a,
            "b": self.b,
            "counts": {
                t: {
                    "appeared": sum(i.type == t for i in self.appeared),
                    "disappeared": sum(i.type == t for i in self.disappeared),
                    "persisted": sum(p[0].type == t for p in self.persisted),
                }
                for t in ENTITY_TYPES
            },
            "appeared": [it(i) for i in self.appeared],
            "disappeared": [it(i) for i in self.disappeared],
            "persisted": [[it(x), it(y)] for x, y in self.persisted],
            "changed": [{"a": it(x), "b": it(y), "how": how} for x, y, how in self.changed],
        }


def speech_graph(ds: Dataset, source: str) -> Graph:
    """The named graph of the speech whose source file is `source`."""
    for g in ds.graphs():
        for sp in g.subjects(RDF.type, SKG.Speech):
            if str(g.value(sp, SKG.sourceFile)) == source:
                return g
    names = sorted(str(o) for o in ds.objects(None, SKG.sourceFile))
    raise InputError(f"no speech {source!r} in the graph; it has {', '.join(names[:10]) or 'none'}")


#: what `items` reads of a graph
_ITEM_PREDICATES = tuple(str(p) for p in (RDF.type, SKOS.prefLabel, SKOS.altLabel, SKG.number))


def items(g: Graph) -> list[Item]:
    """The entities of a graph, type by type (an entity of two types under each), by IRI."""
    ents = sorted(Rows.of(g, _ITEM_PREDICATES).entities, key=lambda e: e.iri)
    return [_item(e, t) for t in ENTITY_TYPES for e in ents if t in e.types]


def _item(e: Entity, type_: str) -> Item:
    labels = {norm(x) for x in (*e.labels, *(text for _, text in e.aliases))} - {""}
    return Item(e.iri, type_, e.label, frozenset(labels), e.number)


def _head(item: Item) -> tuple[int | None, str]:
    m = _NUMBERED.match(norm(item.label))
    from speechkg.graph.segment import cn_number

    return (cn_number(m.group(1)), m.group(3)) if m else (None, "")


def compare(a: Graph, b: Graph, name_a: str = "A", name_b: str = "B") -> Comparison:
    """Entities of speech `a` against those of speech `b` (same IRI, or same type and a shared
    label); a numeric target whose value changed (居民消费价格涨幅 3%左右 → 2%左右) is a change of
    number, not of wording."""
    ia, ib = items(a), items(b)
    out = Comparison(name_a, name_b)
    rest_a, rest_b = _match(ia, ib, out.persisted)
    moved_a, moved_b = _retargeted(rest_a, rest_b, targets(a), targets(b), out.changed)
    rest_a = [x for x in rest_a if x.iri not in moved_a]
    rest_b = [y for y in rest_b if y.iri not in moved_b]
    changed_a, changed_b = _reworded(rest_a, rest_b, out.changed)
    changed_a |= moved_a
    changed_b |= moved_b
    out.disappeared = [x for x in rest_a if x.iri not in changed_a]
    out.appeared = [y for y in rest_b if y.iri not in changed_b]
    return out


#: how the change of a target's value is written in `Comparison.changed`
TARGET_CHANGE = "target"


@dataclass(frozen=True)
class TargetValue:
    """What a Goal states as a target: its indicator (a standard one's IRI, else its words) and
    its value as written (5%左右, 4.5—5%, 1200万人以上)."""

    indicator: str
    words: str
    value: str


def targets(g: Graph) -> dict[str, TargetValue]:
    """Goal IRI → the target it states, for the numeric targets of a speech's graph."""
    out = {}
    for t in sorted(g.subjects(RDF.type, SKG.Target)):
        goal, words = g.value(t, SKG.goal), str(g.value(t, SKG.indicatorText) or "")
        ind = g.value(t, SKG.indicator)
        upper, unit, qual = (g.value(t, p) for p in (SKG.upperValue, SKG.unit, SKG.qualifier))
        value = f"{g.value(t, SKG.value)}{f'—{upper}' if upper is not None else ''}{unit or ''}"
        if qual is not None and str(qual) != "区间":
            value += str(qual)
        out[str(goal)] = TargetValue(str(ind) if ind is not None else words, words, value)
    return out


def _retargeted(
    rest_a: list[Item],
    rest_b: list[Item],
    ta: dict[str, TargetValue],
    tb: dict[str, TargetValue],
    changed: list[tuple[Item, Item, str]],
) -> tuple[set[str], set[str]]:
    """Pair the Goals left over that state a target of one indicator with another value into
    `changed` (how: "target 居民消费价格涨幅: 3%左右 → 2%左右"); the IRIs paired on each side."""
    by_indicator = {tb[y.iri].indicator: y for y in rest_b if y.iri in tb}
    moved_a, moved_b = set(), set()
    for x in rest_a:
        y = by_indicator.get(ta[x.iri].indicator) if x.iri in ta else None
        if y is not None and y.iri not in moved_b and ta[x.iri].value != tb[y.iri].value:
            changed.append((x, y, f"{TARGET_CHANGE} {ta[x.iri].words}: {ta[x.iri].value} → {tb[y.iri].value}"))
            moved_a.add(x.iri)
            moved_b.add(y.iri)
    return moved_a, moved_b


def _match(ia: list[Item], ib: list[Item], persisted: list[tuple[Item, Item]]) -> tuple[list[Item], list[Item]]:
    """Pair each item of `ia` with one of `ib` of the same IRI, or else of its type with a label
    in common, into `persisted`; the items of each side left over."""
    matched_b: set[str] = set()
    rest_a = []
    by_iri = {x.iri: x for x in ib}
    for x in ia:
        y = by_iri.get(x.iri) or next(
            (y for y in ib if y.type == x.type and y.iri not in matched_b and x.labels & y.labels), None
        )
        if y is not None and y.iri not in matched_b:
            matched_b.add(y.iri)
            persisted.append((x, y))
        else:
            rest_a.append(x)
    return rest_a, [y for y in ib if y.iri not in matched_b]


def _reworded(
    rest_a: list[Item], rest_b: list[Item], changed: list[tuple[Item, Item, str]]
) -> tuple[set[str], set[str]]:
    """Pair the items left over whose wording changed into `changed`; the IRIs paired on each side."""
    changed_a, changed_b = set(), set()
    for x in rest_a:
        for y in rest_b:
            if y.iri in changed_b or x.type != y.type:
                continue
            how = _wording_change(x, y)
            if how:
                changed.append((x, y, how))
                changed_a.add(x.iri)
                changed_b.add(y.iri)
                break
    return changed_a, changed_b


def _wording_change(x: Item, y: Item) -> str | None:
    (nx_, hx), (ny, hy) = _head(x), _head(y)
    if nx_ and ny and hx == hy and nx_ != ny:
        return f"number {nx_} → {ny}"
    lx, ly = norm(x.label), norm(y.label)
    shorter = len(min(lx, ly, key=len))
    if shorter >= 2 and (lx in ly or ly in lx):
        return "wording"
    # a word put in or changed (能力作风建设年活动 → 能力作风建设提升年活动); names of different
    # bodies that share a stem (省委组织部 / 省委宣传部) stay below the bar
    if (
        x.type in REWORDED_TYPES
        and shorter >= 4
        and difflib.SequenceMatcher(None, lx, ly, autojunk=False).ratio() >= WORDING_SIMILARITY
    ):
        return "wording"
    return None


def format_comparison(c: Comparison) -> str:
    from speechkg.graph.text import printable, width

    lines = [f"{'type':10} {'appeared':>9} {'disappeared':>12} {'persisted':>10}"]
    counts = c.as_dict()["counts"]
    for t in ENTITY_TYPES:
        row = counts[t]
        lines.append(f"{t:10} {row['appeared']:9d} {row['disappeared']:12d} {row['persisted']:10d}")
    for title, group in (("appeared in " + c.b, c.appeared), ("disappeared from " + c.a, c.disappeared)):
        if group:
            lines.append("")
            lines.append(printable(title) + ":")
            lines += [f"  {i.type:10} {printable(i.label)}" for i in group]
    numbers = [(x, y, how) for x, y, how in c.changed if how.startswith(TARGET_CHANGE + " ")]
    if numbers:
        lines.append("")
        lines.append("changed targets:")
        lines += [f"  {printable(how.removeprefix(TARGET_CHANGE + ' '))}" for _, _, how in numbers]
    worded = [change for change in c.changed if change not in numbers]
    if worded:
        lines.append("")
        lines.append("changed wording:")
        for x, y, how in worded:
            pad = " " * max(1, 24 - width(printable(x.label)))
            lines.append(f"  {x.type:10} {printable(x.label)}{pad}→ {printable(y.label)}  ({printable(how)})")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ timeline


@dataclass
class Appearance:
    source: str
    date: str
    entity: str
    sentences: list[str]


#: what `timeline` reads of a graph
_TIMELINE_PREDICATES = tuple(
    str(p)
    for p in (
        RDF.type,
        SKOS.prefLabel,
        SKOS.altLabel,
        ITSRDF.taIdentRef,
        NIF.referenceContext,
        SKG.context,
        NIF.sentence,
        NIF.beginIndex,
        NIF.anchorOf,
        SKG.sourceFile,
        DCTERMS.date,
    )
)


def timeline(ds: Dataset, label: str) -> list[Appearance]:
    """Each speech an entity (found by any of its labels) appears in, by date, with its sentences
    in the order they come in the speech."""
    want = norm(label)
    rows = Rows.of(ds, _TIMELINE_PREDICATES)
    nodes = {e.iri: e for e in rows.entities if want in {norm(x) for x in (*e.labels, *(t for _, t in e.aliases))}}
    if not nodes:
        raise InputError(f"no entity labelled {label!r} in the graph; try `speechkg query … --saved bodies`")
    speeches = {sp.iri: sp for sp in rows.speeches}
    found: dict[tuple[str, str], Appearance] = {}
    for m in sorted(rows.mentions, key=lambda m: (-1 if m.start is None else m.start, m.iri)):
        e = nodes.get(m.entity)
        if e is None or m.speech is None:
            continue
        sp = speeches[m.speech]
        pref = e.labels[0] if e.labels else label
        a = found.setdefault((sp.source or sp.iri, pref), Appearance(sp.source or sp.iri, sp.date or "", pref, []))
        text = rows.sentence(m.sentence).text if m.sentence is not None else ""
        if text and text not in a.sentences:
            a.sentences.append(text)
    return sorted(found.values(), key=lambda a: (a.date or "9999", a.source, a.entity))


def format_timeline(rows: list[Appearance]) -> str:
    from speechkg.graph.text import printable

    lines = []
    for a in rows:
        lines.append(printable(f"{a.date or '(no date)'}  {a.source}  {a.entity}"))
        lines += [f"    {printable(s)}" for s in a.sentences]
    return "\n".join(lines) + "\n"
