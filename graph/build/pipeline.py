"""The build: inputs → speeches → graphs, strung together once (read → segment → extract → link → rdf), and written."""

from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, URIRef

from speechkg.graph.build import steps
from speechkg.graph.build.limits import FileTimeout, deadline, failure, file_size, timeout_for
from speechkg.graph.build.parts import in_parts
from speechkg.graph.build.steps import lexicon_for
from speechkg.graph.build.workers import extracted_docs
from speechkg.graph.errors import InputError
from speechkg.graph.extract.lexicon import Lexicon
from speechkg.graph.extract.ner import DEFAULT_MODEL
from speechkg.graph.model import Doc, Speech
from speechkg.graph.rdf.emit import iter_triples, speech_iri
from speechkg.graph.rdf.formats import CHUNKED_FORMATS, format_for
from speechkg.graph.rdf.output import check_output, write_output
from speechkg.graph.rdf.write import nquads_by_graph, serialize_chunks, serialize_to
from speechkg.graph.read import reader
from speechkg.graph.read.corpus import Corpus, Fields, is_corpus
from speechkg.graph.read.decode import DEFAULT_MAX_BYTES, display_name
from speechkg.graph.read.inputs import resolve_inputs
from speechkg.ontology.namespace import bind_prefixes


@dataclass
class BuildResult:
    """The speeches built, their warnings and skipped files; the graph as quads (fast to
    write) and, on first use, as an rdflib Dataset with one named graph per speech."""

    docs: list[Doc] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)  # files read, which an output must not overwrite
    _dataset: Dataset | None = None

    def graphs(self, compact: bool = False, release: bool = False) -> Iterator[tuple[URIRef, Iterator[tuple]]]:
        """(speech graph name, its triples), speech by speech, made as they are asked for
        (with `compact`, the terms store's writer takes: see rdf.iter_triples).

        With `release`, the speeches leave `docs` as they are handed on, and each is freed once
        its triples are read: a writer then never holds a big speech and its sorted lines at
        once (the build is not usable after)."""
        if not release:
            for doc in self.docs:
                yield URIRef(str(speech_iri(doc))), iter_triples(doc, compact)
            return
        docs, self.docs = self.docs[::-1], []
        while docs:
            doc = docs.pop()
            item = URIRef(str(speech_iri(doc))), iter_triples(doc, compact)
            del doc  # the triples' generator holds it until it is read through
            yield item

    @property
    def quads(self) -> Iterator[tuple]:
        for g, ts in self.graphs():
            for s, p, o in ts:
                yield s, p, o, g

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            ds = Dataset(default_union=True)
            bind_prefixes(ds)
            for g, ts in self.graphs():
                graph = ds.graph(g)
                for t in ts:
                    graph.add(t)
            self._dataset = ds
        return self._dataset


@contextlib.contextmanager
def _batch() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch of speeches: every speech built
    stays alive until the corpus is written, and the collector would rescan them all again
    and again (3 MB corpus: 13 s → 9 s without it). Speeches and triples hold no reference
    cycles, so reference counting frees what is dropped; the collector runs again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_shard(value: str) -> tuple[int, int]:
    """ "I/N" (0 <= I < N) → (I, N), or an InputError."""
    i, _, n = value.partition("/")
    if not (i.isdigit() and n.isdigit() and int(i) < int(n)):
        raise InputError(f"{value!r} is not a shard; give I/N with 0 <= I < N, e.g. 0/4")
    return int(i), int(n)


