"""The interactive HTML page of a graph: one self-contained file that works offline.

pyvis builds the node and edge data (and its bundled vis-network script is inlined);
the page itself is our own template, because pyvis 0.3.2 links Bootstrap and
vis-network from CDNs even with cdn_resources="in_line" (pyvis #228, #229), writes files
without an encoding, and does not escape its inputs. Every string from the input goes
into the page as JSON inside a <script type="application/json"> block (with <, > and &
escaped) and is put into the DOM with textContent only, so no label can run code.

Small graphs start with physics on and freeze once the layout has settled; large ones get
a networkx layout computed beforehand and start with physics off, so that they draw at once.
"""
from __future__ import annotations

import html as _html
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pyvis
from pyvis.network import Network
from rdflib import RDF, RDFS, Dataset, Graph
from rdflib.namespace import DCTERMS

from speechkg.ontology.namespace import ENTITY_TYPES, ITSRDF, NIF, ONTOLOGY_FILE, SKG

from .analyze import entity_graph, evidence_of, layout
from .errors import InputError
from .store import integer

COLORS = {"Campaign": "#e6550d", "Body": "#3182bd", "Goal": "#31a354", "Date": "#756bb1",
          "Meeting": "#de2d26", "Person": "#fd8d3c", "Document": "#636363", "Concept": "#c9a227",
          "Speech": "#222222", "Section": "#999999"}
SHAPES = {"Campaign": "diamond", "Body": "box", "Goal": "star", "Date": "ellipse",
          "Meeting": "triangle", "Person": "dot", "Document": "square", "Concept": "hexagon",
          "Speech": "database", "Section": "text"}
TYPE_LABELS = {"Campaign": "行动/活动 Campaign", "Body": "机构 Body", "Goal": "目标 Goal", "Date": "日期 Date",
               "Meeting": "会议 Meeting", "Person": "人物 Person", "Document": "文件 Document",
               "Concept": "提法 Concept"}
#: graphs with more nodes than this get a precomputed layout and start with physics off
PHYSICS_LIMIT = 400
_LIB = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
# nothing may be fetched: scripts and styles are inline, images only data: URIs
_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


@dataclass
class ViewOptions:
    title: str = "speechkg"
    types: tuple[str, ...] = ENTITY_TYPES
    min_degree: int = 0
    physics: bool | None = None  # None: on for small graphs, off for large ones
    max_sentences: int = 5


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
    for p in ("date", "organizer", "chair", "speaker", "proposedBy", "endorsedBy", "ledBy", "member"):
        labels = {lit.language: str(lit) for lit in g.objects(SKG[p], RDFS.label)}
        out[p] = {"zh": labels.get("zh", p), "en": labels.get("en", p)}
    return out


