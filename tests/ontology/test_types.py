"""ontology/types.tsv: every per-type fact in one row, and what reads it."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal

from speechkg.graph.extract import relations
from speechkg.graph.quality import evaluate
from speechkg.graph.views import compare, page
from speechkg.ontology import types
from speechkg.ontology.namespace import SKG

_HEADER = "type\tkind\tzh\ten\tcolour\tshape\tcore\tagent\treworded\tsuperclass\tcomment\n"
_POSITION = "Position\tentity\t职务\tposition\t#123456\tdot\tno\tyes\tno\tschema:Role\tA post a person holds.\n"


def _with_position(tmp_path) -> tuple[types.NodeType, ...]:
    rows = types.TYPES_FILE.read_text(encoding="utf-8") + _POSITION
    path = tmp_path / "types.tsv"
    path.write_text(rows, encoding="utf-8")
    return types.load(path)


def test_the_turtle_files_hold_what_the_rows_write():
    for path, write in ((types.ONTOLOGY_FILE, types.written_ontology), (types.SHAPES_FILE, types.written_shapes)):
        text = path.read_text(encoding="utf-8")
        assert write(text) == text, f"{path.name} differs from types.tsv: run python -m speechkg.ontology.types"


def test_a_new_row_is_a_class_of_the_ontology_and_a_target_of_the_shapes(tmp_path):
    rows = _with_position(tmp_path)
    ttl = types.written_ontology(types.ONTOLOGY_FILE.read_text(encoding="utf-8"), rows)
    g = Graph().parse(data=ttl, format="turtle")
    position = SKG._NS["Position"]
    assert (position, RDF.type, OWL.Class) in g
    assert (position, RDFS.subClassOf, SKG.Entity) in g
    assert set(g.objects(position, RDFS.label)) == {Literal("position", lang="en"), Literal("职务", lang="zh")}
    shapes = types.written_shapes(types.SHAPES_FILE.read_text(encoding="utf-8"), rows)
    Graph().parse(data=shapes, format="turtle")  # still Turtle
    assert shapes.count("skg:Position") == 2  # the target list and the one-type check
    assert types.written_ontology(ttl, rows) == ttl  # writing twice changes nothing


def test_a_row_without_its_cells_is_refused(tmp_path):
    path = tmp_path / "types.tsv"
    path.write_text(_HEADER + "Position\tentity\t职务\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: 11 tab-separated cells"):
        types.load(path)
    path.write_text(_HEADER + _POSITION.replace("\tyes\t", "\tmaybe\t"), encoding="utf-8")
    with pytest.raises(ValueError, match="yes or no"):
        types.load(path)


def test_the_readers_take_their_tables_from_the_rows():
    rows = {t.name: t for t in types.NODE_TYPES}
    assert evaluate.CORE == tuple(n for n, t in rows.items() if t.core) == ("Campaign", "Body", "Goal", "Date")
    assert compare.REWORDED_TYPES == {"Campaign", "Goal", "Concept", "Document"}
    assert relations.AGENTS == tuple(n for n, t in rows.items() if t.agent) == ("Body", "Meeting", "Person")
    assert page.COLORS["Body"] == rows["Body"].colour and page.SHAPES["Speech"] == "database"
    assert page.TYPE_LABELS["Concept"] == "提法 Concept" and "Speech" not in page.TYPE_LABELS
    assert types.ENTITY_TYPES == tuple(n for n, t in rows.items() if t.kind == types.ENTITY)
    assert SKG.Person == SKG._NS["Person"]
    with pytest.raises(AttributeError):
        SKG.Position  # noqa: B018 (not a row: the namespace still fails on it)
