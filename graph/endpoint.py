"""A SPARQL endpoint over graph files (Oxigraph's server) and pushing graphs into any
SPARQL 1.1 store (Graph Store HTTP Protocol, or SPARQL Update where a store has no GSP)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import OutputError, QueryError, SpeechKGError


class EndpointError(SpeechKGError):
    """A SPARQL server cannot be reached, refuses, or cannot be started."""


def oxigraph_binary() -> str:
    """The `oxigraph` server program installed with the `oxigraph` package."""
    exe = Path(sys.executable).with_name("oxigraph")
    if exe.exists():
        return str(exe)
    found = shutil.which("oxigraph")
    if not found:
        raise EndpointError("the oxigraph server is not installed; `pip install oxigraph`")
    return found


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def serve_command(location: str, host: str, port: int, timeout: int | None = None) -> list[str]:
    """The read-only oxigraph server command over a store directory made by graph.oxstore
    (whose default graph is the merge of its named graphs)."""
    cmd = [oxigraph_binary(), "serve-read-only", "--location", location, "--bind", f"{host}:{port}"]
    if timeout:
        cmd += ["--timeout-s", str(timeout)]
    return cmd


def prepare_store(ds: Dataset, location: str) -> int:
    """Load a dataset into an on-disk store for serving. Returns the quads loaded."""
    from .oxstore import add_dataset, open_store

    store = open_store(location)
    try:
        return add_dataset(store, ds)
    finally:
        del store


def serve(ds: Dataset, location: str, host: str = "127.0.0.1", port: int = 7878) -> int:
    """Load `ds` into `location` and run the SPARQL server until it stops (exit code)."""
    if not port_free(host, port):
        raise EndpointError(f"{host}:{port} is already in use; choose another --port")
    prepare_store(ds, location)
    try:
        return subprocess.call(serve_command(location, host, port))
    except KeyboardInterrupt:
        return 0


# ------------------------------------------------------------------ push

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


def _request(url: str, data: bytes, method: str, content_type: str, timeout: float) -> None:
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise EndpointError(f"{url.split('?')[0]} refused the graph (HTTP {exc.code} {exc.reason}"
                            f"{': ' + body[0][:160] if body else ''})") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EndpointError(f"cannot reach {url.split('?')[0]} ({reason}); is the server running?") from None


def push(ds: Dataset, endpoint: str | None = None, update: str | None = None,
         graph: str | None = None, replace: bool = False, timeout: float = 60.0) -> tuple[int, int]:
    """Send each named graph of `ds` (or all of it into `graph`) to a SPARQL store.

    Graph Store HTTP Protocol at `endpoint` (PUT replaces, POST adds), or SPARQL Update
    INSERT DATA at `update`. Returns (triples sent, graphs sent)."""
    from .store import serialize

    if bool(endpoint) == bool(update):
        raise QueryError("give one of --endpoint URL (Graph Store Protocol) or --update URL")
    for url in (endpoint, update):
        if url and urllib.parse.urlparse(url).scheme not in ("http", "https"):
            raise EndpointError(f"{url} is not an http(s) URL")
    triples = graphs = 0
    for name, g in _graphs(ds, graph):
        nt = serialize(g, "nt")
        if endpoint:
            sep = "&" if "?" in endpoint else "?"
            url = f"{endpoint}{sep}graph={urllib.parse.quote(name, safe='')}"
            _request(url, nt, "PUT" if replace else "POST", "application/n-triples", timeout)
        else:
            body = (f"DROP SILENT GRAPH <{name}> ;\n" if replace else "") + \
                f"INSERT DATA {{ GRAPH <{name}> {{\n{nt.decode('utf-8')}}} }}"
            _request(update, body.encode("utf-8"), "POST", "application/sparql-update", timeout)
        triples += len(g)
        graphs += 1
    if graphs == 0:
        raise OutputError("the graph is empty: nothing to push")
    return triples, graphs