def _safe_json(x) -> str:
    """JSON that cannot end the <script> element it stands in."""
    return (json.dumps(x, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _sentences(ds: Dataset, limit: int) -> dict[str, list[dict]]:
    """entity IRI → up to `limit` source sentences, each with the mention's span in it."""
    out: dict[str, list[dict]] = {}
    seen: set[tuple[str, str]] = set()
    for m, e in sorted(ds.subject_objects(ITSRDF.taIdentRef)):
        items = out.setdefault(str(e), [])
        s = ds.value(m, NIF.sentence)
        if len(items) >= limit or s is None or (str(e), str(s)) in seen:
            continue
        seen.add((str(e), str(s)))
        text = str(ds.value(s, NIF.anchorOf) or "")
        sb, mb, me = ds.value(s, NIF.beginIndex), ds.value(m, NIF.beginIndex), ds.value(m, NIF.endIndex)
        if None in (sb, mb, me):
            continue
        sb = integer(sb, s, "nif:beginIndex")
        mb, me = integer(mb, m, "nif:beginIndex"), integer(me, m, "nif:endIndex")
        items.append({"text": text, "start": mb - sb, "end": me - sb})
    return out


def page_data(ds: Dataset, opts: ViewOptions) -> dict:
    """Nodes, edges and provenance for the page (built with pyvis, positions from networkx)."""
    g = entity_graph(ds)
    keep = [n for n, d in g.nodes(data=True) if d["type"] in opts.types and g.degree(n) >= opts.min_degree]
    g = g.subgraph(keep).copy()
    physics = opts.physics if opts.physics is not None else g.number_of_nodes() <= PHYSICS_LIMIT
    pos = {} if physics else layout(g)
    sentences = _sentences(ds, opts.max_sentences)
    evidence = evidence_of(ds)
    rel = relation_labels()
    net = Network(directed=True)
    scale = 40.0 * math.sqrt(max(g.number_of_nodes(), 1))
    for n, d in g.nodes(data=True):
        extra = {"x": pos[n][0] * scale, "y": pos[n][1] * scale} if n in pos else {}
        net.add_node(n, label=d["label"], shape=SHAPES[d["type"]], color=COLORS[d["type"]],
                     size=8 + 4 * math.sqrt(d["mentions"] + g.degree(n)), group=d["type"], **extra)
    for k, (s, o, d) in enumerate(sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2]["relation"]))):
        net.add_edge(s, o, id=f"e{k}", label=rel[d["relation"]]["zh"], relation=d["relation"])
    nodes = []
    for n in net.nodes:
        d = g.nodes[n["id"]]
        nodes.append({"id": n["id"], "label": n["label"], "shape": n["shape"], "color": COLORS[d["type"]],
                      "size": round(n["size"], 2), "group": n["group"], "type": d["type"],
                      "aliases": d["aliases"], "mentions": d["mentions"], "degree": g.degree(n["id"]),
                      "sentences": sentences.get(n["id"], []),
                      **({"x": round(n["x"], 2), "y": round(n["y"], 2)} if "x" in n else {})})
    edges = [{"id": e["id"], "from": e["from"], "to": e["to"], "label": e["label"], "relation": e["relation"],
              "relation_en": rel[e["relation"]]["en"],
              "evidence": evidence.get((e["from"], e["relation"], e["to"]), "")} for e in net.edges]
    extra_nodes, extra_edges = _speech_nodes(ds, g)
    return {"nodes": nodes, "edges": edges, "speechNodes": extra_nodes, "speechEdges": extra_edges,
            "physics": physics, "types": [t for t in ENTITY_TYPES if t in opts.types],
            "typeLabels": TYPE_LABELS, "colors": COLORS}


def _speech_nodes(ds: Dataset, g: nx.MultiDiGraph) -> tuple[list[dict], list[dict]]:
    """Speech and section nodes, with an edge from each entity to the sections it stands in."""
    nodes, edges, seen = [], [], set()
    for sp in sorted(ds.subjects(RDF.type, SKG.Speech)):
        title = ds.value(sp, DCTERMS.title) or ds.value(sp, SKG.sourceFile) or sp
        nodes.append({"id": str(sp), "label": str(title), "type": "Speech", "shape": SHAPES["Speech"],
                      "color": COLORS["Speech"], "aliases": [], "mentions": 0, "sentences": []})
    for sec in sorted(ds.subjects(RDF.type, SKG.Section)):
        nodes.append({"id": str(sec), "label": str(ds.value(sec, SKG.heading) or ""), "type": "Section",
                      "shape": SHAPES["Section"], "color": COLORS["Section"], "aliases": [], "mentions": 0,
                      "sentences": []})
        parent = ds.value(sec, DCTERMS.isPartOf)
        if parent is not None:
            edges.append({"id": f"s{len(edges)}", "from": str(sec), "to": str(parent), "label": "",
                          "relation": "isPartOf"})
    for m, e in sorted(ds.subject_objects(ITSRDF.taIdentRef)):
        sec = ds.value(m, SKG.section)
        if sec is not None and str(e) in g and (str(e), str(sec)) not in seen:
            seen.add((str(e), str(sec)))
            edges.append({"id": f"s{len(edges)}", "from": str(e), "to": str(sec), "label": "",
                          "relation": "section"})
    return nodes, edges


