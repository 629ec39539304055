"""What a Dask worker sends back for a batch of speeches: each speech's Doc, or the failure that
stopped it, as JSON text, which the client reads with json.loads and checks field by field.

Nothing a worker sends can run code here (a pickle could): the client reads only bytes, after
it has checked their size and the worker's fingerprint (cluster._Run), and builds the Docs
itself from the speeches it sent. A worker that sends something else is refused (WireError).
Every field of Section, Sentence and Mention travels, read from the dataclasses, so a field
added there travels too; each mention is sent once and named by its index elsewhere."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from typing import Any

from speechkg.graph.model import Doc, Entity, Mention, Relation, Section, Sentence, Speech

#: how many bytes of JSON a batch may come back as, per UTF-8 byte of its speeches' texts, …
BYTES_PER_TEXT_BYTE = 64
#: … plus this many
BYTES_MORE = 1 << 20
#: a failure's type name and message are cut to these lengths
NAME_CHARS, MESSAGE_CHARS = 100, 2000


class WireError(ValueError):
    """What a worker sent is not a batch's result as encode makes it."""


def limit(speeches: list[Speech]) -> int:
    """The most bytes a batch of `speeches` may come back as."""
    return BYTES_MORE + BYTES_PER_TEXT_BYTE * sum(len(s.text.encode("utf-8", "surrogatepass")) for s in speeches)


# ---- on a worker ----


def encode(outcomes: list[Doc | Exception]) -> bytes:
    """Each speech's Doc, or the exception that stopped it, as UTF-8 JSON."""
    return json.dumps([_doc(o) if isinstance(o, Doc) else _failure(o) for o in outcomes], ensure_ascii=False).encode(
        "utf-8", "surrogatepass"
    )


def _failure(exc: BaseException) -> dict[str, Any]:
    return {
        "failed": type(exc).__name__[:NAME_CHARS],
        "message": str(exc)[:MESSAGE_CHARS],
        "memory": isinstance(exc, MemoryError),
    }


def _doc(doc: Doc) -> dict[str, Any]:
    index: dict[Mention, int] = {}
    for m in [
        *doc.mentions,
        *(m for r in doc.relations for m in (r.subject, r.object)),
        *(m for e in doc.entities for m in e.mentions),
        *doc.links,
    ]:
        index.setdefault(m, len(index))
    return {
        "year": doc.speech.year,
        "sections": [_row(s) for s in doc.sections],
        "sentences": [_row(s) for s in doc.sentences],
        "table": [_row(m) for m in index],
        "mentions": [index[m] for m in doc.mentions],
        "relations": [[index[r.subject], r.predicate, index[r.object], r.sentence, r.rule] for r in doc.relations],
        "entities": [
            [e.key, e.type, e.label, sorted(e.aliases), [index[m] for m in e.mentions], e.value, e.number]
            for e in doc.entities
        ],
        "links": [[index[m], key] for m, key in doc.links.items()],
        "warnings": doc.warnings,
    }


def _row(item: Section | Sentence | Mention) -> list[Any]:
    return [list(v) if isinstance(v, tuple) else v for v in dataclasses.astuple(item)]


# ---- on the client ----


def decode(payload: bytes, speeches: list[Speech]) -> list[Doc | Exception]:
    """The outcomes encode wrote for `speeches` (the client's own: each Doc gets its Speech
    from here, not from the worker); WireError unless `payload` is exactly that shape."""
    try:
        items = json.loads(payload.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"not JSON ({type(exc).__name__})") from None
    _need(type(items) is list and len(items) == len(speeches), "not one result per speech")
    try:
        return [_read(item, speech) for item, speech in zip(items, speeches, strict=True)]
    except WireError:
        raise
    except (IndexError, KeyError, TypeError, ValueError) as exc:
        raise WireError(f"a speech's result is malformed ({type(exc).__name__})") from None


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise WireError(what)


