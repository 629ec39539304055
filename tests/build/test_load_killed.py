"""A `load` killed outright (SIGKILL) part-way never leaves a store that reads as complete
(attack 3, B22): the next command says in one line that the store is incomplete, and a load
run to its end makes it whole again."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from speechkg.cli import cli

from ..conftest import ROOT

runner = CliRunner()

#: run as a process of its own: the load, sent a signal (argv[1]) once it has bulk-loaded 200
#: quads of the new graph (after the store was emptied, with --replace), as from outside
KILLED_LOAD = """
import os, signal, sys
from speechkg.graph.rdf import loading

real = loading._with_default
sig = signal.Signals[sys.argv.pop(1)]

def dying(scan):
    for n, quad in enumerate(real(scan)):
        if n == 200:
            os.kill(os.getpid(), sig)
        yield quad

loading._with_default = dying
from speechkg.cli import cli
cli(sys.argv[1:])
"""

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _graph(tmp_path, name: str, text: str):
    f = tmp_path / f"{name}.txt"
    f.write_text(text, encoding="utf-8")
    out = tmp_path / f"{name}.nq"
    r = runner.invoke(cli, ["build", str(f), "-o", str(out), "--ner", "none", "--quiet"])
    assert r.exit_code == 0, r.output
    return out


def _count(store) -> str:
    r = runner.invoke(cli, ["query", "--store", str(store), QUERY, "--format", "csv"])
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.mark.defect("B22")
@pytest.mark.parametrize("replace", [True, False])
def test_a_killed_load_leaves_a_store_that_says_it_is_incomplete(tmp_path, replace):
    old = _graph(tmp_path, "old", "2022年1月21日，省委召开全省工会工作会议。\n")
    new = _graph(tmp_path, "new", "2023年3月2日，全总召开十八届执委会议，开展“两个确保”行动。\n" * 20)
    store = tmp_path / "store"
    assert runner.invoke(cli, ["load", str(old), "--store", str(store)]).exit_code == 0
    before = _count(store)
    args = ["load", str(new), "--store", str(store), *(["--replace"] if replace else [])]
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_LOAD, "SIGKILL", *args], cwd=ROOT, capture_output=True, timeout=120
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    r = runner.invoke(cli, ["query", "--store", str(store), QUERY])
    assert (r.exit_code, r.output) == (
        1,
        f"Error: {store}: a `speechkg load` into this store did not finish (it was stopped or killed), "
        "so the store may hold part of what it was loading; load the files again "
        "(with --replace to start from empty)\n",
    )
    r = runner.invoke(cli, ["load", str(new), "--store", str(store), *(["--replace"] if replace else [])])
    assert r.exit_code == 0, r.output
    assert _count(store) != before


@pytest.mark.defect("B22", "B14")
@pytest.mark.parametrize("sig, code, word", [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")])
def test_a_stopped_load_says_what_it_left(tmp_path, sig, code, word):
    old = _graph(tmp_path, "old", "2022年1月21日，省委召开全省工会工作会议。\n")
    new = _graph(tmp_path, "new", "2023年3月2日，全总召开十八届执委会议，开展“两个确保”行动。\n" * 20)
    store = tmp_path / "store"
    assert runner.invoke(cli, ["load", str(old), "--store", str(store)]).exit_code == 0
    args = ["load", str(new), "--store", str(store), "--replace"]
    proc = subprocess.run([sys.executable, "-c", KILLED_LOAD, sig, *args], cwd=ROOT, capture_output=True, timeout=120)
    assert (proc.returncode, proc.stderr.decode()) == (
        code,
        f"Error: {word}; 0 of the 1 file(s) were loaded, into the emptied store, and the store may hold part "
        "of the next; it reads as incomplete until a load runs to its end: load them again\n",
    )
    r = runner.invoke(cli, ["query", "--store", str(store), QUERY])
    assert r.exit_code == 1 and "did not finish" in r.output
