from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "provincial-union-2022.txt"
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "eval" / "seed-gold.json"


def need_shared(path: Path) -> Path:
    """`path` under ../shared, or skip the test: a plain clone has no ../shared beside it (CI has)."""
    if not path.exists():
        pytest.skip(f"{path} is missing: the shared files (../shared) sit beside the repository")
    return path


@pytest.fixture(scope="session")
def gold_file() -> Path:
    """The seed's hand annotation."""
    return need_shared(GOLD)


@pytest.fixture(scope="session")
def gold(gold_file) -> dict:
    return json.loads(gold_file.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def scorer():
    """The project's scorer (../shared/eval/score.py), loaded as a module."""
    spec = importlib.util.spec_from_file_location("score", need_shared(GOLD.parent / "score.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_build():
    from speechkg.graph.build.pipeline import build

    return build([str(SEED)])


@pytest.fixture(scope="session")
def seed_doc(seed_build):
    return seed_build.docs[0]


@pytest.fixture(scope="session")
def seed_ttl(tmp_path_factory, seed_build) -> Path:
    from speechkg.graph.build.pipeline import write

    out = tmp_path_factory.mktemp("seed") / "seed.ttl"
    write(seed_build, str(out))
    return out


@pytest.fixture(scope="session")
def small_ttl(tmp_path_factory) -> Path:
    """The graph of one short speech, for tests that need a graph but not the seed's, which takes
    seconds to parse each time a command reads it."""
    from speechkg.graph.build.pipeline import build, write

    d = tmp_path_factory.mktemp("small")
    text = d / "small.txt"
    text.write_text("2022年3月1日，省总工会召开全省工会工作会议，部署开展“五大行动”。", encoding="utf-8")
    write(build([str(text)]), str(d / "small.ttl"))
    return d / "small.ttl"


def doc_of(text: str, year: int | None = 2022):
    """A processed Doc for a short inline text (the speech year given)."""
    from speechkg.graph.build.steps import process
    from speechkg.graph.model import Speech

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


def build_dated(d: Path, texts: dict[str, tuple[str, str]], name: str = "corpus.nq") -> Path:
    """Build the speeches `texts` (file name → (text, YYYY-MM-DD)) written in `d`, each with
    its date (--dates), without the name model: the N-Quads file made."""
    from click.testing import CliRunner

    from speechkg.cli import cli

    dates = ["file,date"]
    for file, (text, date) in texts.items():
        (d / file).write_text(text, encoding="utf-8")
        dates.append(f"{file},{date}")
    (d / "dates.csv").write_text("\n".join(dates) + "\n", encoding="utf-8")
    out = d / name
    args = ["build", *(str(d / n) for n in texts), "--dates", str(d / "dates.csv"), "-o", str(out), "--ner", "none"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    return out
