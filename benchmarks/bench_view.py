"""Page generation and time-to-settled-layout in headless Chromium: speechkg's page vs pyvis
defaults (physics on), on the same synthetic graphs, in the same run.

    python benchmarks/bench_view.py [--sizes 500,5000,20000] [--cap 120] [--out benchmarks/RESULTS.md]

Graphs are Barabási–Albert trees whose nodes are entities of random types with Chinese
labels. "Settled" means drawn, with physics stopped or disabled; a page that has not
settled within --cap seconds is recorded as such.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from report import emit

ROOT = Path(__file__).resolve().parent.parent


def synthetic(n: int, seed: int = 7):
    import networkx as nx
    from rdflib import RDF, RDFS, SKOS, Dataset, Literal, URIRef

    from speechkg.ontology.namespace import ENTITY_TYPES, SKG

    rng = random.Random(seed)
    g = nx.barabasi_albert_graph(n, 1, seed=seed)
    ds = Dataset(default_union=True)
    graph = ds.graph(URIRef("https://w3id.org/speechkg/id/speech/bench"))
    rels = ["organizer", "endorsedBy", "proposedBy", "date", "speaker"]
    iri = {k: URIRef(f"https://w3id.org/speechkg/id/bench/{k}") for k in g.nodes}
    for k in g.nodes:
        t = rng.choice(ENTITY_TYPES)
        label = Literal(f"{rng.choice('省市县')}{rng.choice('委政府总工会妇联')}第{k}号{t}", lang="zh")
        graph.add((iri[k], RDF.type, SKG[t]))
        graph.add((iri[k], SKOS.prefLabel, label))
        graph.add((iri[k], RDFS.label, label))
    for a, b in g.edges:
        graph.add((iri[a], SKG[rng.choice(rels)], iri[b]))
    return ds, g


def pyvis_default_page(g) -> str:
    """pyvis with its defaults (physics on), made loadable offline: its CDN script is inlined."""
    import pyvis
    from pyvis.network import Network

    net = Network(directed=True)
    for k in g.nodes:
        net.add_node(k, label=str(k))
    for a, b in g.edges:
        net.add_edge(a, b)
    html = net.generate_html()
    js = (Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")
    import re

    html = re.sub(r"<script[^>]+vis-network[^>]*></script>", lambda m: f"<script>{js}</script>", html)
    html = re.sub(r"<link[^>]+(?:bootstrap|vis-network)[^>]*>", "", html)
    html = re.sub(r"<script[^>]+bootstrap[^>]*></script>", "", html)
    return html


# first draw: vis allows drawing once its initial stabilization is done; settled: physics stopped
DRAWN = {
    "speechkg": "return !!(window.speechkg && window.speechkg.state.drawn)",
    "pyvis": (
        "return typeof network !== 'undefined' && network.body.nodeIndices.length > 0 && "
        "network.renderer.allowRedraw === true"
    ),
}
SETTLED = {
    "speechkg": "return !!(window.speechkg && window.speechkg.state.drawn && window.speechkg.state.settled)",
    "pyvis": (
        "return typeof network !== 'undefined' && network.renderer.allowRedraw === true && "
        "(network.physics.stabilized === true || !network.physics.physicsEnabled)"
    ),
}


def time_in_browser(driver, url: str, kind: str, cap: float) -> tuple[float | None, float | None]:
    """Seconds from navigation to first draw and to a settled layout (None: not within `cap`)."""
    driver.set_page_load_timeout(cap)
    start = time.perf_counter()
    drawn = None
    try:
        driver.get(url)
        while time.perf_counter() - start < cap:
            if drawn is None and driver.execute_script(DRAWN[kind]):
                drawn = time.perf_counter() - start
            if drawn is not None and driver.execute_script(SETTLED[kind]):
                return drawn, time.perf_counter() - start
            time.sleep(0.1)
    except Exception:  # page load timeout: the constructor is still stabilizing
        pass
    return drawn, None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="500,5000,20000")
    ap.add_argument("--cap", type=float, default=120)
    ap.add_argument("--out")
    args = ap.parse_args()
    from speechkg.graph.views import page as html
    from tests.browser import chromium

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            ds, g = synthetic(n)
            t = time.perf_counter()
            ours = html.render(ds, html.ViewOptions(title=f"bench {n}"))
            gen_ours = time.perf_counter() - t
            t = time.perf_counter()
            theirs = pyvis_default_page(g)
            gen_pyvis = time.perf_counter() - t
            p1, p2 = Path(tmp) / f"ours-{n}.html", Path(tmp) / f"pyvis-{n}.html"
            p1.write_text(ours, encoding="utf-8")
            p2.write_text(theirs, encoding="utf-8")
            with chromium() as d:
                d_ours, s_ours = time_in_browser(d, p1.as_uri(), "speechkg", args.cap)
                search = None
                if s_ours is not None:
                    t = time.perf_counter()
                    found = d.execute_script("return window.speechkg.search(arguments[0])", f"第{n // 2}号")
                    search = time.perf_counter() - t if found else None
            with chromium() as d:
                d_pyvis, s_pyvis = time_in_browser(d, p2.as_uri(), "pyvis", args.cap)
            rows.append((n, gen_ours, gen_pyvis, d_ours, s_ours, d_pyvis, s_pyvis, search))
            print(rows[-1], flush=True)

    def fmt(x):
        return f"{x:.1f}" if x is not None else f"> {args.cap:.0f}"

    lines = [
        "## HTML view: speechkg page vs pyvis defaults (physics on)",
        "",
        "`python benchmarks/bench_view.py` — Barabási–Albert graphs, headless Chromium, 2 cores, same run;",
        f'times from navigation; "> {args.cap:.0f}" = not within the cap.',
        "",
        "| entities | generate speechkg s | generate pyvis s | first draw speechkg s | settled speechkg s | "
        "first draw pyvis s | settled pyvis s | pyvis / speechkg (settled) | search s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, go, gp, do, so, dp, sp, se in rows:
        ratio = f"{sp / so:.0f}×" if so and sp else (f"> {args.cap / so:.0f}×" if so else "—")
        lines.append(
            f"| {n:,} | {go:.1f} | {gp:.1f} | {fmt(do)} | {fmt(so)} | {fmt(dp)} | {fmt(sp)} | {ratio} | "
            f"{'' if se is None else f'{se:.2f}'} |"
        )
    emit(lines, args.out)


if __name__ == "__main__":
    main()
