"""SPARQL text that pyshacl hands rdflib in every run, parsed once.

pyshacl gives rdflib the shapes' SPARQL (the SPARQL-based targets' sh:select) as text each time it
validates, and rdflib parses text anew each time: pyparsing took about 80 ms a query, half the time
of validating one speech and again for every chunk of `validate_files`. Within `parsed_once`,
rdflib's SPARQL processor keeps each text's translated query, per namespaces and base it was
translated with: the Query object rdflib's own `prepareQuery` makes to be evaluated many times.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

#: queries kept (the shapes have two; SPARQL-based constraints added by a user add a few)
MAX_PREPARED = 64

_lock = threading.Lock()
_prepared: dict[tuple, Any] = {}
_depth = 0
_original: Any = None


def _translated(text: str, init_ns: Mapping[str, Any] | None, base: str | None):
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    key = (text, base, tuple(sorted((k, str(v)) for k, v in (init_ns or {}).items())))
    query = _prepared.get(key)
    if query is None:
        query = translateQuery(parseQuery(text), base, init_ns)
        with _lock:
            if len(_prepared) >= MAX_PREPARED:
                _prepared.clear()
            _prepared[key] = query
    return query


def _query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803 (rdflib's names)
    if isinstance(strOrQuery, str):
        strOrQuery = _translated(strOrQuery, initNs, base)
    return _original(self, strOrQuery, initBindings, initNs, base, DEBUG)


@contextmanager
def parsed_once() -> Iterator[None]:
    """rdflib's SPARQL processor keeps the queries it translates while this is entered (by any
    thread); the processor is restored when the last one leaves."""
    from rdflib.plugins.sparql.processor import SPARQLProcessor

    global _depth, _original
    with _lock:
        if _depth == 0:
            _original = SPARQLProcessor.query
            SPARQLProcessor.query = _query
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                SPARQLProcessor.query = _original
