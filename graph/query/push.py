"""Pushing a graph into another store through the SPARQL 1.1 Graph Store Protocol or Update."""

from __future__ import annotations

import base64
import http.client
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Dataset, Graph

from speechkg.graph.errors import GraphFileError, OutputError, QueryError
from speechkg.graph.query.endpoint import EndpointError, check_iri


def _graphs(ds: Dataset, into: str | None) -> Iterator[tuple[str, Graph]]:
    if into:
        g = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
        yield into, g
        return
    for ctx in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        if len(ctx) and str(ctx.identifier) != "urn:x-rdflib:default":
            yield str(ctx.identifier), ctx


def redact(url: str) -> str:
    """`url` without its query and with any user:password replaced by ***, for messages."""
    try:
        parts = urllib.parse.urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
        if "@" in parts.netloc:
            netloc = "***@" + netloc
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        return url.split("?")[0].rpartition("@")[2]


def check_url(url: str, option: str) -> tuple[str, dict[str, str]]:
    """(URL without credentials, headers to send) for an http(s) URL; EndpointError for one that
    is malformed, holds spaces or control characters, or is not http(s). user:password in the
    URL becomes HTTP Basic authentication (never echoed)."""
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise EndpointError(
            f"{option} {redact(url)!r} holds a space or control character; percent-encode it (a space is %20)"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError for a bad port
    except ValueError as exc:
        raise EndpointError(
            f"{option} {redact(url)} is not a valid URL ({exc}); "
            "e.g. http://127.0.0.1:7878/store or http://[::1]:7878/store"
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(
            f"{option} {redact(url)} is not an http(s) URL with a host; e.g. http://127.0.0.1:7878/store"
        )
    headers = {}
    if parts.username is not None or parts.password is not None:
        user = urllib.parse.unquote(parts.username or "")
        password = urllib.parse.unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
        netloc = parts.netloc.rpartition("@")[2]
        url = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url, headers


#: environment variable holding the password for `push --user` (never taken from the command line)
PASSWORD_ENV = "SPEECHKG_PASSWORD"


#: triples in one SPARQL Update request. Virtuoso's SPARQL parser refuses an INSERT DATA of about
#: 5,000 triples or more ("SP030: SPARQL compiler ... memory exhausted", openlink/virtuoso-opensource#581),
#: and the seed speech of 7,563 characters already makes 4,000. So each request holds one INSERT DATA
#: of at most this many triples, for every store alike: no request grows with the graph (Oxigraph too
#: takes a 100,000-triple INSERT DATA slower than 100 small ones). With --replace the first request of
#: a graph also drops it; until the last one, the store holds only part of that graph.
UPDATE_BATCH = 1000


def opener_for(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector | None:
    """None without `user`; else an opener that logs in as `user` with HTTP Basic or Digest
    authentication, whichever the server asks for when it answers 401 (Virtuoso's /sparql-auth
    asks for Digest, which a password in the URL cannot give)."""
    if user is None:
        return None
    if not user:
        raise EndpointError("--user is empty; give the name to log in as")
    if password is None:
        raise EndpointError(
            f"--user {user} needs a password: set the {PASSWORD_ENV} environment variable "
            "(it is never read from the command line)"
        )
    if "@" in urllib.parse.urlsplit(url).netloc:
        raise EndpointError("give the user either with --user or in the URL, not both")
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, user, password)
    return urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords)
    )


