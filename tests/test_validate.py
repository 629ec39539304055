"""SHACL shapes: built graphs conform; broken graphs are caught with readable messages."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import RDF, SKOS, XSD, Graph, Literal, URIRef

from speechkg.cli import cli
from speechkg.graph import validate
from speechkg.ontology.namespace import NIF, SKG


def test_the_seed_graph_conforms(seed_ttl):
    report = validate.validate(Graph().parse(seed_ttl, format="turtle"))
    assert report.conforms, report.lines()[:5]
    r = CliRunner().invoke(cli, ["validate", str(seed_ttl)])
    assert r.exit_code == 0
    assert r.output.startswith("conforms: ") and r.output.endswith(" nodes checked against the shapes\n")


def _broken(seed_ttl) -> Graph:
    g = Graph().parse(seed_ttl, format="turtle")
    body = sorted(g.subjects(RDF.type, SKG.Body))[0]
    g.add((body, SKOS.prefLabel, Literal("第二个标签", lang="zh")))            # two prefLabels
    date = sorted(g.subjects(RDF.type, SKG.Date))[0]
    g.remove((date, RDF.value, None))                                          # Date without value
    mention = sorted(g.subjects(RDF.type, SKG.Mention))[0]
    g.set((mention, NIF.endIndex, Literal(10 ** 7, datatype=XSD.nonNegativeInteger)))  # past the text
    person = sorted(g.subjects(RDF.type, SKG.Person))[0]
    g.add((person, SKG.organizer, body))                                       # Person is no Meeting
    g.add((URIRef("https://w3id.org/speechkg/id/x"), RDF.type, SKG.Body))    # no label at all
    g.add((body, RDF.type, SKG.Campaign))                                      # two contract types
    return g


def test_broken_graphs_are_caught(seed_ttl):
    report = validate.validate(_broken(seed_ttl))
    assert not report.conforms
    text = "\n".join(report.lines())
    assert "an entity has exactly one skos:prefLabel" in text
    assert "a Date has one rdf:value" in text
    assert "text[begin:end] == anchorOf" in text
    assert "an entity has exactly one type of the contract" in text
    assert "skg:Meeting" in text or "Meeting" in text


def test_validate_command_fails_on_violations(seed_ttl, tmp_path):
    bad = tmp_path / "bad.ttl"
    _broken(seed_ttl).serialize(bad, format="turtle")
    r = CliRunner().invoke(cli, ["validate", str(bad)])
    assert r.exit_code == 1
    last = r.output.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "SHACL violation(s) in " in last


def test_integer_offsets_from_a_store_are_accepted(seed_ttl):
    g = Graph().parse(seed_ttl, format="turtle")
    offsets = [t for p in (NIF.beginIndex, NIF.endIndex) for t in g.triples((None, p, None))]
    for s, p, o in offsets:
        g.set((s, p, Literal(int(o), datatype=XSD.integer)))
    assert validate.validate(g).conforms


@pytest.mark.parametrize("text", ["", "同志们：", "“”《》（（（", "<script>alert(1)</script>"])
def test_small_and_odd_inputs_conform(text):
    from speechkg.graph.model import Speech
    from speechkg.graph.pipeline import process
    from speechkg.graph.rdf import to_graph

    assert validate.validate(to_graph(process(Speech(text, "odd.txt", year=2022)))).conforms
