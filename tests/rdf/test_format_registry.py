"""Adding an RDF format is one entry of the registry in graph/rdf/formats.py."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from speechkg.cli import cli
from speechkg.graph.rdf import formats, oxstore, parse
from speechkg.graph.rdf.write import serialize

N3 = formats.RdfFormat("n3", "n3", "N3", (".n3",))


@pytest.fixture
def n3():
    formats.register(N3)
    yield N3
    if "n3" in formats.REGISTRY:
        formats.unregister("n3")


def test_a_registered_format_is_written_read_and_queried(n3, seed_ttl, tmp_path):
    """N3, one entry: serialize writes it; rdflib, Oxigraph and `query` read it back, the triples of the Turtle."""
    turtle = Graph().parse(seed_ttl, format="turtle")
    path = tmp_path / "seed.n3"
    path.write_bytes(serialize(turtle, "n3"))
    assert formats.format_for(str(path)) == "n3"
    assert len(parse.load([str(path)])) == len(turtle) > 100
    assert len(list(ox.parse(path=str(path), format=oxstore.OX_FORMATS["n3"]))) == len(turtle)
    r = CliRunner().invoke(cli, ["query", str(path), "ASK { ?s a skg:Speech }"])
    assert r.exit_code == 0 and "true" in r.output


def test_unregistering_takes_the_format_out_of_every_table(n3):
    formats.unregister("n3")
    assert "n3" not in formats.FORMATS and ".n3" not in formats.SUFFIXES and "n3" not in oxstore.OX_FORMATS
    with pytest.raises(formats.OutputError, match="unknown format 'n3'"):
        formats.format_for(None, "n3")