def _request(
    url: str,
    data: bytes,
    method: str,
    content_type: str,
    timeout: float,
    headers: dict[str, str],
    opener: urllib.request.OpenerDirector | None = None,
) -> None:
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": content_type, **headers})
    where = redact(url)
    try:
        with (opener.open if opener else urllib.request.urlopen)(req, timeout=timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            logged_in = opener is not None or "Authorization" in headers
            raise EndpointError(
                f"{where} refused the login (HTTP 401 {exc.reason}); "
                + (f"check --user and {PASSWORD_ENV}" if logged_in else f"give --user NAME and set {PASSWORD_ENV}")
            ) from None
        try:
            body = exc.read().decode("utf-8", "replace").strip().splitlines()
        except (OSError, http.client.HTTPException):
            body = []
        hint = ""
        if any("Virtuoso" in line and "SECURITY" in line for line in body[:3]):
            # Virtuoso runs /sparql as its user SPARQL, which may not update until it is granted to
            hint = '; Virtuoso: GRANT SPARQL_UPDATE TO "SPARQL" (isql), or push to /sparql-auth with --user'
        raise EndpointError(
            f"{where} refused the graph (HTTP {exc.code} {exc.reason}{': ' + body[0][:160] if body else ''}){hint}"
        ) from None
    except http.client.IncompleteRead as exc:
        raise EndpointError(
            f"{where} cut its answer short ({len(exc.partial)} of "
            f"{len(exc.partial) + (exc.expected or 0)} bytes); the graph may not be stored"
        ) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", None) or str(exc) or type(exc).__name__
        raise EndpointError(f"cannot reach {where} ({reason}); is the server running?") from None


def _batches(nt: bytes, size: int) -> list[bytes]:
    """N-Triples `nt` cut into pieces of at most `size` triples (one per line: N-Triples escapes
    line breaks inside literals, and IRIs may hold none)."""
    lines = [line + b"\n" for line in nt.split(b"\n") if line.strip()]
    return [b"".join(lines[i : i + size]) for i in range(0, len(lines), size)] or [b""]


@dataclass(frozen=True)
class _Payload:
    """One graph to send: its name, as an IRI in N-Triples form, its N-Triples and their count."""

    name: str
    node: str
    nt: bytes
    triples: int


def _payloads(ds: Dataset, graph: str | None) -> list[_Payload]:
    """Every graph to send, each IRI checked and each graph serialized before anything is sent."""
    from speechkg.graph.rdf.write import serialize

    if graph is not None:
        check_iri(graph, "--graph")
    payloads = []
    for name, g in _graphs(ds, graph):
        node = check_iri(name, "graph name")
        try:
            nt = serialize(g, "nt")
        except ValueError as exc:
            raise GraphFileError(
                f"the graph {name[:120]!r} holds an IRI or literal that is not valid RDF "
                f"({str(exc).splitlines()[0][:160]}); nothing was sent; fix the graph file"
            ) from None
        payloads.append(_Payload(name, node, nt, len(g)))
    if not payloads:
        raise OutputError("the graph is empty: nothing to push")
    return payloads


def _requests(url: str, p: _Payload, gsp: bool, replace: bool) -> Iterator[tuple[str, bytes, str, str, int]]:
    """(URL, body, method, content type, triples it stores) of each request that stores `p`: one
    Graph Store Protocol PUT or POST when `gsp`, else INSERT DATA of UPDATE_BATCH triples each
    (with `replace`, the first also drops the graph)."""
    if gsp:
        sep = "&" if "?" in url else "?"
        target = f"{url}{sep}graph={urllib.parse.quote(p.node[1:-1], safe='')}"
        yield target, p.nt, "PUT" if replace else "POST", "application/n-triples", p.triples
        return
    for i, batch in enumerate(_batches(p.nt, UPDATE_BATCH)):
        body = (
            (b"DROP SILENT GRAPH " + p.node.encode() + b" ;\n" if replace and i == 0 else b"")
            + b"INSERT DATA { GRAPH "
            + p.node.encode()
            + b" {\n"
            + batch
            + b"} }"
        )
        yield url, body, "POST", "application/sparql-update", batch.count(b"\n")


def _partly_stored(exc: EndpointError, p: _Payload, sent: int, graphs: int, triples: int, total: int) -> str:
    """The message of a push stopped by `exc` after `graphs` whole graphs and `sent` triples of `p`."""
    part = f"{sent} of the {p.triples} triples of {p.name[:120]!r}" if sent else ""
    done = f"{graphs} of {total} graph(s) ({triples} triples)" if graphs else ""
    return f"{exc}; before that, {done}{' and ' if done and part else ''}{part} were stored; pushing again is safe"


def push(
    ds: Dataset,
    endpoint: str | None = None,
    update: str | None = None,
    graph: str | None = None,
    replace: bool = False,
    timeout: float = 60.0,
    user: str | None = None,
    password: str | None = None,
) -> tuple[int, int]:
    """Send each named graph of `ds` (or all of it into `graph`) to a SPARQL store.

    Graph Store HTTP Protocol at `endpoint` (PUT replaces, POST adds), or SPARQL Update
    INSERT DATA at `update`, UPDATE_BATCH triples a request (with --replace the first request
    of a graph drops it first). Every IRI is checked and every graph serialized (N-Triples, by
    Oxigraph) before anything is sent. `user` logs in with `password` (Basic or Digest, as the
    server asks). Returns (triples sent, graphs sent)."""
    if bool(endpoint) == bool(update):
        raise QueryError("give one of --endpoint URL (Graph Store Protocol) or --update URL")
    url, headers = check_url(endpoint or update or "", "--endpoint" if endpoint else "--update")
    opener = opener_for(endpoint or update or "", user, password)
    payloads = _payloads(ds, graph)
    triples = graphs = 0
    for p in payloads:
        sent = 0  # triples of this graph already stored
        try:
            for target, body, method, ctype, n in _requests(url, p, bool(endpoint), replace):
                _request(target, body, method, ctype, timeout, headers, opener)
                sent += n
        except EndpointError as exc:
            if graphs or sent:
                raise EndpointError(_partly_stored(exc, p, sent, graphs, triples, len(payloads))) from None
            raise
        triples += p.triples
        graphs += 1
    return triples, graphs
