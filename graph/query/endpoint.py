"""A SPARQL 1.1 Protocol endpoint over a built graph (serve)."""

from __future__ import annotations

import errno
import ipaddress
import socket
from pathlib import Path

from rdflib import Dataset

from speechkg.graph.errors import GraphFileError, SpeechKGError
from speechkg.graph.query import sandbox
from speechkg.graph.query.http import Site, check_cors_origin
from speechkg.graph.query.server import CLIENT_TIMEOUT, _Server, answer, port_of, serve

__all__ = ["EndpointError", "answer", "bind", "check_iri", "load_store", "port_of", "serve", "url_for"]


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


def bind(
    store,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float | None = 60.0,
    max_memory: float | None = sandbox.DEFAULT_MEMORY_MB,
    cors_origins: tuple[str, ...] = (),
    client_timeout: float = CLIENT_TIMEOUT,
) -> _Server:
    """A server for `store` listening on host:port (port 0: any free port, see server_address);
    EndpointError when it cannot listen there. Its queries take at most `timeout` seconds each
    and `max_memory` MB together; web pages of `cors_origins` may read its answers."""
    sandbox.check_timeout(timeout)
    sandbox.check_memory(max_memory)
    cors = frozenset(check_cors_origin(o) for o in cors_origins)
    if not 0 <= port <= 65535:
        raise EndpointError(f"--port {port} is not a port number; use 1-65535 (0: any free port)")
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise EndpointError(f"cannot listen on {host!r} ({reason}); give an address such as 127.0.0.1 or ::1") from None
    family, _, _, _, address = infos[0]
    site = Site(host, address[0], port, cors)
    try:
        return _Server(address[:2], family, store, timeout, max_memory, site, client_timeout)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise EndpointError(f"{host}:{port} is already in use; choose another --port") from None
        raise EndpointError(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another --host or --port"
        ) from None