def render(ds: Dataset, opts: ViewOptions | None = None) -> str:
    """The page as one HTML string with every script and style inline."""
    opts = opts or ViewOptions()
    data = page_data(ds, opts)
    js = (_LIB / "vis-network.min.js").read_text(encoding="utf-8")
    css = (_LIB / "vis-network.css").read_text(encoding="utf-8")
    title = _html.escape(opts.title)
    return (_TEMPLATE.replace("%CSP%", _CSP).replace("%TITLE%", title).replace("%VISCSS%", css)
            .replace("%VISJS%", js.replace("</script", "<\\/script"))
            .replace("%DATA%", _safe_json(data)).replace("%APP%", _APP))


def open_in_browser(path: str) -> None:
    import webbrowser

    webbrowser.open(Path(path).resolve().as_uri())


_TEMPLATE = """<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="%CSP%">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%TITLE%</title>
<style>%VISCSS%</style>
<style>
body{margin:0;font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","Microsoft YaHei",sans-serif;
 font-size:14px;color:#222}
header{display:flex;flex-wrap:wrap;gap:10px;align-items:center;padding:6px 10px;border-bottom:1px solid #ddd}
header h1{font-size:16px;margin:0 8px 0 0}
#search{width:220px;padding:3px 6px}
#types label{margin-right:8px;white-space:nowrap}
#types i{display:inline-block;width:10px;height:10px;margin:0 3px 0 2px;border-radius:2px}
main{display:flex;height:calc(100vh - 46px)}
#graph{flex:1;min-width:0}
#panel{width:340px;overflow:auto;border-left:1px solid #ddd;padding:8px 12px;background:#fafafa}
#panel h2{font-size:16px;margin:4px 0}
#panel .muted{color:#777}
#panel li{margin-bottom:6px;line-height:1.5}
mark{background:#ffe08a}
#status{color:#777;margin-left:auto}
</style>
</head><body>
<header>
<h1>%TITLE%</h1>
<input id="search" type="search" placeholder="搜索 search a label…" autocomplete="off">
<span id="types"></span>
<label><input id="speech-toggle" type="checkbox"> 讲话/章节 speech &amp; sections</label>
<span id="status"></span>
</header>
<main><div id="graph"></div><aside id="panel"><p class="muted">点击节点或边查看来源句子。
Click a node or an edge to see the sentences it comes from.</p></aside></main>
<script>%VISJS%</script>
<script type="application/json" id="speechkg-data">%DATA%</script>
<script>%APP%</script>
</body></html>
"""

