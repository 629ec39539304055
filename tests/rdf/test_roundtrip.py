"""Every format speechkg writes parses with a strict, independent parser (Oxigraph) to the
same number of triples or quads that rdflib reads; IRIs stay valid whatever the input."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph

from speechkg.cli import cli

FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, "turtle", False),
    "nt": (ox.RdfFormat.N_TRIPLES, "nt", False),
    "rdf": (ox.RdfFormat.RDF_XML, "xml", False),
    "trig": (ox.RdfFormat.TRIG, "trig", True),
    "nq": (ox.RdfFormat.N_QUADS, "nquads", True),
    "jsonld": (ox.RdfFormat.JSON_LD, "json-ld", True),
}
_BAD_IRI = re.compile(r"[\s<>\"{}|^`\\\x00-\x1f]")


def rdflib_count(path, fmt: str, quads: bool) -> int:
    if quads:
        ds = Dataset()
        ds.parse(path, format=fmt)
        return sum(1 for _ in ds.quads((None, None, None, None)))
    return len(Graph().parse(path, format=fmt))


def strict_count(path, fmt) -> list:
    return list(ox.parse(path=str(path), format=fmt))


@pytest.mark.parametrize("suffix", sorted(FORMATS))
@pytest.mark.slow
def test_seed_round_trip(tmp_path, seed_path, suffix):
    out = tmp_path / f"seed.{suffix}"
    assert CliRunner().invoke(cli, ["build", str(seed_path), "-o", str(out)]).exit_code == 0
    oxfmt, rdfformat, quads = FORMATS[suffix]
    parsed = strict_count(out, oxfmt)
    assert len(parsed) == rdflib_count(out, rdfformat, quads) > 1000
    for q in parsed:
        for term in (q.subject, q.predicate, q.object):
            if isinstance(term, ox.NamedNode):
                assert not _BAD_IRI.search(term.value)


@pytest.mark.parametrize("name", ["with space.txt", 'quo"te<>.txt', "表情😀.txt", "a{b}|c^d`e.txt"])
def test_hostile_file_names_give_valid_iris(tmp_path, name):
    f = tmp_path / name
    f.write_text("2月21日，省委召开工青妇工作会议。", encoding="utf-8")
    out = tmp_path / "g.nq"
    r = CliRunner().invoke(cli, ["build", str(f), "-o", str(out), "--date", "2022-03-01"])
    assert r.exit_code == 0, r.output
    parsed = strict_count(out, ox.RdfFormat.N_QUADS)
    assert len(parsed) == rdflib_count(out, "nquads", True)
    assert any(isinstance(q.object, ox.Literal) and q.object.value == name for q in parsed)
