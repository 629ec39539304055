"""The one place that strings the steps together: read → segment → extract → link → rdf."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import gc
import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, URIRef

from speechkg.ontology.namespace import bind_prefixes

from . import read, segment, store, textforms
from .errors import InputError
from .extract import extract
from .extract.common import forget_texts
from .extract.dates import infer_year
from .extract.lexicon import Lexicon, builtin, load_user
from .extract.lexicon import clean as lexicon_clean
from .link import link
from .model import Doc, Speech
from .rdf import iter_triples, speech_iri
from .store import (
    CHUNKED_FORMATS,
    QUAD_FORMATS,
    check_output,
    format_for,
    nquads_by_graph,
    serialize_chunks,
    serialize_to,
    write_output,
)


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


def process(speech: Speech, lex: Lexicon | None = None) -> Doc:
    """One speech through segment → extract → link (no I/O).

    Text is analysed in a copy of the same length with simplified characters and ASCII digits
    (textforms.analysis_form), then every span is given back its original characters (see
    _restore_original)."""
    if speech.year is None:
        year = speech.date.year if speech.date else infer_year(speech.text)
        speech = dataclasses.replace(speech, year=year)
    if not speech.text.strip():
        doc = Doc(speech=speech)
        doc.warnings.append(f"{speech.source}: the speech is empty; the graph has no entities")
        return doc
    simplified = textforms.analysis_form(speech.text)
    doc = Doc(speech=dataclasses.replace(speech, text=simplified))
    segment.segment(doc)
    try:
        extract(doc, lex)
        link(doc, lex)
    finally:
        forget_texts()  # the text's word blocks and quotes, a big text's megabytes
    if simplified != speech.text:
        _restore_original(doc, speech)
    return doc


def _restore_original(doc: Doc, speech: Speech) -> None:
    """Put the original (traditional) text back under a Doc analysed in simplified form:
    spans keep their offsets and get their original characters; labels stay simplified,
    and each traditional surface form becomes an alias."""
    text = speech.text
    new = {m: dataclasses.replace(m, text=text[m.start : m.end]) for m in doc.mentions}
    doc.mentions = [new[m] for m in doc.mentions]
    doc.relations = [dataclasses.replace(r, subject=new[r.subject], object=new[r.object]) for r in doc.relations]
    doc.links = {new[m]: k for m, k in doc.links.items()}
    for e in doc.entities:
        e.mentions = [new[m] for m in e.mentions]
        e.aliases |= {lexicon_clean(m.text) for m in e.mentions} - {e.label}
        e.aliases.discard("")
    doc.sentences = [dataclasses.replace(s, text=text[s.start : s.end]) for s in doc.sentences]
    doc.sections = [dataclasses.replace(s, heading=text[s.heading_start : s.heading_end]) for s in doc.sections]
    doc.speech = speech


def lexicon_for(user_lexicon: str | None) -> Lexicon:
    lex = builtin()
    return lex.merged(load_user(user_lexicon)) if user_lexicon else lex


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
    max_bytes: int = read.DEFAULT_MAX_BYTES,
    keep_going: bool = True,
    dates: dict[str, _dt.date] | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Callable[[Speech], None] | None = None,
    output: str | None = None,
    file_timeout: float | None = None,
    fields: read.Fields | None = None,
    shard: tuple[int, int] | None = None,
    total: Callable[[int], None] | None = None,
) -> BuildResult:
    """Speech files (or `-`), and corpora of one speech per row, → a Dataset with one named
    graph per speech.

    A file or row that cannot be read, or whose reading or extraction fails in any way
    (MemoryError, RecursionError, a bug), is skipped and reported in `skipped` with one
    line when `keep_going` and other inputs remain; otherwise an InputError propagates.
    `file_timeout` (seconds) bounds the reading and the extraction of each file or row. `dates` maps file names
    (or source names, or row ids) to speech dates; `fields` names a corpus's fields (read.Fields);
    `jobs` > 1 extracts in that many processes, with the same output as one; `total` is called
    with the number of speeches to extract once all are read, `progress` once per speech done.
    `shard` (I, N) builds every N-th speech from the I-th (0-based), in input order. An `output` path
    that is one of the inputs (or otherwise unwritable, see store.check_output) is refused
    before anything is read.

    `scheduler` (tcp://HOST:PORT) extracts on that Dask cluster's workers instead, with the same
    output (see distributed); `jobs` is then not used.
    """
    result = BuildResult()
    if shard is not None and not (isinstance(shard[1], int) and shard[1] >= 1 and 0 <= shard[0] < shard[1]):
        raise InputError(f"{shard[0]}/{shard[1]} is not a shard; give I/N with 0 <= I < N")
    found = read.resolve_inputs(inputs)
    paths = found.files
    if not paths:
        raise InputError("no input given; name a speech file, a directory or - for stdin")
    result.inputs = [path for path, _ in paths] + ([user_lexicon] if user_lexicon else [])
    if output:
        check_output(output, result.inputs)
    if scheduler:  # a wrong address is told before the inputs are read
        from .distributed import check

        check(scheduler)
    result.warnings.extend(found.warnings)
    result.skipped.extend(found.unreadable)
    lex = lexicon_for(user_lexicon)
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
    extracted = _processed([s for _, s in speeches], lex, jobs, file_timeout, scheduler)
    for (path, speech), outcome in zip(speeches, extracted, strict=True):
        if isinstance(outcome, Doc):
            result.docs.append(outcome)
            if progress is not None:
                progress(outcome.speech)
            continue
        why = failure(speech.source, "extracting", outcome)
        if not keep_going or (reader.owned == 1 and not result.skipped):
            raise InputError(why)
        result.skipped.append((path, why))
    if not result.docs:
        raise InputError(
            f"none of the {reader.owned} inputs could be built; nothing was written "
            f"(first problem: {result.skipped[0][1]})"
        )
    return _finish(result)


class _Reader:
    """The speeches of a build's inputs, in order: a file is one input, and so is each row of a
    corpus (see read.Corpus). Rows are read one at a time, each within its time limit; a
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
        fields: read.Fields | None,
        shard: tuple[int, int] | None,
    ) -> None:
        self.paths, self.result, self.date, self.dates = paths, result, date, dates or {}
        self.max_bytes, self.keep_going, self.file_timeout = max_bytes, keep_going, file_timeout
        self.fields, self.shard = fields, shard
        self.count = 0  # inputs seen: files, and rows of corpora
        self.owned = 0  # of them, this shard's
        self.names = {source: read.display_name(path) for path, source in paths if not read.is_corpus(path)}

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
            if read.is_corpus(path):
                speeches.extend(self._rows(path, source, alone))
                continue
            if not self._mine():
                continue
            given = self.date or self.dates.get(source) or self.dates.get(Path(path).name)
            try:
                with deadline(timeout_for(_size(path, self.max_bytes), self.file_timeout)):
                    speech = read.read_speech(
                        path, date=given, max_bytes=self.max_bytes, source=source, warnings=self.result.warnings
                    )
                    found = in_parts(speech, self.result.warnings)
                speeches.extend((path, part) for part in found)
            except FileTimeout as exc:
                self._skip(path, failure(read.display_name(path), "reading", TimeoutError(str(exc))), alone)
            except InputError as exc:
                self._skip(path, str(exc), alone)
            except Exception as exc:  # a bug, or memory or recursion exhausted, on one file
                self._skip(path, failure(read.display_name(path), "reading", exc), alone)
        return speeches

    def _rows(self, path: str, source: str, alone: bool) -> Iterator[tuple[str, Speech]]:
        corpus = read.Corpus(
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
                        f"{read.display_name(name)[:200]!r} (one IRI); give each its own id"
                    )
                self.names[name] = row.where
            if not self._mine():
                continue
            if row.speech is None:
                self._skip(path, row.error or f"{row.where}: cannot be read")
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
    result.docs = [process(part, lex) for s in speeches for part in in_parts(s, result.warnings)]
    return _finish(result)


