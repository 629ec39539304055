"""A SPARQL 1.1 Protocol endpoint over a built graph (serve)."""

from __future__ import annotations

import errno
import html
import io
import ipaddress
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar

from rdflib import Dataset

from speechkg.graph.errors import GraphFileError, QueryError, SpeechKGError, first_line
from speechkg.graph.query import formats
from speechkg.graph.query.engines import sandbox
from speechkg.graph.query.formats import ResultFormat

T = TypeVar("T")


class EndpointError(SpeechKGError):
    """A SPARQL server cannot be reached, refuses, or cannot be started."""


#: characters that may not stand in an IRI (RFC 3987) and would end an <…> in SPARQL or N-Triples
_IRI_FORBIDDEN = set('<>"{}|^`\\')


def check_iri(iri: str, what: str = "IRI") -> str:
    """`iri` in SPARQL/N-Triples form (`<…>`), once Oxigraph's IRI parser accepts it and it holds
    none of <>"{}|^`\\, spaces or control characters; else GraphFileError."""
    import pyoxigraph as ox

    bad = next((c for c in iri if c in _IRI_FORBIDDEN or ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F), None)
    if bad is not None:
        raise GraphFileError(
            f"the {what} {iri[:120]!r} holds {bad!r}, which an IRI may not hold; nothing was sent; fix the name"
        )
    try:
        return str(ox.NamedNode(iri))
    except ValueError as exc:
        raise GraphFileError(
            f"the {what} {iri[:120]!r} is not a valid absolute IRI ({exc}); nothing was sent; fix the name"
        ) from None


#: queries evaluated at once; more get 503
MAX_RUNNING = 4


#: largest query accepted, in bytes
MAX_QUERY_BYTES = 1 << 20


_GRAPH_TYPES = {  # media type → (pyoxigraph RdfFormat name, content type sent)
    "text/turtle": ("TURTLE", "text/turtle; charset=utf-8"),
    "application/n-triples": ("N_TRIPLES", "application/n-triples"),
    "application/rdf+xml": ("RDF_XML", "application/rdf+xml"),
    "application/ld+json": ("JSON_LD", "application/ld+json"),
}


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>speechkg SPARQL endpoint</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font-family:sans-serif;margin:2em}textarea{width:100%;font-family:monospace}</style></head>
<body><h1>speechkg SPARQL endpoint</h1>
<p>Read-only. Prefixes skg:, skos:, nif:, rdfs:, schema:, prov: are predeclared; updates, SERVICE and
FROM are refused; a query stops after TIMEOUT. Send queries to <code>/query</code> (SPARQL 1.1 Protocol).</p>
<form method="get" action="query"><textarea name="query" rows="12">SELECT ?type (COUNT(?e) AS ?n)
WHERE { ?e a ?type }
GROUP BY ?type ORDER BY DESC(?n)</textarea>
<p><label>Results as <select name="format">OPTIONS</select></label> <button>Run</button></p></form></body></html>
"""


def oxigraph_binary() -> str:
    """The `oxigraph` server program installed with the `oxigraph` package (for tests and
    users who want a writable store to push into)."""
    import shutil
    import sys

    exe = Path(sys.executable).with_name("oxigraph")
    if exe.exists():
        return str(exe)
    found = shutil.which("oxigraph")
    if not found:
        raise EndpointError("the oxigraph server is not installed; `pip install oxigraph`")
    return found


def is_loopback(host: str) -> bool:
    """True when `host` names only this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """A warning to show when `host` lets other machines reach the endpoint."""
    if is_loopback(host):
        return None
    return (
        f"listening on {host}: anyone who can reach this machine can query the graph "
        "(read-only; SERVICE and FROM are refused); use --host 127.0.0.1 to keep it local"
    )


def url_for(host: str, port: int, path: str = "/query") -> str:
    """http://HOST:PORT/PATH, with an IPv6 address in brackets."""
    h = host.strip("[]")
    return f"http://{'[' + h + ']' if ':' in h else h}:{port}{path}"