@_batch()
def build(
    inputs: Iterable[str],
    date: _dt.date | None = None,
    user_lexicon: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    keep_going: bool = True,
    dates: dict[str, _dt.date] | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Callable[[Speech], None] | None = None,
    output: str | None = None,
    file_timeout: float | None = None,
    fields: Fields | None = None,
    shard: tuple[int, int] | None = None,
    total: Callable[[int], None] | None = None,
    ner: str = DEFAULT_MODEL,
) -> BuildResult:
    """Speech files (or `-`), and corpora of one speech per row, → a Dataset with one named
    graph per speech.

    A file or row that cannot be read, or whose reading or extraction fails in any way
    (MemoryError, RecursionError, a bug), is skipped and reported in `skipped` with one
    line when `keep_going` and other inputs remain; otherwise an InputError propagates.
    `file_timeout` (seconds) bounds the reading and the extraction of each file or row. `dates` maps file names
    (or source names, or row ids) to speech dates; `fields` names a corpus's fields (read.corpus.Fields);
    `jobs` > 1 extracts in that many processes, with the same output as one; `total` is called
    with the number of speeches to extract once all are read, `progress` once per speech done.
    `shard` (I, N) builds every N-th speech from the I-th (0-based), in input order. An `output` path
    that is one of the inputs (or otherwise unwritable, see rdf.output.check_output) is refused
    before anything is read.

    `scheduler` (tcp://HOST:PORT) extracts on that Dask cluster's workers instead, with the same
    output (see distributed); `jobs` is then not used. `ner` names the trained name model read
    beside the rules ("none": the rules alone).
    """
    result, paths = _start(inputs, user_lexicon, output, scheduler, shard)
    lex = lexicon_for(user_lexicon, ner)
    reader = _Reader(paths, result, date, dates, max_bytes, keep_going, file_timeout, fields, shard)
    speeches = reader.read()
    if not speeches:
        if reader.owned == 0:  # a shard with no speech of its own: an empty graph
            return _finish(result)
        raise InputError(
            f"none of the {reader.owned} inputs could be read; nothing was written "
            f"(first problem: {result.skipped[0][1]})"
        )
    if total is not None:
        total(len(speeches))
    extracted = extracted_docs([s for _, s in speeches], lex, jobs, file_timeout, scheduler)
    _keep_extracted(result, speeches, extracted, keep_going, reader.owned, progress)
    if not result.docs:
        raise InputError(
            f"none of the {reader.owned} inputs could be built; nothing was written "
            f"(first problem: {result.skipped[0][1]})"
        )
    return _finish(result)


def _start(
    inputs: Iterable[str],
    user_lexicon: str | None,
    output: str | None,
    scheduler: str | None,
    shard: tuple[int, int] | None,
) -> tuple[BuildResult, list[tuple[str, str]]]:
    """A build's result, begun with what finding its inputs told, and the inputs found; the
    checks made before any input is read (the shard, the output, the scheduler's address)."""
    result = BuildResult()
    if shard is not None and not (isinstance(shard[1], int) and shard[1] >= 1 and 0 <= shard[0] < shard[1]):
        raise InputError(f"{shard[0]}/{shard[1]} is not a shard; give I/N with 0 <= I < N")
    found = resolve_inputs(inputs)
    paths = found.files
    if not paths:
        raise InputError("no input given; name a speech file, a directory or - for stdin")
    result.inputs = [path for path, _ in paths] + ([user_lexicon] if user_lexicon else [])
    if output:
        check_output(output, result.inputs)
    if scheduler:  # a wrong address is told before the inputs are read
        from speechkg.graph.build.reach import check

        check(scheduler)
    result.warnings.extend(found.warnings)
    result.skipped.extend(found.unreadable)
    return result, paths


def _keep_extracted(
    result: BuildResult,
    speeches: list[tuple[str, Speech]],
    extracted: Iterable[object],
    keep_going: bool,
    owned: int,
    progress: Callable[[Speech], None] | None,
) -> None:
    """Each speech's Doc into `result.docs` (told to `progress`), in input order. A speech whose
    extraction failed is skipped and reported when `keep_going`, unless it is the only input
    (`owned` is the build's count) and nothing was skipped before: then, as without
    `keep_going`, an InputError."""
    for (path, speech), outcome in zip(speeches, extracted, strict=True):
        if isinstance(outcome, Doc):
            result.docs.append(outcome)
            if progress is not None:
                progress(outcome.speech)
            continue
        why = failure(speech.source, "extracting", outcome)
        if not keep_going or (owned == 1 and not result.skipped):
            raise InputError(why)
        result.skipped.append((path, why))


#: the bad rows of a corpus reported one line each; the others are counted
BAD_ROWS_LISTED = 20


