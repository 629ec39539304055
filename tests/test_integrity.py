"""Files and data integrity under hostile paths and inputs (issue 15, the report's D-numbers):
output paths that are devices, FIFOs, symlinks or inputs; stores interrupted mid-build;
speech identity; output that must parse strictly; control characters; odd inputs."""
from __future__ import annotations

import os
import stat
import threading
import time

import pytest
from click.testing import CliRunner

from cli import cli
from graph import store
from graph.errors import OutputError

runner = CliRunner()

TEXT = "2月21日，省委召开工青妇工作会议。全总开展“两个确保”行动。\n"


@pytest.fixture
def speech(tmp_path):
    f = tmp_path / "s.txt"
    f.write_text(TEXT, encoding="utf-8")
    return f


def build(*args: str):
    return runner.invoke(cli, ["build", *map(str, args), "--quiet"])


# ------------------------------------------------------------------ D5, D43, D46, D47: -o


def test_d5_output_to_a_character_device_writes_through_it(tmp_path, speech):
    dev = tmp_path / "mynull"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # our own /dev/null
    except PermissionError:
        pytest.skip("mknod needs root")
    r = build(speech, "-o", dev)
    assert r.exit_code == 0, r.output
    assert stat.S_ISCHR(dev.lstat().st_mode)
    assert os.major(dev.lstat().st_rdev) == 1 and os.minor(dev.lstat().st_rdev) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mynull", "s.txt"]


def test_d5_output_to_a_fifo_feeds_its_reader_and_keeps_it(tmp_path, speech):
    fifo = tmp_path / "myfifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    time.sleep(0.2)
    r = build(speech, "-o", fifo)
    reader.join(10)
    assert r.exit_code == 0, r.output
    assert got and got[0].startswith(b"@prefix")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_d5_output_to_a_fifo_nobody_reads_is_an_error_not_a_hang(tmp_path, speech):
    fifo = tmp_path / "myfifo"
    os.mkfifo(fifo)
    r = build(speech, "-o", fifo)
    assert r.exit_code == 1
    assert r.output == f"Error: {fifo}: is a FIFO that no process is reading; start the reader first\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_d5_a_symlink_is_followed_and_kept(tmp_path, speech):
    target = tmp_path / "real.ttl"
    target.write_text("old\n")
    link = tmp_path / "link.ttl"
    link.symlink_to("real.ttl")
    r = build(speech, "-o", link)
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and os.readlink(link) == "real.ttl"
    assert target.read_text(encoding="utf-8").startswith("@prefix")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "real.ttl", "s.txt"]


def test_d5_a_dangling_symlink_is_refused(tmp_path, speech):
    link = tmp_path / "link.ttl"
    link.symlink_to("nowhere.ttl")
    r = build(speech, "-o", link)
    assert r.exit_code == 1
    assert r.output == f"Error: {link}: is a symlink to nothing (nowhere.ttl); remove it or choose another path\n"
    assert not (tmp_path / "nowhere.ttl").exists()


def test_d5_write_atomic_never_renames_over_a_non_regular_file(tmp_path):
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="is not a regular file"):
        store.write_atomic(fifo, b"x")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_d47_output_equal_to_an_input_is_refused(tmp_path, speech):
    r = build(speech, "-o", tmp_path / "." / "s.txt")
    assert r.exit_code == 1
    assert r.output == (f"Error: {tmp_path / '.' / 's.txt'}: is also an input, which writing would "
                        "overwrite; choose another output path\n")
    assert speech.read_text(encoding="utf-8") == TEXT


def test_d47_output_equal_to_the_lexicon_is_refused(tmp_path, speech):
    lex = tmp_path / "lex.csv"
    lex.write_text("label,type,aliases\n全总,Body,\n", encoding="utf-8")
    r = build(speech, "-o", lex, "--lexicon", lex, "--format", "nt")
    assert r.exit_code == 1 and "is also an input" in r.output
    assert lex.read_text(encoding="utf-8") == "label,type,aliases\n全总,Body,\n"


def test_d47_read_only_output_is_refused(tmp_path, speech):
    out = tmp_path / "g.ttl"
    out.write_text("keep\n")
    out.chmod(0o444)
    r = build(speech, "-o", out)
    assert r.exit_code == 1
    assert r.output == f"Error: {out}: is read-only; make it writable (chmod u+w) or choose another path\n"
    assert out.read_text() == "keep\n"


def test_d46_stale_temporary_files_of_ours_are_removed(tmp_path, speech):
    out = tmp_path / "g.ttl"
    stale = tmp_path / ".g.ttl.abcd1234.tmp"  # as a SIGKILLed write leaves it
    fresh = tmp_path / ".g.ttl.wxyz5678.tmp"  # another build writing right now
    other = tmp_path / ".other.ttl.abcd1234.tmp"
    for f in (stale, fresh, other):
        f.write_bytes(b"partial")
    old = time.time() - store.STALE_TMP_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    r = build(speech, "-o", out)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".g.ttl.wxyz5678.tmp", ".other.ttl.abcd1234.tmp", "g.ttl", "s.txt"]


def test_d43_view_dash_writes_to_stdout(tmp_path, speech, monkeypatch):
    g = tmp_path / "g.ttl"
    assert build(speech, "-o", g).exit_code == 0
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(cli, ["view", str(g), "-o", "-"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("<!DOCTYPE html>")
    assert r.stderr == ""
    assert not (tmp_path / "-").exists()
