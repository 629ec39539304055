"""The RDF formats speechkg reads and writes: one registry of names, suffixes and kinds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from speechkg.graph.errors import OutputError


@dataclass(frozen=True)
class RdfFormat:
    """One RDF format speechkg reads and writes, with everything the readers and writers need to
    know of it. Adding a format is one `register` call."""

    name: str
    #: rdflib's parser and serializer name
    rdflib: str
    #: the name of Oxigraph's RdfFormat member (a name, so that this table needs no pyoxigraph)
    oxigraph: str
    #: file suffixes read as this format; the first is the one written
    suffixes: tuple[str, ...]
    #: keeps named graphs (one per speech)
    quads: bool = False
    #: written speech by speech (write.serialize_chunks), so a corpus is never held whole
    chunked: bool = False
    #: one statement a line: the sorted lines are the file, no serializer runs
    line_based: bool = False
    #: written with the project's prefixes
    prefixed: bool = True
    #: literals must be XML 1.0 characters
    xml: bool = False


#: format name → its entry, in the order formats are listed to users
REGISTRY: dict[str, RdfFormat] = {}
#: format name → (rdflib serializer name, default suffix)
FORMATS: dict[str, tuple[str, str]] = {}
#: file suffix → format name
SUFFIXES: dict[str, str] = {}
#: format name → the name of Oxigraph's RdfFormat for it
OX_FORMAT_NAMES: dict[str, str] = {}
#: formats that keep named graphs
QUAD_FORMATS: set[str] = set()
#: formats written speech by speech (serialize_chunks)
CHUNKED_FORMATS: set[str] = set()


def register(fmt: RdfFormat) -> None:
    """Add a format (or replace the one of that name) to the registry and the tables made of it."""
    REGISTRY[fmt.name] = fmt
    FORMATS[fmt.name] = (fmt.rdflib, fmt.suffixes[0])
    OX_FORMAT_NAMES[fmt.name] = fmt.oxigraph
    for suffix in fmt.suffixes:
        SUFFIXES[suffix] = fmt.name
    for table, member in ((QUAD_FORMATS, fmt.quads), (CHUNKED_FORMATS, fmt.chunked)):
        (table.add if member else table.discard)(fmt.name)


def unregister(name: str) -> None:
    """Remove a format from the registry and its tables."""
    fmt = REGISTRY.pop(name)
    for table in (FORMATS, OX_FORMAT_NAMES):
        table.pop(name)
    for suffix in fmt.suffixes:
        if SUFFIXES.get(suffix) == name:
            del SUFFIXES[suffix]
    QUAD_FORMATS.discard(name)
    CHUNKED_FORMATS.discard(name)


for _fmt in (
    RdfFormat("turtle", "turtle", "TURTLE", (".ttl", ".turtle")),
    RdfFormat("nt", "nt", "N_TRIPLES", (".nt",), chunked=True, line_based=True, prefixed=False),
    RdfFormat("nquads", "nquads", "N_QUADS", (".nq",), quads=True, chunked=True, line_based=True, prefixed=False),
    RdfFormat("trig", "trig", "TRIG", (".trig",), quads=True, chunked=True),
    RdfFormat("jsonld", "json-ld", "JSON_LD", (".jsonld", ".json"), quads=True),
    RdfFormat("xml", "xml", "RDF_XML", (".rdf", ".owl", ".xml"), xml=True),
):
    register(_fmt)


def format_for(path: str | None, fmt: str | None = None) -> str:
    """The format to use: given explicitly, else from the file suffix, else Turtle."""
    if fmt:
        if fmt not in FORMATS:
            raise OutputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        return fmt
    if path and path != "-":
        suffix = Path(path).suffix.lower()
        if suffix in SUFFIXES:
            return SUFFIXES[suffix]
    return "turtle"