class _Reader:
    """The speeches of a build's inputs, in order: a file is one input, and so is each row of a
    corpus (see read.corpus.Corpus). Rows are read one at a time, each within its time limit; a
    shard keeps only its own speeches (every row is still read, so that every shard knows
    every id). Two inputs that would be one speech (the same id, or a row's id a file's name)
    are an error naming both."""

    def __init__(
        self,
        paths: list[tuple[str, str]],
        result: BuildResult,
        date: _dt.date | None,
        dates: dict[str, _dt.date] | None,
        max_bytes: int,
        keep_going: bool,
        file_timeout: float | None,
        fields: Fields | None,
        shard: tuple[int, int] | None,
    ) -> None:
        self.paths, self.result, self.date, self.dates = paths, result, date, dates or {}
        self.max_bytes, self.keep_going, self.file_timeout = max_bytes, keep_going, file_timeout
        self.fields, self.shard = fields, shard
        self.count = 0  # inputs seen: files, and rows of corpora
        self.bad = 0  # bad rows of the corpus being read
        self.owned = 0  # of them, this shard's
        self.names = {source: display_name(path) for path, source in paths if not is_corpus(path)}

    def _mine(self) -> bool:
        """Count one more input; whether it is this shard's."""
        i = self.count
        self.count += 1
        mine = self.shard is None or i % self.shard[1] == self.shard[0]
        self.owned += mine
        return mine

    def _skip(self, path: str, why: str, alone: bool = False) -> None:
        """Report an input that cannot be built; raise when nothing else can be (`alone`: the
        only input, and nothing skipped before)."""
        if not self.keep_going or (alone and not self.result.skipped):
            raise InputError(why)
        self.result.skipped.append((path, why))

    def read(self) -> list[tuple[str, Speech]]:
        speeches: list[tuple[str, Speech]] = []
        alone = len(self.paths) == 1
        for path, source in self.paths:
            if is_corpus(path):
                speeches.extend(self._rows(path, source, alone))
                continue
            if not self._mine():
                continue
            given = self.date or self.dates.get(source) or self.dates.get(Path(path).name)
            try:
                with deadline(timeout_for(file_size(path, self.max_bytes), self.file_timeout)):
                    speech = reader.read_speech(
                        path, date=given, max_bytes=self.max_bytes, source=source, warnings=self.result.warnings
                    )
                    found = in_parts(speech, self.result.warnings)
                speeches.extend((path, part) for part in found)
            except FileTimeout as exc:
                self._skip(path, failure(display_name(path), "reading", TimeoutError(str(exc))), alone)
            except InputError as exc:
                self._skip(path, str(exc), alone)
            except Exception as exc:  # a bug, or memory or recursion exhausted, on one file
                self._skip(path, failure(display_name(path), "reading", exc), alone)
        return speeches

    def _rows(self, path: str, source: str, alone: bool) -> Iterator[tuple[str, Speech]]:
        """The speeches of a corpus's rows; of its bad rows, the first BAD_ROWS_LISTED are
        reported one line each and the others counted in one line (a corpus of a million bad
        rows would hold a million messages)."""
        self.bad = 0
        yield from self._corpus_rows(path, source, alone)
        if self.bad > BAD_ROWS_LISTED:
            more = self.bad - BAD_ROWS_LISTED
            self.result.skipped.append(
                (path, f"{display_name(path)}: {more:,} more bad rows, not listed (the first {BAD_ROWS_LISTED} are)")
            )

    def _corpus_rows(self, path: str, source: str, alone: bool) -> Iterator[tuple[str, Speech]]:
        corpus = Corpus(
            path, source, self.fields, self.max_bytes, date_for=lambda name: self.date or self.dates.get(name)
        )
        rows = iter(corpus)
        seconds = timeout_for(self.max_bytes, self.file_timeout)
        first = self.count
        while True:
            try:
                with deadline(seconds):
                    row = next(rows, None)
            except FileTimeout as exc:
                self._skip(
                    path,
                    f"{corpus.where}: reading it took longer than the {exc.seconds:g} s limit "
                    "(--file-timeout); the rows after it were not read",
                )
                return
            except InputError as exc:
                self._skip(path, str(exc), alone and self.count == first)
                return
            except Exception as exc:  # a bug, or memory or recursion exhausted, on one row
                self._skip(
                    path,
                    failure(corpus.where, "reading", exc) + "; the rows after it were not read",
                    alone and self.count == first,
                )
                return
            if row is None:
                return
            if row.speech is not None:
                name = row.speech.source
                if name in self.names:
                    raise InputError(
                        f"{self.names[name]} and {row.where} would be one speech named "
                        f"{display_name(name)[:200]!r} (one IRI); give each its own id"
                    )
                self.names[name] = row.where
            if not self._mine():
                continue
            if row.speech is None:
                self.bad += 1
                if self.bad <= BAD_ROWS_LISTED:
                    self._skip(path, row.error or f"{row.where}: cannot be read")
                elif not self.keep_going:
                    raise InputError(row.error or f"{row.where}: cannot be read")
            else:
                for part in in_parts(row.speech, self.result.warnings):
                    yield path, part


