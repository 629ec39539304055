"""The HTTP server of `speechkg serve`: each query runs in a forked child within the limits
(graph.query.sandbox), its answer relayed as it comes, so that the server holds no more than a piece
of it; which queries run at once is graph.query.admission's, what a request asks and whether it may
be answered graph.query.http's."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import html
import io
import itertools
import socket
import threading
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from speechkg.graph.errors import QueryError, first_line
from speechkg.graph.query import formats, sandbox
from speechkg.graph.query.admission import Admission, Ticket
from speechkg.graph.query.formats import ResultFormat
from speechkg.graph.query.http import RETRY_AFTER, NotAcceptable, Refused, Site, Wanted, body_length

#: largest query accepted, in bytes
MAX_QUERY_BYTES = 1 << 20

#: connections served at once, and from one client address; more are answered 503 at once (each
#: may hold a request body, and a thread)
MAX_CONNECTIONS = 32
MAX_CONNECTIONS_PER_CLIENT = 8

#: bytes of an answer held before it is sent: an answer that fits is sent whole, with its
#: Content-Length (and an error found while it was written gets its own status); a longer one is
#: sent as it comes, and an error after its start cuts it off (chunked, without its last chunk)
PREFIX_BYTES = 1 << 18

#: seconds a client may take to send its request, or to take a piece of its answer; then it is dropped
CLIENT_TIMEOUT = 30.0


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


def _serialize(res, fmt: ResultFormat, out: sandbox.Output) -> None:
    """Oxigraph's SELECT or ASK results `res` written to `out` in `fmt`: by Oxigraph when it writes
    the format, else by the format's writer."""
    import pyoxigraph as ox

    from speechkg.graph.query.engines import _from_oxigraph

    if fmt.oxigraph:
        res.serialize(out, format=getattr(ox.QueryResultsFormat, fmt.oxigraph))
        return
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    fmt.write(_from_oxigraph(res), text)
    text.flush()
    text.detach()


def _produce(store, text: str, wanted: Wanted, out: sandbox.Output) -> None:
    """In the child: the query refused exactly as `speechkg query` refuses, or run, its content
    type marked on `out` and its results written there in the format the request wants."""
    import pyoxigraph as ox

    from speechkg.graph.query.guard import guarded

    sandbox.stage("while it was parsed")
    _, run = guarded(text, service_hint="")
    sandbox.stage("")
    try:
        res = store.query(run)
        if isinstance(res, ox.QueryTriples):
            graph = wanted.graph()
            out.mark(graph.content_type)
            res.serialize(out, format=getattr(ox.RdfFormat, graph.oxigraph))
            return
        chosen = wanted.results()
        out.mark(chosen.media_type)
        _serialize(res, chosen, out)
    except (QueryError, MemoryError):
        raise
    except Exception as exc:
        raise QueryError(f"the query failed: {first_line(exc)}") from None


def answer(
    store,
    text: str,
    accept: str = "",
    fmt: str | None = None,
    timeout: float | None = None,
    max_memory: float | None = sandbox.DEFAULT_MEMORY_MB,
    client: socket.socket | None = None,
) -> tuple[str, bytes]:
    """(content type, body) of a query's results, as the endpoint answers it: refused exactly as
    `speechkg query` refuses, run within the limits, written in the format asked for (`fmt`, else
    Accept). The query is parsed, evaluated and serialized in a child, so the limits cover all."""
    try:
        wanted = Wanted.of([fmt] if fmt else [], accept)
    except Refused as exc:
        raise QueryError(exc.message) from None
    ctype, body = "", bytearray()
    for piece in sandbox.stream_limited(
        functools.partial(_produce, store, text, wanted), timeout=timeout, memory_mb=max_memory, client=client
    ):
        if isinstance(piece, str):
            ctype = piece
        else:
            body += piece
    return ctype, bytes(body)


def _page(limit_text: str) -> bytes:
    """The query page: its time limit told, and a choice of every result format."""
    options = "".join(f"<option>{html.escape(name)}</option>" for name in formats.RESULT_FORMATS)
    return _PAGE.replace("TIMEOUT", html.escape(limit_text)).replace("OPTIONS", options).encode("utf-8")