def in_parts(speech: Speech, warnings: list[str]) -> list[Speech]:
    """A speech too long to be written as one literal → its parts (read.parts), each its own
    speech, with the year relative dates resolve against taken from the whole; said in
    `warnings`. Any other speech → [speech]."""
    found = read.parts(speech)
    if len(found) == 1:
        return found
    year = speech.year or (speech.date.year if speech.date else infer_year(speech.text))
    found = [dataclasses.replace(part, year=year) for part in found]
    warnings.append(
        f"{read.display_name(speech.source)}: {len(speech.text.encode('utf-8', 'surrogatepass')) / 2**20:.1f} MiB "
        f"of text, more than one RDF literal may hold ({store.MAX_LITERAL_BYTES / 2**20:.1f} MiB, what strict parsers "
        f"read): built as {len(found)} speeches, {found[0].source} to {found[-1].source}, split at line ends"
    )
    return found


#: without --file-timeout, a file may take this many seconds to read or extract …
FILE_TIMEOUT_BASE = 60.0
#: … plus this many per MiB of it (extraction runs at about 3 s per MiB on one core)
FILE_TIMEOUT_PER_MIB = 10.0


def timeout_for(nbytes: int, file_timeout: float | None) -> float:
    """The time limit of a file of `nbytes` bytes: `file_timeout` when given, else one that grows
    with the file (FILE_TIMEOUT_BASE + FILE_TIMEOUT_PER_MIB per MiB), well above what a real
    speech of that size takes, so that only a pathological file reaches it."""
    if file_timeout is not None:
        return file_timeout
    return FILE_TIMEOUT_BASE + FILE_TIMEOUT_PER_MIB * nbytes / 2**20


