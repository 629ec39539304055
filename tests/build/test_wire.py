"""graph/build/wire: what a Dask worker sends back is JSON that gives the client the very Docs a
local build has, and anything else is refused (WireError) before a Doc is made of it."""

from __future__ import annotations

import dataclasses
import json
import types
import typing

import pytest

from speechkg.graph.build import wire
from speechkg.graph.build.steps import lexicon_for, process
from speechkg.graph.model import Doc, Mention, Speech

from ..conftest import ROOT, SEED

TEXTS = [
    Speech(SEED.read_text(encoding="utf-8"), SEED.name),
    *(Speech(p.read_text(encoding="utf-8"), p.name) for p in sorted((ROOT / "tests" / "data").glob("*.txt"))),
    Speech("二〇二二年一月一日，省委召開全省工會工作會議，傳達學習黨的二十大精神。", "traditional.txt"),
    Speech("   ", "empty.txt"),
]


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    lex = lexicon_for(None)
    return [process(s, lex) for s in TEXTS]


def test_a_batch_comes_back_as_the_same_docs(docs):
    outcomes = [*docs, ValueError("bad\nsecond line"), MemoryError()]
    speeches = [*TEXTS, Speech("x", "a.txt"), Speech("y", "b.txt")]
    payload = wire.encode(outcomes)
    assert len(payload) <= wire.limit(speeches)
    back = wire.decode(payload, speeches)
    assert back[: len(docs)] == docs
    assert sum(len(d.mentions) for d in docs) > 200 and any(d.relations for d in docs)
    assert any(m.text != m.label for d in docs for m in d.mentions)  # the traditional text's spans
    failed, memory = back[len(docs) :]
    assert (type(failed).__name__, str(failed), isinstance(failed, MemoryError)) == (
        "ValueError",
        "bad\nsecond line",
        False,
    )
    assert (type(memory).__name__, isinstance(memory, MemoryError)) == ("MemoryError", True)


def _leaves(hint: object, seen: set[type]) -> set[object]:
    """The types a Doc's fields are made of, at the bottom of lists, sets, dicts and dataclasses."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (list, tuple, set, dict, types.UnionType, typing.Union):
        return set().union(*(_leaves(a, seen) for a in args if a is not Ellipsis))
    if dataclasses.is_dataclass(hint) and hint not in seen:
        seen.add(hint)
        return set().union(*(_leaves(h, seen) for h in wire._hints(hint).values()))
    return set() if dataclasses.is_dataclass(hint) else {hint}


def test_every_field_of_a_doc_can_travel():
    """A field model.py takes up later travels with no change here, unless its type is new: then
    this test says so, not a build on a cluster."""
    leaves = set().union(*(_leaves(h, set()) for h in wire._doc_fields().values()))
    assert leaves <= {str, int, float, bool, type(None)}


def _one(docs) -> dict:
    """The seed's Doc as encode writes it, as JSON values to spoil."""
    return json.loads(wire.encode([docs[0]]))[0]


SPOILED = {
    "a bool for an int": lambda d: d["sections"][0].__setitem__(0, True),
    "an index past the table": lambda d: d["mentions"].__setitem__(0, len(d["table"])),
    "a negative index": lambda d: d["mentions"].__setitem__(0, -1),
    "a mention written out for its index": lambda d: d["links"][0].__setitem__(0, d["table"][0]),
    "a field too many": lambda d: d.__setitem__("code", "os.system"),
    "a field missing": lambda d: d.pop("warnings"),
    "a row too short": lambda d: d["table"][0].pop(),
    "a float for a str": lambda d: d["warnings"].append(1.5),
    "an object for a list": lambda d: d.__setitem__("relations", {"__reduce__": "os.system"}),
}


@pytest.mark.parametrize("spoil", SPOILED.values(), ids=SPOILED.keys())
def test_a_doc_of_another_shape_is_refused(docs, spoil):
    item = _one(docs)
    spoil(item)
    with pytest.raises(wire.WireError):
        wire.decode(json.dumps([item]).encode(), TEXTS[:1])


@pytest.mark.parametrize(
    "payload",
    [
        b"\xff",
        b"[" * 100_000,
        b'{"a": 1}',
        b"[]",
        b'[{"failed": "os.system", "message": "", "memory": false}]',
        b'[{"failed": "E", "message": "x", "memory": 0}]',
        b'[{"failed": "E", "message": "x", "memory": false, "more": 1}]',
    ],
)
def test_what_is_no_batch_result_is_refused(payload):
    with pytest.raises(wire.WireError):
        wire.decode(payload, [Speech("x", "a.txt")])


def test_what_a_worker_says_drives_no_terminal():
    """Its warnings and failure messages come with their control characters shown, not sent."""
    doc = Doc(Speech("x", "a.txt"), warnings=["a.txt: \x1b]0;owned\x07 warning"])
    back = wire.decode(wire.encode([doc, ValueError("\x1b[2Jgone\nline two")]), [Speech("x", "a.txt")] * 2)
    assert back[0].warnings == ["a.txt: \\x1b]0;owned\\x07 warning"]
    assert str(back[1]) == "\\x1b[2Jgone\nline two"


def test_a_mention_is_sent_once():
    """However many fields name a mention, it is written once, in the table, and named by its index."""
    m = Mention(0, 2, "省委", "Body", "省委", "r", aliases=("党委",), confidence=0.5)
    item = json.loads(wire.encode([Doc(Speech("省委"), mentions=[m, m], links={m: "k"})]))[0]
    assert item["table"] == [[0, 2, "省委", "Body", "省委", "r", None, None, ["党委"], None, False, None, None, 0.5]]
    assert (item["mentions"], item["links"]) == ([0, 0], [[0, "k"]])
    assert wire.decode(json.dumps([item]).encode(), [Speech("省委")])[0].links == {m: "k"}