def check_location(location: str | Path) -> bool:
    """Whether `location` already holds an Oxigraph store (True), or is new or empty (False);
    EndpointError for a file or a directory holding anything else."""
    from speechkg.graph.rdf.oxstore import directory_kind

    p = Path(location)
    try:
        kind = directory_kind(p)
    except OSError as exc:
        raise EndpointError(f"--location {p}: cannot read it ({exc.strerror})") from None
    if kind == "file":
        raise EndpointError(f"--location {p} is a file; give a new or empty directory")
    if kind == "other":
        raise EndpointError(
            f"--location {p} is not empty and is not an Oxigraph store; "
            "give a new or empty directory (its files would be mixed with the store's)"
        )
    return kind == "store"


def load_store(ds: Dataset, location: str | Path | None = None):
    """`ds` in an Oxigraph store (in memory, or on disk at `location`) whose default graph is
    the merge of its named graphs."""
    import pyoxigraph as ox

    from speechkg.graph.rdf.oxstore import add_dataset, open_store

    if location is not None:
        check_location(location)
        store = open_store(location)
    else:
        store = ox.Store()
    add_dataset(store, ds)
    if location is not None:
        # queries run in forked children: let the store's background work (flushes and
        # compactions, whose locks a fork would copy) finish before the first one
        store.flush()
        store.optimize()
    return store


def _negotiate(accept: str, table: dict[str, T], default: T) -> T:
    """What `table` holds for the first media type of an Accept header found in it; `default`
    when a wildcard (*/*) or an empty part comes first, or none is found."""
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*", ""):
            break
    return default


def _serialize(res, fmt: ResultFormat) -> bytes:
    """Oxigraph's SELECT or ASK results `res` in `fmt`: by Oxigraph when it writes the format, else
    by the format's writer."""
    import pyoxigraph as ox

    from speechkg.graph.query.engines import _from_oxigraph

    if fmt.oxigraph:
        return res.serialize(format=getattr(ox.QueryResultsFormat, fmt.oxigraph))
    buf = io.StringIO()
    fmt.write(_from_oxigraph(res), buf)
    return buf.getvalue().encode()


def answer(
    store,
    text: str,
    accept: str = "",
    fmt: str | None = None,
    timeout: float | None = None,
    max_memory: float | None = sandbox.DEFAULT_MEMORY_MB,
    client: socket.socket | None = None,
) -> tuple[str, bytes]:
    """(content type, body) of a query's results: refused exactly as `speechkg query` refuses,
    run within the limits, serialized in the format asked for (Accept, or `fmt`). The query is
    parsed, evaluated and serialized in the child, so the limits cover all of it."""
    import pyoxigraph as ox

    from speechkg.graph.query.guard import guarded

    wanted = formats.endpoint_format(fmt) if fmt else None

    def go() -> tuple[str, bytes]:
        sandbox.stage("while it was parsed")
        _, run = guarded(text, service_hint="")
        sandbox.stage("")
        try:
            res = store.query(run)
            if isinstance(res, ox.QueryTriples):
                name, ctype = _negotiate(accept, _GRAPH_TYPES, _GRAPH_TYPES["text/turtle"])
                return ctype, res.serialize(format=getattr(ox.RdfFormat, name))
            default = formats.RESULT_FORMATS[formats.DEFAULT_ENDPOINT_FORMAT]
            chosen = wanted or _negotiate(accept, formats.accepted(), default)
            return chosen.media_type, _serialize(res, chosen)
        except (QueryError, MemoryError):
            raise
        except Exception as exc:
            raise QueryError(f"the query failed: {first_line(exc)}") from None

    return sandbox.run_limited(go, timeout=timeout, memory_mb=max_memory, client=client)