def _size(path: str, otherwise: int) -> int:
    """A file's size in bytes (`otherwise` for standard input or what cannot be stat'ed)."""
    try:
        return Path(path).stat().st_size if path != "-" else otherwise
    except OSError:
        return otherwise


class FileTimeout(BaseException):
    """A file's reading or extraction ran past its --file-timeout (a BaseException, so no
    `except Exception` on the way swallows it)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"over the {round(seconds, 1):g} s --file-timeout")
        self.seconds = seconds


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise FileTimeout in the block after `seconds` of wall time (SIGALRM; main thread of a
    POSIX process only, else no limit). Python code is stopped between two steps; one long
    call into C (a single regular expression match) ends before it is."""
    import signal
    import threading

    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise FileTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_warm: set[int] = set()  # ids of the lexicons a short speech went through in this process


def warm_up(lex: Lexicon) -> None:
    """Load, once per process and lexicon, what every speech needs (jieba's dictionary, the
    lexicon's index) with a short speech, so that no file's time limit pays for it."""
    if id(lex) not in _warm:
        process(Speech(text="2022年1月1日，省委召开全省工会工作会议。", source="warm-up"), lex)
        _warm.add(id(lex))


def _timed_process(speech: Speech, lex: Lexicon, seconds: float | None) -> Doc:
    """process() under a deadline, started after warm_up; a FileTimeout comes back as an
    ordinary exception (one a worker process can hand to the parent)."""
    warm_up(lex)
    seconds = timeout_for(len(speech.text.encode("utf-8", "surrogatepass")), seconds)
    try:
        with deadline(seconds), _cpu_limit(seconds):
            return process(speech, lex)
    except FileTimeout as exc:
        raise TimeoutError(str(exc)) from None