_APP = r"""
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("speechkg-data").textContent);
  const el = (tag, text, cls) => { const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const tip = (lines) => { const d = el("div"); lines.forEach((l) => d.appendChild(el("div", l))); return d; };
  const byId = new Map();
  const nodeItems = data.nodes.map((n) => { byId.set(n.id, n); return {
    id: n.id, label: n.label, shape: n.shape, size: n.size, x: n.x, y: n.y,
    color: {background: n.color, border: n.color}, font: {color: n.shape === "box" ? "#fff" : "#222"},
    title: tip([n.type + "：" + n.label, "mentions " + n.mentions]) }; });
  data.speechNodes.forEach((n) => byId.set(n.id, n));
  const nodes = new vis.DataSet(nodeItems);
  const edges = new vis.DataSet(data.edges.map((e) => ({id: e.id, from: e.from, to: e.to, label: e.label,
    arrows: "to", title: tip([e.label + " / " + e.relation_en])})));
  const options = {
    physics: data.physics ? {enabled: true, solver: "forceAtlas2Based",
      stabilization: {enabled: true, iterations: 400, updateInterval: 50}} : {enabled: false},
    layout: {improvedLayout: data.physics && data.nodes.length < 150},
    nodes: {font: {size: 14}, borderWidth: 1},
    edges: {font: {size: 10, align: "middle"}, smooth: false, color: {color: "#bbb", highlight: "#555"}},
    interaction: {hover: true, tooltipDelay: 150, hideEdgesOnDrag: data.nodes.length > 2000}};
  const network = new vis.Network(document.getElementById("graph"), {nodes, edges}, options);
  const status = document.getElementById("status");
  const state = {drawn: false, settled: !data.physics};
  network.once("afterDrawing", () => { state.drawn = true; state.drawnAt = performance.now();
    if (!data.physics) state.settledAt = state.drawnAt; });
  network.on("stabilizationIterationsDone", () => {
    network.setOptions({physics: {enabled: false}}); state.settled = true; state.settledAt = performance.now(); });
  status.textContent = data.nodes.length + " entities, " + data.edges.length + " relations";

  const panel = document.getElementById("panel");
  function showNode(id) {
    const n = byId.get(id); if (!n) return;
    panel.replaceChildren();
    panel.appendChild(el("h2", n.label));
    panel.appendChild(el("p", (data.typeLabels[n.type] || n.type) + " · mentions " + n.mentions, "muted"));
    if (n.aliases && n.aliases.length) {
      panel.appendChild(el("p", "别名 aliases：" + n.aliases.join("、")));
    }
    if (n.sentences && n.sentences.length) {
      panel.appendChild(el("h3", "来源句子 sentences"));
      const ul = el("ul");
      n.sentences.forEach((s) => { const li = el("li");
        li.appendChild(document.createTextNode(s.text.slice(0, s.start)));
        li.appendChild(el("mark", s.text.slice(s.start, s.end)));
        li.appendChild(document.createTextNode(s.text.slice(s.end)));
        ul.appendChild(li); });
      panel.appendChild(ul);
    }
  }
  function showEdge(id) {
    const e = data.edges.find((x) => x.id === id); if (!e) return;
    panel.replaceChildren();
    panel.appendChild(el("h2", e.label + " · " + e.relation_en));
    panel.appendChild(el("p", (byId.get(e.from) || {}).label + " → " + (byId.get(e.to) || {}).label, "muted"));
    if (e.evidence) { panel.appendChild(el("h3", "依据 evidence")); panel.appendChild(el("p", e.evidence)); }
  }
  network.on("click", (p) => {
    if (p.nodes.length) showNode(p.nodes[0]); else if (p.edges.length) showEdge(p.edges[0]); });

  function find(q) {
    q = q.trim(); if (!q) return null;
    const all = data.nodes.filter((n) => !nodes.get(n.id).hidden);
    const labels = (n) => [n.label].concat(n.aliases || []);
    return all.find((n) => labels(n).some((l) => l === q))
      || all.find((n) => labels(n).some((l) => l.includes(q))) || null;
  }
  function search(q) {
    const n = find(q); if (!n) { status.textContent = "未找到 not found: " + q; return null; }
    network.selectNodes([n.id]); network.focus(n.id, {scale: 1.4, animation: false}); showNode(n.id);
    status.textContent = n.label; return n.id;
  }
  document.getElementById("search").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") search(ev.target.value); });

  const types = document.getElementById("types");
  function setType(t, visible) {
    nodes.update(data.nodes.filter((n) => n.type === t).map((n) => ({id: n.id, hidden: !visible})));
  }
  data.types.forEach((t) => { const lab = el("label"); const box = el("input"); box.type = "checkbox";
    box.checked = true; box.dataset.type = t; box.addEventListener("change", () => setType(t, box.checked));
    const sw = el("i"); sw.style.background = data.colors[t];
    lab.appendChild(box); lab.appendChild(sw); lab.appendChild(document.createTextNode(data.typeLabels[t] || t));
    types.appendChild(lab); });
  function setSpeech(on) {
    if (on) { nodes.update(data.speechNodes.map((n) => ({id: n.id, label: n.label, shape: n.shape,
        color: {background: "#eee", border: n.color}, font: {color: "#222"}})));
      edges.update(data.speechEdges.map((e) => ({id: e.id, from: e.from, to: e.to, dashes: true,
        color: {color: "#ddd"}}))); }
    else { edges.remove(data.speechEdges.map((e) => e.id)); nodes.remove(data.speechNodes.map((n) => n.id)); }
  }
  document.getElementById("speech-toggle").addEventListener("change", (ev) => setSpeech(ev.target.checked));
  window.speechkg = {network, nodes, edges, state, search, setType, setSpeech,
    drawnCount: () => network.body.nodeIndices.length};
})();
"""




__all__ = ["ViewOptions", "render", "page_data", "relation_labels", "open_in_browser"]
