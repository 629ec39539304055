"""RDF terms as N-Triples bytes, the sort keys of every written file; the size of a written literal;
Oxigraph's terms as rdflib's."""

from __future__ import annotations

import functools
import re

from rdflib import BNode, Literal, URIRef

from speechkg.graph.errors import OutputError

#: the longest literal (bytes as written) Oxigraph's strict parsers read back: their buffer is
#: 16 MiB, and a little is kept for the rest of the line
MAX_LITERAL_BYTES = 16 * 1024 * 1024 - 64 * 1024


_CONTROLS = re.compile("[\x00-\x1f]")


def literal_size(text: str) -> int:
    """An upper bound of the bytes `text` takes as a written literal (with its escapes)."""
    controls = len(_CONTROLS.findall(text))
    return len(text.encode("utf-8")) + 5 * controls + text.count('"') + text.count("\\") + 2


#: characters XML 1.0 cannot hold, even escaped (C0 controls but tab, LF, CR; U+FFFE, U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


#: characters pyoxigraph escapes in a literal (or cannot hold): text without them is written as it is
_ESCAPED = re.compile(r'[\x00-\x1f"\\\x7f\ufffe\uffff\ud800-\udfff]')


@functools.lru_cache(maxsize=256)
def _literal_suffix(language: str | None, datatype: str | None) -> bytes:
    """What follows the quoted text of a literal with this language or datatype (`@zh-hant`,
    `^^<…#integer>`, nothing for xsd:string), as pyoxigraph writes it (and checks it)."""
    import pyoxigraph as ox

    v = (
        ox.Literal("", language=language)
        if language
        else ox.Literal("", datatype=ox.NamedNode(datatype))
        if datatype
        else ox.Literal("")
    )
    return str(v)[2:].encode("utf-8")


def _nt(t, xml: bool = False) -> bytes:
    """The N-Triples form of an rdflib term, as pyoxigraph writes it (and checks it: an invalid
    IRI or language tag is a ValueError); for RDF/XML, characters XML 1.0 forbids become U+FFFD."""
    import pyoxigraph as ox

    if type(t) is int:  # an offset (rdf.iter_triples, compact)
        return b'"%d"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>' % t
    if type(t) is bytes:  # a speech's own node, in its N-Triples form (rdf.iter_triples, compact)
        return t
    if isinstance(t, Literal):
        text = str(t)
        if len(text) * 4 > MAX_LITERAL_BYTES and literal_size(text) > MAX_LITERAL_BYTES:
            raise OutputError(
                f"a literal of {literal_size(text) / 2**20:.1f} MiB is over the "
                f"{MAX_LITERAL_BYTES / 2**20:.1f} MiB strict parsers read; "
                "split the input into smaller parts"
            )
        if xml:
            text = _NOT_XML.sub("\ufffd", text)
        language, datatype = t.language, None if t.language or t.datatype is None else str(t.datatype)
        if not _ESCAPED.search(text):  # most text: quoted as it is, without a pyoxigraph Literal
            return b'"%s"%s' % (text.encode("utf-8"), _literal_suffix(language, datatype))
        v = (
            ox.Literal(text, language=language)
            if language
            else ox.Literal(text, datatype=ox.NamedNode(datatype))
            if datatype
            else ox.Literal(text)
        )
    elif isinstance(t, URIRef):
        v = ox.NamedNode(str(t))
    elif isinstance(t, BNode):
        v = ox.BlankNode(str(t))
    else:
        raise OutputError(f"cannot serialize the term {t!r}")
    return str(v).encode("utf-8")


class Terms:
    """rdflib terms → their N-Triples forms, found again by identity: a node in each of its
    triples, a predicate, a literal shared by several speeches. The terms are kept alive while
    cached (so no other object takes their id), at most `size` of them."""

    def __init__(self, xml: bool = False, size: int = 1 << 14) -> None:
        self.xml = xml
        self.size = size
        self.forms: dict[int, bytes] = {}
        self._kept: list = []

    def __call__(self, t) -> bytes:
        """The form of a term not found in `forms` (which hot loops look in first)."""
        if len(self._kept) >= self.size:
            self.forms.clear()
            self._kept.clear()
        form = self.forms[id(t)] = _nt(t, self.xml)
        self._kept.append(t)
        return form


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_term(t) -> object:
    """A pyoxigraph term as the rdflib term rdflib's own parsers give for it: a string literal
    without a language is a simple literal (Literal("x"), not Literal("x", datatype=xsd:string):
    one term in RDF 1.1, two unequal objects in rdflib), so what Oxigraph reads compares equal to
    what rdflib reads, and SPARQL results name no datatype for it on either engine."""
    import pyoxigraph as ox

    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        if t.datatype.value == _XSD_STRING:
            return Literal(t.value)
        return Literal(t.value, datatype=URIRef(t.datatype.value))
    return Literal(str(t))
