"""Co-mentions in linear time (issue 27, B4): a sentence naming hundreds of entities links each
only to its CO_WINDOW nearest on either side, each entity keeps its strongest co-mentions, and
the page grows with the mentions, not with their square."""

from __future__ import annotations

import time

import pytest

from speechkg.graph.views import page as html
from speechkg.graph.views.data import CO_WINDOW, co_mentions, view_data

from .wide_graph import iri, wide


def window_pairs(keys: list[str]) -> set[tuple[str, str]]:
    return {tuple(sorted((iri(a), iri(b)))) for k, a in enumerate(keys) for b in keys[k + 1 : k + 1 + CO_WINDOW]}


def test_a_long_sentence_links_each_entity_to_its_nearest_in_text_order():
    keys = [f"w{(7 * k) % 40}" for k in range(40)]  # text order unlike the order of the IRIs
    co = co_mentions(wide([keys]))
    assert set(co) == window_pairs(keys) and set(co.values()) == {1}
    assert len(co) == CO_WINDOW * (40 - CO_WINDOW) + CO_WINDOW * (CO_WINDOW - 1) // 2


def test_a_sentence_of_up_to_window_plus_one_entities_links_every_pair():
    keys = [f"w{k}" for k in range(CO_WINDOW + 1)]
    assert len(co_mentions(wide([keys, keys[::-1]]))) == len(keys) * (len(keys) - 1) // 2


def test_the_page_keeps_each_entitys_strongest_co_mentions_and_a_total():
    # a0…a5 named together once; each also three times with a partner of its own
    sentences = [[f"a{k}" for k in range(6)]] + [[f"a{k}", f"p{k}"] for k in range(6) for _ in range(3)]
    v = view_data(wide(sentences), co_per_entity=1)
    labels = [e.label for e in v.entities]
    got = {(labels[a], labels[b], n) for a, b, n in v.co}
    assert got == {tuple(sorted((f"实体a{k}号", f"实体p{k}号"))) + (3,) for k in range(6)}
    v = view_data(wide(sentences), co_total=4)
    assert [n for _, _, n in v.co] == [3, 3, 3, 3]


def wide_page(n: int, runs: int) -> tuple[dict, float]:
    """The page data of six sentences of `n` entities each, and the least CPU time of `runs` runs."""
    triples = wide([[f"w{(s * 7 + k) % n}" for k in range(n)] for s in range(6)])
    best = float("inf")
    for _ in range(runs):
        t = time.process_time()
        data = html.page_data(triples, html.ViewOptions())
        best = min(best, time.process_time() - t)
    return data, best


@pytest.mark.slow
def test_ten_times_the_entities_per_sentence_cost_about_ten_times_the_cpu():
    """About 6 times (0.05 s, 0.33 s), against a hundred for pairs of every two entities: the bound
    sits between them, far from both, as CPU time (the least of several runs) still varies with
    what shares the core."""
    small, t1 = wide_page(120, runs=5)
    big, t10 = wide_page(1200, runs=3)
    assert t10 < 25 * t1, (t1, t10)
    assert len(big["co"]) // 3 <= CO_WINDOW * 6 * 1200


def test_the_page_grows_with_the_mentions():
    mentions = 2 * 600
    page = html.render(wide([[f"w{k}" for k in range(600)], [f"w{k}" for k in range(600)][::-1]]))
    empty = html.render(wide([]))
    assert len(page.encode()) - len(empty.encode()) < 200 * mentions
