"""Files, directories and standard input → `Speech` objects.

Text is decoded as UTF-8 (with or without BOM) when it is valid UTF-8, otherwise
with the encoding charset-normalizer detects (GB18030/GBK, Big5, …). Binary files
and undecodable bytes are refused with an `InputError` naming the file.
"""
from __future__ import annotations

import datetime as _dt
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import InputError
from .model import Speech

#: File suffixes read as speeches when a directory is given.
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx")
#: Files larger than this are refused before they are read whole.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_TITLE_END = "。：:！？；，,!?;"


def decode(data: bytes, name: str) -> str:
    """Bytes → str: UTF-8 first, then the encoding charset-normalizer finds."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not text; give a .txt speech")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16", "utf_32", "cp1252"]).best()
        if best is None or best.encoding is None:
            best = from_bytes(data).best()
        if best is None or best.encoding is None:
            raise InputError(
                f"{name}: cannot decode the text (not UTF-8 and no known encoding fits); "
                "save it as UTF-8") from None
        text = str(best)
    # one newline convention, so offsets mean the same on every platform
    return text.replace("\r\n", "\n").replace("\r", "\n")


def guess_title(text: str) -> str | None:
    """The first line when it looks like a title: short, no closing punctuation, more text after."""
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    if len(lines) < 2:
        return None
    first = lines[0]
    if len(first) > 60 or first[-1] in _TITLE_END or re.match(r"^[一二三四五六七八九十]+、", first):
        return None
    return first


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, refusing a missing, unreadable or oversized file."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None
    if size > max_bytes:
        raise InputError(
            f"{path}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit; "
            "raise it with --max-size")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None


_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
           "blockquote", "pre")


def html_text(data: bytes, name: str) -> str:
    """The main text of a saved web page: scripts, styles, navigation, headers and footers
    dropped; one paragraph a line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                     "iframe", "svg", "template"]):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for br in root.find_all("br"):
        br.replace_with("\n")
    lines = []
    for block in root.find_all(_BLOCKS):
        if block.find(_BLOCKS):
            continue  # only innermost blocks, so no paragraph is read twice
        text = block.get_text("", strip=False)
        lines.extend(ln.strip() for ln in text.split("\n"))
    if not lines:
        lines = [ln.strip() for ln in root.get_text("\n").split("\n")]
    body = [ln for ln in lines if ln]
    if title and (not body or body[0] != title):
        body.insert(0, title)
    return "\n".join(body)


def docx_text(path: Path) -> str:
    """The paragraphs of a .docx file, one a line (tables' cells too)."""
    import docx

    try:
        d = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several types for a bad package
        raise InputError(f"{path}: not a readable .docx file ({type(exc).__name__}); "
                         "save it again from a word processor") from None
    lines = [p.text.strip() for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines.extend(c.text.strip() for c in row.cells)
    return "\n".join(ln for ln in lines if ln)


_BYLINE_DATE = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")


def byline_date(text: str) -> _dt.date | None:
    """A date in the first lines (a byline such as （2022年1月20日）), else None."""
    for line in [ln for ln in text.split("\n") if ln.strip()][:4]:
        m = _BYLINE_DATE.search(line)
        if m and len(line.strip()) <= 40:
            try:
                return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def read_dates(path: str | Path) -> dict[str, _dt.date]:
    """A CSV of file,date (YYYY-MM-DD) lines: the date of each speech of a corpus."""
    import csv

    p = Path(path)
    try:
        rows = list(csv.reader(p.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot read the dates file ({exc})") from None
    out = {}
    for n, row in enumerate(rows, 1):
        if not row or (n == 1 and row[0].strip().lower() in ("file", "filename", "source")):
            continue
        if len(row) < 2:
            raise InputError(f"{p}: line {n} needs file,date")
        try:
            out[row[0].strip()] = _dt.date.fromisoformat(row[1].strip())
        except ValueError:
            raise InputError(f"{p}: line {n}: {row[1].strip()!r} is not a date; use YYYY-MM-DD") from None
    return out


def read_speech(path: str | Path, date: _dt.date | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None) -> Speech:
    """One file (or `-` for standard input) → Speech. `source` names it in the graph
    (default: the file name). The date is `date`, else a byline date in the text."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        name = "-"
        text = decode(data, "-")
    else:
        p = Path(path)
        if p.is_dir():
            raise InputError(f"{p}: is a directory; use expand_inputs() for directories")
        data = read_bytes(p, max_bytes)
        name = source or p.name
        suffix = p.suffix.lower()
        if suffix == ".docx":
            text = docx_text(p)
        elif suffix in (".html", ".htm"):
            text = html_text(data, str(p))
        else:
            text = decode(data, str(path))
    return Speech(text=text, source=name, date=date or byline_date(text), title=guess_title(text))


def expand_inputs(inputs: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(path, source name) for each input; directories expanded recursively, sorted.

    The source name identifies a speech in the graph, independent of the working
    directory: a file's name, or its path inside the directory that was given.
    """
    for item in inputs:
        if item == "-":
            yield item, "-"
            continue
        p = Path(item)
        if not p.exists() and any(c in item for c in "*?["):
            matches = sorted(Path().glob(item)) if not p.is_absolute() else \
                sorted(Path(p.anchor).glob(str(p.relative_to(p.anchor))))
            if not matches:
                raise InputError(f"{item}: no file matches this pattern")
            for f in matches:
                if f.is_file():
                    yield str(f), f.name
            continue
        if p.is_dir():
            found = sorted(f for f in p.rglob("*")
                           if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES)
            if not found:
                raise InputError(
                    f"{p}: no speech files in this directory (looked for "
                    f"{', '.join(TEXT_SUFFIXES)})")
            for f in found:
                yield str(f), f.relative_to(p).as_posix()
        else:
            yield item, p.name
