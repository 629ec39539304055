"""What a Dask worker sends back for a batch of speeches: each speech's Doc, or the failure that
stopped it, as JSON text, which the client reads with json.loads and checks value by value.

Nothing a worker sends can run code here (a pickle could): the client reads only bytes, after
it has checked their size and the worker's fingerprint (cluster._Run), and builds the Docs
itself from the speeches it sent. A worker that sends something else is refused (WireError).

Every field of Doc travels but its speech (the client has it; only the year the worker gave it
comes back), written and read after its type annotation (graph/model.py), so a field added
there travels too: a dataclass as the list of its fields, a set as a sorted list, a dict as a
list of pairs, and a Mention as its index in a table of the Doc's mentions, each sent once."""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from typing import Any

from speechkg.graph.model import Doc, Mention, Speech
from speechkg.graph.text import printable

#: how many bytes of JSON a batch may come back as, per UTF-8 byte of its speeches' texts, …
BYTES_PER_TEXT_BYTE = 64
#: … plus this many
BYTES_MORE = 1 << 20
#: a failure's type name and message are cut to these lengths
NAME_CHARS, MESSAGE_CHARS = 100, 2000
_PLAIN = (str, int, float, bool)


class WireError(ValueError):
    """What a worker sent is not a batch's result as encode makes it."""


def limit(speeches: list[Speech]) -> int:
    """The most bytes a batch of `speeches` may come back as."""
    return BYTES_MORE + BYTES_PER_TEXT_BYTE * sum(len(s.text.encode("utf-8", "surrogatepass")) for s in speeches)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """A dataclass's fields and their types, in order."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def _doc_fields() -> dict[str, Any]:
    return {name: hint for name, hint in _hints(Doc).items() if name != "speech"}


# ---- on a worker ----


def encode(outcomes: list[Doc | Exception]) -> bytes:
    """Each speech's Doc, or the exception that stopped it, as UTF-8 JSON."""
    items = [_doc(o) if isinstance(o, Doc) else _failure(o) for o in outcomes]
    return json.dumps(items, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _failure(exc: BaseException) -> dict[str, Any]:
    return {
        "failed": type(exc).__name__[:NAME_CHARS],
        "message": str(exc)[:MESSAGE_CHARS],
        "memory": isinstance(exc, MemoryError),
    }


def _doc(doc: Doc) -> dict[str, Any]:
    table: dict[Mention, int] = {}
    out = {name: _write(getattr(doc, name), table) for name in _doc_fields()}
    out["year"] = doc.speech.year
    out["table"] = [[_write(getattr(m, f), {}) for f in _hints(Mention)] for m in table]
    return out


def _write(value: Any, table: dict[Mention, int]) -> Any:
    if isinstance(value, Mention):
        return table.setdefault(value, len(table))
    if dataclasses.is_dataclass(value):
        return [_write(getattr(value, f), table) for f in _hints(type(value))]
    if isinstance(value, (list, tuple)):
        return [_write(v, table) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_write(v, table) for v in value)
    if isinstance(value, dict):
        return [[_write(k, table), _write(v, table)] for k, v in value.items()]
    return value


# ---- on the client ----


def decode(payload: bytes, speeches: list[Speech]) -> list[Doc | Exception]:
    """The outcomes encode wrote for `speeches` (the client's own: each Doc gets its Speech
    from here, not from the worker); WireError unless `payload` is exactly that shape. The
    warnings and failures a worker sends are printed on a terminal, so their control
    characters are shown as escapes (text.printable), never sent to it."""
    try:
        items = json.loads(payload.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"not JSON ({type(exc).__name__})") from None
    _need(type(items) is list and len(items) == len(speeches), "not one result per speech")
    try:
        return [_read_item(item, speech) for item, speech in zip(items, speeches, strict=True)]
    except WireError:
        raise
    except (IndexError, KeyError, TypeError, ValueError) as exc:
        raise WireError(f"a speech's result is malformed ({type(exc).__name__})") from None


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise WireError(what)


def _read_item(item: object, speech: Speech) -> Doc | Exception:
    _need(type(item) is dict, "a result is not an object")
    if "failed" in item:
        _need(set(item) == {"failed", "message", "memory"}, "a failure's fields")
        name, message, memory = item["failed"], item["message"], item["memory"]
        _need(type(name) is str and name.isidentifier() and len(name) <= NAME_CHARS, "a failure's name")
        _need(type(message) is str and len(message) <= MESSAGE_CHARS and type(memory) is bool, "a failure")
        return _failure_type(name, memory)("\n".join(map(printable, message.split("\n"))))
    fields = _doc_fields()
    _need(set(item) == {*fields, "year", "table"}, "a Doc's fields")
    table = [_read(row, Mention, None) for row in _sequence(item["table"])]
    doc = Doc(speech=dataclasses.replace(speech, year=_read(item["year"], int | None, table)))
    for name, hint in fields.items():
        setattr(doc, name, _read(item[name], hint, table))
    doc.warnings = [printable(w) for w in doc.warnings]  # shown on a terminal: no escape sequences
    return doc


def _read(value: object, hint: Any, table: list[Mention] | None) -> Any:
    """`value` as the type `hint` (see _write), or WireError; a Mention is an index into
    `table`, but in the table itself (None)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Mention and table is not None:
        _need(type(value) is int and 0 <= value < len(table), "a mention's index")
        return table[value]  # type: ignore[index]
    if hint in _PLAIN:
        _need(type(value) is hint, f"not a {hint.__name__}")
        return value
    if origin in (types.UnionType, typing.Union):
        return None if value is None and type(None) in args else _read(value, _other_than_none(args), table)
    if dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        _need(type(value) is list and len(value) == len(hints), f"a {hint.__name__}")
        return hint(*(_read(v, h, table) for v, h in zip(value, hints.values(), strict=True)))  # type: ignore[operator]
    if origin in (list, tuple, set):
        items = [_read(v, args[0], table) for v in _sequence(value)]
        return items if origin is list else origin(items)
    if origin is dict:
        pairs = _sequence(value)
        _need(all(type(p) is list and len(p) == 2 for p in pairs), "a mapping")
        return {_read(k, args[0], table): _read(v, args[1], table) for k, v in pairs}
    raise TypeError(f"wire cannot read {hint!r}")  # a type model.py has taken up since


def _sequence(value: object) -> list[Any]:
    _need(type(value) is list, "not a list")
    return value  # type: ignore[return-value]


def _other_than_none(args: tuple[Any, ...]) -> Any:
    rest = [a for a in args if a is not type(None)]
    if len(rest) != 1:
        raise TypeError(f"wire cannot read a union of {rest!r}")
    return rest[0]


@functools.lru_cache(maxsize=64)
def _failure_type(name: str, memory: bool) -> type[Exception]:
    """An exception class named as the worker's was (so the `Skipped:` line reads as a local
    build's), a MemoryError when that was one."""
    return type(name, (MemoryError if memory else Exception,), {"__module__": __name__})
