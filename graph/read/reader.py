"""One file or standard input → a Speech, with its title and byline date; the --dates file."""

from __future__ import annotations

import datetime as _dt
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from speechkg.graph.errors import InputError
from speechkg.graph.model import Speech
from speechkg.graph.read.decode import DEFAULT_MAX_BYTES, decode, display_name, mib
from speechkg.graph.read.files import read_speech_bytes, read_text
from speechkg.graph.read.head import head_date, title_line
from speechkg.graph.read.markup import docx_text, html_text

if TYPE_CHECKING:
    pass


_TITLE_END = "。：:！？；，,!?;"


def guess_title(text: str) -> str | None:
    """The first line after a web page's navigation (下载 打印 【字号】…) when it looks like a
    title: short, no closing punctuation, more text after."""
    first = title_line(text)
    if first is None or len(first) > 60 or first[-1] in _TITLE_END or re.match(r"^[一二三四五六七八九十]+、", first):
        return None
    return first


def byline_date(text: str) -> _dt.date | None:
    """The date the head of the text gives (a report's header ——2022年1月20日在…, a byline such
    as （2022年1月20日） or 时间：2022-01-20, a dateline 新华社北京1月20日电), else None."""
    return head_date(text)


def read_dates(path: str | Path) -> dict[str, _dt.date]:
    """A CSV of file,date (YYYY-MM-DD) lines: the date of each speech of a corpus."""
    import csv

    p = Path(path)
    try:
        rows = list(csv.reader(read_text(p, "dates file").splitlines()))
    except csv.Error as exc:
        raise InputError(f"{p}: not a readable dates CSV ({exc}); give file,date lines") from None
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


def read_speech(
    path: str | Path,
    date: _dt.date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    source: str | None = None,
    warnings: list[str] | None = None,
) -> Speech:
    """One file (or `-` for standard input) → Speech. `source` names it in the graph
    (default: the file name). The date is `date`, else a byline date in the text.
    Encoding guesses are reported in `warnings`."""
    if str(path) == "-":
        if sys.stdin is None:
            raise InputError("-: standard input is closed; give a file, or pipe the text in")
        data = _read_stdin(max_bytes)
        name = "-"
        text = decode(data, "-", warnings)
    else:
        p = Path(path)
        if p.is_dir():
            raise InputError(f"{display_name(str(p))}: is a directory; use expand_inputs() for directories")
        data = read_speech_bytes(p, max_bytes)
        name = display_name(source or p.name)
        suffix = p.suffix.lower()
        if suffix == ".docx":
            text = docx_text(p, max_bytes, data)
        elif suffix in (".html", ".htm"):
            text = html_text(data, str(p))
        else:
            text = decode(data, display_name(str(path)), warnings)
    return Speech(text=text, source=name, date=date or byline_date(text), title=guess_title(text))


def _read_stdin(max_bytes: int) -> bytes:
    """Standard input, at most `max_bytes`: one byte more is read to know it is over, no more
    (a pipe from an endless source is refused, never read whole)."""
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    parts, size = [], 0
    try:
        while size <= max_bytes:
            chunk = stream.read(min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
    except (OSError, ValueError) as exc:
        raise InputError(f"-: cannot read standard input ({exc}); give a file") from None
    if size > max_bytes:
        raise InputError(f"-: standard input is over the {mib(max_bytes)} limit; raise it with --max-size")
    return b"".join(parts)
