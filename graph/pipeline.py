"""The one place that strings the steps together: read → segment → extract → link → rdf."""
from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Dataset, URIRef

from ontology.namespace import bind_prefixes

from . import read, segment
from .errors import InputError
from .extract import extract
from .extract.dates import infer_year
from .extract.lexicon import Lexicon, builtin, load_user
from .link import link
from .model import Doc, Speech
from .rdf import speech_iri, to_graph
from .store import QUAD_FORMATS, format_for, serialize, write_atomic


@dataclass
class BuildResult:
    dataset: Dataset
    docs: list[Doc] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def process(speech: Speech, lex: Lexicon | None = None) -> Doc:
    """One speech through segment → extract → link (no I/O)."""
    if speech.year is None:
        year = speech.date.year if speech.date else infer_year(speech.text)
        speech = dataclasses.replace(speech, year=year)
    doc = Doc(speech=speech)
    if not speech.text.strip():
        doc.warnings.append(f"{speech.source}: the speech is empty; the graph has no entities")
        return doc
    segment.segment(doc)
    extract(doc, lex)
    link(doc, lex)
    return doc


def lexicon_for(user_lexicon: str | None) -> Lexicon:
    lex = builtin()
    return lex.merged(load_user(user_lexicon)) if user_lexicon else lex


def build(inputs: Iterable[str], date: _dt.date | None = None,
          user_lexicon: str | None = None, max_bytes: int = read.DEFAULT_MAX_BYTES,
          keep_going: bool = True) -> BuildResult:
    """Speech files (or `-`) → a Dataset with one named graph per speech.

    A file that cannot be read is skipped and reported in `skipped` when
    `keep_going`; otherwise its InputError propagates.
    """
    lex = lexicon_for(user_lexicon)
    ds = Dataset()
    bind_prefixes(ds)
    result = BuildResult(ds)
    paths = list(read.expand_inputs(inputs))
    if not paths:
        raise InputError("no input given; name a speech file, a directory or - for stdin")
    for path, source in paths:
        try:
            speech = read.read_speech(path, date=date, max_bytes=max_bytes, source=source)
        except InputError as exc:
            if not keep_going or len(paths) == 1:
                raise
            result.skipped.append((path, str(exc)))
            continue
        doc = process(speech, lex)
        result.docs.append(doc)
        result.warnings.extend(doc.warnings)
        to_graph(doc, ds.graph(URIRef(str(speech_iri(doc)))))
    return result


def write(result: BuildResult, out: str, fmt: str | None = None) -> bytes:
    """Serialize a build to `out` (atomically) or return the bytes when `out` is `-`."""
    fmt = format_for(out, fmt)
    data = serialize(result.dataset, fmt)
    if out != "-":
        write_atomic(out, data)
    return data


def add_to_store(result: BuildResult, store_dir: str) -> int:
    """Add each speech of a build to an on-disk Oxigraph store, replacing its named graph."""
    from .oxstore import add_dataset, open_store

    return add_dataset(open_store(store_dir), result.dataset)


__all__ = ["BuildResult", "build", "process", "write", "QUAD_FORMATS"]