def _read(item: object, speech: Speech) -> Doc | Exception:
    _need(type(item) is dict, "a result is not an object")
    if "failed" in item:
        name, message, memory = item["failed"], item["message"], item["memory"]
        _need(_is_str(name) and name.isidentifier() and len(name) <= NAME_CHARS, "a failure's name")
        _need(_is_str(message) and len(message) <= MESSAGE_CHARS and type(memory) is bool, "a failure")
        return _failure_type(name, memory)(message)
    year, warnings = item["year"], item["warnings"]
    _need(year is None or type(year) is int, "a year")
    _need(type(warnings) is list and all(map(_is_str, warnings)), "the warnings")
    table = _rows(Mention, item["table"])
    doc = Doc(speech=dataclasses.replace(speech, year=year), warnings=warnings)
    doc.sections, doc.sentences = _rows(Section, item["sections"]), _rows(Sentence, item["sentences"])
    doc.mentions = [table[i] for i in _ints(item["mentions"])]
    for subject, predicate, obj, sentence, rule in _lists(item["relations"], 5):
        _need(_is_str(predicate) and _is_str(rule) and type(sentence) is int, "a relation")
        doc.relations.append(Relation(table[_int(subject)], predicate, table[_int(obj)], sentence, rule))
    for key, kind, label, aliases, mentions, value, number in _lists(item["entities"], 7):
        _need(all(map(_is_str, (key, kind, label))) and _optional(str, value) and _optional(int, number), "an entity")
        _need(type(aliases) is list and all(map(_is_str, aliases)), "an entity's aliases")
        doc.entities.append(Entity(key, kind, label, set(aliases), [table[i] for i in _ints(mentions)], value, number))
    for i, key in _lists(item["links"], 2):
        _need(_is_str(key), "a link")
        doc.links[table[_int(i)]] = key
    return doc


def _rows(cls: type, rows: object) -> list[Any]:
    """Instances of the dataclass `cls` from their rows (see _row), each field checked against
    its annotation (_CHECKS)."""
    readers = [_CHECKS[f.type] for f in dataclasses.fields(cls)]
    out = []
    for row in _lists(rows, len(readers)):
        values = []
        for read, value in zip(readers, row, strict=True):
            ok, value = read(value)
            _need(ok, f"a field of a {cls.__name__}")
            values.append(value)
        out.append(cls(*values))
    return out


def _lists(rows: object, width: int) -> list[list[Any]]:
    _need(type(rows) is list and all(type(r) is list and len(r) == width for r in rows), "a table")
    return rows  # type: ignore[return-value]


def _ints(values: object) -> list[int]:
    _need(type(values) is list and all(type(v) is int and v >= 0 for v in values), "a list of indexes")
    return values  # type: ignore[return-value]


def _int(value: object) -> int:
    _need(type(value) is int and value >= 0, "an index")
    return value  # type: ignore[return-value]


def _is_str(value: object) -> bool:
    return type(value) is str


def _optional(kind: type, value: object) -> bool:
    return value is None or type(value) is kind


def _plain(kind: type) -> Callable[[object], tuple[bool, object]]:
    return lambda v: (type(v) is kind, v)


def _maybe(kind: type) -> Callable[[object], tuple[bool, object]]:
    return lambda v: (_optional(kind, v), v)


def _strings(v: object) -> tuple[bool, object]:
    ok = type(v) is list and all(map(_is_str, v))
    return ok, tuple(v) if ok else v  # type: ignore[arg-type]


#: each field annotation of Section, Sentence and Mention → (whether a JSON value fits it, the value)
_CHECKS: dict[str, Callable[[object], tuple[bool, object]]] = {
    "int": _plain(int),
    "str": _plain(str),
    "bool": _plain(bool),
    "int | None": _maybe(int),
    "str | None": _maybe(str),
    "float | None": _maybe(float),
    "tuple[str, ...]": _strings,
}


@functools.lru_cache(maxsize=64)
def _failure_type(name: str, memory: bool) -> type[Exception]:
    """An exception class named as the worker's was (so the `Skipped:` line reads as a local
    build's), a MemoryError when that was one."""
    return type(name, (MemoryError if memory else Exception,), {"__module__": __name__})
