"""SHACL shapes: built graphs conform; broken graphs are caught with readable messages."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from cli import cli
from graph import store, validate
from graph.errors import ResourceError
from ontology.namespace import NIF, SKG


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
    from graph.model import Speech
    from graph.pipeline import process
    from graph.rdf import to_graph

    assert validate.validate(to_graph(process(Speech(text, "odd.txt", year=2022)))).conforms


# ------------------------------------------------------------------ issue 12: the SPARQL checks as targets

#: the two checks as they were written before issue 12: SPARQL constraints, run once per focus node
_OLD_CONSTRAINTS = '''
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skgsh: <https://w3id.org/speechkg/shapes#> .
skgsh:Entity sh:sparql [
    sh:message "an entity has exactly one type of the contract" ;
    sh:prefixes skgsh: ;
    sh:select """
        SELECT $this WHERE {
            $this rdf:type ?t .
            FILTER (?t IN (skg:Campaign, skg:Body, skg:Goal, skg:Date, skg:Meeting, skg:Person,
                           skg:Document, skg:Concept))
        } GROUP BY $this HAVING (COUNT(DISTINCT ?t) > 1)
    """ ] .
skgsh:Mention sh:sparql [
    sh:message "a mention's offsets point into its context: text[begin:end] == anchorOf" ;
    sh:prefixes skgsh: ;
    sh:select """
        SELECT $this WHERE {
            $this nif:beginIndex ?b ; nif:endIndex ?e ; nif:anchorOf ?a ;
                  nif:referenceContext ?c .
            ?c nif:isString ?s .
            FILTER (?e > STRLEN(?s) || SUBSTR(?s, ?b + 1, ?e - ?b) != STR(?a))
        }
    """ ] .
'''


def _old_shapes() -> Graph:
    """The shapes with the two checks written as before (per-node SPARQL constraints)."""
    old = Graph()
    for prefix, ns in validate.shapes().namespaces():
        old.bind(prefix, ns)
    for t in validate.shapes():
        old.add(t)
    shapes_ns = "https://w3id.org/speechkg/shapes#"
    for name in ("EntityType", "MentionOffsets"):
        node = URIRef(shapes_ns + name)
        for target in list(old.objects(node, URIRef("http://www.w3.org/ns/shacl#target"))):
            old.remove((target, None, None))
        old.remove((node, None, None))
    return old.parse(data=_OLD_CONSTRAINTS, format="turtle")


def _lines_with(g: Graph, shapes: Graph) -> list[str]:
    from unittest import mock

    with mock.patch.object(validate, "shapes", lambda: shapes):
        return validate.validate(g).lines()


EX = "http://example.org/"


def _small() -> Graph:
    from graph.model import Speech
    from graph.pipeline import process
    from graph.rdf import to_graph

    return to_graph(process(Speech("2022年3月1日，省委召开全省工会会议，全总开展“五大行动”。", "s.txt", year=2022)))


def _first(g: Graph, cls) -> URIRef:
    return sorted(g.subjects(RDF.type, cls))[0]


def _two_types(g):
    g.add((_first(g, SKG.Body), RDF.type, SKG.Person))


def _three_types(g):
    body = _first(g, SKG.Body)
    g.add((body, RDF.type, SKG.Person))
    g.add((body, RDF.type, SKG.Concept))


def _other_type_is_fine(g):
    g.add((_first(g, SKG.Body), RDF.type, URIRef(EX + "Organization")))


def _subclass_type(g):  # counted as a contract type only when written directly, before and after
    g.add((URIRef(EX + "Union"), RDFS.subClassOf, SKG.Person))
    g.add((_first(g, SKG.Body), RDF.type, URIRef(EX + "Union")))


def _past_the_text(g):
    g.set((_first(g, SKG.Mention), NIF.endIndex, Literal(10 ** 6, datatype=XSD.nonNegativeInteger)))


def _wrong_anchor(g):
    g.set((_first(g, SKG.Mention), NIF.anchorOf, Literal("不对")))


def _store_integers_wrong(g):
    m = _first(g, SKG.Mention)
    b = int(g.value(m, NIF.beginIndex))
    g.set((m, NIF.beginIndex, Literal(b + 1, datatype=XSD.integer)))


def _second_context(g):
    m = _first(g, SKG.Mention)
    ctx = URIRef(EX + "ctx")
    g.add((ctx, RDF.type, NIF.Context))
    g.add((ctx, NIF.isString, Literal("别的文字")))
    g.add((m, NIF.referenceContext, ctx))


def _sentence_is_not_checked(g):
    g.set((_first(g, NIF.Sentence), NIF.anchorOf, Literal("不对")))


def _mention_by_subclass(g):
    s = _first(g, NIF.Sentence)
    g.add((URIRef(EX + "Quote"), RDFS.subClassOf, SKG.Mention))
    g.add((s, RDF.type, URIRef(EX + "Quote")))
    g.set((s, NIF.anchorOf, Literal("不对")))


def _not_a_number(g):
    g.set((_first(g, SKG.Mention), NIF.beginIndex, Literal("one")))


@pytest.mark.parametrize("breaking", [_two_types, _three_types, _other_type_is_fine, _subclass_type, _past_the_text,
                                      _wrong_anchor, _store_integers_wrong, _second_context,
                                      _sentence_is_not_checked, _mention_by_subclass, _not_a_number])
def test_the_sparql_checks_report_what_the_per_node_constraints_reported(breaking):
    g = _small()
    assert validate.validate(g).conforms
    breaking(g)
    new, old = _lines_with(g, validate.shapes()), _lines_with(g, _old_shapes())
    assert new == old
    expected = {_two_types: "exactly one type of the contract", _three_types: "exactly one type of the contract",
                _past_the_text: "text[begin:end] == anchorOf", _wrong_anchor: "text[begin:end] == anchorOf",
                _store_integers_wrong: "text[begin:end] == anchorOf", _second_context: "text[begin:end] == anchorOf",
                _mention_by_subclass: "text[begin:end] == anchorOf"}.get(breaking)
    if expected:
        assert sum(expected in line for line in new) == 1, new


def test_the_seed_validates_in_well_under_the_old_time(seed_ttl):
    import time

    g = Graph().parse(seed_ttl, format="turtle")
    t = time.perf_counter()
    assert validate.validate(g).conforms
    assert time.perf_counter() - t < 3  # 7-10 s with the per-node SPARQL constraints


def test_out_of_memory_while_reading_a_graph_is_not_called_unreadable(seed_ttl, monkeypatch):
    def no_memory(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(Graph, "parse", no_memory)
    with pytest.raises(ResourceError, match=r"out of memory reading it \(0 MB as written\); free memory, or split"):
        store.load(str(seed_ttl))
