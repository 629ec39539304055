"""The interactive HTML page of a graph: one self-contained file that works offline.

pyvis's bundled vis-network script is inlined; the page itself is our own (assets/page.html,
assets/app.js), because pyvis 0.3.2 links Bootstrap and vis-network from CDNs even with
cdn_resources="in_line" (pyvis #228, #229), writes files without an encoding, and does not
escape its inputs. Every string from the input goes into the page as JSON inside a
<script type="application/json"> block (with <, > and & escaped) and is put into the DOM
with textContent only, so no label can run code.

A graph of up to `max_nodes` entities is drawn whole: small ones start with physics on and
freeze once the layout has settled; large ones get a networkx layout computed beforehand and
start with physics off. A bigger graph (a corpus) opens on its `max_nodes` most mentioned
entities, laid out by the page so that no two labels overlap; the page holds every entity's
mentions per sentence of each speech, so that search, neighbourhoods and the date and speech
filters work on all of them, offline.
"""

from __future__ import annotations

import html as _html
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pyvis
from rdflib import RDFS, Dataset, Graph

from speechkg.graph.errors import InputError
from speechkg.graph.views.data import (
    CO_WINDOW,
    VIEW_CLASSES,
    VIEW_PREDICATES,
    Triple,
    ViewData,
    dataset_triples,
    view_data,
)
from speechkg.graph.views.network import layout
from speechkg.ontology.namespace import ENTITY_TYPES, ID, ONTOLOGY_FILE, RELATION_TYPES, SKG
from speechkg.ontology.types import ENTITY, NODE_TYPES

#: how the page draws and names each type of node (ontology/types.tsv)
COLORS = {t.name: t.colour for t in NODE_TYPES}
SHAPES = {t.name: t.shape for t in NODE_TYPES}
TYPE_LABELS = {t.name: t.page_label for t in NODE_TYPES if t.kind == ENTITY}
#: graphs with more nodes than this get a precomputed layout and start with physics off
PHYSICS_LIMIT = 400
_LIB = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
_PAGE = Path(__file__).with_name("assets")
# nothing may be fetched: scripts and styles are inline, images only data: URIs
_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


@dataclass
class ViewOptions:
    title: str = "speechkg"
    types: tuple[str, ...] = ENTITY_TYPES
    min_degree: int = 0
    physics: bool | None = None  # None: on for small graphs, off for large ones
    max_sentences: int = 5
    #: a graph with more entities shows the most mentioned this many (0: all)
    max_nodes: int = 300
    #: co-mention edges drawn per entity in the overview (its strongest)
    co_per_node: int = 4
    #: strongest co-mentions shown around a chosen entity
    neighbours: int = 20
    #: types an overview opens without (a third of a corpus's most mentioned are dates); one
    #: click on the type's box shows them
    overview_hidden: tuple[str, ...] = ("Date",)


def check_types(types: Iterable[str] | None) -> tuple[str, ...]:
    """The entity types a page shows: `types` in the contract's order, or all of them."""
    if types is None:
        return ENTITY_TYPES
    wanted = [t.strip() for t in types]
    unknown = [t for t in wanted if t not in ENTITY_TYPES]
    if unknown:
        raise InputError(f"unknown type(s) {', '.join(unknown)}; use {', '.join(ENTITY_TYPES)}")
    return tuple(t for t in ENTITY_TYPES if t in wanted)


def relation_labels() -> dict[str, dict[str, str]]:
    """Readable relation labels (zh, en) from the ontology."""
    g = Graph().parse(ONTOLOGY_FILE, format="turtle")
    out = {}
    for p in RELATION_TYPES:
        labels = {lit.language: str(lit) for lit in g.objects(SKG[p], RDFS.label)}
        out[p] = {"zh": labels.get("zh", p), "en": labels.get("en", p)}
    return out