def _limit_message(exc: QueryError, evicted: bool, memory_mb: float | None) -> str:
    """A timeout or memory stop as the client reads it: the server's limits, not options."""
    if evicted:
        return (
            f"the queries running together reached the server's memory limit of {memory_mb:g} MB and this one, "
            "the largest, was stopped; try again later, or simplify it (LIMIT, fewer joins)"
        )
    message = str(exc).split("; simplify it")[0]
    message = message.replace("the --timeout", "the server's timeout").replace(
        "the --max-memory", "the server's memory limit"
    )
    return message + "; simplify it (LIMIT, fewer joins)"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # for chunked answers; each connection still serves one request
    server_version = "speechkg"
    cors: str | None = None  # the origin allowed to read this answer (--cors-origin)

    def setup(self) -> None:
        self.timeout = self.server.client_timeout  # on reading the request and on each send
        super().setup()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 — the base class's name
        pass

    def _head(self, code: int, ctype: str, length: int | None, extra: tuple[tuple[str, str], ...] = ()) -> None:
        """The status line and headers; no Content-Length: chunked (HTTP/1.0: ended by the close)."""
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        elif self.request_version == "HTTP/1.1":
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Connection", "close")
        if self.cors:
            self.send_header("Access-Control-Allow-Origin", self.cors)
            self.send_header("Vary", "Origin")
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.close_connection = True

    def _send(
        self, code: int, body: bytes, ctype: str = "text/plain; charset=utf-8", extra: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self._head(code, ctype, len(body), extra)
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, code: int, message: str, extra: tuple[tuple[str, str], ...] = ()) -> None:
        self._send(code, (message + "\n").encode("utf-8"), extra=extra)

    def _route(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        site = self.server.site
        site.check_host(self.headers.get("Host"), self.request_version == "HTTP/1.1")
        if url.path in ("/update", "/store") or url.path.startswith("/store/"):
            return self._error(403, "read-only endpoint: updates and the Graph Store Protocol are refused")
        if url.path == "/" and self.command in ("GET", "HEAD"):
            return self._send(200, _page(self.server.limit_text), "text/html; charset=utf-8")
        if url.path != "/query":
            return self._error(404, "not found: queries go to /query")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        self.cors = site.check_site(self.headers, self.command == "POST" and ctype != "application/sparql-query")
        if self.command == "OPTIONS" and self.cors:
            return self._preflight()
        if self.command not in ("GET", "POST", "HEAD"):
            return self._error(405, "use GET or POST for /query")
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if self.command == "POST" and not self._read_form(params, ctype):
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
        wanted = Wanted.of(params.get("format", []), self.headers.get("Accept") or "")
        return self._answer(queries[0], wanted)

    def _preflight(self) -> None:
        """A CORS preflight from an origin named with --cors-origin: what it may send."""
        self._send(
            204,
            b"",
            extra=(
                ("Access-Control-Allow-Methods", "GET, POST"),
                ("Access-Control-Allow-Headers", "Content-Type, Accept"),
                ("Access-Control-Max-Age", "600"),
            ),
        )

    def _read_form(self, params: dict[str, list[str]], ctype: str) -> bool:
        """Add a POST's query (or form fields) to `params`; False once the request was answered or
        its client left before the whole body came (the part that came is not run)."""
        size = body_length(self.headers, MAX_QUERY_BYTES)
        body = self.rfile.read(size)
        if len(body) < size:
            self.close_connection = True
            return False
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

    def _answer(self, query: str, wanted: Wanted) -> None:
        """Run `query` in one of the server's slots and send its results, or why there are none."""
        admission = self.server.admission
        ticket = admission.enter(self.client_address[0])
        try:
            pieces = sandbox.stream_limited(
                functools.partial(_produce, self.server.store, query, wanted),
                self.server.query_timeout,
                self.server.max_memory,
                client=self.connection,
                started=functools.partial(admission.started, ticket),
            )
            try:
                self._relay(pieces, ticket)
            finally:
                pieces.close()  # the child is killed when the answer was not read to its end
        finally:
            admission.leave(ticket)

    def _relay(self, pieces, ticket: Ticket) -> None:
        """Send the child's answer: whole when it fits in PREFIX_BYTES, else as it comes."""
        ctype, head, size = "application/octet-stream", [], 0
        try:
            for piece in pieces:
                if isinstance(piece, str):
                    ctype = piece
                    continue
                head.append(piece)
                size += len(piece)
                if size >= PREFIX_BYTES:
                    break
            else:
                return self._send(200, b"".join(head), ctype)
        except QueryError as exc:
            return self._failed(exc, ticket)
        chunked = self.request_version == "HTTP/1.1"
        self._head(200, ctype, None)
        if self.command == "HEAD":
            return None
        try:
            for piece in itertools.chain(head, pieces):
                if isinstance(piece, bytes):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
        except QueryError:  # after the start of the answer: cut it off, so that the client sees it incomplete
            return None
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        return None

    def _failed(self, exc: QueryError, ticket: Ticket) -> None:
        """The answer to a query that gave no results."""
        if isinstance(exc, sandbox.ClientGone):
            self.close_connection = True
            return None
        if isinstance(exc, (sandbox.TimedOut, sandbox.OutOfMemory)):
            retry = (("Retry-After", str(RETRY_AFTER)),) if ticket.evicted else ()
            return self._error(503, _limit_message(exc, ticket.evicted, self.server.max_memory), retry)
        return self._error(406 if isinstance(exc, NotAcceptable) else 400, str(exc))

    def _safely(self) -> None:
        try:
            self._route()
        except Refused as exc:
            self._error(exc.code, exc.message, exc.headers)
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _safely


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple,
        family: int,
        store,
        query_timeout: float | None,
        max_memory: float | None,
        site: Site,
        client_timeout: float,
    ) -> None:
        self.address_family = family
        self.store = store
        self.query_timeout = query_timeout
        self.max_memory = max_memory
        self.client_timeout = client_timeout
        self.limit_text = f"{query_timeout:g} s" if query_timeout else "no time limit"
        self.admission = Admission(memory_mb=max_memory)
        self._open: Counter[str] = Counter()  # open connections by client address
        self._lock = threading.Lock()
        super().__init__(address, _Handler)
        self.site = dataclasses.replace(site, port=self.server_address[1])

    def process_request(self, request, client_address) -> None:
        """Serve the connection in a thread, or answer 503 at once when MAX_CONNECTIONS are open,
        or MAX_CONNECTIONS_PER_CLIENT from its address (a client that sends slowly holds one)."""
        with self._lock:
            mine = self._open[client_address[0]]
            ok = sum(self._open.values()) < MAX_CONNECTIONS and mine < MAX_CONNECTIONS_PER_CLIENT
            if ok:
                self._open[client_address[0]] += 1
        if not ok:
            body = b"busy: too many connections; try again in a few seconds\n"
            with contextlib.suppress(OSError):
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    b"Retry-After: %d\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                    % (RETRY_AFTER, len(body), body)
                )
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._open[client_address[0]] -= 1
                if not self._open[client_address[0]]:
                    del self._open[client_address[0]]

    def server_close(self) -> None:
        self.admission.close()
        super().server_close()


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
