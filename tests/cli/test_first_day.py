"""What a new user trips over on the command line (issue 28): counts that agree between
`build`, `stats` and the Python API, a quiet `build`, aligned `stats`, the saved queries'
formula numbers and an unknown speech."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

import speechkg.api as skg
from speechkg.cli import cli

from ..conftest import SEED

runner = CliRunner()

MEETING = "2022年1月21日，全总召开第十八届执委会第二次会议，王东明同志主持会议并讲话。"


@pytest.fixture(scope="module")
def two_speeches(tmp_path_factory):
    """Two speeches naming the same meeting, body, person and date (the second a campaign too)."""
    d = tmp_path_factory.mktemp("two")
    (d / "a.txt").write_text(MEETING, encoding="utf-8")
    (d / "b.txt").write_text(MEETING + "会议要求深入实施“技能强市”行动。", encoding="utf-8")
    return d


def _build_summary(inputs, out) -> tuple[int, int, int]:
    r = runner.invoke(cli, ["build", *map(str, inputs), "-o", str(out)])
    assert r.exit_code == 0, r.output
    m = re.fullmatch(r"(\d+) speech\(es\), (\d+) entities, (\d+) relations → .*\n", r.stderr)
    assert m, r.stderr
    return tuple(int(g) for g in m.groups())


def _stats_counts(graph) -> tuple[int, int, int]:
    r = runner.invoke(cli, ["stats", str(graph)])
    assert r.exit_code == 0, r.output
    head = r.stdout
    speeches = int(re.search(r"^speeches: (\d+)", head, re.M)[1])
    entities = int(re.search(r"^entities: (\d+) \(each once, however many speeches name it\)$", head, re.M)[1])
    relations = int(re.search(r"^relations: (\d+) \(each subject, relation, object once\)$", head, re.M)[1])
    return speeches, entities, relations


@pytest.mark.parametrize("corpus", ["seed", "two"])
def test_build_stats_and_the_api_count_alike(corpus, two_speeches, tmp_path):
    inputs = [SEED] if corpus == "seed" else [two_speeches]
    out = tmp_path / "g.nq"
    summary = _build_summary(inputs, out)
    built = skg.build(inputs)
    assert summary == _stats_counts(out) == built.counts() == skg.load(out).counts()
    assert skg.load(out).stats().by_relation["chair"] == 1
    store = tmp_path / "db"
    assert runner.invoke(cli, ["load", str(out), "--store", str(store)]).exit_code == 0
    assert skg.load(store_dir=store).counts() == summary
    if corpus == "two":  # each entity and relation once, though both speeches state them
        assert summary == (2, 5, 4)
        assert sum(len(d.entities) for d in built._result.docs) == 9  # what a sum over speeches gives


def test_build_quiet_prints_nothing_but_errors(two_speeches, tmp_path):
    (two_speeches / "empty.txt").write_text("", encoding="utf-8")  # a warning
    try:
        r = runner.invoke(cli, ["build", str(two_speeches), "-o", str(tmp_path / "g.nq"), "--quiet"])
        assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
        r = runner.invoke(cli, ["build", str(two_speeches), "-o", str(tmp_path / "g.nq")])
        assert r.stderr.startswith("Warning: empty.txt: the speech is empty")
        (two_speeches / "bad.txt").write_bytes(b"\xff\xfe\x00")  # an error: said when quiet too
        r = runner.invoke(cli, ["build", str(two_speeches), "--store", str(tmp_path / "db"), "--quiet"])
        assert (r.exit_code, r.stdout) == (1, "")
        assert r.stderr == (
            f"Skipped: {two_speeches / 'bad.txt'}: starts with a UTF-16 byte-order mark but does not "
            "decode as it; save it as UTF-8\n"
        )
    finally:
        for name in ("empty.txt", "bad.txt"):
            (two_speeches / name).unlink(missing_ok=True)


def test_stats_aligns_cjk_labels_by_display_width(two_speeches, tmp_path):
    out = tmp_path / "g.nq"
    _build_summary([two_speeches], out)
    r = runner.invoke(cli, ["stats", str(out), "--top", "3"])
    assert r.exit_code == 0, r.output
    assert r.stdout.split("most connected:\n")[1] == (
        "  全总第十八届执委会第二次会议  Meeting  degree 4  mentions 2\n"
        "  王东明                        Person   degree 2  mentions 2\n"
        "  2022-01-21                    Date     degree 1  mentions 2\n"
    )
    assert r.stdout.split("relations:")[0].endswith("  Person    1\n  Document  0\n  Concept   0\n")