def _finish(result: BuildResult) -> BuildResult:
    """What a corpus needs once all its speeches are built: one label per shared entity, the
    speeches' warnings gathered."""
    one_label_per_entity(result.docs)
    for doc in result.docs:
        result.warnings.extend(doc.warnings)
    return result


@_batch()
def build_speeches(speeches: Iterable[Speech], lex: Lexicon | None = None) -> BuildResult:
    """Speeches already in memory (texts given from Python) → the build `build` makes of files."""
    result = BuildResult()
    result.docs = [steps.process(part, lex) for s in speeches for part in in_parts(s, result.warnings)]
    return _finish(result)


def one_label_per_entity(docs: list[Doc]) -> None:
    """An entity shared by several speeches gets one prefLabel in all of them: the fullest
    form any of them uses (the others stay altLabels), so a corpus graph has one label per IRI."""
    best: dict[str, str] = {}
    for doc in docs:
        for e in doc.entities:
            if e.type != "Date":
                cur = best.get(e.key)
                if cur is None or (len(e.label), e.label) > (len(cur), cur):
                    best[e.key] = e.label
    for doc in docs:
        for e in doc.entities:
            label = best.get(e.key)
            if label is not None and label != e.label:
                e.aliases = (e.aliases | {e.label}) - {label}
                e.label = label


@_batch()
def write(result: BuildResult, out: str, fmt: str | None = None, release: bool = False) -> bytes:
    """Serialize a build to `out` (see rdf.output.write_output), or return the bytes when `out` is `-`.
    With `release`, each speech is freed as it is written (BuildResult.graphs), and the build
    is empty after: what a caller that needs nothing more of it saves in memory."""
    fmt = format_for(out, fmt)
    graphs = result.graphs(compact=True, release=release)
    if fmt in CHUNKED_FORMATS:  # speech by speech: a corpus never sits in memory twice
        chunks = serialize_chunks(graphs, fmt)
        if out != "-":
            write_output(out, chunks, result.inputs)
            return b""
        return b"".join(chunks)
    if out != "-":  # written as it is made, the triples held compactly, speech by speech
        write_output(out, lambda fh: serialize_to(fh, graphs, fmt), result.inputs)
        return b""
    buf = io.BytesIO()
    serialize_to(buf, graphs, fmt)
    return buf.getvalue()


@_batch()
def add_to_store(
    result: BuildResult, store_dir: str, done: Callable[[], None] | None = None, release: bool = False
) -> int:
    """Add each speech of a build to an on-disk Oxigraph store, replacing its named graph, with
    the store's default graph kept their merge: the N-Quads `write` makes, bulk-loaded batch by
    batch (oxstore.add_nquads; `done` is called for each speech once it is in). The store is the
    one `speechkg load` makes of those N-Quads. `release` as for write. Returns the number of
    quads loaded."""
    from speechkg.graph.rdf.oxstore import add_nquads, open_store

    graphs = result.graphs(compact=True, release=release)
    return add_nquads(open_store(store_dir), nquads_by_graph(graphs), done)


__all__ = ["BuildResult", "build", "build_speeches", "write"]
