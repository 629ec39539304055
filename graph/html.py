"""The interactive HTML page of a graph (pyvis / vis-network), self-contained for offline use.

pyvis builds the node and edge data; the page itself comes from our own template
with vis-network's script and style inlined, because pyvis 0.3.2 links Bootstrap
and vis-network from CDNs even with cdn_resources="in_line" (pyvis #228, #229).
Every string from the input is JSON-encoded and HTML-escaped on the Python side.
"""
from __future__ import annotations

import html as _html
import json
from pathlib import Path

import pyvis
from pyvis.network import Network
from rdflib import Dataset

from .analyze import entity_graph, layout

COLORS = {"Campaign": "#e6550d", "Body": "#3182bd", "Goal": "#31a354", "Date": "#756bb1",
          "Meeting": "#de2d26", "Person": "#fd8d3c", "Document": "#636363", "Concept": "#e7ba52"}
SHAPES = {"Campaign": "diamond", "Body": "box", "Goal": "star", "Date": "ellipse",
          "Meeting": "triangle", "Person": "dot", "Document": "square", "Concept": "hexagon"}
_LIB = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
# nothing may be fetched: scripts and styles are inline, images only data: URIs
_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


def _safe_json(x) -> str:
    """JSON that cannot close a <script> element."""
    return (json.dumps(x, ensure_ascii=False, sort_keys=True)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def network(ds: Dataset) -> Network:
    """The entity graph as a pyvis Network with fixed positions (physics off)."""
    g = entity_graph(ds)
    pos = layout(g)
    net = Network(directed=True)
    scale = 600.0
    for n, d in g.nodes(data=True):
        x, y = pos.get(n, (0.0, 0.0))
        net.add_node(n, label=d["label"], title=f"{d['type']}: {d['label']}", x=x * scale,
                     y=y * scale, color=COLORS[d["type"]], shape=SHAPES[d["type"]],
                     size=10 + min(d["mentions"], 20), group=d["type"])
    for s, o, d in g.edges(data=True):
        net.add_edge(s, o, label=d["relation"], title=d["relation"])
    return net


def render(ds: Dataset, title: str = "speechkg") -> str:
    """The page as one HTML string with every script and style inline."""
    net = network(ds)
    nodes = [{k: v for k, v in n.items() if k in ("id", "label", "title", "x", "y", "color",
                                                 "shape", "size", "group")} for n in net.nodes]
    edges = [{"from": e["from"], "to": e["to"], "label": e["label"], "title": e["title"],
              "arrows": "to"} for e in net.edges]
    js = (_LIB / "vis-network.min.js").read_text(encoding="utf-8")
    css = (_LIB / "vis-network.css").read_text(encoding="utf-8")
    legend = "".join(
        f'<span class="key"><i style="background:{c}"></i>{_html.escape(t)}</span>'
        for t, c in COLORS.items())
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<title>{_html.escape(title)}</title>
<style>{css}</style>
<style>body{{margin:0;font-family:"Noto Sans CJK SC",sans-serif}}#graph{{width:100vw;height:92vh}}
header{{padding:6px 10px;border-bottom:1px solid #ddd}} .key{{margin-right:12px}}
.key i{{display:inline-block;width:10px;height:10px;margin-right:4px}}</style>
</head><body>
<header><strong>{_html.escape(title)}</strong> {legend}</header>
<div id="graph"></div>
<script>{js}</script>
<script>
const nodes = new vis.DataSet({_safe_json(nodes)});
const edges = new vis.DataSet({_safe_json(edges)});
const network = new vis.Network(document.getElementById("graph"), {{nodes, edges}},
  {{physics: false, nodes: {{font: {{size: 14}}}}, edges: {{font: {{size: 10}}, smooth: false}},
   interaction: {{hover: true}}}});
</script>
</body></html>
"""
