"""Files and data integrity under hostile paths and inputs (issue 15, the report's D-numbers):
output paths that are devices, FIFOs, symlinks or inputs; stores interrupted mid-build;
speech identity; output that must parse strictly; control characters; odd inputs."""

from __future__ import annotations

import os
import re
import stat
import time

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from speechkg.cli import cli
from speechkg.graph.errors import OutputError
from speechkg.graph.rdf import terms as rdf_terms
from speechkg.graph.rdf.output import STALE_TMP_SECONDS, write_atomic
from speechkg.graph.rdf.terms import MAX_LITERAL_BYTES, literal_size

from ..fifos import reading, writing

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


@pytest.mark.defect("D5")
def test_output_to_a_character_device_writes_through_it(tmp_path, speech):
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


@pytest.mark.defect("D5")
def test_output_to_a_fifo_feeds_its_reader_and_keeps_it(tmp_path, speech):
    fifo = tmp_path / "myfifo"
    os.mkfifo(fifo)
    with reading(fifo) as got:  # a reader from the start, not a thread given 0.2 s to get there
        r = build(speech, "-o", fifo)
    assert r.exit_code == 0, r.output
    assert got and got[0].startswith(b"@prefix")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.defect("D5")
def test_output_to_a_fifo_nobody_reads_is_an_error_not_a_hang(tmp_path, speech):
    fifo = tmp_path / "myfifo"
    os.mkfifo(fifo)
    r = build(speech, "-o", fifo)
    assert r.exit_code == 1
    assert r.output == f"Error: {fifo}: is a FIFO that no process is reading; start the reader first\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.defect("D5")
def test_a_symlink_is_followed_and_kept(tmp_path, speech):
    target = tmp_path / "real.ttl"
    target.write_text("old\n")
    link = tmp_path / "link.ttl"
    link.symlink_to("real.ttl")
    r = build(speech, "-o", link)
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and os.readlink(link) == "real.ttl"
    assert target.read_text(encoding="utf-8").startswith("@prefix")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "real.ttl", "s.txt"]


@pytest.mark.defect("D5")
def test_a_dangling_symlink_is_refused(tmp_path, speech):
    link = tmp_path / "link.ttl"
    link.symlink_to("nowhere.ttl")
    r = build(speech, "-o", link)
    assert r.exit_code == 1
    assert r.output == f"Error: {link}: is a symlink to nothing (nowhere.ttl); remove it or choose another path\n"
    assert not (tmp_path / "nowhere.ttl").exists()


@pytest.mark.defect("D5")
def test_write_atomic_never_renames_over_a_non_regular_file(tmp_path):
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="is not a regular file"):
        write_atomic(fifo, b"x")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.defect("D47")
def test_output_equal_to_an_input_is_refused(tmp_path, speech):
    r = build(speech, "-o", tmp_path / "." / "s.txt")
    assert r.exit_code == 1
    assert r.output == (
        f"Error: {tmp_path / '.' / 's.txt'}: is also an input, which writing would "
        "overwrite; choose another output path\n"
    )
    assert speech.read_text(encoding="utf-8") == TEXT


@pytest.mark.defect("D47")
def test_output_equal_to_the_lexicon_is_refused(tmp_path, speech):
    lex = tmp_path / "lex.csv"
    lex.write_text("label,type,aliases\n全总,Body,\n", encoding="utf-8")
    r = build(speech, "-o", lex, "--lexicon", lex, "--format", "nt")
    assert r.exit_code == 1 and "is also an input" in r.output
    assert lex.read_text(encoding="utf-8") == "label,type,aliases\n全总,Body,\n"


@pytest.mark.defect("D47")
def test_read_only_output_is_refused(tmp_path, speech):
    out = tmp_path / "g.ttl"
    out.write_text("keep\n")
    out.chmod(0o444)
    r = build(speech, "-o", out)
    assert r.exit_code == 1
    assert r.output == f"Error: {out}: is read-only; make it writable (chmod u+w) or choose another path\n"
    assert out.read_text() == "keep\n"


@pytest.mark.defect("D46")
def test_stale_temporary_files_of_ours_are_removed(tmp_path, speech):
    out = tmp_path / "g.ttl"
    stale = tmp_path / ".g.ttl.abcd1234.tmp"  # as a SIGKILLed write leaves it
    fresh = tmp_path / ".g.ttl.wxyz5678.tmp"  # another build writing right now
    other = tmp_path / ".other.ttl.abcd1234.tmp"
    for f in (stale, fresh, other):
        f.write_bytes(b"partial")
    old = time.time() - STALE_TMP_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    r = build(speech, "-o", out)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".g.ttl.wxyz5678.tmp",
        ".other.ttl.abcd1234.tmp",
        "g.ttl",
        "s.txt",
    ]