def _page(limit_text: str) -> bytes:
    """The query page: its time limit told, and a choice of every result format."""
    options = "".join(f"<option>{html.escape(name)}</option>" for name in formats.RESULT_FORMATS)
    return _PAGE.replace("TIMEOUT", html.escape(limit_text)).replace("OPTIONS", options).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 30  # seconds a client may take to send its request
    server_version = "speechkg"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 — the base class's name
        pass

    def _send(self, code: int, body: bytes, ctype: str = "text/plain; charset=utf-8") -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, code: int, message: str) -> None:
        self._send(code, (message + "\n").encode("utf-8"))

    def _route(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/update", "/store") or url.path.startswith("/store/"):
            return self._error(403, "read-only endpoint: updates and the Graph Store Protocol are refused")
        if url.path == "/" and self.command in ("GET", "HEAD"):
            return self._send(200, _page(self.server.limit_text), "text/html; charset=utf-8")
        if url.path != "/query":
            return self._error(404, "not found: queries go to /query")
        if self.command not in ("GET", "POST", "HEAD"):
            return self._error(405, "use GET or POST for /query")
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if self.command == "POST" and not self._read_form(params):
            return None
        if "update" in params:
            return self._error(403, "read-only endpoint: updates are refused")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return self._error(
                400, "default-graph-uri / named-graph-uri are refused, as FROM is: the dataset is the served graphs"
            )
        queries = params.get("query", [])
        if len(queries) != 1:
            return self._error(400, "give exactly one query parameter")
        return self._answer(queries[0], (params.get("format") or [None])[0])

    def _read_form(self, params: dict[str, list[str]]) -> bool:
        """Add a POST's query (or form fields) to `params`; False once a bad request was answered."""
        try:
            size = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._error(400, "bad Content-Length")
            return False
        if size > MAX_QUERY_BYTES or size < 0:
            self._error(413, f"the query is larger than {MAX_QUERY_BYTES} bytes")
            return False
        body = self.rfile.read(size)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._error(400, "the request body is not UTF-8")
            return False
        if ctype == "application/sparql-query":
            params.setdefault("query", []).append(text)
        elif ctype == "application/x-www-form-urlencoded":
            for k, v in urllib.parse.parse_qs(text, keep_blank_values=True).items():
                params.setdefault(k, []).extend(v)
        else:
            self._error(415, "send application/sparql-query or application/x-www-form-urlencoded")
            return False
        return True

    def _answer(self, query: str, fmt: str | None) -> None:
        """Run `query` in one of the server's slots and send its results, or why there are none."""
        if not self.server.slots.acquire(blocking=False):
            return self._error(503, f"busy: {MAX_RUNNING} queries are running; try again later")
        try:
            ctype, out = answer(
                self.server.store,
                query,
                self.headers.get("Accept") or "",
                fmt,
                self.server.query_timeout,
                self.server.max_memory,
                client=self.connection,
            )
        except sandbox.ClientGone:
            self.close_connection = True
            return None
        except (sandbox.TimedOut, sandbox.OutOfMemory) as exc:
            message = str(exc).split("; simplify it")[0]
            message = message.replace("the --timeout", "the server's timeout").replace(
                "the --max-memory", "the server's memory limit"
            )
            return self._error(503, message + "; simplify it (LIMIT, fewer joins)")
        except QueryError as exc:
            return self._error(400, str(exc))
        finally:
            self.server.slots.release()
        return self._send(200, out, ctype)

    def _safely(self) -> None:
        try:
            self._route()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _safely


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple, family: int, store, query_timeout: float | None, max_memory: float | None
    ) -> None:
        self.address_family = family
        self.store = store
        self.query_timeout = query_timeout
        self.max_memory = max_memory
        self.limit_text = f"{query_timeout:g} s" if query_timeout else "no time limit"
        self.slots = threading.BoundedSemaphore(MAX_RUNNING)
        super().__init__(address, _Handler)


def bind(
    store,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float | None = 60.0,
    max_memory: float | None = sandbox.DEFAULT_MEMORY_MB,
) -> _Server:
    """A server for `store` listening on host:port (port 0: any free port, see server_address);
    EndpointError when it cannot listen there."""
    sandbox.check_timeout(timeout)
    sandbox.check_memory(max_memory)
    if not 0 <= port <= 65535:
        raise EndpointError(f"--port {port} is not a port number; use 1-65535 (0: any free port)")
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise EndpointError(f"cannot listen on {host!r} ({reason}); give an address such as 127.0.0.1 or ::1") from None
    family, _, _, _, address = infos[0]
    try:
        return _Server(address[:2], family, store, timeout, max_memory)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise EndpointError(f"{host}:{port} is already in use; choose another --port") from None
        raise EndpointError(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another --host or --port"
        ) from None


def serve(server: _Server) -> int:
    """Answer requests until Ctrl-C or SIGTERM (exit code 0)."""
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def port_of(server: _Server) -> int:
    """The port a server listens on (the real one when 0 was asked for)."""
    return server.server_address[1]
