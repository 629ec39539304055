"""build --store bulk-loads the build's N-Quads batch by batch (oxstore.add_nquads): the store is
the one `build -o X.nq` then `load X.nq --store` makes, and the one the old path (a SPARQL update
per speech, oxstore.add_quads) made, rebuilds included; an interruption leaves whole batches."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import signal

import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.build.pipeline import build, write
from speechkg.graph.query.engines import query_sources
from speechkg.graph.query.results import format_result
from speechkg.graph.query.saved import bind, saved
from speechkg.graph.rdf import oxstore
from speechkg.graph.rdf.write import nquads_by_graph, serialize_chunks

from ..conftest import SHARED, need_shared
from ..rdf.test_load import quads

runner = CliRunner()


def ok(*args):
    r = runner.invoke(cli, list(map(str, args)))
    assert r.exit_code == 0, r.output
    return r


@pytest.fixture(scope="module")
def news() -> list[dict]:
    """The first 16 items of the news corpus, each with an id (so a later file can replace it)."""
    with gzip.open(need_shared(SHARED / "corpora" / "xwlb-2020-2021.jsonl.gz"), "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in itertools.islice(fh, 16)]
    return [dict(r, id=f"n{i}") for i, r in enumerate(rows)]


def write_rows(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def old_path(db, corpus) -> None:
    """The store as build --store made it before: one SPARQL update per speech."""
    oxstore.add_quads(oxstore.open_store(db), build([str(corpus)]).quads)


@pytest.mark.slow
def test_build_store_is_build_then_load_and_the_old_path(news, tmp_path, monkeypatch):
    monkeypatch.setattr(oxstore, "BATCH_BYTES", 40_000)  # several batches of a few speeches
    v1 = write_rows(tmp_path / "v1.jsonl", news[:12])
    # the rebuild: 3 speeches of v1 with other texts (n1, n5 and n9 replaced), and a new one
    changed = [dict(news[i], text=news[j]["text"]) for i, j in ((1, 12), (5, 13), (9, 14))]
    v2 = write_rows(tmp_path / "v2.jsonl", [*changed, news[15]])
    built, loaded, old = tmp_path / "built", tmp_path / "loaded", tmp_path / "old"
    for corpus in (v1, v2):
        r = ok("build", corpus, "--store", built, "-o", tmp_path / f"{corpus.stem}.nq")
        lines = len((tmp_path / f"{corpus.stem}.nq").read_bytes().splitlines())
        assert r.stderr.endswith(f"quads → store {built}\n") and f" {lines} quads" in r.stderr
        ok("load", tmp_path / f"{corpus.stem}.nq", "--store", loaded)
        old_path(old, corpus)
        now = quads(built)
        assert now == quads(loaded) == quads(old)
        named = {x[:3] for x in now if x[3]}
        assert {x[:3] for x in now if not x[3]} == named  # the default graph is the merge
    graphs = {x[3] for x in now if x[3]}
    assert len(graphs) == 13
    gone = news[1]["text"][20:40]  # a sentence of n1's first text: out of every graph, the default's too
    assert not any(gone in x[2] for x in now)
    assert any(news[12]["text"][20:40] in x[2] for x in now)
    rows = 0
    for name, (_, text) in sorted(saved().items()):  # the saved queries answer alike
        params = {"provenance": {"label": "习近平"}, "sections": {"source": "n0"}}.get(name, {})
        a, b = (format_result(query_sources([], bind(text, params), store_dir=str(d)), "csv") for d in (built, old))
        assert a == b, name
        rows += a.count("\n") - 1
    assert rows > 20


def test_the_store_is_fed_the_bytes_the_writer_writes(news, tmp_path):
    corpus = write_rows(tmp_path / "news.jsonl", news[:5])
    result = build([str(corpus)])
    by_graph = list(nquads_by_graph(result.graphs(compact=True)))  # as add_to_store makes them
    assert [g for g, _ in by_graph] == [str(g) for g, _ in result.graphs()]
    write(result, str(tmp_path / "news.nq"))
    assert b"".join(data for _, data in by_graph) == (tmp_path / "news.nq").read_bytes()
    assert b"".join(data for _, data in nquads_by_graph(result.graphs())) == b"".join(
        serialize_chunks(result.graphs(), "nquads")
    )
    for g, data in by_graph:
        name = f" <{g}> .".encode()
        assert all(line.endswith(name) for line in data.splitlines())
        assert oxstore._in_default_graph(data).splitlines() == [ln[: -len(name)] + b" ." for ln in data.splitlines()]


@pytest.mark.slow
def test_an_interruption_takes_effect_between_batches(news, tmp_path, monkeypatch):
    """Ctrl-C in the middle of a batch (between its named graphs and its default graph) is
    held until the batch is in: every speech is then old or new, the batches done new, the
    later ones old, and the default graph the merge."""
    v1 = build([str(write_rows(tmp_path / "v1.jsonl", news[:12]))])
    moved = [dict(r, date="2021-06-30") for r in news[:12]]  # every speech changes (its date)
    v2 = build([str(write_rows(tmp_path / "v2.jsonl", moved))])
    sizes = [len(data) for _, data in nquads_by_graph(v2.graphs())]
    monkeypatch.setattr(oxstore, "BATCH_BYTES", sizes[0] + sizes[1])  # the first batch: 2 speeches
    for db, result in ((tmp_path / "v1", v1), (tmp_path / "v2", v2)):
        oxstore.add_nquads(oxstore.open_store(db), nquads_by_graph(result.graphs()))
    old, new = quads(tmp_path / "v1"), quads(tmp_path / "v2")

    def by_graph(qs):
        out: dict[str, set] = {}
        for x in qs:
            if x[3]:
                out.setdefault(x[3], set()).add(x[:3])
        return out

    old_graphs, new_graphs = by_graph(old), by_graph(new)
    assert all(old_graphs[g] != new_graphs[g] for g in old_graphs)

    db = tmp_path / "db"
    oxstore.add_nquads(oxstore.open_store(db), nquads_by_graph(v1.graphs()))
    real, calls = oxstore._in_default_graph, [0]

    def interrupting(data: bytes) -> bytes:
        calls[0] += 1
        if calls[0] == 2:  # the second speech of the first batch: its named graphs are in
            os.kill(os.getpid(), signal.SIGINT)
        return real(data)

    monkeypatch.setattr(oxstore, "_in_default_graph", interrupting)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    done = [0]
    store = oxstore.open_store(db)
    try:
        with pytest.raises(KeyboardInterrupt):
            oxstore.add_nquads(store, nquads_by_graph(v2.graphs()), done=lambda: done.__setitem__(0, done[0] + 1))
    finally:
        signal.signal(signal.SIGINT, previous)
        del store
    after = quads(db)
    graphs = by_graph(after)
    assert graphs.keys() == old_graphs.keys()
    replaced = [g for g in graphs if graphs[g] == new_graphs[g]]
    assert all(graphs[g] in (old_graphs[g], new_graphs[g]) for g in graphs)
    assert len(replaced) == done[0] == 2  # the whole first batch, nothing after it
    assert {x[:3] for x in after if not x[3]} == set().union(*graphs.values())
