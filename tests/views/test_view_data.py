"""The library side of corpus pages: co-mentions, the page's data, streaming big files, determinism."""

from __future__ import annotations

import json
import re

import pytest

from speechkg.graph.rdf import oxstore
from speechkg.graph.rdf.output import write_output
from speechkg.graph.rdf.parse import load
from speechkg.graph.rdf.write import serialize
from speechkg.graph.views import page as html
from speechkg.graph.views.data import co_mentions, dataset_triples, view_data

from .corpus_graph import corpus, entity, write_corpus


def page_json(page: str) -> dict:
    raw = re.search(r'<script type="application/json" id="speechkg-data">(.*?)</script>', page, re.S).group(1)
    return json.loads(raw)


def test_co_mentions_count_sentences_naming_both():
    ds = corpus(6)
    co = co_mentions(dataset_triples(ds))
    qz, zs, ls, hy = (str(entity(k)) for k in ("qz", "zs", "ls", "hy"))
    assert co[tuple(sorted((qz, zs)))] == 4 and co[tuple(sorted((qz, ls)))] == 4
    assert co[tuple(sorted((qz, hy)))] == 1 and tuple(sorted((zs, ls))) not in co
    assert all(a < b for a, b in co)


def test_view_data_ranks_entities_and_keeps_mentions_per_sentence_of_each_speech():
    v = view_data(dataset_triples(corpus(30, english={"e0": "Entity Zero"})), max_sentences=2)
    mentions = [e.mentions for e in v.entities]
    assert mentions == sorted(mentions, reverse=True)
    by_label = {e.label: (i, e) for i, e in enumerate(v.entities)}
    assert by_label["全总"][1].en == "All-China Federation of Trade Unions"
    assert by_label["全总"][1].aliases == ["中华全国总工会"] and by_label["全总"][1].pinyin is None
    assert by_label["张三"][1].pinyin == "Zhang San" and by_label["实体0号"][1].en == "Entity Zero"
    # every mention is in one sentence list of its speech: the page's counts add up to the graph's
    counted = [0] * len(v.entities)
    for speech in v.sentences:
        for row in speech:
            for i in row[1:]:
                counted[i] += 1
    assert counted == mentions
    assert [d for _, d, _ in v.speeches] == sorted(d for _, d, _ in v.speeches)
    # the one relation, asserted in the first (2020) speech, with its evidence sentence
    ((s, p, o, evidence),) = v.relations
    assert (v.entities[s].label, p, v.entities[o].label) == ("会议甲", "organizer", "全总")
    assert evidence == "会议甲，全总出席。" and v.relation_speeches == [[0]]
    zs = by_label["张三"][1]
    text, start, end = zs.sentences[0]
    assert text[start:end] == "张三" and len(zs.sentences) <= 2
    # co-mentions as the page's own count from the sentence lists
    qz, zs_i = by_label["全总"][0], by_label["张三"][0]
    assert (min(qz, zs_i), max(qz, zs_i), 4) in v.co


def test_tail_entities_keep_fewer_sentences():
    v = view_data(dataset_triples(corpus(30)), max_sentences=3, top=5, tail_sentences=1)
    assert all(len(e.sentences) <= 3 for e in v.entities[:5]) and any(len(e.sentences) == 3 for e in v.entities[:5])
    assert all(len(e.sentences) <= 1 for e in v.entities[5:])


@pytest.mark.slow
def test_a_big_file_streamed_through_oxigraph_gives_the_same_page(tmp_path, monkeypatch):
    path = write_corpus(tmp_path / "c.trig", 30)
    opts = html.ViewOptions(max_nodes=10)
    small = html.render_files([str(path)], opts)
    monkeypatch.setattr(oxstore, "LARGE", 10)
    assert oxstore.is_large([str(path)])
    assert html.render_files([str(path)], opts) == small
    nq = tmp_path / "c.nq"
    write_output(nq, serialize(load([str(path)]), "nquads"))
    assert html.render_files([str(nq)], opts) == small


@pytest.mark.slow
def test_the_page_is_the_same_bytes_for_the_same_graph(tmp_path):
    path = write_corpus(tmp_path / "c.trig", 30)
    a = html.render(load([str(path)]), html.ViewOptions(max_nodes=10))
    b = html.render(load([str(path)]), html.ViewOptions(max_nodes=10))
    assert a == b
    data = page_json(a)
    assert data["mode"] == "overview" and data["maxNodes"] == 10 and len(data["ent"]["label"]) == 34
    assert len(data["sents"]) == 8 and data["co"] and data["co"][2::3] == sorted(data["co"][2::3], reverse=True)


@pytest.mark.slow
def test_small_graphs_are_drawn_whole_and_max_nodes_0_draws_all(tmp_path):
    path = write_corpus(tmp_path / "c.trig", 30)
    assert page_json(html.render_files([str(path)]))["mode"] == "full"
    data = page_json(html.render_files([str(path)], html.ViewOptions(max_nodes=0, physics=False)))
    assert data["mode"] == "full" and len(data["ent"]["x"]) == 34 and data["physics"] is False


def test_a_label_or_title_naming_a_placeholder_is_not_filled_in(tmp_path):
    ds = corpus(4, english={"e0": "%APP% %DATA%"})
    page = html.render(ds, html.ViewOptions(title="%DATA% %VISJS%"))
    assert page.count("window.speechkg = {") == 1  # the app once, not again inside the data
    assert "<title>%DATA% %VISJS%</title>" in page
    assert page_json(page)["ent"]["en"].count("%APP% %DATA%") == 1


def test_api_co_mentions_and_view(tmp_path):
    import speechkg.api as skg

    kg = skg.build_text("全总和省委召开会议。全总部署工作，省委出席。", date="2021-03-01", source="t")
    labels = {e.iri: e.label for e in kg.entities()}
    pairs = {tuple(sorted((labels[a], labels[b]))): n for (a, b), n in kg.co_mentions().items()}
    assert pairs[("全总", "省委")] == 2
    kg.view(tmp_path / "t.html", max_nodes=1)
    assert page_json((tmp_path / "t.html").read_text(encoding="utf-8"))["mode"] == "overview"