@pytest.mark.defect("D43")
def test_view_dash_writes_to_stdout(tmp_path, speech, monkeypatch):
    g = tmp_path / "g.ttl"
    assert build(speech, "-o", g).exit_code == 0
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(cli, ["view", str(g), "-o", "-"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("<!DOCTYPE html>")
    assert r.stderr == ""
    assert not (tmp_path / "-").exists()


# ------------------------------------------------------------------ D7, D45: speech identity


@pytest.mark.defect("D7")
def test_same_file_name_in_two_folders_gives_two_speeches(tmp_path):
    from speechkg.graph.quality import validate
    from speechkg.graph.rdf.parse import load
    from speechkg.ontology.namespace import SKG

    (tmp_path / "A").mkdir()
    (tmp_path / "B").mkdir()
    (tmp_path / "A" / "speech.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "B" / "speech.txt").write_text("2022年，全总召开第十八次代表大会。\n", encoding="utf-8")
    for args in ([tmp_path / "A" / "speech.txt", tmp_path / "B" / "speech.txt"], [tmp_path / "A", tmp_path / "B"]):
        out = tmp_path / "c.trig"
        r = build(*args, "-o", out)
        assert r.exit_code == 0, r.output
        ds = load(str(out))
        sources = sorted(str(o) for o in ds.objects(None, SKG.sourceFile))
        assert sources == ["A/speech.txt", "B/speech.txt"]
        assert validate.validate(ds).conforms


@pytest.mark.defect("D7")
def test_a_single_file_keeps_its_iri(tmp_path, speech):
    from speechkg.graph.build import pipeline as build_pipeline
    from speechkg.graph.rdf.emit import _h, speech_iri

    doc = build_pipeline.build([str(speech)]).docs[0]
    assert str(speech_iri(doc)).endswith("/speech/" + _h("source:s.txt"))


@pytest.mark.defect("D7")
def test_colliding_names_are_an_error(tmp_path):
    from speechkg.graph.errors import InputError
    from speechkg.graph.read.inputs import resolve_inputs

    (tmp_path / "d" / "x").mkdir(parents=True)
    (tmp_path / "x").mkdir()
    (tmp_path / "d" / "x" / "s.txt").write_text(TEXT, encoding="utf-8")  # "x/s.txt" inside d
    (tmp_path / "x" / "s.txt").write_text(TEXT + "。", encoding="utf-8")
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "s.txt").write_text(TEXT + "。。", encoding="utf-8")
    # x/s.txt and y/s.txt are told apart as x/s.txt, y/s.txt: the same name as d's x/s.txt
    with pytest.raises(InputError, match="two different inputs would be one speech named 'x/s.txt'"):
        resolve_inputs([str(tmp_path / "d"), str(tmp_path / "x" / "s.txt"), str(tmp_path / "y" / "s.txt")])


@pytest.mark.defect("D45")
def test_a_file_given_twice_is_read_once_with_a_warning(tmp_path, speech, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(cli, ["build", "s.txt", "./s.txt", str(speech), "-o", "g.ttl"])
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == [
        "Warning: ./s.txt: given more than once (as s.txt); read once",
        f"Warning: {speech}: given more than once (as s.txt); read once",
        "1 speech(es), 4 entities, 1 relations → g.ttl",
    ]


# ------------------------------------------------------------------ inputs: D22, D31, D35–D38, D50


@pytest.mark.defect("D22")
def test_a_file_name_that_is_not_utf8(tmp_path):
    name = os.fsdecode(b"bad\xffname.txt")
    (tmp_path / name).write_text(TEXT, encoding="utf-8")
    out = tmp_path / "g.nt"
    for arg in (str(tmp_path / name), str(tmp_path)):
        r = build(arg, "-o", out)
        assert r.exit_code == 0, r.output
        assert '"bad\\\\xffname.txt"' in out.read_text(encoding="utf-8")


@pytest.mark.defect("D31")
def test_a_closed_standard_input_is_one_line(monkeypatch, tmp_path):
    from speechkg.graph.errors import InputError
    from speechkg.graph.read.reader import read_speech

    monkeypatch.setattr("sys.stdin", None)
    with pytest.raises(InputError, match=r"^-: standard input is closed; give a file, or pipe the text in$"):
        read_speech("-")


@pytest.mark.defect("D35")
def test_short_gbk_is_read_as_gb18030_with_a_warning(tmp_path):
    from speechkg.graph.read.decode import decode

    warnings: list[str] = []
    assert decode("省委".encode("gbk"), "g.txt", warnings) == "省委"  # valid UTF-8 too: ʡί
    assert warnings == [
        "g.txt: read as GB18030, a guess (the text is short, and as UTF-8 it has no "
        "Chinese); if it looks wrong, save the file as UTF-8"
    ]
    warnings.clear()
    assert decode("省委。".encode("gbk"), "g.txt", warnings) == "省委。"
    assert len(warnings) == 1 and "read as GB18030, a guess" in warnings[0]
    warnings.clear()
    for text in ("café", "Привет мир", "省委召开会议。"):
        assert decode(text.encode("utf-8"), "u.txt", warnings) == text
    assert decode("省委召開會議，全總肯定。".encode("big5"), "b.txt", warnings) == "省委召開會議，全總肯定。"
    assert warnings == []


@pytest.mark.defect("D35")
def test_text_that_is_not_chinese_in_any_encoding_is_warned(tmp_path):
    from speechkg.graph.read.decode import decode

    warnings: list[str] = []
    decode("héllo wörld café, ça va".encode("cp1252"), "l.txt", warnings)
    assert len(warnings) == 1 and "does not read as Chinese" in warnings[0]


@pytest.mark.defect("D36")
def test_a_nul_after_the_first_8_kb_is_refused(tmp_path):
    f = tmp_path / "late.txt"
    f.write_bytes(TEXT.encode() * 200 + b"\x00" + TEXT.encode())
    r = build(f, "-o", tmp_path / "g.ttl")
    assert r.exit_code == 1
    assert r.output == f"Error: {f}: looks like a binary file, not text; give a .txt speech\n"


@pytest.mark.parametrize("enc", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
@pytest.mark.defect("D38")
def test_utf16_and_utf32_with_bom_are_decoded(tmp_path, enc):
    from speechkg.graph.read.decode import decode

    data = TEXT.encode(enc)
    if enc.endswith("-be"):
        data = ("\ufeff" + TEXT).encode(enc)
    assert decode(data, "x") == TEXT


def _as_nobody(fn):
    """fn() in a child process without root's right to read anything (65534 = nobody)."""
    import pickle

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.setgid(65534)
            os.setuid(65534)
            out = pickle.dumps(("ok", fn()))
        except BaseException as exc:  # noqa: BLE001
            out = pickle.dumps(("error", repr(exc)))
        os.write(w, out)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)
    assert kind == "ok", value
    return value


@pytest.mark.defect("D37")
def test_an_unreadable_subfolder_is_reported_and_exits_1():
    import shutil
    import tempfile

    top = tempfile.mkdtemp(prefix="speechkg-d37-")  # a folder nobody may enter
    try:
        os.chmod(top, 0o777)
        u = os.path.join(top, "u")
        os.makedirs(os.path.join(u, "sub"))
        for f in (os.path.join(u, "sub", "a.txt"), os.path.join(u, "b.txt")):
            with open(f, "w", encoding="utf-8") as fh:
                fh.write(TEXT)
        os.chmod(u, 0o777)
        os.chmod(os.path.join(u, "sub"), 0)
        out = os.path.join(top, "g.trig")

        def run():
            r = runner.invoke(cli, ["build", u, "-o", out, "--quiet"])
            return r.exit_code, r.stderr

        code, err = _as_nobody(run) if os.geteuid() == 0 else run()
        assert code == 1
        assert err.splitlines() == [
            f"Skipped: {u}/sub: cannot read this folder (Permission denied); its speeches were not read",
        ]  # --quiet: the error, not the summary
    finally:
        os.chmod(os.path.join(top, "u", "sub"), 0o755)
        shutil.rmtree(top)


@pytest.mark.defect("D50")
def test_a_fifo_with_no_writer_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "in.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    r = build(fifo, "-o", tmp_path / "g.ttl")
    assert r.exit_code == 1
    assert r.output == (
        f"Error: {fifo}: a FIFO with no process writing to it; start the writer first, or pipe the text to -\n"
    )
    assert time.monotonic() - started < 30  # wall time (waiting on a FIFO burns no CPU), far from a hang


@pytest.mark.defect("D50")
def test_a_fifo_with_a_writer_is_read(tmp_path):
    fifo = tmp_path / "in.txt"
    os.mkfifo(fifo)
    with writing(fifo, TEXT.encode()):  # a writer from the start, not a thread given 0.2 s to get there
        r = build(fifo, "-o", tmp_path / "g.ttl")
    assert r.exit_code == 0, r.output
    assert "两个确保" in (tmp_path / "g.ttl").read_text(encoding="utf-8")


@pytest.mark.defect("D32")
def test_a_relative_date_past_year_9999_is_not_a_date(tmp_path):
    f = tmp_path / "one.txt"
    f.write_text("明年3月，开展“五大行动”。下半年，全总开展活动。\n", encoding="utf-8")
    r = build(f, "-o", tmp_path / "g.ttl", "--date", "9999-06-01")
    assert r.exit_code == 0, r.output
    assert "10000" not in (tmp_path / "g.ttl").read_text(encoding="utf-8")


# ------------------------------------------------------------------ D6: interrupted store builds


def _corpus(tmp_path, year: int, n: int = 8):
    from speechkg.graph.build import pipeline as build_pipeline

    from ..conftest import SEED

    text = SEED.read_text(encoding="utf-8")
    text = text[: len(text) // 3]
    d = tmp_path / f"c{year}"
    d.mkdir()
    for i in range(n):
        (d / f"s{i:02d}.txt").write_text(text.replace("2021年", f"{year + i}年"), encoding="utf-8")
    return build_pipeline.build([str(d)])


def _store_state(path) -> tuple[bool, bool, dict[str, frozenset]]:
    """(every named triple in the default graph, every default triple in a named graph,
    graph name → its triples)."""
    import pyoxigraph as ox

    st = ox.Store.read_only(str(path))
    named_missing = bool(st.query("ASK { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"))
    orphans = bool(st.query("ASK { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"))
    graphs: dict[str, set] = {}
    for q in st.quads_for_pattern(None, None, None, None):
        if not isinstance(q.graph_name, ox.DefaultGraph):
            graphs.setdefault(q.graph_name.value, set()).add(str(ox.Triple(q.subject, q.predicate, q.object)))
    return not named_missing, not orphans, {g: frozenset(t) for g, t in graphs.items()}


@pytest.mark.defect("D6")
@pytest.mark.slow
def test_an_interrupted_store_update_leaves_every_speech_whole(tmp_path):
    """Interrupt the store update at several moments (a SIGALRM raising KeyboardInterrupt, as
    Ctrl-C does): each speech is old or new, never half, and the default graph their merge."""
    import gc
    import shutil
    import signal

    from speechkg.graph.rdf import oxstore

    old, new = _corpus(tmp_path, 1800), _corpus(tmp_path, 1500)
    base = tmp_path / "base"
    st = oxstore.open_store(base)
    oxstore.add_quads(st, old.quads)
    del st
    _, _, old_graphs = _store_state(base)
    full = tmp_path / "full"
    st = oxstore.open_store(full)
    started = time.monotonic()
    oxstore.add_quads(st, new.quads)
    took = time.monotonic() - started
    del st
    _, _, new_graphs = _store_state(full)
    assert old_graphs.keys() == new_graphs.keys() and len(old_graphs) == 8

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    def progress(done: list[int], stop_after: int | None) -> None:
        done[0] += 1
        if done[0] == stop_after:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    partial = 0
    try:
        # at fractions of the time a whole update took (wherever they fall: a loaded machine moves
        # them), and once right after the third speech, so that one run at least is stopped mid-way
        for k, frac in enumerate((0.15, 0.35, 0.55, 0.75, None)):
            where = tmp_path / f"run{k}"
            shutil.copytree(base, where)
            st = oxstore.open_store(where)
            done = [0]
            # no garbage collection meanwhile: a KeyboardInterrupt raised inside a gc callback (hypothesis
            # installs one) is "ignored", and pytest keeps it with its traceback, whose frames keep the
            # store open, so the read-only open below raced the writer's compaction ("Corruption")
            gc.disable()
            if frac is not None:
                signal.setitimer(signal.ITIMER_REAL, took * frac)
            try:
                stop_after = 3 if frac is None else None
                oxstore.add_quads(st, new.quads, done=lambda d=done, n=stop_after: progress(d, n))
                signal.setitimer(signal.ITIMER_REAL, 0)
            except KeyboardInterrupt:
                pass
            finally:
                gc.enable()
            del st
            merged_named, merged_default, graphs = _store_state(where)
            assert merged_named and merged_default
            assert graphs.keys() == old_graphs.keys()
            replaced = [g for g in graphs if graphs[g] == new_graphs[g]]
            assert all(graphs[g] in (old_graphs[g], new_graphs[g]) for g in graphs)
            assert done[0] <= len(replaced) <= done[0] + 1  # the signal may fall just before done()
            partial += 0 < len(replaced) < 8
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert partial  # at least one run was stopped mid-way


def test_a_store_that_cannot_be_opened_is_one_line(tmp_path, monkeypatch):
    """A read-only open reads the store's file list, then its files; a build writing the store
    meanwhile can remove one in between (seen against a real writer process: "Corruption … No such
    file", a RuntimeError and so a traceback in `query --store`, about one open in 25). One such
    failure is retried away; a lasting one is a one-line error."""
    import pyoxigraph as ox

    from speechkg.graph.rdf import oxstore

    where = tmp_path / "st"
    oxstore.add_quads(oxstore.open_store(where), [])
    real = ox.Store.read_only
    calls = []

    def flaky(path):
        calls.append(path)
        if len(calls) == 1:
            raise RuntimeError("Corruption: IO error: No such file or directory: 000058.sst")
        return real(path)

    monkeypatch.setattr(ox.Store, "read_only", staticmethod(flaky))
    oxstore.open_store(where, read_only=True)
    assert len(calls) == 2

    def broken(path):
        raise RuntimeError("Corruption: the MANIFEST is gone\nmore")

    monkeypatch.setattr(ox.Store, "read_only", staticmethod(broken))
    monkeypatch.setattr(oxstore, "_READ_ATTEMPTS", 2)  # not the 3 s of backing off that six take
    r = runner.invoke(cli, ["query", "--store", str(where), "ASK { ?s ?p ?o }"])
    assert r.exit_code == 1
    assert r.output == f"Error: {where}: cannot open the store (Corruption: the MANIFEST is gone)\n"


# ------------------------------------------------------------------ D20, D21, D33: strict output


HOSTILE = "省委召开会议\x0b。全总开展“两\x1b[31m个确保”行动\x07。\x0c\ufffe\U0001f600\u202e。\n"


@pytest.mark.parametrize(
    "suffix,fmt",
    [
        (".ttl", "TURTLE"),
        (".nt", "N_TRIPLES"),
        (".nq", "N_QUADS"),
        (".trig", "TRIG"),
        (".jsonld", "JSON_LD"),
        (".rdf", "RDF_XML"),
    ],
)
@pytest.mark.defect("D21")
def test_every_format_parses_strictly_whatever_the_text(tmp_path, suffix, fmt):
    import pyoxigraph as ox

    from speechkg.graph.rdf.parse import load

    f = tmp_path / "vt.txt"
    f.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / f"g{suffix}"
    assert build(f, "-o", out).exit_code == 0
    quads = list(ox.parse(path=str(out), format=getattr(ox.RdfFormat, fmt)))
    text = [q.object.value for q in quads if q.predicate.value.endswith("#isString")]
    want = HOSTILE
    if suffix == ".rdf":  # XML 1.0 cannot hold these characters at all: each is one U+FFFD
        want = (
            want.replace("\x0b", "\ufffd")
            .replace("\x1b", "\ufffd")
            .replace("\x07", "\ufffd")
            .replace("\x0c", "\ufffd")
            .replace("\ufffe", "\ufffd")
        )
    assert text == [want]
    load(str(out))  # and rdflib reads it


@pytest.mark.defect("D20")
def test_parts_of_a_text_too_long_for_one_literal(monkeypatch):
    """A text over the literal limit → consecutive parts under it, at line ends where it can,
    else at sentence ends, else anywhere; the parts joined are the text."""
    from speechkg.graph.build.parts import parts
    from speechkg.graph.model import Speech

    monkeypatch.setattr(rdf_terms, "MAX_LITERAL_BYTES", 300)
    line = "省委召开会议。\n"  # 22 bytes, 23 as a literal (the newline escaped)
    long_line = "全总开展“两个确保”行动。" * 30  # one line of 1,110 bytes (60 quotes)
    run = "好" * 500  # one sentence of 1,500 bytes
    speech = Speech(text=line * 40 + long_line + "\n" + run, source="s.txt", year=2021, title="T")
    found = parts(speech)
    assert "".join(p.text for p in found) == speech.text
    assert [p.source for p in found] == [f"s.txt#{k}" for k in range(1, len(found) + 1)]
    assert all(literal_size(p.text) <= 300 for p in found)
    assert {(p.year, p.title, p.date) for p in found} == {(2021, "T", None)}
    first = found[0].text
    assert first == line * first.count("\n") and literal_size(first + line) > 300  # as many lines as fit
    assert any(p.text.startswith("全总") and p.text.endswith("行动。") for p in found)  # cut at sentence ends
    # a run cut every 298 // 6 = 49 characters, then packed: two of 49 3-byte characters a part
    assert [len(p.text) for p in found[-3:]] == [98, 98, 500 - 98 * 5]
    assert parts(Speech(text=line * 10, source="s.txt")) == [Speech(text=line * 10, source="s.txt")]


@given(
    st.text(
        alphabet=st.sampled_from(list('省委召开会议全总。！？；\n\r\t\x0b\x1c\u2028\u0085"\\\x01') + ["\U0001f600"]),
        max_size=3000,
    )
)
@settings(max_examples=200, deadline=None)
@pytest.mark.defect("D20")
def test_parts_are_the_text_cut_under_the_limit(text):
    """Whatever the text (line breaks of every kind, escaped characters, runs with no break), its
    parts joined are the text and each is under the limit."""
    from speechkg.graph.build.parts import parts
    from speechkg.graph.model import Speech

    old = MAX_LITERAL_BYTES
    rdf_terms.MAX_LITERAL_BYTES = 200  # not monkeypatch: hypothesis runs the body many times
    try:
        found = parts(Speech(text=text, source="s"))
    finally:
        rdf_terms.MAX_LITERAL_BYTES = old
    assert "".join(p.text for p in found) == text
    assert all(literal_size(p.text) <= 200 for p in found)
    assert len(found) == 1 or all(p.text for p in found)


@pytest.mark.defect("D20")
def test_a_text_over_the_literal_limit_is_built_in_parts(tmp_path, monkeypatch):
    """`build` of a text too long for one literal builds its parts, says so on one line, and
    writes the graph the parts would give as files of their names."""
    monkeypatch.setattr(rdf_terms, "MAX_LITERAL_BYTES", 1000)
    text = "".join(
        f"{m}月{d}日，省委召开第{d}次常委会会议。全总开展“两个确保”行动。\n" for m in (3, 4) for d in range(1, 11)
    )
    f = tmp_path / "long.txt"
    f.write_text(text, encoding="utf-8")
    from speechkg.graph.build.parts import parts
    from speechkg.graph.model import Speech

    found = parts(Speech(text=text, source="long.txt"))
    assert len(found) > 1
    r = runner.invoke(cli, ["build", str(f), "-o", str(tmp_path / "g.nq"), "--date", "2021-05-01"])
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines()[0] == (
        "Warning: long.txt: 0.0 MiB of text, more than one RDF literal may hold (0.0 MiB, what strict "
        f"parsers read): built as {len(found)} speeches, long.txt#1 to long.txt#{len(found)}, split at line ends"
    )
    assert r.stderr.splitlines()[1].startswith(f"{len(found)} speech(es), ")
    (tmp_path / "parts").mkdir()
    for part in found:
        (tmp_path / "parts" / part.source).write_text(part.text, encoding="utf-8")
    r = build(*(tmp_path / "parts" / p.source for p in found), "-o", tmp_path / "p.nq", "--date", "2021-05-01")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "g.nq").read_bytes() == (tmp_path / "p.nq").read_bytes()
    for name in ("g.nq", "p.nq"):
        assert f"long.txt#{len(found)}".encode() in (tmp_path / name).read_bytes()


@pytest.mark.defect("D20")
def test_the_parts_of_an_undated_text_share_the_year_of_the_whole(monkeypatch):
    """Without a date, the year that relative dates resolve against is inferred from the whole
    text once (its most frequent explicit year), and every part keeps it: a part that names no
    year still reads 去年 as the year before it."""
    from speechkg.graph.build.parts import in_parts
    from speechkg.graph.model import Speech

    monkeypatch.setattr(rdf_terms, "MAX_LITERAL_BYTES", 1000)
    text = "2019年，省委召开全会。\n" * 20 + "去年12月，全总开展“两个确保”行动。\n" * 40
    warnings: list[str] = []
    found = in_parts(Speech(text=text, source="long.txt"), warnings)
    assert len(found) > 2
    assert {part.year for part in found} == {2019}
    assert "2019" not in found[-1].text
    assert len(warnings) == 1 and warnings[0].startswith("long.txt: ")


@pytest.mark.defect("D20")
def test_a_row_or_a_python_text_over_the_limit_is_built_in_parts(tmp_path, monkeypatch):
    import json

    import speechkg.api as skg

    monkeypatch.setattr(rdf_terms, "MAX_LITERAL_BYTES", 1000)
    text = "省委召开常委会会议，研究部署全总开展的“两个确保”行动。\n" * 30
    rows = tmp_path / "c.jsonl"
    rows.write_text(json.dumps({"id": "a", "text": text, "date": "2021-01-02"}, ensure_ascii=False) + "\n")
    r = runner.invoke(cli, ["build", str(rows), "-o", str(tmp_path / "g.nq")])
    assert r.exit_code == 0, r.output
    assert "built as 3 speeches, a#1 to a#3" in r.stderr
    assert "\n3 speech(es), " in r.stderr
    kg = skg.build_text(text, date="2021-01-02", source="a")
    rows = kg.query("SELECT ?source { ?s skg:sourceFile ?source }")
    assert sorted(str(row["source"]) for row in rows) == ["a#1", "a#2", "a#3"]


@pytest.mark.defect("D20")
def test_the_writer_refuses_any_literal_over_the_limit(monkeypatch):
    from rdflib import Literal, URIRef

    from speechkg.graph.rdf import terms as rdf_terms
    from speechkg.graph.rdf.write import serialize

    monkeypatch.setattr(rdf_terms, "MAX_LITERAL_BYTES", 100)
    with pytest.raises(OutputError, match="over the 0.0 MiB strict parsers read"):
        serialize([(URIRef("http://e/s"), URIRef("http://e/p"), Literal("x" * 200), None)], "nt")


@pytest.mark.defect("D33")
def test_a_literal_over_16_mib_is_a_one_line_error(tmp_path, monkeypatch):
    from speechkg.graph.rdf import oxstore

    f = tmp_path / "long.nt"
    with open(f, "w", encoding="ascii") as fh:
        fh.write('<http://e/s> <http://e/p> "' + "a" * (17 * 2**20) + '" .\n')
    monkeypatch.setattr(oxstore, "LARGE", 0)
    r = runner.invoke(cli, ["query", str(f), "ASK { ?s ?p ?o }"])
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {f}: not a readable nt graph (")
    assert r.output.endswith("a literal or IRI over 16 MiB, or too little memory); split the file's long values\n")
    assert r.output.count("\n") == 1


# ------------------------------------------------------------------ D8: terminal output


@pytest.fixture
def hostile_graph(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("全总开展“两\x1b[31m个确保\x07”行动。\n", encoding="utf-8")
    g = tmp_path / "a.ttl"
    assert build(f, "-o", g).exit_code == 0
    return g


@pytest.mark.defect("D8")
def test_no_control_character_reaches_a_terminal_table(hostile_graph):
    outputs = [
        runner.invoke(cli, ["query", str(hostile_graph), "SELECT ?l WHERE { ?e skos:prefLabel ?l }"]),
        runner.invoke(cli, ["timeline", str(hostile_graph), "--entity", "全总"]),
        runner.invoke(cli, ["stats", str(hostile_graph)]),
        runner.invoke(cli, ["compare", str(hostile_graph), str(hostile_graph)]),
    ]
    for r in outputs:
        assert r.exit_code == 0, r.output
        assert not any(c in r.stdout for c in "\x1b\x07"), r.stdout
    assert "两\\x1b[31m个确保\\x07" in outputs[0].stdout
    assert "    全总开展“两\\x1b[31m个确保\\x07”行动。" in outputs[1].stdout.splitlines()
    assert "两\\x1b[31m个确保\\x07" in outputs[2].stdout


@pytest.mark.defect("D8")
def test_printable_keeps_text_and_escapes_controls():
    from speechkg.graph.text import printable

    assert printable("省委\x1b[2J\x07\x9b\x7f ok") == "省委\\x1b[2J\\x07\\x9b\\x7f ok"


# ------------------------------------------------------------------ D27, D29, D30, D34, D48


@pytest.mark.defect("D27")
def test_non_integer_values_in_a_graph_are_one_line_errors(tmp_path, hostile_graph):
    text = hostile_graph.read_text(encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        text.replace('nif:beginIndex "0"^^xsd:nonNegativeInteger', 'nif:beginIndex "abc"^^xsd:nonNegativeInteger'),
        encoding="utf-8",
    )
    assert '"abc"' in bad.read_text(encoding="utf-8")
    r = runner.invoke(cli, ["view", str(bad), "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 1
    assert re.fullmatch(
        r"Error: \S+: nif:beginIndex 'abc' is not an integer; the graph is malformed "
        r"\(check it with `speechkg validate`\)\n",
        r.output,
    )
    num = tmp_path / "num.ttl"
    num.write_text(
        "@prefix skg: <https://w3id.org/speechkg#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<http://e/a> a skg:Goal ; skos:prefLabel "五大行动" ; skg:number "five" .\n',
        encoding="utf-8",
    )
    r = runner.invoke(cli, ["compare", str(num), str(hostile_graph)])
    assert r.exit_code == 1
    assert r.output == (
        "Error: http://e/a: skg:number 'five' is not an integer; the graph is malformed "
        "(check it with `speechkg validate`)\n"
    )


@pytest.mark.defect("D29")
def test_csv_fields_over_the_csv_limit_are_one_line_errors(tmp_path, speech):
    lex = tmp_path / "l.csv"
    lex.write_text("label,type,aliases\n全总,Body," + "a" * 300_000 + "\n", encoding="utf-8")
    r = build(speech, "-o", tmp_path / "g.ttl", "--lexicon", lex)
    assert r.exit_code == 1
    assert r.output == (
        f"Error: {lex}: not a readable CSV lexicon (field larger than field limit "
        "(131072)); labels and aliases are at most 200 characters\n"
    )
    dates = tmp_path / "d.csv"
    dates.write_text("file,date\ns.txt," + "1" * 300_000 + "\n", encoding="utf-8")
    r = build(speech, "-o", tmp_path / "g.ttl", "--dates", dates)
    assert r.exit_code == 1
    assert r.output == (
        f"Error: {dates}: not a readable dates CSV (field larger than field limit (131072)); give file,date lines\n"
    )


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1"])
@pytest.mark.defect("D30")
def test_max_size_must_be_a_positive_finite_number(tmp_path, speech, value):
    r = build(speech, "-o", tmp_path / "g.ttl", "--max-size", value)
    assert r.exit_code == 2
    assert f"Invalid value for '--max-size': {float(value)!r} is not a size; give a positive number of MiB" in r.output


@pytest.mark.defect("D34")
def test_long_lexicon_names_are_refused(tmp_path, speech):
    lex = tmp_path / "l.yaml"
    lex.write_text("- label: 全总\n  type: Body\n  aliases: [" + "a" * 100_000 + "]\n", encoding="utf-8")
    r = build(speech, "-o", tmp_path / "g.ttl", "--lexicon", lex)
    assert r.exit_code == 1
    assert r.output == (
        f"Error: {lex}: entry 1: a label or alias of 100,000 characters is over the "
        "200-character limit; names are short\n"
    )


@pytest.mark.defect("D34")
def test_yaml_aliases_are_refused(tmp_path, speech):
    lex = tmp_path / "bomb.yaml"
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefg"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    lex.write_text("\n".join(lines) + "\n", encoding="utf-8")  # 9^8 leaves if expanded
    started = time.process_time()
    r = build(speech, "-o", tmp_path / "g.ttl", "--lexicon", lex)
    assert r.exit_code == 1
    assert r.output == (f"Error: {lex}: not valid YAML (anchors and aliases (&, *) are not allowed, line 1)\n")
    assert time.process_time() - started < 5  # CPU: expanding 9^8 leaves burns it, a loaded machine does not


@pytest.mark.defect("D34")
def test_a_plain_yaml_lexicon_still_loads(tmp_path):
    from speechkg.graph.extract.lexicon import load_user

    lex = tmp_path / "l.yaml"
    lex.write_text("- label: 全国总工会\n  type: Body\n  aliases: [全总]\n", encoding="utf-8")
    assert [(e.label, e.aliases) for e in load_user(lex).entries] == [("全国总工会", ("全总",))]


@pytest.mark.parametrize("nest", ["list", "bnode"])
@pytest.mark.defect("D48")
def test_deep_turtle_nesting_reads_and_too_deep_is_clear(tmp_path, nest, monkeypatch):
    from speechkg.graph.rdf import parse as rdf_parse

    def deep(d: int) -> str:
        inner = "(" * d + "1" + ")" * d if nest == "list" else "[ <http://e/p> " * d + "1" + " ]" * d
        return "<http://e/s> <http://e/p> " + inner + " .\n"

    ok = tmp_path / "ok.ttl"
    ok.write_text(deep(2000), encoding="ascii")
    r = runner.invoke(cli, ["query", str(ok), "ASK { ?s ?p ?o }"])
    assert (r.exit_code, r.output) == (0, "true\n")
    monkeypatch.setattr(rdf_parse, "MAX_NESTING", 100)
    r = runner.invoke(cli, ["query", str(ok), "ASK { ?s ?p ?o }"])
    assert r.exit_code == 1
    assert r.output == (
        f"Error: {ok}: nested deeper than speechkg reads (collections or blank nodes "
        "over 100 levels); flatten the file\n"
    )
