"""The HTTP side of `speechkg serve`: what a request asks its results to be written as (`format=`,
as SPARQLWrapper and browsers send it, or Accept with its q-values), whether its body can be read
(one Content-Length; chunked bodies are refused, never read as empty), and whether it may be
answered at all (Host against DNS rebinding; Origin and Sec-Fetch-Site against cross-site requests;
CORS only for the origins the user names)."""

from __future__ import annotations

import ipaddress
import math
import re
import socket
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from speechkg.graph.errors import QueryError
from speechkg.graph.query import formats
from speechkg.graph.query.formats import ResultFormat

T = TypeVar("T")

#: seconds a client is asked to wait before it tries again (Retry-After of every 503)
RETRY_AFTER = 2


class Refused(Exception):
    """A request answered with an HTTP error: its status and a one-line message (what is wrong and
    what to do), and the headers to send with it."""

    def __init__(self, code: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(code, message, headers)
        self.code, self.message, self.headers = code, message, headers


def busy(message: str) -> Refused:
    """503 with Retry-After: the server cannot run the query now, but will later."""
    return Refused(503, message, (("Retry-After", str(RETRY_AFTER)),))


class NotAcceptable(QueryError):
    """The query's result cannot be written in any format the request accepts (406)."""


@dataclass(frozen=True)
class GraphFormat:
    """A format of a CONSTRUCT or DESCRIBE result: pyoxigraph's RdfFormat name, the Content-Type
    sent, the Accept media types that ask for it, and the `format=` values that name it (ours and
    SPARQLWrapper's: it sends turtle, n3, xml, rdf+xml, json-ld or json)."""

    name: str
    oxigraph: str
    content_type: str
    media: tuple[str, ...]
    names: tuple[str, ...]


#: in the order preferred when the request leaves the choice open (Turtle first)
GRAPH_FORMATS = (
    GraphFormat(
        "turtle",
        "TURTLE",
        "text/turtle; charset=utf-8",
        # N3 and N-Triples readers read Turtle's subset of N3 too: SPARQLWrapper's N3 asks for all of them
        ("text/turtle", "application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3", "application/n3"),
        ("turtle", "ttl", "n3"),
    ),
    GraphFormat("n-triples", "N_TRIPLES", "application/n-triples", ("application/n-triples",), ("nt", "n-triples")),
    GraphFormat(
        "rdf+xml",
        "RDF_XML",
        "application/rdf+xml",
        ("application/rdf+xml", "application/xml", "text/xml"),
        ("rdf+xml", "rdfxml", "rdf", "xml"),
    ),
    GraphFormat(
        "json-ld",
        "JSON_LD",
        "application/ld+json",
        ("application/ld+json", "application/x-json+ld"),
        ("json-ld", "json"),
    ),
)


def _result_formats() -> list[ResultFormat]:
    """The result formats in the order preferred when the request leaves the choice open."""
    default = formats.RESULT_FORMATS[formats.DEFAULT_ENDPOINT_FORMAT]
    return [default] + [f for f in formats.RESULT_FORMATS.values() if f is not default]


def parse_accept(header: str) -> list[tuple[str, float]]:
    """An Accept header as (media range, q) pairs, media ranges in lower case; a q that is not a
    number from 0 to 1 counts as 0 (not acceptable)."""
    ranges = []
    for part in header.split(","):
        media, *params = part.split(";")
        media = media.strip().lower()
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                if not math.isfinite(q) or not 0 <= q <= 1:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(ranges: list[tuple[str, float]], media_types: Iterable[str]) -> float:
    """How much `ranges` want a format known by `media_types`: the q of the most specific range
    that matches one of them (type/subtype before type/* before */*), 0 when none does."""
    best, rank = 0.0, -1
    for media in media_types:
        kind = media.split("/")[0]
        for rng, q in ranges:
            r = 2 if rng == media else 1 if rng == f"{kind}/*" else 0 if rng == "*/*" else -1
            if r > rank:
                best, rank = q, r
    return best


def choose(ranges: list[tuple[str, float]], offered: list[tuple[T, tuple[str, ...]]]) -> T | None:
    """Of the offered (format, media types), in the server's order of preference, the first that
    `ranges` want most; None when they want none (all q=0 or no match). No ranges: the first."""
    if not ranges:
        return offered[0][0] if offered else None
    best, best_q = None, 0.0
    for fmt, media in offered:
        q = _quality(ranges, media)
        if q > best_q:
            best, best_q = fmt, q
    return best


def _known_name(value: str) -> bool:
    """Whether a `format=` value names a format: ours, SPARQLWrapper's, or media types we write."""
    if value in formats.RESULT_FORMATS or any(value in g.names for g in GRAPH_FORMATS):
        return True
    media = {m for g in GRAPH_FORMATS for m in g.media} | set(formats.accepted())
    return any(m.split(";")[0].strip() in media for m in value.split(","))


def unknown_format_message(value: str) -> str:
    """Why a `format=` value is refused, listing what is offered."""
    *most, last = formats.RESULT_FORMATS
    graphs = [g.name for g in GRAPH_FORMATS]
    return (
        f"unknown format {value!r}; use {', '.join(most)} or {last} (SELECT, ASK), "
        f"{', '.join(graphs[:-1])} or {graphs[-1]} (CONSTRUCT, DESCRIBE), or a media type"
    )


@dataclass(frozen=True)
class Wanted:
    """What a request asks its result to be written as: its `format=` values (format names or
    media types; SPARQLWrapper sends two, e.g. rdf+xml and application/rdf+xml), which win, else
    its Accept header."""

    names: tuple[str, ...] = ()
    accept: str = ""

    @classmethod
    def of(cls, names: list[str], accept: str) -> Wanted:
        """The request's wish, once it was checked: Refused (400) for a `format=` value that names
        nothing, (406) for an Accept that names nothing this endpoint writes."""
        wanted = cls(tuple(n.strip().lower() for n in names if n.strip()), accept)
        for name in wanted.names:
            if not _known_name(name):
                raise Refused(400, unknown_format_message(name))
        if not wanted.names and accept.strip():
            ranges = parse_accept(accept)
            if choose(ranges, wanted._offered_results()) is None and choose(ranges, _offered_graphs()) is None:
                raise Refused(406, f"cannot answer in any type of the Accept header ({accept[:200]}); {_offer_text()}")
        return wanted

    def _offered_results(self) -> list[tuple[ResultFormat, tuple[str, ...]]]:
        return [(f, f.accept) for f in _result_formats() if f.accept]

    def results(self) -> ResultFormat:
        """The format of a SELECT or ASK result; NotAcceptable when the request wants none."""
        for name in self.names:
            if name in formats.RESULT_FORMATS:
                return formats.RESULT_FORMATS[name]
            found = choose(parse_accept(name), self._offered_results())
            if found is not None and "*" not in name:
                return found
        if self.names:
            raise NotAcceptable(
                f"format {self.names[0]!r} is for CONSTRUCT and DESCRIBE; the results of SELECT and ASK "
                f"come as {', '.join(formats.RESULT_FORMATS)}"
            )
        found = choose(parse_accept(self.accept), self._offered_results())
        if found is None:
            raise NotAcceptable(f"SELECT and ASK results cannot be sent as {self.accept[:200]}; {_offer_text()}")
        return found

    def graph(self) -> GraphFormat:
        """The format of a CONSTRUCT or DESCRIBE result; NotAcceptable when the request wants none.
        A result format's name (table, csv, tsv) gives Turtle, as `speechkg query` writes graphs."""
        for name in self.names:
            for g in GRAPH_FORMATS:
                if name in g.names or name in g.media:
                    return g
            found = choose(parse_accept(name), [(g, g.media) for g in GRAPH_FORMATS])
            if found is not None and "*" not in name:
                return found
        if self.names:
            return GRAPH_FORMATS[0]
        found = choose(parse_accept(self.accept), [(g, g.media) for g in GRAPH_FORMATS])
        if found is None:
            raise NotAcceptable(f"a graph (CONSTRUCT, DESCRIBE) cannot be sent as {self.accept[:200]}; {_offer_text()}")
        return found


def _offered_graphs() -> list[tuple[GraphFormat, tuple[str, ...]]]:
    return [(g, g.media) for g in GRAPH_FORMATS]


def _offer_text() -> str:
    results = [m for f in _result_formats() for m in f.accept]
    graphs = [g.media[0] for g in GRAPH_FORMATS]
    return f"ask for {', '.join(results)} (SELECT, ASK) or {', '.join(graphs)} (CONSTRUCT, DESCRIBE)"


# ------------------------------------------------------------------ request bodies

_DIGITS = re.compile(r"[0-9]{1,19}")


def body_length(headers, limit: int) -> int:
    """The length of a request's body from its one Content-Length (0 without one); Refused for two
    of them, a value that is not digits, a body over `limit` bytes, or Transfer-Encoding (a chunked
    body is refused rather than read as empty, so that no part of it is taken for a request)."""
    lengths = headers.get_all("Content-Length") or []
    if headers.get_all("Transfer-Encoding"):
        if lengths:
            raise Refused(400, "both Transfer-Encoding and Content-Length; send the body with one Content-Length")
        raise Refused(411, "chunked request bodies are not read; send the body with a Content-Length")
    if len(lengths) > 1:
        raise Refused(400, "more than one Content-Length header; send one")
    if not lengths:
        return 0
    value = lengths[0].strip()
    if not _DIGITS.fullmatch(value):
        raise Refused(400, f"bad Content-Length {value[:40]!r}; send the body's size in bytes")
    size = int(value)
    if size > limit:
        raise Refused(413, f"the query is larger than {limit} bytes")
    return size


# ------------------------------------------------------------------ who may ask


def check_cors_origin(origin: str) -> str:
    """A web origin given to --cors-origin, normalised as browsers send it in Origin
    (scheme://host[:port], lower case, no default port); QueryError for anything else."""
    try:
        url = urllib.parse.urlsplit(origin.strip())
        port = url.port
    except ValueError:
        url, port = None, None
    if (
        url is None
        or url.scheme not in ("http", "https")
        or not url.hostname
        or url.username is not None
        or url.path not in ("", "/")
        or url.query
        or url.fragment
    ):
        raise QueryError(
            f"--cors-origin {origin!r} is not a web origin; give scheme://host[:port], e.g. http://localhost:3000"
        )
    return _origin(url.scheme, url.hostname, port)


def _origin(scheme: str, host: str, port: int | None) -> str:
    default = 443 if scheme == "https" else 80
    name = f"[{host}]" if ":" in host else host
    return f"{scheme}://{name}" if port in (None, default) else f"{scheme}://{name}:{port}"


@dataclass(frozen=True)
class Site:
    """Who this server is (the address it listens on, as given and as bound) and which other web
    origins may read its answers (--cors-origin)."""

    host: str
    address: str
    port: int
    cors: frozenset[str] = frozenset()

    def _names(self) -> set[str]:
        names = {"localhost", self.host.strip("[]").lower().rstrip(".")}
        if self._wildcard():
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        return names

    def _wildcard(self) -> bool:
        try:
            return ipaddress.ip_address(self.address).is_unspecified
        except ValueError:
            return False

    def is_own_name(self, name: str) -> bool:
        """Whether a host name or address (from Host or Origin) names this server: localhost, the
        name it was started with, a loopback address when it listens on one, its own address
        (any address when it listens on all). Another name is how a DNS-rebinding page asks."""
        name = name.strip("[]").lower().rstrip(".")
        if name in self._names():
            return True
        try:
            ip = ipaddress.ip_address(name)
            bound = ipaddress.ip_address(self.address)
        except ValueError:
            return False
        return bound.is_unspecified or ip == bound or ip.is_loopback and bound.is_loopback

    def check_host(self, host: str | None, http11: bool) -> None:
        """Refused (403) unless the Host header names this server (400 when HTTP/1.1 has none)."""
        if host is None:
            if http11:
                raise Refused(400, "no Host header; HTTP/1.1 requests must have one")
            return
        try:
            name = urllib.parse.urlsplit("//" + host.strip()).hostname or ""
        except ValueError:
            name = ""
        if not name or not self.is_own_name(name):
            raise Refused(
                403,
                f"Host {host[:100]!r} is not a name of this server (refused against DNS rebinding); "
                f"use http://{'127.0.0.1' if self._wildcard() else self.host}:{self.port}/",
            )

    def _is_own_origin(self, origin: str) -> bool:
        try:
            url = urllib.parse.urlsplit(origin)
            port = url.port or (443 if url.scheme == "https" else 80)
        except ValueError:
            return False
        return url.scheme == "http" and bool(url.hostname) and self.is_own_name(url.hostname) and port == self.port

    def check_site(self, headers: Mapping[str, str], form_post: bool) -> str | None:
        """The origin to allow in CORS headers (one named with --cors-origin), or None for a request
        of this server's own pages or not from a browser; Refused (403) for a cross-site request:
        an Origin that is neither, Sec-Fetch-Site: cross-site, or a form posted from another page."""
        origin = headers.get("Origin")
        if origin is not None:
            origin = origin.strip()
            if origin.lower().rstrip("/") in self.cors:
                return origin
            if self._is_own_origin(origin):
                return None
            raise Refused(403, f"cross-site request from {origin[:100]!r} refused; {self._cors_hint(origin)}")
        if (headers.get("Sec-Fetch-Site") or "").strip().lower() == "cross-site":
            raise Refused(403, f"cross-site request refused; {self._cors_hint(None)}")
        referer = headers.get("Referer")
        if form_post and referer and not self._is_own_origin(referer):
            raise Refused(403, f"form posted from another page ({referer[:100]!r}) refused; {self._cors_hint(None)}")
        return None

    @staticmethod
    def _cors_hint(origin: str | None) -> str:
        return f"start serve with --cors-origin {origin or 'ORIGIN'} to let that page query"
