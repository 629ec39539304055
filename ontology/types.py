"""The types of node speechkg draws, read from `types.tsv`: one row a type, every per-type fact.

The namespace, the page, the scorer, the linker, the relation rules and the two Turtle files all
take their per-type facts from here, so adding an entity type is one row (and the component that
finds it). The class declarations in `speechkg.ttl` and the class lists in `shapes.ttl` are
written from the rows (`python -m speechkg.ontology.types` rewrites them; a test keeps them equal).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

TYPES_FILE = Path(__file__).with_name("types.tsv")
ONTOLOGY_FILE = Path(__file__).with_name("speechkg.ttl")
SHAPES_FILE = Path(__file__).with_name("shapes.ttl")

ENTITY = "entity"
SOURCE = "source"
_KINDS = (ENTITY, SOURCE)
_FLAGS = {"yes": True, "no": False}


@dataclass(frozen=True)
class NodeType:
    """One row of types.tsv."""

    name: str
    kind: str
    zh: str
    en: str
    colour: str
    shape: str
    core: bool
    agent: bool
    reworded: bool
    superclass: str
    comment: str

    @property
    def page_label(self) -> str:
        """The legend's label: 机构 Body."""
        return f"{self.zh} {self.name}"


def _row(line: str, number: int) -> NodeType:
    cells = line.split("\t")
    if len(cells) != 11:
        raise ValueError(f"{TYPES_FILE.name} line {number}: 11 tab-separated cells expected, {len(cells)} found")
    name, kind, zh, en, colour, shape, core, agent, reworded, superclass, comment = cells
    if not re.fullmatch(r"[A-Z][A-Za-z]*", name) or kind not in _KINDS:
        raise ValueError(f"{TYPES_FILE.name} line {number}: bad type {name!r} or kind {kind!r}")
    flags = [_FLAGS.get(x) for x in (core, agent, reworded)]
    if None in flags:
        raise ValueError(f"{TYPES_FILE.name} line {number}: core, agent and reworded are yes or no")
    return NodeType(name, kind, zh, en, colour, shape, *flags, superclass, comment)


def load(path: Path = TYPES_FILE) -> tuple[NodeType, ...]:
    """The rows of a types table, comments and the header skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [(n, x) for n, x in enumerate(lines, 1) if x.strip() and not x.startswith("#")]
    return tuple(_row(x, n) for n, x in body[1:])


#: every row, in the table's order (the scorer's order for entity types)
NODE_TYPES: tuple[NodeType, ...] = load()
BY_NAME: dict[str, NodeType] = {t.name: t for t in NODE_TYPES}
#: the entity classes of the contract, in the order the scorer lists them
ENTITY_TYPES: tuple[str, ...] = tuple(t.name for t in NODE_TYPES if t.kind == ENTITY)
#: the types of the scorer's core-F1
CORE_TYPES: tuple[str, ...] = tuple(t.name for t in NODE_TYPES if t.core)
#: types that may hold, chair, convene or propose
AGENT_TYPES: tuple[str, ...] = tuple(t.name for t in NODE_TYPES if t.agent)
#: types whose labels one speech words differently from another
REWORDED_TYPES: frozenset[str] = frozenset(t.name for t in NODE_TYPES if t.reworded)


# ---------------------------------------------------------------- the Turtle written from the rows

_BEGIN = "# ---- written from types.tsv by `python -m speechkg.ontology.types`: edit the table, not this"
_END = "# ---- end of what types.tsv writes"


def owl_classes(types: tuple[NodeType, ...] = NODE_TYPES) -> str:
    """The OWL class declaration of every entity type, as speechkg.ttl holds them."""
    blocks = []
    for t in types:
        if t.kind != ENTITY:
            continue
        supers = "skg:Entity" + (f" , {t.superclass}" if t.superclass else "")
        lines = [f"skg:{t.name} a owl:Class ; rdfs:subClassOf {supers} ;", f'    rdfs:label "{t.en}"@en , "{t.zh}"@zh']
        if t.comment:
            lines[-1] += " ;"
            lines.append(f'    rdfs:comment "{t.comment}"@en')
        lines[-1] += " ."
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def shape_classes(types: tuple[NodeType, ...] = NODE_TYPES) -> str:
    """The entity classes in the shapes' target list: 'skg:Campaign , skg:Body , …'."""
    return " , ".join(f"skg:{t.name}" for t in types if t.kind == ENTITY)


def shape_values(types: tuple[NodeType, ...] = NODE_TYPES) -> str:
    """The entity classes in a SPARQL VALUES list: 'skg:Campaign skg:Body …'."""
    return " ".join(f"skg:{t.name}" for t in types if t.kind == ENTITY)


def _between(text: str, written: str) -> str:
    """`text` with what stands between the markers replaced by `written`."""
    pattern = re.compile(rf"(^[ \t]*{re.escape(_BEGIN)}\n)(.*?)(^[ \t]*{re.escape(_END)}$)", re.S | re.M)
    return pattern.sub(lambda m: m.group(1) + written + "\n" + m.group(3), text, count=1)


def written_ontology(text: str, types: tuple[NodeType, ...] = NODE_TYPES) -> str:
    """speechkg.ttl as the rows write it."""
    return _between(text, owl_classes(types))


def written_shapes(text: str, types: tuple[NodeType, ...] = NODE_TYPES) -> str:
    """shapes.ttl as the rows write it: its class list and its VALUES list."""
    text = re.sub(
        r"(sh:targetClass )[^;]*?(?= ;\n\s*# entity classes)", lambda m: m.group(1) + shape_classes(types), text
    )
    return re.sub(r"(VALUES \?t \{ )[^}]*?(?= \}  # entity classes)", lambda m: m.group(1) + shape_values(types), text)


def main() -> int:
    """Rewrite the class declarations of speechkg.ttl and the class lists of shapes.ttl."""
    for path, write in ((ONTOLOGY_FILE, written_ontology), (SHAPES_FILE, written_shapes)):
        text = path.read_text(encoding="utf-8")
        new = write(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
