"""Page layouts: the same graph gets the same positions, large graphs are spread out, not piled up."""

from __future__ import annotations

import networkx as nx
import pytest

from speechkg.graph.views.network import SPRING_LIMIT, layout


@pytest.mark.parametrize("n", [50, SPRING_LIMIT + 500])
@pytest.mark.slow
def test_layout_is_deterministic_and_spread(n):
    g = nx.relabel_nodes(nx.barabasi_albert_graph(n, 1, seed=3), str)
    a, b = layout(g), layout(g)
    assert a == b
    assert set(a) == set(g.nodes)
    xs, ys = [p[0] for p in a.values()], [p[1] for p in a.values()]
    assert max(map(abs, xs + ys)) <= 1.0 + 1e-9
    # spread: most nodes have a position of their own, and the graph fills its square
    assert len({(round(x, 3), round(y, 3)) for x, y in a.values()}) > 0.95 * n
    assert max(xs) - min(xs) > 1.0 and max(ys) - min(ys) > 1.0


@pytest.mark.slow
def test_neighbours_lie_closer_than_strangers():
    g = nx.relabel_nodes(nx.barabasi_albert_graph(SPRING_LIMIT + 500, 1, seed=5), str)
    pos = layout(g)

    def dist(u, v):
        return ((pos[u][0] - pos[v][0]) ** 2 + (pos[u][1] - pos[v][1]) ** 2) ** 0.5

    edges = list(g.edges)[:500]
    nodes = sorted(g.nodes)
    strangers = [(nodes[i], nodes[(i * 7919) % len(nodes)]) for i in range(500)]
    assert sum(dist(u, v) for u, v in edges) < 0.5 * sum(dist(u, v) for u, v in strangers)


def test_empty_graph():
    assert layout(nx.Graph()) == {}
