"""graph/rdf/rows reads back what graph/rdf/emit writes: the speech's entities, mentions,
relations, sections and sentences, from a Dataset, a stream of triples or an Oxigraph store."""

from __future__ import annotations

import pytest
from rdflib import Dataset

from speechkg.graph.errors import GraphFileError
from speechkg.graph.rdf import emit, oxstore
from speechkg.graph.rdf.rows import Rows, dataset_triples, store_triples


@pytest.fixture(scope="module")
def seed(seed_doc):
    ds = Dataset(default_union=True)
    emit.to_graph(seed_doc, ds.graph(emit.speech_iri(seed_doc)))
    return seed_doc, ds


def test_rows_are_the_inverse_of_emit(seed):
    doc, ds = seed
    rows = Rows.of(ds)
    (speech,) = rows.speeches
    assert speech.iri == str(emit.speech_iri(doc)) and speech.source == doc.speech.source
    assert speech.title == doc.speech.title
    entities = {e.iri: e for e in rows.entities}
    assert len(entities) == len(doc.entities)
    for e in doc.entities:
        row = entities[str(emit.entity_iri(e))]
        assert (row.type, row.label, row.number) == (e.type, e.label, e.number)
        assert set(row.names("zh")) == set(e.aliases)
        assert [(m.start, m.end, m.text, m.rule) for m in sorted(e.mentions, key=lambda m: m.start)] == sorted(
            (m.start, m.end, m.text, m.rule) for m in rows.mentions if m.entity == row.iri
        )
    text = doc.text
    for m in rows.mentions:
        assert text[m.start : m.end] == m.text and m.speech == speech.iri
        sentence = rows.sentence(m.sentence)
        assert (
            sentence.start <= m.start < m.end <= sentence.end and text[sentence.start : sentence.end] == sentence.text
        )
    assert {(r.subject, r.predicate, r.object) for r in rows.relations} == {
        (a.subject, a.predicate, a.object) for a in rows.assertions
    }
    assert all(rows.sentence(a.evidence).text for a in rows.assertions) and rows.relations
    assert len(rows.sections) == len(doc.sections)


def test_the_same_rows_from_a_store_and_from_a_dataset(seed, tmp_path):
    _, ds = seed
    store = oxstore.open_store(tmp_path / "db")
    oxstore.add_dataset(store, ds)
    a, b = Rows(dataset_triples(ds)), Rows(store_triples(store))
    assert Rows.of(store).entities == b.entities
    assert a.entities == b.entities and a.speeches == b.speeches and a.sections == b.sections
    assert sorted(a.mentions, key=repr) == sorted(b.mentions, key=repr)
    assert a.relations == b.relations and a.assertions == b.assertions


def test_only_the_predicates_asked_for_are_read():
    triples = [
        ("http://e/a", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://w3id.org/speechkg#Goal", None),
        ("http://e/a", "http://www.w3.org/2004/02/skos/core#prefLabel", "五大行动", "zh"),
        ("http://e/a", "https://w3id.org/speechkg#number", "five", None),
    ]
    with pytest.raises(GraphFileError, match="skg:number 'five' is not an integer"):
        Rows(triples).entities  # noqa: B018
    (e,) = Rows(triples, [triples[0][1], triples[1][1]]).entities
    assert (e.type, e.label, e.number) == ("Goal", "五大行动", None)