@contextlib.contextmanager
def _cpu_limit(seconds: float) -> Iterator[None]:
    """In a worker process, a hard stop behind the deadline: past twice its time in CPU (a
    single call into C that SIGALRM cannot interrupt), the kernel ends the worker (SIGXCPU)
    and the pool replaces it (see _pooled). The main process is never given such a limit."""
    import multiprocessing
    import resource

    if multiprocessing.parent_process() is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    used = resource.getrusage(resource.RUSAGE_SELF)
    limit = math.ceil(used.ru_utime + used.ru_stime + 2 * seconds + 1)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def failure(name: str, stage: str, exc: BaseException) -> str:
    """One line for a file that failed unexpectedly (a bug, memory or recursion exhausted)."""
    detail = next(iter(str(exc).splitlines()), "").strip()[:200]
    kind = type(exc).__name__ + (f": {detail}" if detail else "")
    hint = "; it needs more memory than there is" if isinstance(exc, MemoryError) else ""
    return f"{name}: failed while {stage} ({kind}){hint}"


def _processed(
    speeches: list[Speech], lex: Lexicon, jobs: int, file_timeout: float | None = None, scheduler: str | None = None
) -> Iterator[Doc | Exception]:
    """Each speech's Doc, in order, or the exception that stopped it: one speech that fails
    (MemoryError, RecursionError, a bug, a time limit) costs only itself. With a `scheduler`,
    the workers of that Dask cluster extract (distributed.processed)."""
    if scheduler:
        from .distributed import processed

        yield from processed(speeches, lex, file_timeout, scheduler)
        return
    if jobs > 1 and len(speeches) > 1:
        yield from _pooled(speeches, lex, jobs, file_timeout)
        return
    for speech in speeches:
        try:
            doc = _timed_process(speech, lex, file_timeout)
        except Exception as exc:
            yield exc
        else:
            yield doc


def _pooled(speeches: list[Speech], lex: Lexicon, jobs: int, file_timeout: float | None) -> Iterator[Doc | Exception]:
    """_processed over `jobs` worker processes. A worker that dies (killed by the system for
    memory, or by its CPU limit, see _cpu_limit) breaks the whole pool: the speeches not yet
    started are given to a new pool, and each one that had started is built again alone, in a
    pool of its own; if that worker dies too, the speech alone is reported."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    started = multiprocessing.Array("b", len(speeches), lock=False)
    done: dict[int, Doc | Exception] = {}
    alone: set[int] = set()
    todo = list(range(len(speeches)))
    first = 0  # results are yielded in order, as soon as the ones before them are in
    while todo:
        batches = [[i] for i in todo if i in alone] + [[i for i in todo if i not in alone]]
        todo = []
        for batch in filter(None, batches):
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(batch)), initializer=_worker_init, initargs=(started, lex)
            ) as pool:
                futures = [(i, pool.submit(_work, i, speeches[i], file_timeout)) for i in batch]
                for i, future in futures:
                    try:
                        done[i] = future.result()
                    except BrokenProcessPool:
                        if i in alone:
                            done[i] = MemoryError(
                                "its worker process died (killed by the system for memory, "
                                "or stopped past the time limit)"
                            )
                        else:
                            if started[i]:
                                alone.add(i)
                            todo.append(i)
                    except Exception as exc:
                        done[i] = exc
                    while first in done:
                        yield done.pop(first)
                        first += 1


_started = None  # in a worker: the parent's shared flags, one per speech, set when it starts
_lexicon: Lexicon | None = None  # in a worker: the build's lexicon, sent once, not with every speech


def _worker_init(started, lex: Lexicon) -> None:
    global _started, _lexicon
    _started, _lexicon = started, lex


def _work(i: int, speech: Speech, seconds: float | None) -> Doc:
    """_timed_process in a worker, which first marks speech `i` as started. The lexicon came once
    with the worker (pickled with each task, every speech paid for its matcher being built again)."""
    _started[i] = 1
    return _timed_process(speech, _lexicon, seconds)


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
    """Serialize a build to `out` (see store.write_output), or return the bytes when `out` is `-`.
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
    from .oxstore import add_nquads, open_store

    graphs = result.graphs(compact=True, release=release)
    return add_nquads(open_store(store_dir), nquads_by_graph(graphs), done)


__all__ = ["BuildResult", "build", "build_speeches", "process", "write", "QUAD_FORMATS"]
