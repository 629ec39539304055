"""Deterministic serialization: triples sorted by their N-Triples forms, in runs spilled to disk
past RUN_QUADS, written as they are made."""

from __future__ import annotations

import bisect
import functools
import io
import itertools
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from rdflib import Dataset, Graph

from speechkg.graph.errors import OutputError
from speechkg.graph.rdf.formats import CHUNKED_FORMATS, FORMATS, OX_FORMAT_NAMES, QUAD_FORMATS, REGISTRY
from speechkg.graph.rdf.terms import Terms


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

    def __init__(self, quad_format: bool, terms: Terms, one_graph: bool = False) -> None:
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
    if REGISTRY[fmt].line_based:
        for chunk in chunks:
            out.write(chunk)
        return
    parsed = itertools.chain.from_iterable(
        ox.parse(chunk, format=ox.RdfFormat.N_QUADS, lenient=True) for chunk in chunks
    )
    prefixes = PREFIXES if REGISTRY[fmt].prefixed else None
    ox.serialize(parsed, out, format=getattr(ox.RdfFormat, OX_FORMAT_NAMES[fmt]), prefixes=prefixes)


def _gathered(fmt: str) -> _Sorted:
    if fmt not in FORMATS:
        raise OutputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _Sorted(fmt in QUAD_FORMATS, Terms(xml=REGISTRY[fmt].xml))


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


def serialize_chunks(graphs: Iterable[tuple[object, Iterable[tuple]]], fmt: str) -> Iterator[bytes]:
    """(graph name, triples) pairs → serialized chunks, one graph at a time, so a corpus is
    written without holding all of it. N-Quads and TriG keep each graph; N-Triples writes the
    merge (a triple already written is not written again)."""
    if fmt not in CHUNKED_FORMATS:
        raise OutputError(f"{fmt} is not written in chunks; use serialize()")
    seen: set[bytes] | None = set() if fmt == "nt" else None
    first = True
    terms = Terms()
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
    terms = Terms()
    for name, triples in graphs:
        gathered = _Sorted(True, terms, one_graph=True)
        gathered.add(triples, name)
        yield str(name), b"".join(gathered.chunks())
