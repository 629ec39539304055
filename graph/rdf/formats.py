"""The RDF formats speechkg reads and writes: one registry of names, suffixes and kinds."""

from __future__ import annotations

from pathlib import Path

from speechkg.graph.errors import OutputError

#: format name → (rdflib serializer name, default suffix)
FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", ".ttl"),
    "nt": ("nt", ".nt"),
    "nquads": ("nquads", ".nq"),
    "trig": ("trig", ".trig"),
    "jsonld": ("json-ld", ".jsonld"),
    "xml": ("xml", ".rdf"),
}


SUFFIXES: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


#: format name → the name of Oxigraph's RdfFormat for it (a name, so that this table needs no
#: pyoxigraph import)
OX_FORMAT_NAMES: dict[str, str] = {
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "jsonld": "JSON_LD",
    "xml": "RDF_XML",
}
#: formats that keep named graphs
QUAD_FORMATS = ("trig", "nquads", "jsonld")


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


#: formats written speech by speech (serialize_chunks)
CHUNKED_FORMATS = ("nquads", "trig", "nt")
