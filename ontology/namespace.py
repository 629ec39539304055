"""The speechkg vocabulary as a DefinedNamespace, and the prefixes every graph binds.

`SKG` fails on a misspelt term (`_fail = True`), so a typo in the library is an
AttributeError at import or first use, not a silently wrong triple.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from speechkg.ontology.types import ENTITY_TYPES as ENTITY_TYPES
from speechkg.ontology.types import ONTOLOGY_FILE as ONTOLOGY_FILE
from speechkg.ontology.types import SHAPES_FILE as SHAPES_FILE

#: Base for the IRIs of things speechkg mints (speeches, entities, mentions).
ID = Namespace("https://w3id.org/speechkg/id/")

NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")


class SKG(DefinedNamespace):
    """Classes and properties of https://w3id.org/speechkg#."""

    _fail = True
    _NS = Namespace("https://w3id.org/speechkg#")

    # classes; the entity classes are the rows of types.tsv
    _extras = list(ENTITY_TYPES)
    Entity: URIRef
    Speech: URIRef
    Section: URIRef
    Mention: URIRef
    RelationAssertion: URIRef
    Target: URIRef
    Indicator: URIRef

    # relations the contract defines
    date: URIRef
    organizer: URIRef
    chair: URIRef
    speaker: URIRef
    proposedBy: URIRef
    endorsedBy: URIRef
    # relations of our own
    ledBy: URIRef
    member: URIRef
    mentionedIn: URIRef

    # attributes
    number: URIRef
    mentionCount: URIRef
    sourceFile: URIRef
    sha256: URIRef
    heading: URIRef
    level: URIRef
    ordinal: URIRef
    section: URIRef
    hasSection: URIRef
    context: URIRef
    rule: URIRef
    confidence: URIRef
    evidence: URIRef

    # numeric targets
    goal: URIRef
    indicator: URIRef
    indicatorText: URIRef
    value: URIRef
    upperValue: URIRef
    unit: URIRef
    qualifier: URIRef
    targetYear: URIRef
    setBy: URIRef

    # positions (org:Membership)
    statedOn: URIRef
    former: URIRef


#: The relation predicates of the contract, plus our own.
RELATION_TYPES: tuple[str, ...] = (
    "date",
    "organizer",
    "chair",
    "speaker",
    "proposedBy",
    "endorsedBy",
    "ledBy",
    "member",
)

PREFIXES: dict[str, str] = {
    "skg": str(SKG._NS),
    "skgid": str(ID),
    "nif": str(NIF),
    "itsrdf": str(ITSRDF),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "time": str(TIME),
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dcterms": "http://purl.org/dc/terms/",
}


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on an rdflib graph (replacing rdflib's defaults)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
