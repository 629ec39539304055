"""Reading and writing graphs in the standard RDF formats, deterministically and atomically.

Writes go to a temporary file beside the target and are renamed over it only when
complete, so a failed or interrupted build leaves the previous file as it was.
Serializations are byte-identical for the same triples: Oxigraph's serializers (fast, and
strict about what they write) are fed the triples in sorted order.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

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
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig",
    ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "xml", ".owl": "xml", ".xml": "xml",
}
#: the longest literal (bytes as written) Oxigraph's strict parsers read back: their buffer is
#: 16 MiB, and a little is kept for the rest of the line
MAX_LITERAL_BYTES = 16 * 1024 * 1024 - 64 * 1024


def literal_size(text: str) -> int:
    """An upper bound of the bytes `text` takes as a written literal (with its escapes)."""
    controls = sum(text.count(chr(i)) for i in range(32))
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


def _quads(data) -> list[tuple]:
    """(s, p, o, g) tuples from a Graph, a Dataset, or an iterable of such tuples."""
    if isinstance(data, Dataset):
        return [(s, p, o, c.identifier if hasattr(c, "identifier") else c)
                for s, p, o, c in data.quads((None, None, None, None))]
    if isinstance(data, Graph):
        return [(s, p, o, None) for s, p, o in data]
    return list(data)


class _OxTerms:
    """rdflib terms → (pyoxigraph term, its N-Triples form), each distinct term converted once.

    The N-Triples form is the sort key of a written file: it tells every term apart (an IRI
    from a string, "1" from 1, @zh from @zh-Hant), so sorted output is the same on every run."""

    def __init__(self, xml: bool = False) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.xml = xml  # literals for RDF/XML: characters XML 1.0 forbids become U+FFFD
        self.cache: dict = {}  # rdflib terms are equal only with the same type, datatype, language
        self.by_id: dict = {}  # id → (term, key, the object itself, which keeps the id from reuse)

    def __call__(self, t) -> tuple:
        """(pyoxigraph term, N-Triples form, t). Hot loops look in `by_id` first themselves."""
        hit = self.by_id.get(id(t))  # the same object again (a node in each of its triples): no hashing
        if hit is not None and hit[2] is t:
            return hit
        hit = self.cache.get(t)
        if hit is not None and type(hit[2]) is type(t):
            self.by_id[id(t)] = hit = (hit[0], hit[1], t)
            return hit
        ox = self.ox
        if isinstance(t, URIRef):
            v = ox.NamedNode(str(t))
        elif isinstance(t, BNode):
            v = ox.BlankNode(str(t))
        elif isinstance(t, Literal):
            text = str(t)
            if len(text) * 4 > MAX_LITERAL_BYTES and literal_size(text) > MAX_LITERAL_BYTES:
                raise OutputError(f"a literal of {literal_size(text) / 2**20:.1f} MiB is over the "
                                  f"{MAX_LITERAL_BYTES / 2**20:.1f} MiB strict parsers read; "
                                  "split the input into smaller parts")
            if self.xml:
                text = _NOT_XML.sub("\ufffd", text)
            v = (ox.Literal(text, language=t.language) if t.language else
                 ox.Literal(text, datatype=ox.NamedNode(str(t.datatype))) if t.datatype else ox.Literal(text))
        else:
            raise OutputError(f"cannot serialize the term {t!r}")
        hit = (v, str(v), t)
        self.cache[t] = self.by_id[id(t)] = hit
        return hit


#: characters XML 1.0 cannot hold, even escaped (C0 controls but tab, LF, CR; U+FFFE, U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_OX_FORMAT_NAMES = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG",
                    "jsonld": "JSON_LD", "xml": "RDF_XML"}


def _sorted_items(quads: Iterable[tuple], quad_format: bool, conv: _OxTerms,
                  seen: set | None = None, local: str | None = None) -> list:
    """Oxigraph quads (or triples) in sorted order, each once; `seen` carries the triples
    already written across calls, except those about nodes under the IRI `local` (a speech's
    own mentions and sentences, which no other speech has)."""
    import pyoxigraph as ox

    keyed: dict = {}
    default = (ox.DefaultGraph(), "", None)
    by_id = conv.by_id
    for s, p, o, g in quads:
        # conv(t) inlined for the common case: a million calls cost more than the work they do
        hs, hp, ho = by_id.get(id(s)), by_id.get(id(p)), by_id.get(id(o))
        if hs is None or hs[2] is not s:
            hs = conv(s)
        if hp is None or hp[2] is not p:
            hp = conv(p)
        if ho is None or ho[2] is not o:
            ho = conv(o)
        if quad_format:
            hg = default if g is None or str(g) == "urn:x-rdflib:default" else conv(g)
            keyed[(hg[1], hs[1], hp[1], ho[1])] = (hs[0], hp[0], ho[0], hg[0])
        else:
            keyed[(hs[1], hp[1], ho[1])] = (hs[0], hp[0], ho[0])
    if seen is not None:
        own = f"<{local}" if local else None
        shared = {k for k in keyed if not (own and k[0].startswith(own))}
        for k in shared & seen:
            del keyed[k]
        seen |= shared
    if quad_format:
        return [ox.Quad(*keyed[k]) for k in sorted(keyed)]
    return [ox.Triple(*keyed[k]) for k in sorted(keyed)]


def serialize(data, fmt: str, conv: _OxTerms | None = None, seen: set | None = None,
              local: str | None = None) -> bytes:
    """A Graph, Dataset or iterable of (s, p, o, graph) → bytes in `fmt`, byte-identical for
    the same triples. Oxigraph's serializers write them, fed in sorted order; triple-only
    formats get the merge of all graphs (less the triples in `seen`, when given)."""
    import pyoxigraph as ox

    from speechkg.ontology.namespace import PREFIXES

    if fmt not in FORMATS:
        raise OutputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    items = _sorted_items(_quads(data), fmt in QUAD_FORMATS, conv or _OxTerms(xml=fmt == "xml"), seen, local)
    prefixes = PREFIXES if fmt in ("turtle", "trig", "xml", "jsonld") else None
    return ox.serialize(items, format=getattr(ox.RdfFormat, _OX_FORMAT_NAMES[fmt]), prefixes=prefixes)


#: formats written speech by speech (serialize_chunks)
CHUNKED_FORMATS = ("nquads", "trig", "nt")


def serialize_chunks(graphs: Iterable[tuple[object, list[tuple]]], fmt: str) -> Iterator[bytes]:
    """(graph name, triples) pairs → serialized chunks, one graph at a time, so a corpus is
    written without holding all of it. N-Quads and TriG keep each graph; N-Triples writes the
    merge (a triple already written is not written again)."""
    if fmt not in CHUNKED_FORMATS:
        raise OutputError(f"{fmt} is not written in chunks; use serialize()")
    seen: set[tuple] | None = set() if fmt == "nt" else None
    first = True
    for name, triples in graphs:
        conv = _OxTerms()  # per speech: a corpus's terms are not all kept at once
        chunk = serialize([(s, p, o, name) for s, p, o in triples], fmt, conv, seen, str(name))
        if fmt == "trig" and not first:  # one set of @prefix lines, at the top
            chunk = b"\n".join(ln for ln in chunk.split(b"\n") if not ln.startswith(b"@prefix "))
        first = False
        yield chunk


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
            raise OutputError(f"{p}: is a symlink to nothing ({os.readlink(p)}); "
                              "remove it or choose another path") from None
        return
    except OSError as exc:
        raise OutputError(f"{p}: cannot write it ({exc.strerror})") from None
    for item in inputs:
        if str(item) == "-":
            continue
        try:
            if _same_file(st, Path(item).stat()):
                raise OutputError(f"{p}: is also an input, which writing would overwrite; "
                                  "choose another output path")
        except OSError:
            continue
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise OutputError(f"{p}: is a directory; give a file name")
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise OutputError(f"{p}: is a block device or socket, not a file; choose another path")
    if stat.S_ISREG(mode) and (not mode & 0o222 or not os.access(p, os.W_OK)):
        raise OutputError(f"{p}: is read-only; make it writable (chmod u+w) or choose another path")


def write_output(path: str | Path, data: bytes | Iterable[bytes],
                 inputs: Iterable[str | Path] = ()) -> None:
    """Write `data` (bytes, or chunks written as they come) to `path`:

    - `-`: standard output;
    - a character device or FIFO (`/dev/null`, `>(cmd)`): written directly, never replaced;
    - a regular file, or a new one: through a temporary file and a rename (see write_atomic);
    - a symlink is followed: the file it points to is written, the link stays.

    Refused (OutputError, see check_output): an input, a read-only file, a directory, a
    block device, a socket, a dangling symlink."""
    chunks = [data] if isinstance(data, bytes) else data
    if str(path) == "-":
        out = sys.stdout
        if out is None:
            raise OutputError("standard output is closed; give -o FILE")
        try:
            for chunk in chunks:
                out.buffer.write(chunk)
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
        _write_special(p, chunks, fifo=stat.S_ISFIFO(mode))
        return
    if p.is_symlink():
        p = Path(os.path.realpath(p))
    write_atomic(p, chunks)


def _write_special(p: Path, chunks: Iterable[bytes], fifo: bool) -> None:
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
            for chunk in chunks:
                fh.write(chunk)
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
                if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() \
                        and now - st.st_mtime > STALE_TMP_SECONDS:
                    os.unlink(entry.path)


def write_atomic(path: str | Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or chunks of bytes written as they come) to the regular file
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
            for chunk in [data] if isinstance(data, bytes) else data:
                fh.write(chunk)
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
        raise GraphFileError(f"{node}: {what} {str(value)[:40]!r} is not an integer; the graph is "
                             "malformed (check it with `speechkg validate`)") from None


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
        raise GraphFileError(f"{path}: the JSON-LD names a remote @context ({ref[:100]}), which is refused: "
                             "nothing is fetched; put the context inline in the file")


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
        raise GraphFileError(f"{path}: the XML declares entities (<!ENTITY {exc.name} …>), which are refused: a "
                             "few hundred bytes of them can expand to gigabytes (an XML bomb); write their text "
                             "in place, or give the graph as Turtle") from None
    except DefusedXmlException:
        raise GraphFileError(f"{path}: the XML refers to an external entity or DTD, which is refused: nothing "
                             "but the files named is read; remove the reference") from None
    except xml.sax.SAXException as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GraphFileError(f"{path}: not a readable xml graph ({first[:200]}); "
                             "check the file or its suffix") from None
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
            raise GraphFileError(f"{p}: nested deeper than speechkg reads (collections or blank "
                                 f"nodes over {MAX_NESTING:,} levels); flatten the file") from None
        except MemoryError:  # the file may be fine: the machine is too small for it
            raise ResourceError(f"{p}: out of memory reading it ({p.stat().st_size / 2**20:,.0f} MB as written); "
                                "free memory, or split the graph into smaller files") from None
        except Exception as exc:  # rdflib raises many parser-specific types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise GraphFileError(
                f"{p}: not a readable {fmt} graph ({first[:200]}); check the file or its suffix"
            ) from None
    return ds
