"""Hostile inputs at size n and 10n: does `speechkg build` grow linearly, and stay bounded?

    python benchmarks/bench_hostile.py [--only NAME,...] [--big] [--out benchmarks/RESULTS.md]

Each family of the reliability report (../shared/reliability/REPORT.md, D9–D12, D20) is made
here at n and at 10n, and built by `python -m speechkg build IN -o OUT.nq --quiet` in a child
process; the table gives its wall time, CPU time (user + system) and peak RSS, from the
child's own resource usage (os.wait4), and the 10n / n ratio of the CPU times (the target is at
most 12; CPU time, because the machine is shared and wall time swings with its load). An input
that speechkg refuses by design (an archive that would inflate past the limit) is a row too:
the refusal's time should not grow with what the archive claims. `--big` adds the 4 MB / 40 MB
speech (about three minutes).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from report import emit

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "provincial-union-2022.txt"
NUMERALS = "一二三四五六七八九十"


def seed_text(nbytes: int) -> str:
    """The seed speech repeated to about `nbytes` bytes of UTF-8."""
    text = SEED.read_text(encoding="utf-8") + "\n"
    return text * max(1, round(nbytes / len(text.encode("utf-8"))))


def quoted_campaigns(n: int) -> str:
    """D9: n quoted, numbered campaigns in one sentence (开展“七大行动0”活动，…)."""
    return "".join(f"开展“{NUMERALS[i % 10]}大行动{i}”活动，" for i in range(n)) + "。"


def one_line(chars: int) -> str:
    """One line of `chars` characters with punctuation but no sentence end."""
    unit = "省委召开“五大行动”会议，全总开展送温暖活动，"
    return (unit * (chars // len(unit) + 1))[:chars]


def mentions_in_one_sentence(n: int) -> str:
    """n bodies listed in one sentence, no 。 (relations.top_level's quadratic case)."""
    return "会议由" + "、".join(f"{NUMERALS[i % 10]}省委" for i in range(n)) + "共同召开"


def meetings_in_one_sentence(n: int) -> str:
    """n bodies and persons each convening, chairing or hosting a meeting in one sentence, no 。
    (each was paired with every meeting after it: cubic until fcad443)."""
    units = ("{}市委召开全市工作会议、", "市长张{}主持召开全市工作会议、", "由{}市委主办的全市工作会议、")
    return "".join(units[i % 3].format(NUMERALS[i % 10]) for i in range(n))


def headings(n: int) -> str:
    """n numbered headings with a subheading each (一、标题0 / （一）小节)."""
    return "".join(f"{NUMERALS[i % 10]}、标题{i}\n（一）小节\n" for i in range(n))


def html_nested(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + "省委召开会议。" + "</div>" * depth + "</body></html>"


def html_unclosed(n: int) -> str:
    return "<html><body>" + "<p><b><i>全总开展送温暖活动。" * n + "</body></html>"


def html_dense(n: int) -> str:
    """D19's html_huge.html: n short paragraphs of two mentions each (100,000 is its 6.6 MB)."""
    return (
        "<html><body>" + "".join(f"<p>省委召开第{i}次会议，开展“五大行动”。</p>" for i in range(n)) + "</body></html>"
    )


def html_page(nbytes: int) -> str:
    """A page of <p> paragraphs, each a line of the seed, to about `nbytes` bytes."""
    lines = [ln for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    out, size, i = ["<html><head><title>讲话</title></head><body>"], 0, 0
    while size < nbytes:
        p = f"<p>{lines[i % len(lines)]}</p>\n"
        out.append(p)
        size += len(p.encode("utf-8"))
        i += 1
    return "".join(out + ["</body></html>"])


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
    'main+xml"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx(path: Path, paragraphs: list[str]) -> None:
    """A minimal .docx of these paragraphs."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _DOCX_TYPES)
        z.writestr("_rels/.rels", _DOCX_RELS)
        z.writestr("word/document.xml", xml)


def text_file(make: Callable[[int], str], suffix: str = ".txt") -> Callable[[Path, int], Path]:
    def write(directory: Path, n: int) -> Path:
        path = directory / f"in-{n}{suffix}"
        path.write_text(make(n), encoding="utf-8")
        return path

    return write


def docx_paragraphs(directory: Path, n: int) -> Path:
    """A .docx of n paragraphs, the seed's sentences in a random order (a real document's
    XML inflates about 5–20:1; the same lines over and over would be refused as a bomb)."""
    import random

    path = directory / f"paras-{n}.docx"
    sentences = [s + "。" for s in SEED.read_text(encoding="utf-8").replace("\n", "").split("。") if s]
    rng = random.Random(n)
    docx(path, ["".join(rng.sample(sentences, 3)) for _ in range(n)])
    return path


def docx_bomb(directory: Path, megabytes: int) -> Path:
    """D11: a small .docx whose XML inflates to `megabytes` MB of paragraphs."""
    path = directory / f"bomb-{megabytes}.docx"
    docx(path, ["省委召开会议。"] * (megabytes * 2**20 // 50))
    return path


#: name → (what it is, how it is made, n, the unit of n)
FAMILIES: dict[str, tuple[str, Callable[[Path, int], Path], int, str]] = {
    "quotes": ("D9 quoted numbered campaigns in one sentence", text_file(quoted_campaigns), 5_000, "campaigns"),
    "line": ("one line with punctuation and no sentence end", text_file(one_line), 500_000, "characters"),
    "mentions": ("bodies listed in one sentence", text_file(mentions_in_one_sentence), 2_000, "bodies"),
    "meetings": (
        "bodies and persons holding meetings in one sentence",
        text_file(meetings_in_one_sentence),
        2_000,
        "meetings",
    ),
    "headings": ("numbered headings and subheadings", text_file(headings), 2_000, "headings"),
    "speech": ("a speech (the seed repeated)", text_file(seed_text), 1_000_000, "bytes"),
    "nested": ("D10 nested <div>", text_file(html_nested, ".html"), 2_000, "levels"),
    "unclosed": ("D10 unclosed <p><b><i>", text_file(html_unclosed, ".html"), 3_000, "paragraphs"),
    "page": ("an HTML page of <p> paragraphs", text_file(html_page, ".html"), 1_000_000, "bytes"),
    "dense": ("D19 an HTML page dense with mentions", text_file(html_dense, ".html"), 15_200, "paragraphs"),
    "docx": (".docx of paragraphs", docx_paragraphs, 2_000, "paragraphs"),
    "bomb": ("D11 .docx inflating to n MB (refused)", docx_bomb, 20, "MB"),
}
BIG = {"bigspeech": ("a speech (the seed repeated), 4 MB → 40 MB", text_file(seed_text), 4_000_000, "bytes")}


def run(path: Path, out: Path) -> tuple[float, float, float, int]:
    """Build `path` in a child process → (wall s, CPU s, peak MB, exit status)."""
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "speechkg", "build", str(path), "-o", str(out), "--quiet"]
    pid = os.posix_spawn(sys.executable, cmd, dict(os.environ), file_actions=_quiet())
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def _quiet() -> list:
    return [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0), (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]


def _made(name: str, directory: Path, size: int) -> Path:
    """The input made in a child process, so that this one stays small (a child's peak memory
    starts from its parent's)."""
    import subprocess

    cmd = [sys.executable, __file__, "--make", name, str(size), str(directory)]
    return Path(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip())


def main() -> None:
    if sys.argv[1:2] == ["--make"]:  # a child of _made
        name, size, directory = sys.argv[2:5]
        print({**FAMILIES, **BIG}[name][1](Path(directory), int(size)))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="comma-separated family names: " + ", ".join([*FAMILIES, *BIG]))
    ap.add_argument("--big", action="store_true", help="add the 4 MB / 40 MB speech")
    ap.add_argument("--out", help="append the table to this Markdown file")
    args = ap.parse_args()
    families = {**FAMILIES, **(BIG if args.big else {})}
    if args.only:
        wanted = args.only.split(",")
        families = {k: v for k, v in {**FAMILIES, **BIG}.items() if k in wanted}
    rows = [
        "| input | n | size | wall s | CPU s | peak MB | exit | CPU 10n / n |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, (what, _, n, unit) in families.items():
            cpu = []
            for size in (n, 10 * n):
                path = _made(name, work, size)
                wall, used, peak, code = run(path, work / "out.nq")
                cpu.append(used)
                ratio = f"{cpu[1] / cpu[0]:.1f}×" if len(cpu) == 2 else ""
                mb = path.stat().st_size / 1e6
                row = f"| {what} | {size:,} {unit} | {mb:.2f} MB | {wall:.1f} | {used:.1f} | {peak:,.0f} | {code} "
                row += f"| {ratio} |"
                rows.append(row)
                print(row, flush=True)
                path.unlink()
    emit(rows, args.out)


if __name__ == "__main__":
    main()
