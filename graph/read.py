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
TEXT_SUFFIXES = (".txt", ".md")
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


def read_speech(path: str | Path, date: _dt.date | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None) -> Speech:
    """One file (or `-` for standard input) → Speech. `source` names it in the graph
    (default: the file name)."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        name = "-"
    else:
        p = Path(path)
        if p.is_dir():
            raise InputError(f"{p}: is a directory; use expand_inputs() for directories")
        data = read_bytes(p, max_bytes)
        name = source or p.name
    text = decode(data, str(path))
    return Speech(text=text, source=name, date=date, title=guess_title(text))


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