def _safe_json(x) -> str:
    """JSON that cannot end the <script> element it stands in."""
    return (
        json.dumps(x, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_BASE = str(ID)


def _short(iri: str) -> str:
    """An IRI without the base of speechkg's own (the page adds it back)."""
    return iri[len(_BASE) :] if iri.startswith(_BASE) and ":" not in iri[len(_BASE) :] else iri


def page_data(source: Dataset | Iterable[Triple], opts: ViewOptions) -> dict:
    """Everything the page shows, as JSON-ready data: entities (most mentioned first, in columns),
    relations, co-mentions, speeches, sections and the entities of each sentence of each speech."""
    triples = dataset_triples(source) if isinstance(source, Dataset) else source
    v = view_data(
        triples, opts.types, opts.min_degree, opts.max_sentences, top=opts.max_nodes or None, tail_sentences=1
    )
    n = len(v.entities)
    overview = bool(opts.max_nodes) and n > opts.max_nodes
    physics = False if overview else (opts.physics if opts.physics is not None else n <= PHYSICS_LIMIT)
    texts: dict[str, int] = {}

    def text(t: str) -> int:
        return texts.setdefault(t, len(texts))

    ent = _entity_columns(v, text)
    if not overview:
        ent["size"] = [round(8 + 4 * math.sqrt(e.mentions + e.degree), 2) for e in v.entities]
    if not overview and not physics:
        ent["x"], ent["y"] = _positions(v)
    return {
        "mode": "overview" if overview else "full",
        "maxNodes": opts.max_nodes,
        "physics": physics,
        "coPerNode": opts.co_per_node,
        "coWindow": CO_WINDOW,
        "neighbours": opts.neighbours,
        "idBase": str(ID),
        "ent": ent,
        "rel": [[s, p, o, text(ev) if ev else -1] for s, p, o, ev in v.relations],
        "relSpeech": v.relation_speeches,
        "relLabels": relation_labels(),
        "co": [x for c in v.co for x in c],
        "speeches": [[_short(iri), d, t] for iri, d, t in v.speeches],
        "sections": [[_short(iri), h, up] for iri, h, up in v.sections],
        "sents": v.sentences,
        "texts": list(texts),
        **_type_data(opts, overview),
    }


def _type_data(opts: ViewOptions, overview: bool) -> dict:
    """The types the page shows, those it opens without, and how it names and draws each."""
    return {
        "types": [t for t in ENTITY_TYPES if t in opts.types],
        "hidden": [t for t in opts.overview_hidden if t in opts.types] if overview else [],
        "typeNames": list(ENTITY_TYPES),
        "typeLabels": TYPE_LABELS,
        "colors": COLORS,
        "shapes": SHAPES,
    }


def _entity_columns(v: ViewData, text: Callable[[str], int]) -> dict[str, list]:
    """The entities' fields as columns; sentence texts by their index in `text`."""
    return {
        "id": [_short(e.iri) for e in v.entities],
        "label": [e.label for e in v.entities],
        "type": [ENTITY_TYPES.index(e.type) for e in v.entities],
        "mentions": [e.mentions for e in v.entities],
        "degree": [e.degree for e in v.entities],
        "aliases": [e.aliases for e in v.entities],
        "en": [e.en for e in v.entities],
        "py": [e.pinyin for e in v.entities],
        "sent": [[[text(t), a, b] for t, a, b in e.sentences] for e in v.entities],
    }


def _positions(v: ViewData) -> tuple[list[float], list[float]]:
    """x and y of each entity, laid out beforehand from its relations and its strongest co-mentions."""
    n = len(v.entities)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((s, o) for s, _, o, _ in v.relations)
    strongest: dict[int, int] = {}
    for a, b, _ in v.co:  # each entity's strongest co-mentions shape the layout too
        if strongest.get(a, 0) < 3 or strongest.get(b, 0) < 3:
            g.add_edge(a, b)
            strongest[a], strongest[b] = strongest.get(a, 0) + 1, strongest.get(b, 0) + 1
    pos = layout(g)
    scale = 40.0 * math.sqrt(max(n, 1))
    return [round(pos[i][0] * scale, 2) for i in range(n)], [round(pos[i][1] * scale, 2) for i in range(n)]


def render(source: Dataset | Iterable[Triple], opts: ViewOptions | None = None) -> str:
    """The page as one HTML string with every script and style inline."""
    opts = opts or ViewOptions()
    data = page_data(source, opts)
    js = (_LIB / "vis-network.min.js").read_text(encoding="utf-8")
    css = (_LIB / "vis-network.css").read_text(encoding="utf-8")
    app = (_PAGE / "app.js").read_text(encoding="utf-8")
    template = (_PAGE / "page.html").read_text(encoding="utf-8")
    parts = {
        "CSP": _CSP,
        "TITLE": _html.escape(opts.title),
        "VISCSS": css,
        "VISJS": js.replace("</script", "<\\/script"),
        "DATA": _safe_json(data),
        "APP": app.replace("</script", "<\\/script"),
    }
    # one pass over the template: a title or label that reads "%APP%" is not filled in again
    return re.sub(r"%(CSP|TITLE|VISCSS|VISJS|DATA|APP)%", lambda m: parts[m.group(1)], template)


def render_files(paths: list[str], opts: ViewOptions | None = None) -> str:
    """The page of graph files: big ones (graph.oxstore.LARGE) streamed through Oxigraph's parser,
    small ones read with rdflib (load)."""
    from speechkg.graph.rdf import oxstore
    from speechkg.graph.rdf.parse import load

    if oxstore.is_large(paths):
        return render(oxstore.iter_triples(paths, VIEW_PREDICATES, VIEW_CLASSES), opts)
    return render(load(paths), opts)


def open_in_browser(path: str) -> None:
    import webbrowser

    webbrowser.open(Path(path).resolve().as_uri())


__all__ = ["ViewOptions", "render", "render_files", "page_data", "relation_labels", "open_in_browser"]
