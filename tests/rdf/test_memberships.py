"""Positions in RDF (issue 25): an org:Membership per stated post, with its person, organ, role
(zh and en labels), date, former flag and the person's mention; the shapes define it."""

from __future__ import annotations

import datetime

from rdflib import RDF, SKOS, XSD, Literal
from rdflib.namespace import PROV

from speechkg.graph.build.steps import process
from speechkg.graph.model import Speech
from speechkg.graph.quality import validate
from speechkg.graph.rdf.emit import role_iri, to_graph
from speechkg.ontology.namespace import ORG, SKG

TEXT = "国家副主席马立群出席。会见了原国务院副总理郑国平。"


def _graph():
    return to_graph(process(Speech(text=TEXT, source="posts.txt", date=datetime.date(2031, 5, 6))))


def _label(g, node, lang):
    return next(str(o) for o in g.objects(node, SKOS.prefLabel) if o.language == lang)


def test_each_post_is_a_membership():
    g = _graph()
    rows = set()
    for m in g.subjects(RDF.type, ORG.Membership):
        person, organ, role = g.value(m, ORG.member), g.value(m, ORG.organization), g.value(m, ORG.role)
        mention = g.value(m, PROV.wasDerivedFrom)
        assert g.value(mention, SKG.rule) is not None and (mention, RDF.type, SKG.Mention) in g
        assert (role, RDF.type, ORG.Role) in g
        assert {(organ, RDF.type, SKG.Body), (organ, RDF.type, ORG.Organization)} & set(
            g.triples((organ, RDF.type, None))
        )
        rows.add(
            (
                _label(g, person, "zh"),
                _label(g, organ, "zh"),
                _label(g, role, "zh"),
                _label(g, role, "en"),
                g.value(m, SKG.statedOn),
                g.value(m, SKG.former),
                str(g.value(m, SKG.rule)),
            )
        )
    day = Literal("2031-05-06", datatype=XSD.date)
    assert rows == {
        ("马立群", "中华人民共和国", "国家副主席", "Vice President", day, None, "post-title-name"),
        ("郑国平", "国务院", "副总理", "Vice Premier", day, Literal(True), "post-title-name"),
    }
    assert role_iri("副总理") == g.value(next(g.subjects(SKG.former, Literal(True))), ORG.role)


def test_an_implied_organ_the_speech_never_names_is_an_organization_not_a_body():
    """Not one of the contract's entities (the speech does not name it), but the IRI and labels of
    the Body a speech that names it has; 国务院, named (原国务院副总理), stays a Body."""
    g = _graph()
    prc = next(s for s in g.subjects(RDF.type, ORG.Organization))
    assert _label(g, prc, "zh") == "中华人民共和国" and str(prc).split("/")[-2] == "body"
    assert set(g.objects(prc, RDF.type)) == {ORG.Organization}
    assert (prc, SKG.mentionedIn, None) not in g and (None, ORG.organization, prc) in g
    assert {_label(g, b, "zh") for b in g.subjects(RDF.type, SKG.Body)} == {"国务院"}


def test_the_shapes_define_the_membership():
    g = _graph()
    report = validate.validate(g)
    assert report.conforms, report.lines()[:5]
    m = next(g.subjects(RDF.type, ORG.Membership))
    g.remove((m, ORG.member, None))  # a membership without a member
    g.add((next(g.subjects(RDF.type, ORG.Role)), SKOS.prefLabel, Literal("第二", lang="zh")))
    text = "\n".join(validate.validate(g).lines())
    assert "a membership has exactly one org:member, a Person" in text
    assert "a role has one skos:prefLabel in zh and one in en" in text
