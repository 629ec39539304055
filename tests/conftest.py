from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "provincial-union-2022.txt"
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "eval" / "seed-gold.json"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_build():
    from speechkg.graph import pipeline

    return pipeline.build([str(SEED)])


@pytest.fixture(scope="session")
def seed_doc(seed_build):
    return seed_build.docs[0]


@pytest.fixture(scope="session")
def seed_ttl(tmp_path_factory, seed_build) -> Path:
    from speechkg.graph import pipeline

    out = tmp_path_factory.mktemp("seed") / "seed.ttl"
    pipeline.write(seed_build, str(out))
    return out


def doc_of(text: str, year: int | None = 2022):
    """A processed Doc for a short inline text (the speech year given)."""
    from speechkg.graph.model import Speech
    from speechkg.graph.pipeline import process

    return process(Speech(text=text, source="inline.txt", year=year))


def ents(text: str, year: int | None = 2022) -> set[tuple[str, str]]:
    """(type, canonical label) of every entity found in `text`."""
    return {(e.type, e.label) for e in doc_of(text, year).entities}


def labels(text: str, type_: str, year: int | None = 2022) -> set[str]:
    out = set()
    for e in doc_of(text, year).entities:
        if e.type == type_:
            out |= {e.label, *e.aliases}
    return out
