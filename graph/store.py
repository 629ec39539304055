"""Reading and writing graphs in the standard RDF formats, deterministically and atomically.

Writes go to a temporary file beside the target and are renamed over it only when
complete, so a failed or interrupted build leaves the previous file as it was.
Serializations are byte-identical for the same triples: they are sorted by their N-Triples
forms, which are the lines of N-Triples and N-Quads, and which Oxigraph's serializers (fast,
and strict about what they write) read back for the other formats. The triples are held as
numbers while they are sorted and the output is written as it is made, so memory grows with
the triples by some 150 bytes each, not with their terms and text.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import functools
import io
import itertools
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager

from speechkg.ontology.namespace import bind_prefixes

from .errors import GraphFileError, OutputError, ResourceError

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
#: the longest literal (bytes as written) Oxigraph's strict parsers read back: their buffer is
#: 16 MiB, and a little is kept for the rest of the line
MAX_LITERAL_BYTES = 16 * 1024 * 1024 - 64 * 1024


_CONTROLS = re.compile("[\x00-\x1f]")


def literal_size(text: str) -> int:
    """An upper bound of the bytes `text` takes as a written literal (with its escapes)."""
    controls = len(_CONTROLS.findall(text))
    return len(text.encode("utf-8")) + 5 * controls + text.count('"') + text.count("\\") + 2


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


def _quads(data) -> Iterable[tuple]:
    """(s, p, o, g) tuples from a Graph, a Dataset, or an iterable of such tuples."""
    if isinstance(data, Dataset):
        return (
            (s, p, o, c.identifier if hasattr(c, "identifier") else c)
            for s, p, o, c in data.quads((None, None, None, None))
        )
    if isinstance(data, Graph):
        return ((s, p, o, None) for s, p, o in data)
    return iter(data)


#: characters XML 1.0 cannot hold, even escaped (C0 controls but tab, LF, CR; U+FFFE, U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_OX_FORMAT_NAMES = {
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "jsonld": "JSON_LD",
    "xml": "RDF_XML",
}


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


class _Terms:
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


#: quads a writer holds at once (about 80 bytes each, 130 while they are sorted); past it, each
#: run of that many is sorted into a temporary file and the runs are merged (an external sort):
#: a speech of millions of triples is written in bounded memory, the same bytes
RUN_QUADS = 1 << 19


class _Sorted:
    """Quads (or triples) gathered compactly, then given back as sorted N-Quads (N-Triples)
    lines, each once: the order of a written file, the same on every run.

    Each distinct term is kept once, as its N-Triples form, and each quad as four numbers
    (16 bytes), not as rdflib and pyoxigraph objects. The order is that of the (graph, subject,
    predicate, object) N-Triples forms, which tell every term apart (an IRI from a string, "1"
    from 1, @zh from @zh-Hant); the default graph sorts first. Past RUN_QUADS quads, the runs
    go sorted to temporary files, merged when the lines are asked for."""

    def __init__(self, quad_format: bool, terms: _Terms, one_graph: bool = False) -> None:
        from array import array

        self.quad_format = quad_format
        # runs of several graphs' quads hold each line after its graph's form, to merge in order
        self.graph_first = quad_format and not one_graph
        self.terms = terms
        self.nt: list[bytes] = [b""]  # term number → N-Triples form; 0 is the default graph
        self.numbers: dict[bytes, int] = {}  # N-Triples form → term number
        self.ids = array("I")  # (g, s, p, o) or (s, p, o) numbers, one after another
        self.run_quads = RUN_QUADS
        self.runs: list[BinaryIO] = []  # sorted runs written out, each a temporary file

    def _number(self, form: bytes) -> int:
        n = self.numbers[form] = len(self.nt)
        self.nt.append(form)
        return n

    def add(self, triples: Iterable[tuple], graph=None) -> None:
        """Add (s, p, o) triples of the graph named `graph` (None: the default graph)."""
        it = iter(triples)
        while self._add_run(it, graph):
            self._spill()

    def _add_run(self, triples: Iterator[tuple], graph) -> bool:
        """Add triples until they end (False) or the run is full (True)."""
        numbers, terms, append = self.numbers, self.terms, self.ids.append
        form_of, number_of, number = terms.forms.get, numbers.get, self._number
        width = 4 if self.quad_format else 3
        room = self.run_quads - len(self.ids) // width
        if self.quad_format:
            g = 0
            if graph is not None and str(graph) != "urn:x-rdflib:default":
                f = form_of(id(graph)) or terms(graph)
                g = number_of(f) or number(f)
        # the lookups are inlined (a form is never empty, and only the default graph's number
        # is 0): millions of calls cost more than the work they do
        before = len(self.ids)
        for s, p, o in itertools.islice(triples, max(room, 1)):
            if self.quad_format:
                append(g)
            f = form_of(id(s)) or terms(s)
            append(number_of(f) or number(f))
            f = form_of(id(p)) or terms(p)
            append(number_of(f) or number(f))
            f = form_of(id(o)) or terms(o)
            append(number_of(f) or number(f))
        return (len(self.ids) - before) // width >= room

    def add_quads(self, quads: Iterable[tuple]) -> None:
        """Add (s, p, o, graph) quads, a run of quads of one graph at a time (the run's first
        quad keeps its graph alive, so no other graph has its id meanwhile)."""
        for _, run in itertools.groupby(quads, key=lambda q: id(q[3])):
            first = next(run)
            self.add(itertools.chain([first[:3]], (q[:3] for q in run)), first[3])  # noqa: B031 — read once

    def chunks(self, seen: set[bytes] | None = None, local: str | None = None) -> Iterator[bytes]:
        """The sorted lines, each once, some thousands to a chunk; what was gathered is
        released as it is sorted. `seen` holds the lines written by earlier calls, which are
        skipped, and gets this call's lines added, except those about nodes under the IRI
        `local` (a speech's own mentions and sentences, which no other speech has)."""
        batches = self._merged() if self.runs else self._sorted_lines()
        own = f"<{local}".encode() if local else None
        for batch in batches:
            if seen is not None:
                kept = []
                for line in batch:  # a line starts with its subject's form
                    if not (own and line.startswith(own)):
                        if line in seen:
                            continue
                        seen.add(line)
                    kept.append(line)
                batch = kept
            if batch:
                yield b"".join(batch)

    def _sorted_lines(self, graph_first: bool = False) -> Iterator[list[bytes]]:
        """The lines of what is held, sorted, each once, in lists of up to _CHUNK_LINES; it is
        released as it is sorted. With `graph_first`, each line comes after its graph's form
        and a space: lines of several graphs then sort as their quads do, as bytes."""
        from array import array

        nt, ids = self.nt, self.ids
        self.nt, self.numbers, self.ids = [b""], {}, array("I")
        # each term number → its rank among the sorted forms
        order = sorted(range(len(nt)), key=nt.__getitem__)
        rank = array("I", bytes(4 * len(nt)))
        for i, n in enumerate(order):
            rank[n] = i
        forms = [nt[n] for n in order]
        del order, nt
        # a quad → one integer that sorts as the quad does
        bits = max(1, (len(forms) - 1).bit_length())
        r = rank.__getitem__
        it = iter(ids)
        if self.quad_format:
            keys = [
                (((r(g) << bits | r(s)) << bits | r(p)) << bits) | r(o)
                for g, s, p, o in zip(it, it, it, it, strict=True)
            ]
        else:
            keys = [((r(s) << bits | r(p)) << bits) | r(o) for s, p, o in zip(it, it, it, strict=True)]
        del ids, rank, it
        keys.sort()
        mask, bits2, bits3 = (1 << bits) - 1, 2 * bits, 3 * bits
        quad_format, prev = self.quad_format, -1
        batch: list[bytes] = []
        for k in keys:
            if k == prev:
                continue
            prev = k
            s, p, o = forms[k >> bits2 & mask], forms[k >> bits & mask], forms[k & mask]
            g = forms[k >> bits3] if quad_format else b""
            line = b"%s %s %s %s .\n" % (s, p, o, g) if g else b"%s %s %s .\n" % (s, p, o)
            batch.append(b"%s %s" % (g, line) if graph_first else line)
            if len(batch) == _CHUNK_LINES:
                yield batch
                batch = []
        if batch:
            yield batch

    def _spill(self) -> None:
        """Write what is held, sorted, to a new run (a temporary file, gone when closed)."""
        import tempfile

        if not self.ids:
            return
        try:
            fh = tempfile.TemporaryFile(buffering=0)  # each batch, megabytes, in one write
            self.runs.append(fh)
            for batch in self._sorted_lines(self.graph_first):
                fh.write(b"".join(batch))
            fh.seek(0)
        except OSError as exc:
            self.close()
            raise OutputError(
                f"cannot write the writer's temporary files in {tempfile.gettempdir()} ({exc.strerror}); "
                "set TMPDIR to a directory with room"
            ) from None

    def _merged(self) -> Iterator[list[bytes]]:
        """The runs' lines and those still held, merged in order, each once, in lists; the runs
        are closed (and so removed) at the end."""
        try:
            readers = [io.BufferedReader(fh, 1 << 16) for fh in self.runs]
            runs = [iter(functools.partial(r.readlines, 1 << 16), []) for r in readers]
            for batch in _merge_sorted([*runs, self._sorted_lines(self.graph_first)]):
                yield [line[line.index(b" ") + 1 :] for line in batch] if self.graph_first else batch
        finally:
            self.close()

    def close(self) -> None:
        """Remove the runs written so far."""
        for fh in self.runs:
            fh.close()
        self.runs = []


def _merge_sorted(runs: list[Iterator[list[bytes]]]) -> Iterator[list[bytes]]:
    """Runs of sorted lines, each line once in a run, each run given as lists of lines →
    their lines in order, each once, in lists. Round by round, every run's lines up to the
    least of the runs' current last lines are taken and sorted together (sorting sorted pieces
    is merging them, in C): a merge line by line in Python costs a microsecond a line."""
    current = []  # [lines, position, run] of each run not yet read through
    for run in runs:
        lines = next(run, None)
        if lines:
            current.append([lines, 0, run])
    while current:
        bound = min(lines[-1] for lines, _, _ in current)
        out: list[bytes] = []
        for c in current:
            lines, pos, run = c
            end = bisect.bisect_right(lines, bound, pos)
            out.extend(lines[pos:end])
            if end == len(lines):  # its last line was the bound: its next lines are all past it
                c[0], c[1] = next(run, None), 0
            else:
                c[1] = end
        current = [c for c in current if c[0]]
        out.sort()
        yield list(dict.fromkeys(out))  # a line in two runs is twice in the same round


#: lines per chunk handed on (N-Triples and N-Quads are written as they come)
_CHUNK_LINES = 8192


def _write_sorted(sorted_quads: _Sorted, fmt: str, out: BinaryIO) -> None:
    """Write the gathered quads to `out` in `fmt`: N-Triples and N-Quads line by line; the other
    formats by Oxigraph's serializer, fed the lines read back by its N-Quads parser."""
    import pyoxigraph as ox

    from speechkg.ontology.namespace import PREFIXES

    chunks = sorted_quads.chunks()
    if fmt in ("nt", "nquads"):
        for chunk in chunks:
            out.write(chunk)
        return
    parsed = itertools.chain.from_iterable(
        ox.parse(chunk, format=ox.RdfFormat.N_QUADS, lenient=True) for chunk in chunks
    )
    prefixes = PREFIXES if fmt in ("turtle", "trig", "xml", "jsonld") else None
    ox.serialize(parsed, out, format=getattr(ox.RdfFormat, _OX_FORMAT_NAMES[fmt]), prefixes=prefixes)


def _gathered(fmt: str) -> _Sorted:
    if fmt not in FORMATS:
        raise OutputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _Sorted(fmt in QUAD_FORMATS, _Terms(xml=fmt == "xml"))


def serialize_to(out: BinaryIO, graphs: Iterable[tuple[object, Iterable[tuple]]], fmt: str) -> None:
    """(graph name, triples) pairs (a speech each, say: each is read once, as it comes) → the
    binary file `out` in `fmt`, as serialize writes them. The triples are held compactly, not
    as terms, and the output is written as it is made."""
    gathered = _gathered(fmt)
    for name, triples in graphs:
        gathered.add(triples, name)
    _write_sorted(gathered, fmt, out)


def serialize(data, fmt: str) -> bytes:
    """A Graph, Dataset or iterable of (s, p, o, graph) → bytes in `fmt`, byte-identical for
    the same triples. Oxigraph's serializers write them, fed in sorted order; triple-only
    formats get the merge of all graphs."""
    gathered = _gathered(fmt)
    if isinstance(data, Graph) and not isinstance(data, Dataset):
        gathered.add(data)
    else:
        gathered.add_quads(_quads(data))
    buf = io.BytesIO()
    _write_sorted(gathered, fmt, buf)
    return buf.getvalue()


#: formats written speech by speech (serialize_chunks)
CHUNKED_FORMATS = ("nquads", "trig", "nt")


def serialize_chunks(graphs: Iterable[tuple[object, Iterable[tuple]]], fmt: str) -> Iterator[bytes]:
    """(graph name, triples) pairs → serialized chunks, one graph at a time, so a corpus is
    written without holding all of it. N-Quads and TriG keep each graph; N-Triples writes the
    merge (a triple already written is not written again)."""
    if fmt not in CHUNKED_FORMATS:
        raise OutputError(f"{fmt} is not written in chunks; use serialize()")
    seen: set[bytes] | None = set() if fmt == "nt" else None
    first = True
    terms = _Terms()
    for name, triples in graphs:
        gathered = _Sorted(fmt != "nt", terms, one_graph=True)  # per speech: a corpus is never all held
        gathered.add(triples, name)
        if fmt != "trig":
            yield from gathered.chunks(seen, str(name))
            continue
        buf = io.BytesIO()
        _write_sorted(gathered, fmt, buf)
        chunk = buf.getvalue()
        if not first:  # one set of @prefix lines, at the top
            chunk = b"\n".join(ln for ln in chunk.split(b"\n") if not ln.startswith(b"@prefix "))
        first = False
        yield chunk


def nquads_by_graph(graphs: Iterable[tuple[object, Iterable[tuple]]]) -> Iterator[tuple[str, bytes]]:
    """(graph name, triples) pairs → (graph name, its sorted N-Quads lines), one graph at a time:
    together, the bytes serialize_chunks writes in N-Quads."""
    terms = _Terms()
    for name, triples in graphs:
        gathered = _Sorted(True, terms, one_graph=True)
        gathered.add(triples, name)
        yield str(name), b"".join(gathered.chunks())


#: a hidden temporary file of ours (`.NAME.XXXXXXXX.tmp`) older than this (seconds) was left by
#: a killed build, and is removed by the next write to the same path
STALE_TMP_SECONDS = 3600


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_output(path: str | Path, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse an output path that is one of `inputs` (it would be overwritten), a read-only
    file, a dangling symlink, a directory, a block device or a socket."""
    if str(path) == "-":
        return
    p = Path(path)
    try:
        st = p.stat()  # follows a symlink: the file behind it is what gets written
    except FileNotFoundError:
        if p.is_symlink():
            raise OutputError(
                f"{p}: is a symlink to nothing ({os.readlink(p)}); remove it or choose another path"
            ) from None
        return
    except OSError as exc:
        raise OutputError(f"{p}: cannot write it ({exc.strerror})") from None
    for item in inputs:
        if str(item) == "-":
            continue
        try:
            if _same_file(st, Path(item).stat()):
                raise OutputError(f"{p}: is also an input, which writing would overwrite; choose another output path")
        except OSError:
            continue
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise OutputError(f"{p}: is a directory; give a file name")
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise OutputError(f"{p}: is a block device or socket, not a file; choose another path")
    if stat.S_ISREG(mode) and (not mode & 0o222 or not os.access(p, os.W_OK)):
        raise OutputError(f"{p}: is read-only; make it writable (chmod u+w) or choose another path")


#: what write_output and write_atomic take: bytes, chunks of bytes written as they come, or a
#: function that writes to the binary file it is given
Data = bytes | Iterable[bytes] | Callable[[BinaryIO], None]


def _write_data(fh: BinaryIO, data: Data) -> None:
    if callable(data):
        data(fh)
        return
    for chunk in [data] if isinstance(data, bytes) else data:
        fh.write(chunk)


def write_output(path: str | Path, data: Data, inputs: Iterable[str | Path] = ()) -> None:
    """Write `data` (bytes, chunks written as they come, or a function writing to a binary
    file) to `path`:

    - `-`: standard output;
    - a character device or FIFO (`/dev/null`, `>(cmd)`): written directly, never replaced;
    - a regular file, or a new one: through a temporary file and a rename (see write_atomic);
    - a symlink is followed: the file it points to is written, the link stays.

    Refused (OutputError, see check_output): an input, a read-only file, a directory, a
    block device, a socket, a dangling symlink."""
    if str(path) == "-":
        out = sys.stdout
        if out is None:
            raise OutputError("standard output is closed; give -o FILE")
        try:
            _write_data(out.buffer, data)
            out.flush()
        except BrokenPipeError:  # the reader left (`| head`): what it wanted was written
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return
    check_output(path, inputs)
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        _write_special(p, data, fifo=stat.S_ISFIFO(mode))
        return
    if p.is_symlink():
        p = Path(os.path.realpath(p))
    write_atomic(p, data)


def _write_special(p: Path, data: Data, fifo: bool) -> None:
    """Write to a device node or FIFO in place. A FIFO nobody reads is an error, not a hang."""
    try:
        fd = os.open(p, os.O_WRONLY | (os.O_NONBLOCK if fifo else 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError(f"{p}: is a FIFO that no process is reading; start the reader first") from None
        raise OutputError(f"{p}: cannot write it ({exc.strerror})") from None
    try:
        if fifo:
            os.set_blocking(fd, True)
        with os.fdopen(fd, "wb") as fh:
            _write_data(fh, data)
    except BrokenPipeError:
        raise OutputError(f"{p}: the process reading it stopped before the end") from None
    except OSError as exc:
        raise OutputError(f"{p}: cannot write it ({exc.strerror})") from None


def _remove_stale_tmp(p: Path, directory: Path) -> None:
    """Remove temporary files of ours for `p` left by a killed write (older than STALE_TMP_SECONDS)."""
    now = time.time()
    pattern = re.compile(re.escape(f".{p.name}.") + r"[A-Za-z0-9_]{8}\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if not pattern.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and now - st.st_mtime > STALE_TMP_SECONDS:
                    os.unlink(entry.path)


def write_atomic(path: str | Path, data: Data) -> None:
    """Write `data` (bytes, chunks of bytes written as they come, or a function writing to a
    binary file) to the regular file
    `path` through a temporary file in the same directory and a rename. Anything that is
    not a regular file is refused: use write_output, which writes special files in place."""
    p = Path(path)
    directory = p.parent if str(p.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{p}: the directory {directory} does not exist; create it first")
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISREG(os.lstat(p).st_mode):
            raise OutputError(f"{p}: is not a regular file; it is not replaced")
    _remove_stale_tmp(p, directory)
    tmp = None
    try:
        # the name is known before the file exists, so a signal (SIGINT, SIGTERM) at any point
        # after it is made is handled by the `except` below, which removes it
        while True:
            tmp = directory / f".{p.name}.{secrets.token_hex(4)}.tmp"
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
                break
            except FileExistsError:  # another writer's file: never ours to remove
                tmp = None
            except OSError as exc:
                tmp = None
                raise OutputError(f"{p}: cannot write here ({exc.strerror}); choose another path") from None
        with os.fdopen(fd, "wb") as fh:
            _write_data(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        if p.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, p.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        with contextlib.suppress(FileNotFoundError):  # it may have changed while we wrote
            if not stat.S_ISREG(os.lstat(p).st_mode):
                raise OutputError(f"{p}: is not a regular file; it is not replaced")
        os.replace(tmp, p)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OutputError):
            raise
        if isinstance(exc, OSError):
            raise OutputError(f"{p}: cannot write it ({exc.strerror})") from None
        raise


def integer(value, node, what: str) -> int:
    """An integer literal of a graph, or a GraphFileError naming the node and property."""
    try:
        return int(str(value))
    except ValueError:
        raise GraphFileError(
            f"{node}: {what} {str(value)[:40]!r} is not an integer; the graph is "
            "malformed (check it with `speechkg validate`)"
        ) from None


def _graph_name(g: Graph, path: Path) -> str:
    """A triples-only file of one speech is that speech's named graph; else the file's."""
    from rdflib import RDF

    from speechkg.ontology.namespace import SKG

    speeches = set(g.subjects(RDF.type, SKG.Speech))
    return str(next(iter(speeches))) if len(speeches) == 1 else path.resolve().as_uri()


#: how deeply a graph file's collections and blank nodes may nest (rdflib parses recursively)
MAX_NESTING = 10_000
#: the stack of the thread that parses a graph file: address space mapped at once, of which only
#: deep nesting uses much (a memory limit on the parse must leave room for it)
PARSE_STACK_BYTES = 512 * 1024 * 1024


def _deep(fn):
    """fn() in a thread with a large stack and a raised recursion limit, so that deeply nested
    (valid) Turtle parses; nesting past MAX_NESTING gives a clear GraphFileError."""
    import threading

    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 — handed back to the caller's thread
            box["error"] = exc

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(old_limit, MAX_NESTING * 20))
    threading.stack_size(PARSE_STACK_BYTES)
    try:
        th = threading.Thread(target=run, daemon=True)
        th.start()
    finally:
        threading.stack_size(old_stack)
    try:
        while th.is_alive():
            th.join(0.1)  # a short wait, so that Ctrl-C still stops the command
    finally:
        sys.setrecursionlimit(old_limit)
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _remote_context(node) -> str | None:
    """The first context in a JSON-LD document that would be fetched (a string @context, or
    an @import), searched everywhere, including scoped contexts; None when all are inline."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            for k, v in n.items():
                if k == "@import" and isinstance(v, str):
                    return v
                if k == "@context":
                    for c in v if isinstance(v, list) else [v]:
                        if isinstance(c, str):
                            return c
                stack.append(v)
        elif isinstance(n, list):
            stack.extend(n)
    return None


def refuse_remote_contexts(path: str | Path) -> None:
    """GraphFileError when a JSON-LD file names a context to fetch (a URL or another file):
    nothing is downloaded or read besides the files named on the command line."""
    import json

    try:
        with open(path, "rb") as fh:
            doc = json.load(fh)
    except (ValueError, RecursionError) as exc:
        raise GraphFileError(f"{path}: not a readable JSON-LD graph ({str(exc)[:200]})") from None
    except OSError as exc:
        raise GraphFileError(f"{path}: cannot read it ({exc.strerror})") from None
    ref = _remote_context(doc)
    if ref is not None:
        raise GraphFileError(
            f"{path}: the JSON-LD names a remote @context ({ref[:100]}), which is refused: "
            "nothing is fetched; put the context inline in the file"
        )


class _XMLProlog(Exception):
    """The root element began: every declaration of the document has been read."""


def refuse_hostile(path: str | Path) -> str:
    """The format of a graph file (by its suffix), once what every reader refuses before parsing
    is ruled out: JSON-LD naming a remote context, XML declaring entities."""
    fmt = format_for(str(path))
    if fmt == "jsonld":
        refuse_remote_contexts(path)
    elif fmt == "xml":
        refuse_xml_entities(path)
    return fmt


def refuse_xml_entities(path: str | Path) -> None:
    """GraphFileError when an XML graph file declares entities (`<!ENTITY …>`) or refers to external
    ones: nested entities of a few hundred bytes expand to gigabytes (an XML bomb), in rdflib's
    and Oxigraph's parsers alike. Only the prolog is read (declarations precede the root element),
    by defusedxml's parser, which stops at the first declaration, before anything is expanded."""
    import xml.sax
    from xml.sax.handler import ContentHandler

    import defusedxml.sax
    from defusedxml import DefusedXmlException, EntitiesForbidden

    class Prolog(ContentHandler):
        def startElement(self, name, attrs):  # noqa: N802 — the SAX name
            raise _XMLProlog

    try:
        with open(path, "rb") as fh:
            defusedxml.sax.parse(fh, Prolog())
    except _XMLProlog:
        return
    except EntitiesForbidden as exc:
        raise GraphFileError(
            f"{path}: the XML declares entities (<!ENTITY {exc.name} …>), which are refused: a "
            "few hundred bytes of them can expand to gigabytes (an XML bomb); write their text "
            "in place, or give the graph as Turtle"
        ) from None
    except DefusedXmlException:
        raise GraphFileError(
            f"{path}: the XML refers to an external entity or DTD, which is refused: nothing "
            "but the files named is read; remove the reference"
        ) from None
    except xml.sax.SAXException as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GraphFileError(
            f"{path}: not a readable xml graph ({first[:200]}); check the file or its suffix"
        ) from None
    except OSError as exc:
        raise GraphFileError(f"{path}: cannot read it ({exc.strerror})") from None


#: prefixes a parser may bind while reading graph files (rdflib's namespace manager takes time
#: quadratic in their number, and no command uses a file's prefixes)
MAX_FILE_PREFIXES = 64


class _FewPrefixes(NamespaceManager):
    """A namespace manager that binds the first MAX_FILE_PREFIXES prefixes it is given and ignores
    the rest, so that a file of 20,000 @prefix lines reads in linear time."""

    def __init__(self, graph: Graph) -> None:
        super().__init__(graph, bind_namespaces="none")
        self._left = MAX_FILE_PREFIXES

    def bind(self, prefix, namespace, override: bool = True, replace: bool = False) -> None:
        if self._left > 0:
            self._left -= 1
            super().bind(prefix, namespace, override=override, replace=replace)


def _parse_jsonld(ds: Dataset, path: Path) -> None:
    """A JSON-LD file into `ds`, the terms of its context bound through a _FewPrefixes. (rdflib's
    JSON-LD parser binds them on the graph it is given when that one holds named graphs, else on
    a new one whose namespace manager binds them all.)"""
    sink = Dataset(store=ds.store)
    sink.namespace_manager = _FewPrefixes(sink)
    Graph.parse(sink, str(path), format="json-ld")


def load(paths: list[str] | str) -> Dataset:
    """Graph files (any format rdflib reads, by suffix) → one Dataset; named graphs kept.

    A file's prefixes are not kept (past the first few, see _FewPrefixes); XML files that
    declare entities are refused (refuse_xml_entities), JSON-LD ones that name a remote context
    too (refuse_remote_contexts)."""
    if isinstance(paths, str):
        paths = [paths]
    ds = Dataset(default_union=True)
    bind_prefixes(ds)
    ds.default_graph.namespace_manager = _FewPrefixes(ds.default_graph)
    for path in paths:
        p = Path(path)
        if not p.is_file():
            raise GraphFileError(f"{p}: no such graph file")
        fmt = FORMATS[refuse_hostile(p)][0]
        try:
            if fmt == "json-ld":
                _deep(lambda: _parse_jsonld(ds, p))  # noqa: B023 — run before the next path
            elif fmt in ("trig", "nquads"):
                _deep(lambda: ds.parse(str(p), format=fmt))  # noqa: B023
            else:
                g = Graph()
                g.namespace_manager = _FewPrefixes(g)
                _deep(lambda: g.parse(str(p), format=fmt))  # noqa: B023
                target = ds.graph(_graph_name(g, p))
                for t in g:
                    target.add(t)
        except RecursionError:
            raise GraphFileError(
                f"{p}: nested deeper than speechkg reads (collections or blank "
                f"nodes over {MAX_NESTING:,} levels); flatten the file"
            ) from None
        except MemoryError:  # the file may be fine: the machine is too small for it
            raise ResourceError(
                f"{p}: out of memory reading it ({p.stat().st_size / 2**20:,.0f} MB as written); "
                "free memory, or split the graph into smaller files"
            ) from None
        except Exception as exc:  # rdflib raises many parser-specific types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise GraphFileError(
                f"{p}: not a readable {fmt} graph ({first[:200]}); check the file or its suffix"
            ) from None
    return ds
